/**
 * Cold start to /health (issue 14): how long from starting the server process until GET /health
 * answers 200, as an operator's `npm start` would (NODE_ENV=production, a new PORT and DATABASE_PATH).
 * The JavaScript is built first (`npm run build`, untimed), so the figures are of the current sources.
 * Cases, RUNS times each, median printed:
 *  - `first_start`: `node dist/server.js` on a database that does not exist yet (created and migrated,
 *    the box's certificate authority made on the way);
 *  - `restart`: the same on the demo village's database (bench/demo.ts), already migrated, its
 *    certificates already made: target ≤ 0.8 s;
 *  - `npm_start`: `npm start` itself on that database (npm and a shell on top): target ≤ 1.2 s;
 *  - `restart_tsx`: the restart with the TypeScript sources run through tsx, as `npm start` did before
 *    issue 14 (no target; for comparison).
 * Prints one JSON line per case, with the load average at its start; exits 1 if a target is missed.
 */
import os from 'node:os'
import path from 'node:path'
import { spawn, spawnSync } from 'node:child_process'
import { demoDatabase } from './demo.ts'
import { emit, freePort, median, root, startServer, tempDir, untilHealthy } from './harness.ts'

const RUNS = Number(process.env.RUNS ?? 5)
const TARGET_MS: Record<string, number> = { restart: 800, npm_start: 1200 }

const built = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' })
if (built.status !== 0) throw new Error(`npm run build failed (${built.status ?? built.signal})`)

const dir = tempDir('bp-bench-start-')
const demo = path.join(dir, 'demo.sqlite')
await demoDatabase(demo)
const env = { SESSION_SECRET: 'bench-secret-0123456789abcdefghijklmnop' }

async function viaNode(script: string, databasePath: string): Promise<number> {
  const server = await startServer(script, { ...env, DATABASE_PATH: databasePath })
  server.stop()
  return server.startMs
}

/** `npm start` in its own process group, so that npm, the shell and node all stop together. */
async function viaNpm(databasePath: string): Promise<number> {
  const port = await freePort()
  let httpsPort = await freePort()
  while (httpsPort === port) httpsPort = await freePort()
  const t0 = performance.now()
  const child = spawn('npm', ['start', '--silent'], {
    cwd: root,
    stdio: 'ignore',
    detached: true,
    env: {
      ...process.env,
      ...env,
      DATABASE_PATH: databasePath,
      PORT: String(port),
      HTTPS_PORT: String(httpsPort),
      HOST: '127.0.0.1',
    },
  })
  try {
    return await untilHealthy(`http://127.0.0.1:${port}`, child, t0, 30_000)
  } finally {
    process.kill(-child.pid!, 'SIGKILL')
  }
}

// The first start of the demo database makes its certificates: not part of any case.
await viaNode('dist/server.js', demo)

let fresh = 0
const cases: [string, () => Promise<number>][] = [
  ['first_start', () => viaNode('dist/server.js', path.join(dir, `fresh-${fresh++}`, 'bal-panchayat.sqlite'))],
  ['restart', () => viaNode('dist/server.js', demo)],
  ['npm_start', () => viaNpm(demo)],
  ['restart_tsx', () => viaNode('src/server.ts', demo)],
]
let missed = false
for (const [name, start] of cases) {
  const loadAtStart = Number(os.loadavg()[0].toFixed(2))
  const runs: number[] = []
  for (let i = 0; i < RUNS; i++) runs.push(await start())
  const ms = Math.round(median(runs))
  const target = TARGET_MS[name]
  const ok = target === undefined ? undefined : ms <= target
  if (ok === false) missed = true
  emit({
    figure: 'cold_start',
    case: name,
    median_ms: ms,
    ...(target === undefined ? {} : { target_ms: target, ok }),
    runs_ms: runs.map(Math.round),
    runs: RUNS,
    load_avg_1m: loadAtStart,
    ...(name === 'first_start' ? { note: 'empty database: created and migrated, certificate authority made' } : {}),
    ...(name === 'restart_tsx' ? { note: 'TypeScript through tsx, as npm start ran before issue 14' } : {}),
  })
}
if (missed) process.exitCode = 1
