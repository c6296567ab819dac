/** What the benchmarks share: servers in their own processes, load from autocannon, one JSON line per figure. */
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { spawn, type ChildProcess } from 'node:child_process'
import autocannon from 'autocannon'
import { Tablet } from '../tests/helpers/tablet-client.ts'

export const root = path.resolve(import.meta.dirname, '..')

/**
 * How `npm start` runs the server (package.json): the environment it sets (the allocator's arenas)
 * and Node's flags (the heap's bounds), given to every server a benchmark starts, so that each runs
 * as the box runs it.
 */
const startWords = (
  JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }
).scripts.start.split(/\s+/)
export const startEnv: Record<string, string> = Object.fromEntries(
  startWords
    .filter((w) => /^[A-Z_][A-Z0-9_]*=/.test(w))
    .map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]),
)
export const startNodeFlags = startWords.filter((word) => word.startsWith('--'))

/** A throw-away folder, removed when the benchmark process ends however it ends. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net
      .createServer()
      .once('error', reject)
      .listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo
        server.close(() => resolve(port))
      })
  })
}

export type Server = { child: ChildProcess; base: string; pid: number; startMs: number; stop(): void }
const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

/**
 * Starts `script` (a path from the project root) as `node --import tsx script` (a compiled `.js`, such as
 * dist/server.js, as `node script`), in production mode on a free loopback port (and a second one for
 * HTTPS), and waits until GET /health answers 200. `startMs` is how long that took.
 */
export async function startServer(script: string, env: Record<string, string>, timeoutMs = 30_000): Promise<Server> {
  const port = await freePort()
  // src/server.ts also listens for HTTPS (HTTPS_PORT, 3443 unless told): a free port of its own,
  // so that two servers, or a server someone else has running, never collide.
  let httpsPort = await freePort()
  while (httpsPort === port) httpsPort = await freePort()
  const t0 = performance.now()
  // BENCH_SERVER_LOG=file keeps the servers' own log (the app's warnings of slow requests) for a look afterwards.
  const log = process.env.BENCH_SERVER_LOG ? fs.openSync(process.env.BENCH_SERVER_LOG, 'a') : 'ignore'
  const child = spawn(
    process.execPath,
    [...startNodeFlags, ...(script.endsWith('.js') ? [script] : ['--import', 'tsx', script])],
    {
      cwd: root,
      stdio: ['ignore', log, log],
      env: {
        ...process.env,
        ...startEnv,
        NODE_ENV: 'production',
        HTTPS_PORT: String(httpsPort),
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
      },
    },
  )
  if (typeof log === 'number') fs.closeSync(log)
  running.add(child)
  const base = `http://127.0.0.1:${port}`
  const stop = () => {
    child.kill('SIGKILL')
    running.delete(child)
  }
  const startMs = await untilHealthy(base, child, t0, timeoutMs).catch((err) => {
    stop()
    throw err
  })
  return { child, base, pid: child.pid!, startMs, stop }
}

/** Polls /health every 10 ms; returns the milliseconds from `t0` to its first 200. */
export async function untilHealthy(base: string, child: ChildProcess, t0: number, timeoutMs: number): Promise<number> {
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before /health answered`)
    try {
      const res = await fetch(`${base}/health`)
      await res.text()
      if (res.status === 200) return performance.now() - t0
    } catch {
      /* not listening yet */
    }
    if (performance.now() - t0 > timeoutMs) throw new Error(`${base}/health did not answer within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** Resident set size of a process (the figure process.memoryUsage().rss gives inside it), and its peak, in MB. */
export function rssOf(pid: number): { rss_mb: number; peak_rss_mb: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN)
  return { rss_mb: mb(kb('VmRSS') * 1024), peak_rss_mb: mb(kb('VmHWM') * 1024) }
}

/**
 * CPU time a process has used, user and system, in ms (/proc/<pid>/stat; Linux counts it in ticks of
 * 10 ms: USER_HZ is 100 on every Linux the box runs). Over a few seconds of load that is to within a
 * percent.
 */
export function cpuMsOf(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

export const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10
export const round1 = (x: number) => Math.round(x * 10) / 10
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

/** autocannon with the figures the benchmarks print: answers by status class, per second, and latency in ms. */
export async function load(options: autocannon.Options) {
  const samples: number[] = []
  const res = await autocannon({ timeout: 10, ...options }).on('response', (_client, _status, _bytes, ms) => {
    samples.push(ms)
  })
  const answered = res['1xx'] + res['2xx'] + res['3xx'] + res['4xx'] + res['5xx']
  return {
    res,
    answered,
    /** Every response's latency in ms. */
    samples,
    perSecond: (status: '2xx' | '3xx') => res[status] / res.duration,
    /** Anything but the expected status class, plus connection errors and timeouts. */
    failures: (expected: '2xx' | '3xx') => answered - res[expected] + res.errors,
    latency: { p50_ms: round1(res.latency.p50), p99_ms: round1(res.latency.p99), max_ms: round1(res.latency.max) },
  }
}

export function emit(figure: Record<string, unknown>): void {
  console.log(JSON.stringify(figure))
}

/** A browser-like client logged in as `username` (through GET and POST /login, with the CSRF token). */
export async function loggedIn(base: string, username: string, password: string): Promise<Tablet> {
  const t = new Tablet(base)
  await t.send('GET', '/login')
  const res = await t.send('POST', '/login', { username, password })
  if (res.status !== 303) throw new Error(`login as ${username} answered ${res.status}`)
  return t
}

export const cookieHeader = (t: Tablet) => [...t.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
