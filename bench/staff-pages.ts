/**
 * Staff pages against a bare eta page with the same number of rows (issue: performance), with
 * autocannon. The app (dist/server.js as `npm start` runs it: built by bench/run.ts) serves the demo village (bench/demo.ts) to a
 * logged-in facilitator (register list, election result) and Gram Panchayat member (inbox); the
 * yardstick (bench/bare-eta-server.ts) is fastify + @fastify/view rendering an eta table of as many
 * rows, with nothing else. Each is loaded at 10 connections for PAGE_SECONDS, ROUNDS times, the two
 * taking turns (app, bare, app, bare…) after a 1 s warm-up of each, so that a moment when the machine
 * is busier falls on both; the figure is the median of each. Prints one JSON line per page: requests a
 * second of each, the ratio, and each round's ratio (how steady it was).
 */
import path from 'node:path'
import { demoDatabase, demoPassword } from './demo.ts'
import { cookieHeader, emit, load, loggedIn, startServer, tempDir } from './harness.ts'

const SECONDS = Number(process.env.PAGE_SECONDS ?? 3)
const ROUNDS = Number(process.env.ROUNDS ?? 5)
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const CONNECTIONS = 10
const dir = tempDir('bp-bench-pages-')
const file = path.join(dir, 'demo.sqlite')
const ids = await demoDatabase(file)
const app = await startServer('dist/server.js', {
  DATABASE_PATH: file,
  SESSION_SECRET: 'bench-secret-0123456789abcdefghijklmnop',
})
const bare = await startServer('bench/bare-eta-server.ts', {})
try {
  const facilitator = cookieHeader(await loggedIn(app.base, 'facilitator', demoPassword))
  const panchayat = cookieHeader(await loggedIn(app.base, 'panchayat', demoPassword))
  const pages = [
    { page: 'register', path: `/villages/${ids.villageId}/children`, cookie: facilitator, rows: ids.rows.register },
    { page: 'result', path: `/elections/${ids.finished}/result`, cookie: facilitator, rows: ids.rows.result },
    { page: 'inbox', path: '/inbox', cookie: panchayat, rows: ids.rows.inbox },
  ]
  let failed = false
  for (const p of pages) {
    const appUrl = app.base + p.path
    const bareUrl = `${bare.base}/rows/${p.rows}`
    const sizes = await Promise.all([fetchHtml(appUrl, p.cookie), fetchHtml(bareUrl, '')])
    const headersOf = (cookie: string): Record<string, string> => (cookie ? { cookie } : {})
    await load({ url: appUrl, connections: CONNECTIONS, duration: 1, headers: headersOf(p.cookie) })
    await load({ url: bareUrl, connections: CONNECTIONS, duration: 1, headers: {} })
    const rounds: { a: Awaited<ReturnType<typeof load>>; b: Awaited<ReturnType<typeof load>> }[] = []
    for (let r = 0; r < ROUNDS; r++) {
      const a = await load({ url: appUrl, connections: CONNECTIONS, duration: SECONDS, headers: headersOf(p.cookie) })
      const b = await load({ url: bareUrl, connections: CONNECTIONS, duration: SECONDS, headers: {} })
      rounds.push({ a, b })
    }
    const appRps = median(rounds.map((r) => r.a.perSecond('2xx')))
    const bareRps = median(rounds.map((r) => r.b.perSecond('2xx')))
    const a = rounds.find((r) => r.a.perSecond('2xx') === appRps)!.a
    const b = rounds.find((r) => r.b.perSecond('2xx') === bareRps)!.b
    const bad = rounds.reduce((n, r) => n + r.a.failures('2xx') + r.b.failures('2xx'), 0)
    if (bad) failed = true
    emit({
      figure: 'staff_page_ratio',
      page: p.page,
      path: p.path.replace(/\d+/g, ':id'),
      rows: p.rows,
      connections: CONNECTIONS,
      seconds: SECONDS,
      app_rps: Math.round(appRps),
      bare_rps: Math.round(bareRps),
      ratio: Number((appRps / bareRps).toFixed(2)),
      rounds_ratio: rounds.map((r) => Number((r.a.perSecond('2xx') / r.b.perSecond('2xx')).toFixed(2))),
      app_p50_ms: a.latency.p50_ms,
      app_p99_ms: a.latency.p99_ms,
      bare_p50_ms: b.latency.p50_ms,
      bare_p99_ms: b.latency.p99_ms,
      app_html_bytes: sizes[0],
      bare_html_bytes: sizes[1],
      failed: bad,
    })
  }
  if (failed) process.exitCode = 1
} finally {
  app.stop()
  bare.stop()
}

/** The page's HTML size, checking it is a 200 (a redirect to the login would measure the wrong page). */
async function fetchHtml(url: string, cookie: string): Promise<number> {
  const res = await fetch(url, { headers: cookie ? { cookie } : {}, redirect: 'manual' })
  const body = Buffer.from(await res.arrayBuffer())
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`)
  return body.length
}
