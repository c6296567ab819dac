// A girl found carrying bricks at the kiln, followed on the facilitator's 360 px phone: the case opened from
// the register's out-of-school list, a visit, the matter raised with the Gram Panchayat through a resolution
// whose answer then shows on the case, her enrolment, attending at 30 and at 90 days, and the case closed with
// her back in school. Every step is dated in the past, as a facilitator writes up what happened.
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
import { clickTo, expectNoSidewaysScroll, mainText, submitExpectingMistakes } from '../helpers/election-browser.ts'
import { expectAccessible } from '../helpers/voting-browser.ts'
import { ctxFor } from '../helpers/app.ts'
import { closedMeetingWithResolutions, commonBalPanchayat, seatBalPanchayat } from '../helpers/meetings.ts'
import { addChild } from '../../src/people/children.ts'
import { acknowledgeResolution, decideResolution, forwardResolution } from '../../src/resolutions/journeys.ts'
import { addDays } from '../../src/cases/machine.ts'
import { bornYearsBefore, todayIso } from '../../src/core/dates.ts'

const b = useBrowser()
let server: Server
let session: { context: BrowserContext; page: Page; problems: Problems }
let page: Page
let papdi: number
let resolution: number
const daysAgo = (n: number) => addDays(todayIso(), -n)
const PINKI = 'पिंकी बैरवा'
const ANSWER = 'सरपंच भट्टा मालिक से बात करेंगे'

beforeAll(async () => {
  server = await startServer()
  papdi = server.fx.villages.papdi.id
  const kids = seatBalPanchayat(server.database, server.fx.users.facilitator, papdi, commonBalPanchayat, daysAgo(300))
  ;[resolution] = closedMeetingWithResolutions(
    server.database,
    server.fx.users.facilitator,
    papdi,
    kids,
    1,
    daysAgo(140),
  ).passed
  addChild(
    ctxFor(server.database, server.fx.users.facilitator, 'hi'),
    papdi,
    {
      name: PINKI,
      gender: 'girl',
      dateOfBirth: bornYearsBefore(11),
      ward: '2',
      school: '',
      schoolClass: '',
      inSchool: false,
      outOfSchoolReason: 'working',
      guardianName: 'कालू बैरवा',
      guardianPhone: '',
    },
    null,
  )
  session = await openPage(b.browser, server.base, 'phone')
  session.context.setDefaultTimeout(10_000)
  page = session.page
})
afterAll(async () => {
  await session?.context.close()
  await server?.close()
})

/** From the case page, a next-step button to its form, filled by `fill`, saved back to the case page. */
async function recordStep(button: string, fill: () => Promise<void>) {
  const caseUrl = page.url()
  await clickTo(page, /\/steps\/new\?kind=/, () => page.getByRole('link', { name: button, exact: true }).click())
  await expectNoSidewaysScroll(page)
  await fill()
  await clickTo(page, caseUrl, () => page.getByRole('button', { name: 'सहेजें' }).click())
  expect(await mainText(page)).toContain('क़दम दर्ज हो गया।')
}

describe('from the brick kiln back to school, on a 360 px phone', () => {
  it('the register shows her out of school with no one following up; the case opens after its mistakes are fixed', async () => {
    await logIn(page, 'rekha', PASSWORD)
    await page.goto(`/villages/${papdi}/children?school=no`)
    const row = page.locator('tr', { hasText: PINKI })
    expect(await row.innerText()).toContain('अभी किसी ने सुध नहीं ली')
    await expectNoSidewaysScroll(page)
    await shot(page, 'cases-01-register-no-one-following-phone')
    // Her own page says so too, with the way to open a case.
    await clickTo(page, /\/children\/\d+$/, () => row.getByRole('link', { name: PINKI }).click())
    expect(await page.locator('#cases').innerText()).toContain('अभी किसी ने सुध नहीं ली')
    expect(await page.locator('#cases').getByRole('link', { name: 'मामला खोलें' }).count()).toBe(1)
    await expectNoSidewaysScroll(page)
    await shot(page, 'cases-01b-child-page-phone')
    await page.goBack()

    await clickTo(page, /\/cases\/new$/, () => row.getByRole('link', { name: 'मामला खोलें' }).click())
    expect(await page.locator('h1').innerText()).toBe(`${PINKI} का मामला खोलें`)
    // Working is already chosen from the register; no place, and a date in the future.
    await page.getByLabel('कब पता चला').fill(addDays(todayIso(), 3))
    await submitExpectingMistakes(page, () => page.getByRole('button', { name: 'मामला खोलें' }).click())
    expect(await errorAt(page, 'workPlace').innerText()).toBe('यह भरना ज़रूरी है।')
    expect(await errorAt(page, 'foundOn').innerText()).toBe('यह तारीख़ आगे की नहीं हो सकती।')
    await expectNoSidewaysScroll(page)
    await shot(page, 'cases-02-open-mistakes-phone')

    await page.getByLabel('ईंट भट्टा').check()
    await page.getByLabel('कब पता चला').fill(daysAgo(130))
    await page.getByLabel('क्या पता चला').fill('अलवर रोड वाले भट्टे पर ईंटें ढोती है')
    await clickTo(page, /\/cases\/\d+$/, () => page.getByRole('button', { name: 'मामला खोलें' }).click())
    const text = await mainText(page)
    expect(text).toContain('मामला खुल गया।')
    expect(text).toContain('काम पर (बाल मज़दूरी) — ईंट भट्टा')
    expect(text).toContain('खुला: स्कूल से बाहर')
  })

  it('a family visit, then the matter raised with the Gram Panchayat under a resolution', async () => {
    await recordStep('परिवार से मिले', async () => {
      await page.getByLabel('किस दिन').fill(daysAgo(128))
      await page.getByLabel('परिवार ने क्या कहा').fill('माँ मान गई, पिता भट्टे का कर्ज़ बताते हैं')
    })
    await recordStep('ग्राम पंचायत के सामने रखी', async () => {
      await page.getByLabel('प्रस्ताव', { exact: true }).selectOption({ index: 1 })
      await page.getByLabel('किस दिन').fill(daysAgo(127))
    })
    expect(await mainText(page)).toContain('ग्राम पंचायत का जवाब अभी नहीं आया।')
  })

  it("shows the Gram Panchayat's answer on the case once it is recorded", async () => {
    const keeper = ctxFor(server.database, server.fx.users.facilitator, 'hi')
    const sarpanch = ctxFor(server.database, server.fx.users.panchayat, 'hi')
    forwardResolution(keeper, resolution, { forwardedOn: daysAgo(126), addressedTo: 'सरपंच', way: 'letter', note: '' })
    acknowledgeResolution(sarpanch, resolution, daysAgo(125))
    decideResolution(sarpanch, resolution, { decision: 'accepted', on: daysAgo(124), text: ANSWER, targetDate: null })
    await page.reload()
    const text = await mainText(page)
    expect(text).toContain('ग्राम पंचायत का जवाब:')
    expect(text).toContain(ANSWER)
    await expectNoSidewaysScroll(page)
    await shot(page, 'cases-03-gram-panchayat-answered-phone')
  })

  it('enrolled (the register follows), with the 30-day check flagged overdue until it is recorded', async () => {
    await recordStep('स्कूल में दाख़िला हुआ', async () => {
      await page.getByLabel('स्कूल', { exact: true }).fill('राजकीय प्राथमिक विद्यालय पापड़ी')
      await page.getByLabel('कक्षा', { exact: true }).fill('5')
      await page.getByLabel('शिक्षा का अधिकार (RTE) के तहत दाख़िला हुआ').check()
      await page.getByLabel('किस दिन').fill(daysAgo(120))
    })
    expect(await page.locator('#check-overdue').innerText()).toContain('30 दिन की जाँच')
    expect(await page.locator('.badge.overdue').first().innerText()).toBe('30 दिन की जाँच में देर')
    await shot(page, 'cases-04-enrolled-check-overdue-phone')

    // Closing as back in school is refused before the 90-day check, at its field.
    const caseUrl = page.url()
    await clickTo(page, /kind=closed/, () => page.getByRole('link', { name: 'मामला बंद करें' }).click())
    await page.getByLabel('स्कूल में वापसी: 90 दिन तक उपस्थित').check()
    await submitExpectingMistakes(page, () => page.getByRole('button', { name: 'सहेजें' }).click())
    expect(await errorAt(page, 'closeReason').innerText()).toContain('90 दिन की जाँच')
    await shot(page, 'cases-05-close-refused-phone')
    await page.goto(caseUrl)
  })

  it('attending at 30 and at 90 days, then closed: back in school', async () => {
    await recordStep('स्कूल जाने की जाँच', async () => {
      expect(await page.getByLabel('30 दिन').isChecked()).toBe(true)
      await page.getByLabel('हाँ').check()
      await page.getByLabel('किस दिन').fill(daysAgo(90))
    })
    expect(await mainText(page)).toContain('30 दिन की जाँच: स्कूल में उपस्थित')
    await recordStep('स्कूल जाने की जाँच', async () => {
      expect(await page.getByLabel('90 दिन').isChecked()).toBe(true)
      await page.getByLabel('हाँ').check()
      await page.getByLabel('किस दिन').fill(daysAgo(30))
    })
    expect(await mainText(page)).toContain('90 दिन की जाँच पूरी: मामला बंद कर सकते हैं')
    await recordStep('मामला बंद करें', async () => {
      expect(await page.getByLabel('स्कूल में वापसी: 90 दिन तक उपस्थित').isChecked()).toBe(true)
      await page.getByLabel('किस दिन').fill(daysAgo(29))
    })
    const text = await mainText(page)
    expect(text).toContain('मामला बंद')
    expect(await page.locator('.case-state .badge').first().innerText()).toBe('स्कूल में वापसी: 90 दिन तक उपस्थित')
    expect(text).toContain(ANSWER)
    expect(await page.getByRole('link', { name: 'मामला फिर खोलें' }).count()).toBe(1)
    await expectNoSidewaysScroll(page)
    await expectAccessible(page, 'the closed case')
    await shot(page, 'cases-06-closed-back-in-school-phone')

    await page.goto(`/villages/${papdi}/children`)
    expect(await page.locator('tr', { hasText: PINKI }).innerText()).toContain('राजकीय प्राथमिक विद्यालय पापड़ी')
    await clickTo(page, /\/children\/\d+$/, () => page.getByRole('link', { name: PINKI }).click())
    expect(await page.locator('#cases').innerText()).toContain('स्कूल में वापसी: 90 दिन तक उपस्थित')
    await shot(page, 'cases-06b-child-page-closed-case-phone')
    await page.goto(`/villages/${papdi}/cases`)
    expect(await mainText(page)).toContain('रजिस्टर में स्कूल से बाहर हर बच्चे का मामला खुला है।')
    await expectNoSidewaysScroll(page)
    await shot(page, 'cases-07-list-phone')
    expect(unexpectedProblems(session.problems)).toEqual(NO_PROBLEMS)
  })
})
