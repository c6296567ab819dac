/**
 * Lighthouse in the Chromium that the tests use, on the demo village (bench/demo.ts) served in production mode:
 * - performance on a phone (Lighthouse's mobile defaults: a mid-range phone on slow 4G, simulated) of the login
 *   page, the children's board and the ballot, the median of LIGHTHOUSE_RUNS runs (3): each must score 100 with no
 *   layout shift in any run (CLS 0). Each line also says what the browser fetched on that first visit (empty
 *   cache), with and without the font, from Lighthouse's own record of the requests;
 * - accessibility of the ballot a child sees on the tablet (must be 100).
 * Prints one JSON line per figure.
 */
import fs from 'node:fs'
import path from 'node:path'
import chromium from '@sparticuz/chromium'
import * as chromeLauncher from 'chrome-launcher'
import lighthouse, { type Flags } from 'lighthouse'
import { demoDatabase, demoPassword } from './demo.ts'
import { cookieHeader, emit, loggedIn, startServer, tempDir } from './harness.ts'
import { Tablet } from '../tests/helpers/tablet-client.ts'

const dir = tempDir('bp-bench-lh-')
const file = path.join(dir, 'demo.sqlite')
const ids = await demoDatabase(file)
const app = await startServer('src/server.ts', {
  DATABASE_PATH: file,
  SESSION_SECRET: 'lighthouse-secret-0123456789abcdefghij',
})
const RUNS = Number(process.env.LIGHTHOUSE_RUNS ?? 3)
const chromePath = fs.existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : await chromium.executablePath()

type Request = { url: string; resourceType?: string; transferSize?: number }
const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10

/** One Lighthouse run in a Chromium of its own: nothing cached, no cookie but those in `flags`. */
async function run(url: string, flags: Flags) {
  const chrome = await chromeLauncher.launch({
    chromePath,
    chromeFlags: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  })
  try {
    const result = await lighthouse(app.base + url, { port: chrome.port, output: 'json', logLevel: 'error', ...flags })
    if (!result) throw new Error(`lighthouse gave nothing for ${url}`)
    if (new URL(result.lhr.finalDisplayedUrl).pathname !== url)
      throw new Error(`${url} ended on ${result.lhr.finalDisplayedUrl}`)
    return result.lhr
  } finally {
    await chrome.kill()
  }
}

try {
  // A facilitator's tablet holding a ballot for one child, as after "give this child the ballot".
  const tablet = await loggedIn(app.base, 'facilitator', demoPassword)
  const station = `/elections/${ids.openPoll}/station`
  await tablet.send('GET', station)
  await tablet.send('POST', station, { pin: '2468', confirm: '2468' })
  const voter = /\/station\/voters\/(\d+)/.exec((await tablet.send('GET', station)).text)?.[1]
  if (!voter) throw new Error("no voter on the open poll's roll")
  await tablet.send('POST', `${station}/ballot`, { childId: voter })
  const ballot = `/elections/${ids.openPoll}/ballot`
  const anonymous = new Tablet(app.base)

  let failed = false
  for (const p of [
    { page: 'login', path: '/login', as: anonymous },
    { page: 'board', path: `/board/${ids.villageId}`, as: anonymous },
    { page: 'ballot', path: ballot, as: tablet },
  ]) {
    const cookie = cookieHeader(p.as)
    // Its score moves with how busy the machine is (Lighthouse scales the CPU time it sees): the median of RUNS.
    const runs: Awaited<ReturnType<typeof run>>[] = []
    for (let i = 0; i < RUNS; i++)
      runs.push(
        await run(p.path, { onlyCategories: ['performance'], ...(cookie ? { extraHeaders: { Cookie: cookie } } : {}) }),
      )
    const scoreOf = (r: (typeof runs)[number]) => Math.round((r.categories.performance?.score ?? 0) * 100)
    const lhr = [...runs].sort((a, b) => scoreOf(a) - scoreOf(b))[Math.floor(RUNS / 2)]
    const audits = lhr.audits
    const score = Math.round((lhr.categories.performance?.score ?? 0) * 100)
    const cls = audits['cumulative-layout-shift']?.numericValue ?? NaN
    const requests = ((audits['network-requests']?.details as { items?: Request[] } | undefined)?.items ?? []).filter(
      (r) => r.url.startsWith(app.base),
    )
    const bytes = (rs: Request[]) => rs.reduce((n, r) => n + (r.transferSize ?? 0), 0)
    const fonts = requests.filter((r) => r.resourceType === 'Font')
    const ms = (id: string) => Math.round(audits[id]?.numericValue ?? NaN)
    const ok = score === 100 && runs.every((r) => r.audits['cumulative-layout-shift']?.numericValue === 0)
    failed ||= !ok
    emit({
      figure: 'lighthouse_performance',
      page: p.page,
      path: p.path.replace(/\/\d+/g, '/:id'),
      score,
      scores: runs.map(scoreOf),
      cls,
      max_cls: Math.max(...runs.map((r) => r.audits['cumulative-layout-shift']?.numericValue ?? NaN)),
      fcp_ms: ms('first-contentful-paint'),
      lcp_ms: ms('largest-contentful-paint'),
      tbt_ms: ms('total-blocking-time'),
      si_ms: ms('speed-index'),
      first_load_kb: kb(bytes(requests)),
      first_load_without_font_kb: kb(bytes(requests) - bytes(fonts)),
      font_kb: kb(bytes(fonts)),
      fonts: fonts.map((f) => new URL(f.url).pathname.replace(/^\/vendor\/fonts\//, '')),
      requests: requests.length,
      // What Lighthouse would still improve, for a score under 100.
      below_par: Object.values(audits)
        .filter((a) => a.score !== null && a.score < 0.9 && ['metricSavings', 'numeric'].includes(a.scoreDisplayMode))
        .map((a) => a.id),
      target: { score: 100, cls: 0 },
      ok,
    })
  }

  const lhr = await run(ballot, {
    onlyCategories: ['accessibility'],
    extraHeaders: { Cookie: cookieHeader(tablet) },
    formFactor: 'mobile',
    screenEmulation: { mobile: true, width: 800, height: 1280, deviceScaleFactor: 1, disabled: false },
  })
  const score = Math.round((lhr.categories.accessibility?.score ?? 0) * 100)
  const failing = Object.values(lhr.audits)
    .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode === 'binary')
    .map((a) => a.id)
  failed ||= score !== 100
  emit({
    figure: 'lighthouse_accessibility',
    page: 'ballot',
    score,
    target: 100,
    ok: score === 100,
    failing,
  })
  if (failed) process.exitCode = 1
} finally {
  app.stop()
}
