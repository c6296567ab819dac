// The item "children not in school" at a Bal Panchayat meeting, on the facilitator's 360 px phone: added to the
// agenda, the open cases listed by first name and ward only, what a member said written under a child (a refused
// empty note first), and the child's case showing the step linked back to the meeting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import path from 'node:path'
import {
  NO_PROBLEMS,
  PASSWORD,
  SCREENSHOTS,
  logIn,
  openPage,
  shot,
  startServer,
  unexpectedProblems,
  useBrowser,
  type Problems,
  type Server,
} from '../helpers/browser.ts'
import { clickTo, expectNoSidewaysScroll, mainText } from '../helpers/election-browser.ts'
import { ctxFor } from '../helpers/app.ts'
import { commonBalPanchayat, scheduleInput, seatBalPanchayat } from '../helpers/meetings.ts'
import { addChild } from '../../src/people/children.ts'
import { openCase } from '../../src/cases/cases.ts'
import { caseSchema } from '../../src/cases/schemas.ts'
import { addDays } from '../../src/cases/machine.ts'
import { scheduleMeeting, startMeeting } from '../../src/meetings/meetings.ts'
import { bornYearsBefore, todayIso } from '../../src/core/dates.ts'
import { DEMO_PASSWORD, seedDemo } from '../../src/demo/seed.ts'
import { agendaItems, meetings } from '../../src/meetings/tables.ts'
import { and, asc, eq } from 'drizzle-orm'

const b = useBrowser()
let server: Server
let session: { context: BrowserContext; page: Page; problems: Problems }
let page: Page
let meetingId: number
let pinkiCase: number
const daysAgo = (n: number) => addDays(todayIso(), -n)
const SAID = 'सुनीता ने बताया कि पिंकी पढ़ना चाहती है, पर भट्ठे का कर्ज़ है'

beforeAll(async () => {
  server = await startServer()
  const papdi = server.fx.villages.papdi.id
  const keeper = ctxFor(server.database, server.fx.users.facilitator, 'hi')
  seatBalPanchayat(server.database, server.fx.users.facilitator, papdi, commonBalPanchayat, daysAgo(200))
  const found = caseSchema.parse({
    reason: 'working',
    workPlace: 'brick_kiln',
    foundBy: 'facilitator',
    foundOn: daysAgo(10),
    note: 'भट्ठे पर ईंटें ढोती है',
  })
  for (const [name, ward] of [
    ['पिंकी बैरवा', '2'],
    ['सोनू मीणा', '4'],
  ]) {
    const child = addChild(
      keeper,
      papdi,
      {
        name,
        gender: 'girl',
        dateOfBirth: bornYearsBefore(11),
        ward,
        school: '',
        schoolClass: '',
        inSchool: false,
        outOfSchoolReason: 'working',
        guardianName: 'कालू बैरवा',
        guardianPhone: '',
      },
      null,
    )
    const id = openCase(keeper, papdi, child.id, found).id
    if (name.startsWith('पिंकी')) pinkiCase = id
  }
  meetingId = scheduleMeeting(keeper, papdi, scheduleInput({ agenda: 'हैंडपंप\nस्कूल का शौचालय' })).id
  session = await openPage(b.browser, server.base, 'phone')
  session.context.setDefaultTimeout(10_000)
  page = session.page
})
afterAll(async () => {
  await session?.context.close()
  await server?.close()
})

describe('"children not in school" at the meeting, on a 360 px phone', () => {
  it('the facilitator adds the item to the agenda; it lists the open cases by first name and ward only', async () => {
    await logIn(page, 'rekha', PASSWORD)
    await page.goto(`/meetings/${meetingId}`)
    await expectNoSidewaysScroll(page)
    await shot(page, 'cases-meeting-00-agenda-offer-phone')
    await page.getByRole('button', { name: 'कार्यसूची में “स्कूल से बाहर बच्चे” रखें' }).click()
    const list = page.locator('#out-of-school')
    await list.waitFor()
    expect(await page.locator('ol.agenda > li').count()).toBe(3)
    expect(await page.getByRole('button', { name: 'कार्यसूची में “स्कूल से बाहर बच्चे” रखें' }).count()).toBe(0)
    const text = (await list.innerText()).replace(/\s+/g, ' ')
    expect(text).toContain('पिंकी · वार्ड 2')
    expect(text).toContain('सोनू · वार्ड 4')
    const all = await mainText(page)
    for (const word of ['बैरवा', 'मीणा', 'कालू', 'भट्ठे']) expect(all).not.toContain(word)
    await expectNoSidewaysScroll(page)
    await shot(page, 'cases-meeting-01-agenda-item-phone')
  })

  it('at the meeting, an empty note is refused at its field; what a member said is written under the child', async () => {
    startMeeting(ctxFor(server.database, server.fx.users.facilitator, 'hi'), meetingId)
    await page.reload()
    const pinki = page.locator(`#ooc-${pinkiCase}`)
    await pinki.scrollIntoViewIfNeeded()
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/meeting-steps/')),
      pinki.getByRole('button', { name: 'मामले में लिखें' }).click(),
    ])
    expect(refused.status()).toBe(422)
    await expect.poll(() => pinki.locator('.field > .error').count()).toBe(1)
    expect(await pinki.locator('.field > .error').innerText()).toBe('यह भरना ज़रूरी है।')
    await expectNoSidewaysScroll(page)
    await shot(page, 'cases-meeting-02-empty-note-refused-phone')

    await pinki.getByLabel('सदस्यों ने पिंकी के बारे में क्या बताया').fill(SAID)
    await pinki.getByRole('button', { name: 'मामले में लिखें' }).click()
    await expect.poll(() => page.locator(`#ooc-${pinkiCase} .ooc-said`).count()).toBe(1)
    expect(await page.locator(`#ooc-${pinkiCase} .ooc-said`).innerText()).toBe(SAID)
    expect(await page.locator(`#ooc-${pinkiCase} [role="status"]`).innerText()).toBe('क़दम दर्ज हो गया।')
    expect(await page.locator(`#ooc-${pinkiCase} textarea`).inputValue()).toBe('')
    // The page drawn afresh shows it too.
    await page.reload()
    expect(await page.locator(`#ooc-${pinkiCase} .ooc-said`).innerText()).toBe(SAID)
    await expectNoSidewaysScroll(page)
    await shot(page, 'cases-meeting-03-said-written-phone')
  })

  it('the case shows the step, linked to the meeting', async () => {
    await clickTo(page, new RegExp(`/cases/${pinkiCase}$`), () =>
      page.locator(`#ooc-${pinkiCase}`).getByRole('link', { name: 'मामला देखें' }).click(),
    )
    const step = page.locator('li.step-raised_bal_panchayat')
    expect(await step.innerText()).toContain(SAID)
    expect(await step.innerText()).toContain('बाल पंचायत की बैठक में बात रखी')
    await expectNoSidewaysScroll(page)
    await shot(page, 'cases-meeting-04-case-step-phone')
    await clickTo(page, new RegExp(`/meetings/${meetingId}$`), () => step.getByRole('link').click())
    expect(await page.locator('h1').first().innerText()).toContain('बैठक')
    expect(unexpectedProblems(session.problems)).toEqual(NO_PROBLEMS)
  })
})

describe('the demo village’s cases, on a 360 px phone', () => {
  let demo: Server
  let tab: { context: BrowserContext; page: Page; problems: Problems }
  beforeAll(async () => {
    demo = await startServer({ seed: false })
    const villageId = (await seedDemo(demo.db)).villageId
    tab = await openPage(b.browser, demo.base, 'phone')
    tab.context.setDefaultTimeout(10_000)
    await logIn(tab.page, 'facilitator', DEMO_PASSWORD)
    await tab.page.goto(`/villages/${villageId}/cases`)
  }, 120_000)
  afterAll(async () => {
    await tab?.context.close()
    await demo?.close()
  })

  it('lists the cases, the overdue check first, and the one child no one follows', async () => {
    const page = tab.page
    expect(await page.locator('#unfollowed li').count()).toBe(1)
    expect(await page.locator('#cases li').first().getAttribute('class')).toContain('is-overdue')
    expect(await page.locator('#cases li.is-overdue').count()).toBe(1)
    await expectNoSidewaysScroll(page)
    await shot(page, 'cases-meeting-05-demo-cases-phone')
  })

  it('the last meeting’s item lists what the members said of three children; the next meeting lists the open cases', async () => {
    const page = tab.page
    const items = demo.db
      .select({ meetingId: agendaItems.meetingId })
      .from(agendaItems)
      .innerJoin(meetings, eq(meetings.id, agendaItems.meetingId))
      .where(and(eq(agendaItems.kind, 'out_of_school')))
      .orderBy(asc(meetings.date))
      .all()
    expect(items).toHaveLength(2)
    await page.goto(`/meetings/${items[0].meetingId}`)
    expect(await page.locator('#out-of-school .ooc-said').count()).toBe(3)
    await expectNoSidewaysScroll(page)
    // The meeting's page is taller than a full-page shot can hold: the item alone.
    const item = page.locator('section.item', { has: page.locator('#out-of-school') })
    await item.screenshot({ path: path.join(SCREENSHOTS, 'cases-meeting-06-demo-held-meeting-item-phone.png') })
    await page.goto(`/meetings/${items[1].meetingId}`)
    // Only the children out of school now: the five cases not (or no longer) enrolled.
    expect(await page.locator('#out-of-school li.ooc-child').count()).toBe(5)
    expect(await page.locator('#out-of-school form').count()).toBe(0)
    await expectNoSidewaysScroll(page)
    await shot(page, 'cases-meeting-07-demo-next-meeting-phone')
    expect(unexpectedProblems(tab.problems)).toEqual(NO_PROBLEMS)
  })
})
