/**
 * Cold start to /health (issue: performance): how long from starting the server process until
 * GET /health answers 200, as an operator's `npm start` would (NODE_ENV=production, a new PORT and
 * DATABASE_PATH). Two cases, RUNS times each, median printed:
 *  - `first_start`: `node --import tsx src/server.ts` on a database that does not exist yet
 *    (created and migrated on the way);
 *  - `restart`: the same on the demo village's database (bench/demo.ts), already migrated;
 *  - `npm_start`: `npm start` itself on that database (npm and the tsx command line on top).
 * Prints one JSON line per case.
 */
import path from 'node:path'
import { spawn } from 'node:child_process'
import { demoDatabase } from './demo.ts'
import { emit, freePort, median, root, startServer, tempDir, untilHealthy } from './harness.ts'

const RUNS = Number(process.env.RUNS ?? 5)
const dir = tempDir('bp-bench-start-')
const demo = path.join(dir, 'demo.sqlite')
await demoDatabase(demo)
const env = { SESSION_SECRET: 'bench-secret-0123456789abcdefghijklmnop' }

async function viaNode(databasePath: string): Promise<number> {
  const server = await startServer('src/server.ts', { ...env, DATABASE_PATH: databasePath })
  server.stop()
  return server.startMs
}

/** `npm start` in its own process group, so that npm, tsx and node all stop together. */
async function viaNpm(databasePath: string): Promise<number> {
  const port = await freePort()
  const httpsPort = await freePort()
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

const cases: [string, () => Promise<number>][] = [
  [
    'first_start',
    (() => {
      let n = 0
      return () => viaNode(path.join(dir, `fresh-${n++}`, 'bal-panchayat.sqlite'))
    })(),
  ],
  ['restart', () => viaNode(demo)],
  ['npm_start', () => viaNpm(demo)],
]
for (const [name, start] of cases) {
  const runs: number[] = []
  for (let i = 0; i < RUNS; i++) runs.push(await start())
  emit({
    figure: 'cold_start',
    case: name,
    median_ms: Math.round(median(runs)),
    runs_ms: runs.map(Math.round),
    runs: RUNS,
    ...(name === 'first_start' ? { note: 'empty database: created and migrated' } : {}),
  })
}
