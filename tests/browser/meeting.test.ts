// A meeting of the Bal Panchayat from the facilitator's phone, in Hindi as it is held: scheduled
// with its agenda, attendance ticked one tap per member until the quorum is met, minutes typed
// (and kept through a dropped connection), one resolution passed and one failed, closed, printed.
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
  path,
  printShot,
  submitExpectingMistakes,
  text,
} from '../helpers/election-browser.ts'
import { expectAccessible } from '../helpers/voting-browser.ts'
import { seatBalPanchayat } from '../helpers/meetings.ts'
import { minutes } from '../../src/meetings/tables.ts'
import { resolutions } from '../../src/resolutions/tables.ts'
import { todayIso } from '../../src/core/dates.ts'

const b = useBrowser()
let server: Server
let context: BrowserContext
let page: Page
let problems: Problems
let meetingPath = ''

// Meena is the Pradhan; five more girls and four boys are members.
const girls = ['मीना मीणा', 'सुनीता गुर्जर', 'पूजा बैरवा', 'कविता सैनी', 'सीमा योगी', 'अनीता मीणा']
const boys = ['रवि गुर्जर', 'सुनील मीणा', 'गोपाल बैरवा', 'मुकेश सैनी']

beforeAll(async () => {
  server = await startServer()
  seatBalPanchayat(server.database, server.fx.users.facilitator, server.fx.villages.papdi.id, [
    ...girls.map((n) => [n, 'girl'] as [string, 'girl']),
    ...boys.map((n) => [n, 'boy'] as [string, 'boy']),
  ])
  ;({ context, page, problems } = await openPage(b.browser, server.base, 'phone'))
  context.setDefaultTimeout(10_000)
})
afterAll(async () => {
  await context?.close()
  await server?.close()
})

const member = (name: string) => page.locator('#attendance button.member').filter({ hasText: name })
const quorumVerdict = () => text(page, '#quorum .quorum-verdict')
async function tap(name: string) {
  const before = await member(name).getAttribute('aria-pressed')
  await member(name).click()
  await expect.poll(() => member(name).getAttribute('aria-pressed')).not.toBe(before)
}
const item = (title: string) =>
  page.locator('section.item').filter({ has: page.getByRole('heading', { level: 3, name: new RegExp(title) }) })

describe('a facilitator holds a Bal Panchayat meeting on a 360px phone', () => {
  it('schedules the meeting with its agenda, correcting a missing place', async () => {
    await logIn(page, 'rekha', PASSWORD)
    await clickTo(page, /\/meetings$/, () => page.getByRole('navigation').getByRole('link', { name: 'बैठकें' }).click())
    expect(await text(page, 'h1')).toBe('बाल पंचायत की बैठकें, Papdi')
    expect(await mainText(page)).toContain(
      'कोरम: कम से कम आधे सदस्य उपस्थित हों, और उपस्थित लोगों में कम से कम एक-तिहाई लड़कियाँ हों।',
    )
    await clickTo(page, /\/meetings\/new$/, () => page.getByRole('link', { name: 'बैठक तय करें' }).click())
    expect(await page.getByLabel('तारीख').inputValue()).toBe(todayIso())
    expect(await page.getByLabel('अध्यक्षता').locator('option:checked').innerText()).toBe('बाल पंचायत प्रधान')
    await page.getByLabel('कार्यसूची').fill('वार्ड 3 का हैंडपंप\nस्कूल में लड़कियों का शौचालय')
    await submitExpectingMistakes(page, () => page.getByRole('button', { name: 'तय करें' }).click())
    expect(await errorAt(page, 'place').innerText()).toBe('यह भरना ज़रूरी है।')
    expect(await page.getByLabel('कार्यसूची').inputValue()).toBe('वार्ड 3 का हैंडपंप\nस्कूल में लड़कियों का शौचालय')
    await expectNoSidewaysScroll(page)
    await shot(page, 'meeting-01-schedule-mistake-phone')
    await page.getByLabel('स्थान').fill('स्कूल का बरामदा')
    await clickTo(page, /\/meetings\/\d+$/, () => page.getByRole('button', { name: 'तय करें' }).click())
    meetingPath = path(page)
    expect(await text(page, '#flash')).toBe('बैठक तय हो गई।')
    expect(await mainText(page)).toContain('अध्यक्षता मीना मीणा (Pradhan)')
  })

  it('adds an agenda item and moves it up before the meeting starts', async () => {
    await page.getByLabel('नया विषय').fill('खेल का मैदान')
    await page.getByRole('button', { name: 'विषय जोड़ें' }).click()
    await expect.poll(() => page.locator('ol.agenda > li').count()).toBe(3)
    await page.getByRole('button', { name: '“खेल का मैदान” ऊपर करें' }).click()
    await expect
      .poll(async () => (await page.locator('ol.agenda > li > span.grow').allInnerTexts()).map((s) => s.trim()))
      .toEqual(['वार्ड 3 का हैंडपंप', 'खेल का मैदान', 'स्कूल में लड़कियों का शौचालय'])
    await expectNoSidewaysScroll(page)
    await shot(page, 'meeting-02-agenda-phone')
  })

  it('starts the meeting; the quorum is met only after enough girls are ticked', async () => {
    await clickTo(page, /\/meetings\/\d+#attendance$/, () => page.getByRole('button', { name: 'बैठक शुरू करें' }).click())
    expect(await quorumVerdict()).toBe('✗ अभी कोरम पूरा नहीं')
    for (const boy of boys) await tap(boy)
    await tap(girls[0])
    expect(await quorumVerdict()).toBe('✗ अभी कोरम पूरा नहीं')
    expect(await text(page, '#quorum')).toContain('उपस्थित सदस्य: 10 में से 5')
    expect(await text(page, '#quorum')).toContain('✗ उपस्थित लोगों में कम से कम 2 लड़कियाँ')
    await expectNoSidewaysScroll(page)
    await shot(page, 'meeting-03-no-quorum-phone')
    await tap(girls[1])
    expect(await quorumVerdict()).toBe('✓ कोरम पूरा है')
    expect(await text(page, '#quorum')).toContain('उपस्थित लड़कियाँ: 6 लड़की सदस्यों में से 2')
    // A mistaken tap is undone by tapping again.
    await tap(girls[2])
    await tap(girls[2])
    expect(await member(girls[2]).getAttribute('aria-pressed')).toBe('false')
    expect(await member(girls[1]).innerText()).toContain('✓')
    await shot(page, 'meeting-04-quorum-met-phone')
    await expectAccessible(page, 'meeting in progress')
  })

  it('saves minutes while typing, and keeps them through a dropped connection', async () => {
    const pump = item('वार्ड 3 का हैंडपंप')
    await pump.getByLabel('चर्चा').fill('हैंडपंप एक महीने से खराब है; बच्चियाँ दूर से पानी लाती हैं।')
    await expect.poll(() => pump.locator('.save-state').innerText()).toMatch(/^सहेजा गया /)
    // The connection drops: the text stays in the page, the page says so, and it is sent again.
    await page.route('**/minutes', (route) => route.abort('internetdisconnected'))
    await pump.getByLabel('निर्णय').fill('सरपंच जी को पत्र लिखेंगे।')
    await expect.poll(() => pump.locator('.save-state').innerText()).toContain('सहेजा नहीं गया: कनेक्शन नहीं है')
    await shot(page, 'meeting-05-minutes-offline-phone')
    // Even a reload while offline loses nothing: the unsaved text comes back from this device.
    await page.reload()
    expect(await item('वार्ड 3 का हैंडपंप').getByLabel('निर्णय').inputValue()).toBe('सरपंच जी को पत्र लिखेंगे।')
    await page.unroute('**/minutes')
    await page.evaluate(() => window.dispatchEvent(new Event('online')))
    await expect
      .poll(() => item('वार्ड 3 का हैंडपंप').locator('.save-state').innerText(), { timeout: 15_000 })
      .toMatch(/^सहेजा गया /)
    expect(
      server.db
        .select()
        .from(minutes)
        .all()
        .map((m) => m.decisions),
    ).toContain('सरपंच जी को पत्र लिखेंगे।')
    problems.failedRequests.length = 0
    problems.console.length = 0

    await item('वार्ड 3 का हैंडपंप').getByText('काम जोड़ें', { exact: true }).first().click()
    await item('वार्ड 3 का हैंडपंप').getByLabel('क्या करना है').fill('हैंडपंप की फोटो खींचकर पत्र के साथ लगाना')
    await item('वार्ड 3 का हैंडपंप').getByLabel('कौन करेगा').fill('रवि और मीना')
    await clickTo(page, /#item-\d+$/, () => item('वार्ड 3 का हैंडपंप').getByRole('button', { name: 'काम जोड़ें' }).click())
    expect(await item('वार्ड 3 का हैंडपंप').locator('.action-points').innerText()).toContain(
      'हैंडपंप की फोटो खींचकर पत्र के साथ लगाना — रवि और मीना',
    )
  })

  it('passes one resolution, after correcting a count larger than those present, and fails another', async () => {
    await clickTo(page, /\/resolutions\/new\?item=\d+$/, () =>
      item('स्कूल में लड़कियों का शौचालय').getByRole('link', { name: 'इस विषय पर प्रस्ताव दर्ज करें' }).click(),
    )
    expect(await page.getByLabel('कार्यसूची का विषय').locator('option:checked').innerText()).toBe(
      '3. स्कूल में लड़कियों का शौचालय',
    )
    await page.getByLabel('शीर्षक').fill('प्राथमिक विद्यालय में लड़कियों का अलग शौचालय')
    await page.getByLabel('समस्या क्या है').fill('स्कूल में एक ही शौचालय है और उसमें दरवाज़ा नहीं है।')
    await page.getByLabel('बाल पंचायत क्या माँगती है').fill('बरसात से पहले लड़कियों के लिए अलग शौचालय बने।')
    await page.getByLabel('किससे माँग').fill('सरपंच, ग्राम पंचायत सोठाना')
    await page.getByLabel('श्रेणी').selectOption({ label: 'पानी और स्वच्छता' })
    await page.getByLabel('प्रस्तावक').selectOption({ label: `${girls[1]}` })
    await page.getByLabel('समर्थक').selectOption({ label: boys[0] })
    await page.getByLabel('पक्ष में', { exact: true }).fill('7')
    await submitExpectingMistakes(page, () => page.getByRole('button', { name: 'प्रस्ताव और मतदान दर्ज करें' }).click())
    expect(await errorAt(page, 'votesFor').innerText()).toBe('वोटों का जोड़ उपस्थित 6 सदस्यों से अधिक है।')
    expect(await page.getByLabel('शीर्षक').inputValue()).toBe('प्राथमिक विद्यालय में लड़कियों का अलग शौचालय')
    await expectNoSidewaysScroll(page)
    await shot(page, 'meeting-06-resolution-mistake-phone')
    await page.getByLabel('पक्ष में', { exact: true }).fill('5')
    await page.getByLabel('विपक्ष में').fill('1')
    await clickTo(page, /#resolution-\d+$/, () => page.getByRole('button', { name: 'प्रस्ताव और मतदान दर्ज करें' }).click())
    expect(await text(page, '#flash')).toBe('प्रस्ताव पारित हुआ और उसे क्रमांक मिला।')
    const year = todayIso().slice(0, 4)
    expect(await page.locator('article.resolution.passed h4').innerText()).toContain(`पारित · क्रमांक Papdi/${year}/1`)

    await clickTo(page, /\/resolutions\/new$/, () =>
      page.getByRole('link', { name: 'प्रस्ताव दर्ज करें', exact: true }).click(),
    )
    await page.getByLabel('शीर्षक').fill('गाँव में शराब की दुकान बंद हो')
    await page.getByLabel('समस्या क्या है').fill('दुकान स्कूल के रास्ते में है।')
    await page.getByLabel('बाल पंचायत क्या माँगती है').fill('दुकान स्कूल से दूर हटाई जाए।')
    await page.getByLabel('किससे माँग').fill('सरपंच')
    await page.getByLabel('श्रेणी').selectOption({ label: 'सुरक्षा' })
    await page.getByLabel('प्रस्तावक').selectOption({ label: boys[1] })
    await page.getByLabel('समर्थक').selectOption({ label: boys[2] })
    await page.getByLabel('पक्ष में', { exact: true }).fill('2')
    await page.getByLabel('विपक्ष में').fill('3')
    await page.getByLabel('तटस्थ').fill('1')
    await clickTo(page, /#resolution-\d+$/, () => page.getByRole('button', { name: 'प्रस्ताव और मतदान दर्ज करें' }).click())
    expect(await text(page, '#flash')).toBe('प्रस्ताव पारित नहीं हुआ, यह दर्ज कर लिया गया।')
    expect(await page.locator('article.resolution.failed').innerText()).toContain('2 पक्ष में, 3 विपक्ष में, 1 तटस्थ')
    expect(
      server.db
        .select()
        .from(resolutions)
        .all()
        .map((r) => r.number),
    ).toEqual([`Papdi/${year}/1`, null])
    await shot(page, 'meeting-07-resolutions-phone')
  })

  it('closes the meeting, freezing the minutes, and prints them in Hindi', async () => {
    await page.locator('summary', { hasText: 'बैठक समाप्त करें' }).click()
    await clickTo(page, new RegExp(`${meetingPath}$`), () =>
      page.getByRole('button', { name: 'हाँ, समाप्त करें और कार्यवाही विवरण बंद करें' }).click(),
    )
    expect(await text(page, '#flash')).toBe('बैठक समाप्त हुई। कार्यवाही विवरण छापने के लिए तैयार है।')
    expect(await page.locator('textarea[name="discussion"]').count()).toBe(0)
    expect(await page.locator('#attendance button.member').count()).toBe(0)
    await page.getByLabel('सुधार').fill('हैंडपंप वार्ड 3 में नहीं, वार्ड 4 में है।')
    await clickTo(page, /#amendments$/, () => page.getByRole('button', { name: 'संशोधन जोड़ें' }).click())
    expect(await text(page, '#amendments')).toContain('हैंडपंप वार्ड 3 में नहीं, वार्ड 4 में है।')
    await expectNoSidewaysScroll(page)
    await shot(page, 'meeting-08-closed-phone')

    await clickTo(page, /\/minutes$/, () => page.getByRole('link', { name: 'कार्यवाही विवरण छापें (हिन्दी)' }).click())
    const sheet = await mainText(page)
    expect(sheet).toContain('बाल पंचायत — बैठक का कार्यवाही विवरण')
    expect(sheet).toContain('10 में से 6 सदस्य उपस्थित, उनमें 2 लड़कियाँ (6 लड़की सदस्यों में से)।')
    expect(sheet).toContain('कोरम पूरा था')
    expect(sheet).toContain('प्रस्तावक सुनीता गुर्जर, समर्थक रवि गुर्जर')
    expect(sheet).toContain('अध्यक्ष के हस्ताक्षर या अँगूठा निशान')
    await expectNoSidewaysScroll(page)
    await printShot(page, 'meeting-09-minutes-print', async () => {
      expect(await page.locator('.signatures > div').count()).toBe(2)
      expect(await page.locator('p.no-print').isVisible()).toBe(false)
    })
    expect(unexpectedProblems(problems)).toEqual(NO_PROBLEMS)
  })
})
