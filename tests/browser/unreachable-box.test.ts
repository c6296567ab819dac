// A phone that says it is online but cannot reach the box (out of the Wi-Fi's reach, a hung access point):
// navigator.onLine stays true. Forwarding a resolution and recording a decision are plain forms; sent so,
// the browser would show its own error page and lose what was typed. The page asks the box every few
// seconds, and a form it cannot send says so where it was pressed, as when the phone knows it is offline;
// once the box answers again, pressing again sends it, once.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page, Route } from 'playwright-core'
import { eq } from 'drizzle-orm'
import { PASSWORD, SCREENSHOTS, logIn, openPage, startServer, useBrowser, type Server } from '../helpers/browser.ts'
import { clickTo, text } from '../helpers/election-browser.ts'
import { afterClock } from '../helpers/browser-clock.ts'
import { closedMeetingWithResolutions, commonBalPanchayat, seatBalPanchayat } from '../helpers/meetings.ts'
import { forwardings, responses } from '../../src/resolutions/tables.ts'

const b = useBrowser()
let server: Server
let resolutionId = 0
const NOT_SENT = 'भेजा नहीं गया: नेटवर्क नहीं मिला। नेटवर्क आने पर फिर से दबाएँ।'
const PLAN = 'स्कूल में लड़कियों का शौचालय बनेगा'

beforeAll(async () => {
  server = await startServer()
  const v = server.fx.villages.papdi.id
  const kids = seatBalPanchayat(server.database, server.fx.users.facilitator, v, commonBalPanchayat)
  resolutionId = closedMeetingWithResolutions(server.database, server.fx.users.facilitator, v, kids, 1).passed[0]
})
afterAll(async () => {
  await server?.close()
})

const forwarded = () => server.db.select().from(forwardings).where(eq(forwardings.resolutionId, resolutionId)).all()
const answered = () => server.db.select().from(responses).where(eq(responses.resolutionId, resolutionId)).all()

/**
 * Waits for `event` while moving the page's clock on (Playwright's, installed before the page loaded)
 * a second a try: the page's own timers (its question to the box every few seconds, the question's
 * time-out) fall due without the wait in real time.
 */
async function whileTheClockRuns(page: Page, event: Promise<unknown>) {
  let happened = false
  const done = event.then(() => {
    happened = true
  })
  await expect
    .poll(
      afterClock(page, 1_000, async () => happened),
      { timeout: 20_000 },
    )
    .toBe(true)
  await done
}

/** The box out of reach: every request fails at once (`refused`) or never answers (`hung`); the phone still says it is online. */
async function cutOff(page: Page, how: 'refused' | 'hung') {
  const held: Route[] = []
  await page.route('**/*', (route) => (how === 'refused' ? route.abort('connectionrefused') : void held.push(route)))
  // The page learns it from its next question to the box, which fails (or, hung, times out).
  await whileTheClockRuns(
    page,
    page.waitForEvent('requestfailed', {
      predicate: (r) => new URL(r.url()).pathname === '/health',
      timeout: 20_000,
    }),
  )
  expect(await page.evaluate(() => navigator.onLine)).toBe(true)
  return async () => {
    await page.unroute('**/*')
    for (const route of held) await route.abort().catch(() => {})
    await whileTheClockRuns(
      page,
      page.waitForResponse((r) => new URL(r.url()).pathname === '/health' && r.ok(), { timeout: 20_000 }),
    )
  }
}

/** The form and the note after it, as the person sees them (a whole page on a phone is too tall to judge). */
async function formShot(page: Page, form: string, name: string) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
  const around = page.locator(form).locator('..')
  await around.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), caret: 'initial' })
}

describe('a phone that says it is online but cannot reach the box', () => {
  it('forwarding: not sent and said so, what was typed kept; pressed again once the box answers, recorded once', async () => {
    const { context, page, problems } = await openPage(b.browser, server.base, 'phone')
    context.setDefaultTimeout(10_000)
    // Playwright's clock: it runs by itself, and is moved on while the page is waited for (see cutOff).
    await page.clock.install()
    try {
      await logIn(page, 'rekha', PASSWORD)
      await page.goto(`/resolutions/${resolutionId}`)
      await page.getByLabel('पत्र से').check()
      await page.getByLabel('टिप्पणी').fill('सरपंच जी को हाथ में दिया')
      const reconnect = await cutOff(page, 'refused')
      const submit = page.getByRole('button', { name: 'भेजना दर्ज करें' })
      await submit.click()
      const note = page.locator('p.send-state.refused')
      await expect.poll(() => note.count()).toBe(1)
      expect(await note.innerText()).toBe(NOT_SENT)
      expect(new URL(page.url()).pathname).toBe(`/resolutions/${resolutionId}`)
      expect(await page.getByLabel('टिप्पणी').inputValue()).toBe('सरपंच जी को हाथ में दिया')
      expect(forwarded()).toEqual([])
      await note.scrollIntoViewIfNeeded()
      await formShot(page, 'form[action$="/forwarding"]', 'unreachable-1-forwarding-not-sent-phone')

      await reconnect()
      await clickTo(page, new RegExp(`/resolutions/${resolutionId}$`), () => submit.click())
      expect(await text(page, '#flash')).toBe('प्रस्ताव का भेजा जाना दर्ज हो गया।')
      expect(forwarded()).toHaveLength(1)
      expect(forwarded()[0].note).toBe('सरपंच जी को हाथ में दिया')
      expect(problems.pageErrors).toEqual([])
    } finally {
      await context.close()
    }
  }, 90_000)

  it('a decision, when the box does not answer at all (a time-out): not sent and said so; then checked and recorded once', async () => {
    const { context, page, problems } = await openPage(b.browser, server.base, 'phone')
    context.setDefaultTimeout(10_000)
    // Playwright's clock: it runs by itself, and is moved on while the page is waited for (see cutOff).
    await page.clock.install()
    try {
      await logIn(page, 'sarpanch', PASSWORD)
      await page.goto(`/resolutions/${resolutionId}`)
      await clickTo(page, new RegExp(`/resolutions/${resolutionId}$`), () =>
        page.getByRole('button', { name: 'पावती दें' }).click(),
      )
      await page.getByLabel('स्वीकार', { exact: true }).check()
      await page.getByLabel('क्या कार्रवाई होगी').fill(PLAN)
      await page.getByLabel('लक्ष्य तारीख').fill(new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10))
      const before = answered().length
      const reconnect = await cutOff(page, 'hung')
      const check = page.getByRole('button', { name: 'निर्णय जाँचें' })
      await check.click()
      const note = page.locator('form.decision-form + p.send-state.refused')
      await expect.poll(() => note.count()).toBe(1)
      expect(await note.innerText()).toBe(NOT_SENT)
      expect(new URL(page.url()).pathname).toBe(`/resolutions/${resolutionId}`)
      expect(await page.getByLabel('क्या कार्रवाई होगी').inputValue()).toBe(PLAN)
      await note.scrollIntoViewIfNeeded()
      await formShot(page, 'form.decision-form', 'unreachable-2-decision-not-sent-phone')

      await reconnect()
      await clickTo(page, new RegExp(`/resolutions/${resolutionId}/decision$`), () => check.click())
      expect(await text(page, '#confirm-decision')).toContain(PLAN)
      await clickTo(page, new RegExp(`/resolutions/${resolutionId}$`), () =>
        page.getByRole('button', { name: 'हाँ, यह निर्णय दर्ज करें' }).click(),
      )
      expect(await text(page, '#flash')).toBe('निर्णय दर्ज हो गया।')
      expect(answered().filter((r) => r.kind === 'accepted')).toHaveLength(1)
      expect(answered()).toHaveLength(before + 1)
      expect(problems.pageErrors).toEqual([])
    } finally {
      await context.close()
    }
  }, 90_000)
})
