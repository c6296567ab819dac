/**
 * Staff pages against a bare eta page with the same number of rows (issue 14), with autocannon. The
 * app (dist/server.js as `npm start` runs it: built by bench/run.ts) serves the demo village
 * (bench/demo.ts) to a logged-in facilitator (register list, election result) and Gram Panchayat
 * member (inbox); the yardstick (bench/bare-eta-server.ts) is fastify + @fastify/view rendering an eta
 * table of as many rows, with nothing else. Each is loaded at 10 connections for PAGE_SECONDS, ROUNDS
 * times, the two taking turns after a 1 s warm-up of each, so that a moment
 * when the machine is busier falls on both.
 *
 * The figure is what a page costs: the server's CPU time for each answer (its process's user and
 * system time over the round, divided by the answers), the bare table's against the app's, as issue
 * 14 states its target ("a staff page costs 2–3 ms of CPU against 0.1 ms for a bare eta table"). Both
 * servers are saturated in every round (each keeps one of the two cores busy: checked, 0.95–1.06), so
 * requests a second are the same ratio seen through the load generator and the scheduler, which on
 * this 2-core VM move it by ±30 % from round to round; they are printed too.
 *
 * Each round is a pair, the app's 3 s and the bare table's next to it (in turn first and second), and
 * the figure is the median of the pairs' ratios: the VM's speed drifts by a third within minutes, and
 * a ratio of the two medians (printed as `ratio_of_medians`) can set a slow moment's app against a fast
 * moment's table: on 30 Nov 23:39 it gave 0.244 for rounds whose own ratios were 0.24–0.38 (six of
 * seven at 0.30 or more).
 */
import path from 'node:path'
import { demoDatabase, demoPassword } from './demo.ts'
import { cookieHeader, cpuMsOf, emit, load, loggedIn, median, startServer, tempDir } from './harness.ts'

const SECONDS = Number(process.env.PAGE_SECONDS ?? 3)
// Odd: the median is one of the rounds (the latency printed is that round's).
const ROUNDS = Number(process.env.ROUNDS ?? 7)
const CONNECTIONS = 10
/** Issue 14: a staff page costs at most four times the bare table's CPU. */
const TARGET = 0.25
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
    type Round = { load: Awaited<ReturnType<typeof load>>; cpuUs: number }
    /** One round on one server: the load, and the server's CPU µs per answer over it. */
    const round = async (pid: number, url: string, cookie: string): Promise<Round> => {
      const before = cpuMsOf(pid)
      const result = await load({ url, connections: CONNECTIONS, duration: SECONDS, headers: headersOf(cookie) })
      return { load: result, cpuUs: ((cpuMsOf(pid) - before) * 1000) / Math.max(1, result.answered) }
    }
    const rounds: { a: Round; b: Round }[] = []
    for (let r = 0; r < ROUNDS; r++) {
      // In turn first: neither server always meets the machine a few seconds later.
      if (r % 2 === 0) {
        const a = await round(app.pid, appUrl, p.cookie)
        rounds.push({ a, b: await round(bare.pid, bareUrl, '') })
      } else {
        const b = await round(bare.pid, bareUrl, '')
        rounds.push({ a: await round(app.pid, appUrl, p.cookie), b })
      }
    }
    const appUs = median(rounds.map((r) => r.a.cpuUs))
    const bareUs = median(rounds.map((r) => r.b.cpuUs))
    const appRps = median(rounds.map((r) => r.a.load.perSecond('2xx')))
    const bareRps = median(rounds.map((r) => r.b.load.perSecond('2xx')))
    const a = rounds.find((r) => r.a.load.perSecond('2xx') === appRps)!.a.load
    const b = rounds.find((r) => r.b.load.perSecond('2xx') === bareRps)!.b.load
    const bad = rounds.reduce((n, r) => n + r.a.load.failures('2xx') + r.b.load.failures('2xx'), 0)
    const paired = median(rounds.map((r) => r.b.cpuUs / r.a.cpuUs))
    const ratio = Number(paired.toFixed(3))
    // Held or not on the ratio itself, not on its rounding.
    if (bad || paired < TARGET) failed = true
    emit({
      figure: 'staff_page_ratio',
      page: p.page,
      path: p.path.replace(/\d+/g, ':id'),
      rows: p.rows,
      connections: CONNECTIONS,
      seconds: SECONDS,
      ratio,
      target: TARGET,
      ok: paired >= TARGET,
      ratio_of_medians: Number((bareUs / appUs).toFixed(3)),
      app_cpu_us: Math.round(appUs),
      bare_cpu_us: Math.round(bareUs),
      rounds_ratio: rounds.map((r) => Number((r.b.cpuUs / r.a.cpuUs).toFixed(2))),
      rps_ratio: Number((appRps / bareRps).toFixed(2)),
      app_rps: Math.round(appRps),
      bare_rps: Math.round(bareRps),
      rounds_rps_ratio: rounds.map((r) => Number((r.a.load.perSecond('2xx') / r.b.load.perSecond('2xx')).toFixed(2))),
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
