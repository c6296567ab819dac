/**
 * Casting on the tablet, under load (issue: polling day), with autocannon. In one run:
 *  - a bare fastify + better-sqlite3 server doing one durable insert per request (WAL, synchronous=FULL),
 *    50 connections as fast as they go (bench/bare-server.ts);
 *  - the app's real cast request (POST /elections/:id/ballot: secret ballot + check-off, durable)
 *    driven the same way, each request a fresh ballot already issued to a child (autocannon's
 *    setupRequest hands every request its own tablet session cookie and ballot token);
 *  - the same cast at a steady 200 casts a second over 50 connections, for its latency;
 *  - the rest of VOTES casts, then the server's resident memory.
 * Prints one JSON line per figure: cast throughput against the bare inserts (must be ≥ 0.5), the
 * latency of a cast at 50 connections (p99 must be ≤ 25 ms at 200 casts/s), and RSS after VOTES votes.
 */
import fs from 'node:fs'
import path from 'node:path'
import { randomBytes, randomUUID } from 'node:crypto'
import Sqlite from 'better-sqlite3'
import cookie from '@fastify/cookie'
import { openDatabase } from '../src/db/client.ts'
import { children, consents } from '../src/people/tables.ts'
import { benchFixture } from './fixture.ts'
import { bornYearsBefore, todayIso } from '../src/web/dates.ts'
import { emit, load, loggedIn, mb, round1, rssOf, startServer, tempDir } from './harness.ts'

const CONNECTIONS = 50
const SECONDS = Number(process.env.SECONDS ?? 10)
/** Votes cast in all, over every phase; the memory figure is read after the last. */
const VOTES = Number(process.env.VOTES ?? 100_000)
/** Casts a second in the latency run: 50 tablets at one cast every quarter second each. */
const RATE = 200
const SESSION_SECRET = 'bench-secret-0123456789abcdefghijklmnop'
const dir = tempDir('bp-bench-vote-')

async function bare(): Promise<number> {
  const server = await startServer('bench/bare-server.ts', { BARE_DB: path.join(dir, `bare-${Date.now()}.sqlite`) })
  try {
    const run = await load({
      url: `${server.base}/insert`, connections: CONNECTIONS, duration: SECONDS, method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'contest=1',
    })
    if (run.failures('3xx')) throw new Error(`bare server: ${run.failures('3xx')} failed requests`)
    return run.perSecond('3xx')
  } finally {
    server.stop()
  }
}

/** The village, an open poll, and VOTES children on the roll; returns the running app. */
async function startApp() {
  const file = path.join(dir, 'app.sqlite')
  const database = openDatabase(file)
  database.sqlite.pragma('synchronous = OFF') // set-up only
  const { ctx, villageId, electionId, contestId, candidateIds } = await benchFixture(database, { seats: 10, candidates: 20 })
  // Set-up, not measured: the voters are written in one transaction (addChild, one by one, takes a
  // minute for 100,000), with the rows addChild writes: the child and the guardian's consent.
  const now = new Date()
  const voters = database.db.transaction((tx) => Array.from({ length: VOTES }, (_, i) => {
    const child = tx.insert(children).values({
      villageId, name: `Voter ${i}`, gender: i % 2 ? 'boy' : 'girl', dateOfBirth: bornYearsBefore(9 + (i % 9)), ward: String(1 + (i % 6)),
      school: '', schoolClass: '', inSchool: true, outOfSchoolReason: null, guardianName: 'Guardian', guardianPhone: '', createdAt: now, updatedAt: now,
    }).returning({ id: children.id }).get()
    tx.insert(consents).values({ childId: child.id, givenOn: todayIso(), recordedBy: ctx.actor.id, recordedAt: now }).run()
    return child.id
  }))
  database.close()
  const server = await startServer('src/server.ts', { DATABASE_PATH: file, SESSION_SECRET })
  return { server, file, electionId, contestId, candidateIds, voters }
}

type Run = Awaited<ReturnType<typeof startApp>>
type Cast = { cookie: string; body: string }

/**
 * A tablet per child holding a ballot issued to them, as if the facilitator had just confirmed
 * them: one real login and station, whose session is copied per child (set-up, not measured).
 */
async function preIssued(run: Run): Promise<Cast[]> {
  const t = await loggedIn(run.server.base, 'bench', 'bench-password')
  await t.send('GET', `/elections/${run.electionId}/station`)
  await t.send('POST', `/elections/${run.electionId}/station`, { pin: '2468', confirm: '2468' })
  // A light page for the CSRF token: the station's own page would draw the whole roll of VOTES children.
  await t.send('GET', '/account/password')
  const sessionId = decodeURIComponent(t.cookies.get('bp_session')!).slice(0, -44).replace(/\.$/, '')
  const sqlite = new Sqlite(run.file)
  sqlite.pragma('synchronous = OFF')
  const original = JSON.parse(sqlite.prepare('SELECT data FROM sessions WHERE id = ?').pluck().get(sessionId) as string)
  const insert = sqlite.prepare('INSERT INTO sessions (id, user_id, data, expires_at) VALUES (?, ?, ?, ?)')
  const casts = sqlite.transaction(() => run.voters.map((childId) => {
    const id = randomBytes(24).toString('base64url')
    const token = randomUUID()
    const data = { ...original, station: { ...original.station, unlocked: false, ballot: { childId, token, issuedAt: Date.now() } } }
    insert.run(id, original.userId, JSON.stringify(data), Date.now() + 3_600_000)
    const body = new URLSearchParams({ _csrf: t.csrf, token, [`c_${run.contestId}`]: String(run.candidateIds[childId % run.candidateIds.length]) })
    return { cookie: `bp_session=${encodeURIComponent(cookie.sign(id, SESSION_SECRET))}`, body: body.toString() }
  }))()
  sqlite.close()
  return casts
}

/** autocannon on the cast request, each request taking the next ballot from `queue`. */
function casting(run: Run, queue: { casts: Cast[]; next: number }, options: { connections?: number; duration?: number; amount?: number; overallRate?: number }) {
  return load({
    url: run.server.base, connections: CONNECTIONS, ...options, ...(options.overallRate ? { ignoreCoordinatedOmission: true } : {}),
    requests: [{
      method: 'POST', path: `/elections/${run.electionId}/ballot`,
      setupRequest: (request) => {
        // Past the last ballot (only with a small VOTES) the last one is sent again: refused (409), counted as a failure.
        const cast = queue.casts[Math.min(queue.next++, queue.casts.length - 1)]
        return { ...request, headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cast.cookie }, body: cast.body }
      },
    }],
  })
}

/**
 * 50 tablets casting at a steady RATE in all. autocannon's own rate limit sends each connection's
 * share at the start of every second, all connections together (a burst of 50 casts at once, not a
 * pace), so each tablet is its own one-connection autocannon at RATE/50 casts a second, the 50
 * started 1/50 s apart: the casts are spread over the second as tablets in a hall would be.
 */
async function pacedCasting(run: Run, queue: { casts: Cast[]; next: number }) {
  const perTablet = RATE / CONNECTIONS
  const runs = await Promise.all(Array.from({ length: CONNECTIONS }, async (_, k) => {
    await new Promise((r) => setTimeout(r, (k * 1000) / CONNECTIONS))
    return casting(run, queue, { connections: 1, overallRate: perTablet, duration: SECONDS })
  }))
  // Percentiles over every tablet's casts together.
  const samples = runs.flatMap((r) => r.samples)
  const pct = (p: number) => { const s = [...samples].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN }
  return {
    casts: runs.reduce((n, r) => n + r.res['3xx'], 0),
    failed: runs.reduce((n, r) => n + r.failures('3xx'), 0),
    latency: { p50_ms: round1(pct(50)), p99_ms: round1(pct(99)), max_ms: round1(Math.max(...samples)) },
  }
}

// The yardstick is measured before and after the app, and the better figure is kept: the ratio
// is then never flattered by a slow moment of the machine during the bare run.
const bareBefore = await bare()
const run = await startApp()
try {
  const queue = { casts: await preIssued(run), next: 0 }
  const rssStart = rssOf(run.server.pid)
  const max = await casting(run, queue, { duration: SECONDS })
  const paced = await pacedCasting(run, queue)
  const bareRate = Math.max(bareBefore, await bare())
  const perSecond = max.perSecond('3xx')
  const ratio = perSecond / bareRate
  const p99 = paced.latency.p99_ms
  emit({ figure: 'cast_throughput', connections: CONNECTIONS, seconds: SECONDS, casts_per_s: Math.round(perSecond), bare_inserts_per_s: Math.round(bareRate), ratio: Number(ratio.toFixed(2)), min_ratio: 0.5, ok: ratio >= 0.5 && max.failures('3xx') === 0, failed: max.failures('3xx'), ...max.latency })
  emit({ figure: 'cast_latency', connections: CONNECTIONS, casts_per_s: RATE, casts: paced.casts, ...paced.latency, limit_p99_ms: 25, ok: p99 <= 25 && paced.failed === 0, failed: paced.failed })
  // The rest of the votes, as fast as they go, then the server's memory.
  const rest = Math.max(0, VOTES - queue.next)
  const last = rest >= CONNECTIONS ? await casting(run, queue, { amount: rest }) : null
  const rss = rssOf(run.server.pid)
  const sqlite = new Sqlite(run.file, { readonly: true })
  const votes = sqlite.prepare('SELECT count(*) FROM checkoffs WHERE election_id = ?').pluck().get(run.electionId) as number
  sqlite.close()
  emit({ figure: 'rss_after_votes', votes, ...rss, rss_before_votes_mb: rssStart.rss_mb, failed: max.failures('3xx') + paced.failed + (last?.failures('3xx') ?? 0), database_mb: mb(fsSize(run.file)) })
  if (ratio < 0.5 || p99 > 25 || max.failures('3xx') || paced.failed) process.exitCode = 1
} finally {
  run.server.stop()
}

/** The database file and its write-ahead log, in bytes. */
function fsSize(file: string): number {
  return ['', '-wal'].reduce((n, suffix) => n + (fs.existsSync(file + suffix) ? fs.statSync(file + suffix).size : 0), 0)
}
