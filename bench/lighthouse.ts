/**
 * Lighthouse's accessibility score of the ballot screen a child sees on the tablet (must be 100),
 * in the Chromium that the tests use. Prints one JSON line.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import chromium from '@sparticuz/chromium'
import * as chromeLauncher from 'chrome-launcher'
import lighthouse from 'lighthouse'
import { build } from '../src/app.ts'
import { openDatabase } from '../src/database.ts'
import { benchFixture } from './fixture.ts'
import { Agent } from '../tests/helpers/app.ts'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-lh-'))
const database = openDatabase(path.join(dir, 'lh.sqlite'))
const { electionId, candidateIds } = await benchFixture(database, { seats: 3, candidates: 6 })
const app = await build({ database, sessionSecret: 'lighthouse-secret-0123456789abcdefghij' })
await app.listen({ port: 0, host: '127.0.0.1' })
const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
const chrome = await chromeLauncher.launch({
  chromePath: fs.existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : await chromium.executablePath(),
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
  // A facilitator's tablet holding a ballot for one child, as after "give this child the ballot".
  const tablet = new Agent(app)
  await tablet.login('bench', 'bench-password')
  await tablet.post(`/elections/${electionId}/station`, { pin: '2468', confirm: '2468' })
  const childId =
    (database.sqlite
      .prepare('SELECT id FROM children WHERE id NOT IN (SELECT child_id FROM candidates) ORDER BY id LIMIT 1')
      .pluck()
      .get() as number | undefined) ??
    (database.sqlite.prepare('SELECT child_id FROM candidates WHERE id = ?').pluck().get(candidateIds[0]) as number)
  await tablet.post(`/elections/${electionId}/station/ballot`, { childId: String(childId) })
  const cookie = [...tablet.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  const result = await lighthouse(`${base}/elections/${electionId}/ballot`, {
    port: chrome.port,
    onlyCategories: ['accessibility'],
    output: 'json',
    logLevel: 'error',
    extraHeaders: { Cookie: cookie },
    formFactor: 'mobile',
    screenEmulation: { mobile: true, width: 800, height: 1280, deviceScaleFactor: 1, disabled: false },
  })
  const category = result?.lhr.categories.accessibility
  const score = Math.round((category?.score ?? 0) * 100)
  const failing = Object.values(result?.lhr.audits ?? {})
    .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode === 'binary')
    .map((a) => a.id)
  console.log(
    JSON.stringify({
      figure: 'lighthouse_accessibility',
      page: 'ballot',
      score,
      target: 100,
      ok: score === 100,
      failing,
      url: result?.lhr.finalDisplayedUrl?.replace(base, ''),
    }),
  )
  if (score !== 100) process.exitCode = 1
} finally {
  await chrome.kill()
  await app.close()
  fs.rmSync(dir, { recursive: true, force: true })
}
