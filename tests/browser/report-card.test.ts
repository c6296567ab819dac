// The village report card in the browser: a facilitator opens it from the Bal Panchayat's village, picks a
// day, and prints it; in print media it is one A4 page. The coordinator reaches it from the figures page;
// the children's board says how many children went back to school. Screenshots under test-artifacts/.
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  NO_PROBLEMS,
  PASSWORD,
  logIn,
  openPage,
  shot,
  sidewaysOverflow,
  startServer,
  unexpectedProblems,
  useBrowser,
  type Problems,
  type Server,
} from '../helpers/browser.ts'
import { ctxFor } from '../helpers/app.ts'
import { villageChildren } from '../helpers/elections.ts'
import { closedMeetingWithResolutions, commonBalPanchayat, seatBalPanchayat } from '../helpers/meetings.ts'
import { acknowledgeResolution, decideResolution, forwardResolution } from '../../src/resolutions/journeys.ts'
import { addDays, type StepFacts } from '../../src/cases/machine.ts'
import type { CaseReason } from '../../src/cases/tables.ts'
import { backInSchool, plantCase } from '../helpers/cases.ts'
import { todayIso } from '../../src/core/dates.ts'
import { seedDemo } from '../../src/demo/seed.ts'

const b = useBrowser()
let server: Server
let context: BrowserContext
let page: Page
let problems: Problems
const today = todayIso()
const daysAgo = (n: number) => addDays(today, -n)
let papdi: number

/** A case planted as the cases' own verbs would write it: the card only reads them. */
const plant = (childId: number, reason: CaseReason, foundOn: string, steps: StepFacts[]) =>
  plantCase(
    server.db,
    { villageId: papdi, by: server.fx.users.facilitator.id, foundBy: 'member' },
    childId,
    reason,
    foundOn,
    steps,
  )

beforeAll(async () => {
  server = await startServer()
  papdi = server.fx.villages.papdi.id
  const actor = server.fx.users.facilitator
  const kids = seatBalPanchayat(server.database, actor, papdi, commonBalPanchayat, daysAgo(200))
  closedMeetingWithResolutions(server.database, actor, papdi, kids, 1, daysAgo(70))
  const { passed } = closedMeetingWithResolutions(server.database, actor, papdi, kids, 2, daysAgo(40))
  const rekha = ctxFor(server.database, actor)
  const sarpanch = ctxFor(server.database, server.fx.users.panchayat)
  for (const id of passed)
    forwardResolution(rekha, id, { forwardedOn: daysAgo(38), addressedTo: 'Sarpanch', way: 'letter', note: '' })
  acknowledgeResolution(sarpanch, passed[0], daysAgo(35))
  decideResolution(sarpanch, passed[0], { decision: 'declined', on: daysAgo(30), text: 'No land', targetDate: null })
  const out = villageChildren(server.database, actor, papdi, [
    ['लाली', 'girl', 11],
    ['भोला', 'boy', 13],
    ['कमला', 'girl', 12],
    ['गीता', 'girl', 16],
    ['रामू', 'boy', 17],
  ])
  plant(out.लाली, 'married', daysAgo(150), backInSchool(daysAgo(140), today))
  plant(out.भोला, 'working', daysAgo(100), [{ kind: 'family_visit', on: daysAgo(95) }])
  plant(out.कमला, 'working', daysAgo(130), backInSchool(daysAgo(120), today))
  ;({ context, page, problems } = await openPage(b.browser, server.base, 'tablet'))
  context.setDefaultTimeout(15_000)
}, 60_000)
afterAll(async () => {
  await context?.close()
  await server?.close()
})

/** The A4 page less app.css's @page margins (10 mm top, 12 mm sides and bottom), in CSS pixels. */
const printable = { width: Math.floor(((210 - 24) * 96) / 25.4), height: Math.floor(((297 - 22) * 96) / 25.4) }

/** Any text of the open page's charts that runs past the chart's right edge (its viewBox is 320 wide). */
function textsCutOff(p: Page, within = 'main'): Promise<string[]> {
  return p.evaluate(
    (scope) =>
      [...document.querySelectorAll<SVGTextElement>(`${scope} svg.chart text`)]
        .filter((text) => {
          const box = text.getBBox()
          return box.x < 0 || box.x + box.width > 320
        })
        .map((text) => text.textContent ?? ''),
    within,
  )
}

/** Pages in a PDF as Chromium writes it: one `/Type /Page` object each. */
const pageCount = (pdf: Buffer) => pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-z])/g)?.length ?? 0

describe('the village report card', () => {
  it('is opened by the facilitator for a day she picks, and prints on one A4 page', async () => {
    await logIn(page, 'rekha', PASSWORD)
    await page.goto(`/villages/${papdi}/bal-panchayat`)
    await Promise.all([
      page.waitForURL(/\/report-card$/),
      page.getByRole('link', { name: 'गाँव का रिपोर्ट कार्ड (छापने के लिए)' }).click(),
    ])
    const main = page.locator('main')
    await expect.poll(() => main.innerText()).toContain('बाल मित्र ग्राम रिपोर्ट कार्ड: Papdi')
    expect(await page.locator('#working').innerText()).toContain('इस साल 2 बच्चे काम करते मिले।')
    expect(await page.locator('#marriages').innerText()).toContain('इस साल 1 बाल विवाह रोका गया।')
    expect(await page.locator('#meetings').innerText()).toContain('कोरम के साथ 2 बैठकें हुईं')
    expect(await page.locator('section.card-line svg.chart').count()).toBe(6)
    expect(await textsCutOff(page)).toEqual([])
    await shot(page, 'report-card-01-tablet')

    // An earlier day, picked in the form: the marriage prevented today is not on it yet, nor the later meeting.
    await page.getByLabel('किस तारीख़ तक').fill(daysAgo(60))
    await Promise.all([page.waitForURL(/date=/), page.getByRole('button', { name: 'दिखाएँ' }).click()])
    await expect.poll(() => page.locator('#marriages').innerText()).toContain('इस साल ऐसा कोई मामला नहीं।')
    expect(await page.locator('#meetings').innerText()).toContain('कोरम के साथ 1 बैठक हुई')

    await page.goto(`/villages/${papdi}/report-card`)
    const button = page.locator('button[data-print]')
    await expect.poll(() => button.isVisible()).toBe(true)
    await page.emulateMedia({ media: 'print' })
    expect(await button.isVisible()).toBe(false)
    expect(await page.locator('form[action$="/report-card"]').isVisible()).toBe(false)
    await page.evaluate(() => document.fonts.ready)
    const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true })
    expect(pageCount(pdf)).toBe(1)
    const viewport = page.viewportSize()!
    await page.setViewportSize(printable)
    // The whole card is within the printable height of one page, with a margin to spare for a longer name.
    const height = await page.evaluate(() => document.documentElement.scrollHeight)
    expect(height).toBeLessThanOrEqual(printable.height)
    await shot(page, 'report-card-02-print')
    await page.setViewportSize(viewport)
    await page.emulateMedia({ media: 'screen' })
    expect(unexpectedProblems(problems)).toEqual(NO_PROBLEMS)
  }, 60_000)

  it('in English, prints on one page too, with no word of a chart cut off', async () => {
    const english = await openPage(b.browser, server.base, 'tablet')
    try {
      await english.context.addCookies([{ name: 'lang', value: 'en', url: server.base }])
      await logIn(english.page, 'rekha', PASSWORD)
      await english.page.goto(`/villages/${papdi}/report-card`)
      await expect.poll(() => english.page.locator('h1').innerText()).toBe('Child-friendly village report card: Papdi')
      expect(await textsCutOff(english.page)).toEqual([])
      await english.page.emulateMedia({ media: 'print' })
      await english.page.evaluate(() => document.fonts.ready)
      expect(pageCount(await english.page.pdf({ format: 'A4', preferCSSPageSize: true }))).toBe(1)
      await english.page.setViewportSize(printable)
      await shot(english.page, 'report-card-06-print-english')
      expect(unexpectedProblems(english.problems)).toEqual(NO_PROBLEMS)
    } finally {
      await english.context.close()
    }
  }, 60_000)

  it('of the demo village prints on one page for the coordinator', async () => {
    const { villageId } = await seedDemo(server.db)
    const coordinator = await openPage(b.browser, server.base, 'tablet')
    try {
      await logIn(coordinator.page, 'coordinator', PASSWORD)
      expect((await coordinator.page.goto(`/villages/${villageId}/report-card`))?.status()).toBe(200)
      expect(await textsCutOff(coordinator.page)).toEqual([])
      await coordinator.page.emulateMedia({ media: 'print' })
      await coordinator.page.evaluate(() => document.fonts.ready)
      expect(pageCount(await coordinator.page.pdf({ format: 'A4', preferCSSPageSize: true }))).toBe(1)
      await coordinator.page.setViewportSize(printable)
      await shot(coordinator.page, 'report-card-07-print-demo')
      expect(unexpectedProblems(coordinator.problems)).toEqual(NO_PROBLEMS)
    } finally {
      await coordinator.context.close()
    }
  }, 90_000)

  it('reads on a 360 px phone without sideways scrolling', async () => {
    const phone = await openPage(b.browser, server.base, 'phone')
    try {
      await logIn(phone.page, 'rekha', PASSWORD)
      await phone.page.goto(`/villages/${papdi}/report-card`)
      await expect.poll(() => phone.page.locator('#answers').innerText()).toContain('इनमें समय पर जवाब: 1')
      expect(await sidewaysOverflow(phone.page)).toBe(0)
      await shot(phone.page, 'report-card-03-phone')
      expect(unexpectedProblems(phone.problems)).toEqual(NO_PROBLEMS)
    } finally {
      await phone.context.close()
    }
  }, 60_000)

  it('is reached by the coordinator from the figures page, and the board counts the children back in school', async () => {
    const coordinator = await openPage(b.browser, server.base, 'tablet')
    try {
      await logIn(coordinator.page, 'coordinator', PASSWORD)
      await coordinator.page.goto('/figures')
      const section = coordinator.page.locator('#report-cards')
      await expect.poll(() => section.innerText()).toContain('Papdi — Bal Panchayat 2026 (')
      expect(await textsCutOff(coordinator.page, '#report-cards')).toEqual([])
      await shot(coordinator.page, 'report-card-04-figures')
      await Promise.all([
        coordinator.page.waitForURL(/\/report-card\?date=/),
        section.getByRole('link', { name: /^Papdi — / }).click(),
      ])
      expect(await coordinator.page.locator('h1').innerText()).toBe('बाल मित्र ग्राम रिपोर्ट कार्ड: Papdi')
      await coordinator.page.goto(`/board/${papdi}`)
      await expect
        .poll(() => coordinator.page.locator('.board-back-in-school').innerText())
        .toBe('इस साल 2 बच्चे फिर से स्कूल जाने लगे')
      expect(await coordinator.page.content()).not.toContain('लाली')
      await shot(coordinator.page, 'report-card-05-board')
      expect(unexpectedProblems(coordinator.problems)).toEqual(NO_PROBLEMS)
    } finally {
      await coordinator.context.close()
    }
  }, 60_000)
})
