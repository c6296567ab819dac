// The meetings that do not go as planned, from the facilitator's 360px phone, in Hindi: one started on
// another day than planned (the reason asked, then kept), one postponed, one cancelled — and the Gram
// Panchayat's answer that was waiting on it moving to the next meeting; the new-meeting form's chair
// list following the day chosen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import {
  NO_PROBLEMS,
  PASSWORD,
  errorAt,
  logIn,
  openPage,
  shot,
  startServer,
  unexpectedProblems,
  useBrowser,
  type Problems,
  type Server,
} from '../helpers/browser.ts'
import {
  clickTo,
  expectNoSidewaysScroll,
  mainText,
  submitExpectingMistakes,
  text,
} from '../helpers/election-browser.ts'
import { closedMeetingWithResolutions, scheduleInput, seatBalPanchayat } from '../helpers/meetings.ts'
import { ctxFor } from '../helpers/app.ts'
import { agendaOf, scheduleMeeting } from '../../src/meetings/meetings.ts'
import { meetings } from '../../src/meetings/tables.ts'
import { members } from '../../src/elections/tables.ts'
import { acknowledgeResolution, decideResolution, forwardResolution } from '../../src/resolutions/journeys.ts'
import { todayIso } from '../../src/core/dates.ts'
import { eq } from 'drizzle-orm'

const b = useBrowser()
let server: Server
let context: BrowserContext
let page: Page
let problems: Problems
const today = todayIso()
const day = (offset: number) => {
  const d = new Date(`${today}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + offset)
  return d.toISOString().slice(0, 10)
}
const ids = { otherDay: 0, postponed: 0, cancelled: 0 }

const girls = ['मीना मीणा', 'सुनीता गुर्जर', 'पूजा बैरवा', 'कविता सैनी', 'सीमा योगी', 'अनीता मीणा']
const boys = ['रवि गुर्जर', 'सुनील मीणा', 'गोपाल बैरवा', 'मुकेश सैनी']

beforeAll(async () => {
  server = await startServer()
  const papdi = server.fx.villages.papdi.id
  const kids = seatBalPanchayat(
    server.database,
    server.fx.users.facilitator,
    papdi,
    [...girls.map((n) => [n, 'girl'] as [string, 'girl']), ...boys.map((n) => [n, 'boy'] as [string, 'boy'])],
    day(-60),
  )
  // Mukesh leaves his seat in ten days.
  server.db
    .update(members)
    .set({ leftOn: day(10) })
    .where(eq(members.childId, kids[boys[3]]))
    .run()
  // A resolution passed ten days ago, forwarded and accepted: its answer waits for the next meeting.
  const named = { Meena: kids[girls[0]], Sunita: kids[girls[1]], Ravi: kids[boys[0]], Sunil: kids[boys[1]] }
  const all = { ...named, Gopal: kids[boys[2]], Mukesh: kids[boys[3]] }
  const { passed } = closedMeetingWithResolutions(server.database, server.fx.users.facilitator, papdi, all, 1, day(-10))
  const rekha = ctxFor(server.database, server.fx.users.facilitator)
  const sarpanch = ctxFor(server.database, server.fx.users.panchayat)
  const plan = (date: string, place: string) => scheduleMeeting(rekha, papdi, scheduleInput({ date, place })).id
  ids.cancelled = plan(day(3), 'पंचायत भवन')
  ids.postponed = plan(day(8), 'स्कूल का बरामदा')
  ids.otherDay = plan(day(20), 'आंगनबाड़ी केंद्र')
  forwardResolution(rekha, passed[0], { forwardedOn: day(-9), addressedTo: 'सरपंच', way: 'gram_sabha', note: '' })
  acknowledgeResolution(sarpanch, passed[0], day(-8))
  decideResolution(sarpanch, passed[0], { decision: 'accepted', on: day(-7), text: 'शौचालय बनेगा', targetDate: day(60) })
  expect(agendaOf(server.db, ids.cancelled).filter((i) => i.kind === 'answer')).toHaveLength(1)
  ;({ context, page, problems } = await openPage(b.browser, server.base, 'phone'))
  context.setDefaultTimeout(10_000)
  await logIn(page, 'rekha', PASSWORD)
})
afterAll(async () => {
  await context?.close()
  await server?.close()
})

const row = (id: number) => server.db.select().from(meetings).where(eq(meetings.id, id)).get()!

describe('a meeting that does not go as planned, on a 360px phone', () => {
  it('starting on another day warns, asks for the reason, and keeps it', async () => {
    await page.goto(`/meetings/${ids.otherDay}`)
    expect(await text(page, '#other-day')).toContain('के लिए तय है, पर आज')
    await submitExpectingMistakes(page, () => page.getByRole('button', { name: 'बैठक शुरू करें' }).click())
    expect(await errorAt(page, 'reason').first().innerText()).toBe('बैठक तय दिन के बजाय दूसरे दिन हो रही है: इसका कारण लिखें।')
    // The summary of the mistake is on the screen, and has the focus.
    const summary = page.locator('[data-error-summary]')
    await expect.poll(() => summary.evaluate((e) => e === document.activeElement)).toBe(true)
    const box = (await summary.boundingBox())!
    expect(box.y).toBeGreaterThanOrEqual(0)
    expect(box.y).toBeLessThan(640)
    await expectNoSidewaysScroll(page)
    await shot(page, 'meeting-dates-01-other-day-refused-phone')
    expect(row(ids.otherDay).scheduledDate).toBe(null)

    await page.getByLabel('दूसरे दिन बैठक करने का कारण').first().fill('बच्चों की परीक्षा उसी हफ़्ते है')
    await clickTo(page, /#attendance$/, () => page.getByRole('button', { name: 'बैठक शुरू करें' }).click())
    expect(await text(page, '#flash')).toBe('बैठक शुरू हो गई। उपस्थित सदस्यों पर निशान लगाएँ।')
    const held = await text(page, '#held')
    expect(held).toContain('यह बैठक')
    expect(held).toContain('शुरू हुई।')
    expect(held).toContain('दूसरे दिन करने का कारण: “बच्चों की परीक्षा उसी हफ़्ते है”')
    expect(row(ids.otherDay)).toMatchObject({ date: today, scheduledDate: day(20) })
    await expectNoSidewaysScroll(page)
    await shot(page, 'meeting-dates-02-started-other-day-phone')
  })

  it('postpones a meeting with its reason', async () => {
    await page.goto(`/meetings/${ids.postponed}`)
    await page.locator('summary', { hasText: 'बैठक आगे बढ़ाएँ' }).click()
    await page.getByLabel('नई तारीख').fill(day(12))
    await submitExpectingMistakes(page, () => page.getByRole('button', { name: 'बैठक नई तारीख पर ले जाएँ' }).click())
    expect(await errorAt(page, 'reason').first().innerText()).toBe('आगे बढ़ाने का कारण लिखें।')
    expect(await page.getByLabel('नई तारीख').inputValue()).toBe(day(12))
    await page.getByLabel('आगे बढ़ाने का कारण').fill('गाँव में शादी है, बच्चे नहीं आ पाएँगे')
    await clickTo(page, new RegExp(`/meetings/${ids.postponed}$`), () =>
      page.getByRole('button', { name: 'बैठक नई तारीख पर ले जाएँ' }).click(),
    )
    expect(await text(page, '#flash')).toBe('बैठक नई तारीख पर चली गई।')
    const facts = await mainText(page)
    expect(facts).toContain('आगे बढ़ाई गई')
    expect(facts).toContain('कारण: “गाँव में शादी है, बच्चे नहीं आ पाएँगे”')
    expect(row(ids.postponed).date).toBe(day(12))
    await expectNoSidewaysScroll(page)
    await shot(page, 'meeting-dates-03-postponed-phone')
  })

  it('cancels a meeting; the Gram Panchayat’s answer waiting on it moves to the next meeting', async () => {
    await page.goto(`/meetings/${ids.cancelled}`)
    expect(await page.locator('#agenda .badge.answer').count()).toBe(1)
    await page.locator('summary', { hasText: 'बैठक रद्द करें' }).click()
    expect(await text(page, '#change-plan')).toContain(
      'ग्राम पंचायत का 1 जवाब इस बैठक में पढ़ा जाना था: वह अगली बैठक की कार्यसूची में चला जाएगा।',
    )
    await page.getByLabel('रद्द करने का कारण').fill('पंचायत भवन में उस दिन टीकाकरण शिविर है')
    await shot(page, 'meeting-dates-04-cancel-confirm-phone')
    await clickTo(page, new RegExp(`/meetings/${ids.cancelled}$`), () =>
      page.getByRole('button', { name: 'हाँ, बैठक रद्द करें' }).click(),
    )
    expect(await text(page, '#flash')).toBe('बैठक रद्द कर दी गई।')
    expect(await text(page, '#cancelled')).toContain('कारण: “पंचायत भवन में उस दिन टीकाकरण शिविर है”')
    expect(await page.getByRole('button', { name: 'बैठक शुरू करें' }).count()).toBe(0)
    await expectNoSidewaysScroll(page)
    await shot(page, 'meeting-dates-05-cancelled-phone')

    // The next meeting to hold (the postponed one) now reads the answer out.
    await page.goto(`/meetings/${ids.postponed}`)
    expect(await page.locator('#agenda .badge.answer').count()).toBe(1)
    expect(await text(page, '#agenda')).toContain('जवाब आया')
    await shot(page, 'meeting-dates-06-answer-moved-phone')
    await page.goto(`/villages/${server.fx.villages.papdi.id}/meetings`)
    const list = await mainText(page)
    expect(list).toContain('रद्द')
    expect(list).toContain('आगे बढ़ाई गई')
    await expectNoSidewaysScroll(page)
    await shot(page, 'meeting-dates-07-list-phone')
  })

  it('the new-meeting form offers as chair the members seated on the day chosen', async () => {
    await page.goto(`/villages/${server.fx.villages.papdi.id}/meetings/new`)
    const chairs = () => page.getByLabel('अध्यक्षता').locator('option').count()
    expect(await chairs()).toBe(11)
    await page.getByLabel('तारीख').fill(day(20))
    await page.getByLabel('तारीख').dispatchEvent('change')
    await expect.poll(chairs).toBe(10)
    expect(await page.getByLabel('अध्यक्षता').innerText()).not.toContain(boys[3])
    expect(await text(page, '#chair-day')).toContain('9 सदस्यों में से')
    await expectNoSidewaysScroll(page)
    await shot(page, 'meeting-dates-08-chair-by-day-phone')
    expect(unexpectedProblems(problems)).toEqual(NO_PROBLEMS)
  })
})
