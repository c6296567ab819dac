// The round trip, in two browsers: the facilitator forwards a passed resolution (and prints its
// letter), the Gram Panchayat member answers it on their own phone step by step, and the public
// children's board, on a TV-sized screen with nobody logged in, shows it done.
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
  printShot,
  submitExpectingMistakes,
  text,
} from '../helpers/election-browser.ts'
import { expectAccessible } from '../helpers/voting-browser.ts'
import { closedMeetingWithResolutions, commonBalPanchayat, seatBalPanchayat } from '../helpers/meetings.ts'
import { todayIso } from '../../src/core/dates.ts'

const b = useBrowser()
let server: Server
let ids: { passed: number[]; failed: number }
const sessions: { context: BrowserContext; page: Page; problems: Problems }[] = []
let facilitator: Page
let member: Page

const inTwoMonths = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10)
const title = 'A girls toilet at the primary school'

beforeAll(async () => {
  server = await startServer()
  const kids = seatBalPanchayat(
    server.database,
    server.fx.users.facilitator,
    server.fx.villages.papdi.id,
    commonBalPanchayat,
  )
  ids = closedMeetingWithResolutions(server.database, server.fx.users.facilitator, server.fx.villages.papdi.id, kids, 2)
  for (const _ of [1, 2]) {
    const s = await openPage(b.browser, server.base, 'phone')
    s.context.setDefaultTimeout(10_000)
    sessions.push(s)
  }
  facilitator = sessions[0].page
  member = sessions[1].page
})
afterAll(async () => {
  for (const s of sessions) await s.context.close()
  await server?.close()
})

describe('a resolution goes to the Gram Panchayat and comes back answered', () => {
  it('the facilitator prints the letter and records the forwarding', async () => {
    await logIn(facilitator, 'rekha', PASSWORD)
    await clickTo(facilitator, /\/resolutions$/, () =>
      facilitator.getByRole('navigation').getByRole('link', { name: 'प्रस्ताव' }).click(),
    )
    expect(await mainText(facilitator)).toContain(`${title} शिक्षा`.replace(' शिक्षा', ''))
    await shot(facilitator, 'forwarding-01-resolutions-phone')
    await clickTo(facilitator, new RegExp(`/resolutions/${ids.passed[0]}$`), () =>
      facilitator.getByRole('link', { name: title }).click(),
    )
    expect(await text(facilitator, 'h1')).toBe(title)
    expect(await text(facilitator, '.resolution-head .badge')).toBe('पारित, अभी भेजा नहीं')

    await clickTo(facilitator, /\/letter$/, () => facilitator.getByRole('link', { name: 'पत्र छापें (हिन्दी)' }).click())
    expect(await mainText(facilitator)).toContain('सेवा में,')
    await printShot(facilitator, 'forwarding-02-letter-print', async () => {
      expect(await facilitator.locator('.signatures > div').count()).toBe(2)
    })
    await facilitator.goBack()

    await facilitator.getByLabel('पत्र से').check()
    await clickTo(facilitator, new RegExp(`/resolutions/${ids.passed[0]}$`), () =>
      facilitator.getByRole('button', { name: 'भेजना दर्ज करें' }).click(),
    )
    expect(await text(facilitator, '#flash')).toBe('प्रस्ताव का भेजा जाना दर्ज हो गया।')
    expect(await text(facilitator, 'ol.journey')).toContain('पत्र से')
    expect(await text(facilitator, 'ol.journey')).toContain('ग्राम पंचायत की पावती की प्रतीक्षा')
    await expectNoSidewaysScroll(facilitator)
    await shot(facilitator, 'forwarding-03-forwarded-phone')
  })

  it('the panchayat member finds it in the inbox and acknowledges receipt', async () => {
    await logIn(member, 'sarpanch', PASSWORD)
    expect(new URL(member.url()).pathname).toBe('/inbox')
    const cards = member.locator('ul.inbox > li')
    expect(await cards.count()).toBe(1)
    expect(await cards.first().innerText()).toContain(title)
    expect(await member.getByRole('navigation').innerText()).not.toContain('बच्चों का रजिस्टर')
    await expectNoSidewaysScroll(member)
    await shot(member, 'forwarding-04-inbox-phone')
    await clickTo(member, new RegExp(`/resolutions/${ids.passed[0]}$`), () =>
      member.getByRole('link', { name: new RegExp(title) }).click(),
    )
    await clickTo(member, new RegExp(`/resolutions/${ids.passed[0]}$`), () =>
      member.getByRole('button', { name: 'पावती दें' }).click(),
    )
    expect(await text(member, '#flash')).toBe('पावती दर्ज हो गई।')
  })

  it('a decline without a reason is refused at the field; the member accepts with a plan instead', async () => {
    await member.getByLabel('अस्वीकार', { exact: true }).check()
    await expect.poll(() => member.getByLabel('अस्वीकार करने का कारण').isVisible()).toBe(true)
    expect(await member.getByLabel('क्या कार्रवाई होगी').isVisible()).toBe(false)
    await submitExpectingMistakes(member, () => member.getByRole('button', { name: 'निर्णय जाँचें' }).click())
    expect(await errorAt(member, 'reason').innerText()).toBe('प्रस्ताव कारण बताकर ही अस्वीकार किया जा सकता है।')
    await shot(member, 'forwarding-05-decline-refused-phone')
    await member.getByLabel('स्वीकार', { exact: true }).check()
    await member.getByLabel('क्या कार्रवाई होगी').fill('15वें वित्त आयोग के पैसे से पानी वाला शौचालय बनेगा')
    await member.getByLabel('लक्ष्य तारीख').fill(inTwoMonths)
    // The decision is made once: it is shown back first, to be confirmed.
    await clickTo(member, new RegExp(`/resolutions/${ids.passed[0]}/decision$`), () =>
      member.getByRole('button', { name: 'निर्णय जाँचें' }).click(),
    )
    expect(await text(member, '#confirm-decision')).toContain('15वें वित्त आयोग के पैसे से पानी वाला शौचालय बनेगा')
    await clickTo(member, new RegExp(`/resolutions/${ids.passed[0]}$`), () =>
      member.getByRole('button', { name: 'हाँ, यह निर्णय दर्ज करें' }).click(),
    )
    expect(await text(member, '#flash')).toBe('निर्णय दर्ज हो गया।')
    expect(await text(member, '.resolution-head .badge')).toBe('स्वीकार')
  })

  it('records the action taken, then marks it done', async () => {
    await member.getByLabel('क्या किया गया').fill('ठेकेदार को काम का आदेश दिया, नींव खुद गई')
    await member.getByLabel('प्रमाण (ज़रूरी नहीं)').fill('आदेश संख्या 17, फोटो')
    await clickTo(member, new RegExp(`/resolutions/${ids.passed[0]}$`), () =>
      member.getByRole('button', { name: 'कार्रवाई दर्ज करें' }).click(),
    )
    expect(await text(member, '#flash')).toBe('कार्रवाई दर्ज हो गई।')
    await clickTo(member, new RegExp(`/resolutions/${ids.passed[0]}$`), () =>
      member.getByRole('button', { name: 'पूरा हुआ दर्ज करें' }).click(),
    )
    expect(await text(member, '#flash')).toBe('पूरा हुआ दर्ज हो गया। बच्चों के बोर्ड पर अब यही दिखेगा।')
    expect(await member.locator('#answer').count()).toBe(0)
    const journey = await text(member, 'ol.journey')
    for (const step of ['भेजा गया', 'ग्राम पंचायत को मिल गया', 'स्वीकार', 'कार्रवाई हुई', 'पूरा हुआ'])
      expect(journey).toContain(step)
    await expectNoSidewaysScroll(member)
    await shot(member, 'forwarding-06-done-phone')
    await expectAccessible(member, 'resolution page of the panchayat member')
  })

  it('the children’s board, with nobody logged in, shows the resolution done', async () => {
    const tv = await openPage(b.browser, server.base, 'tablet', { viewport: { width: 1280, height: 720 } })
    sessions.push(tv)
    await tv.page.goto(`/board/${server.fx.villages.papdi.id}`)
    expect(await text(tv.page, 'h1')).toBe('बाल पंचायत Papdi: हमारे प्रस्ताव')
    const card = tv.page.locator('.board-card').filter({ hasText: title })
    expect(await card.locator('.badge').first().innerText()).toBe('पूरा हुआ')
    expect(await card.innerText()).toContain('अब तक हुआ: ठेकेदार को काम का आदेश दिया, नींव खुद गई')
    expect(await card.locator('svg').count()).toBe(1)
    expect(await tv.page.locator('.board-card').count()).toBe(1)
    await shot(tv.page, 'forwarding-07-board-tv')
    await expectAccessible(tv.page, 'children’s board')
    await clickTo(tv.page, /status=done$/, () => tv.page.getByRole('link', { name: 'पूरा हुआ (1)' }).click())
    expect(await tv.page.locator('.board-card').count()).toBe(1)
    await tv.page.setViewportSize({ width: 800, height: 1280 })
    await expectNoSidewaysScroll(tv.page)
    await shot(tv.page, 'forwarding-08-board-tablet')
  })

  it('the answers are on the agenda of the next meeting, to be read out to the children', async () => {
    await facilitator.goto(`/villages/${server.fx.villages.papdi.id}/meetings/new`)
    await facilitator.getByLabel('स्थान').fill('चौपाल')
    await clickTo(facilitator, /\/meetings\/\d+$/, () => facilitator.getByRole('button', { name: 'तय करें' }).click())
    const item = facilitator.locator('ol.agenda > li').filter({ hasText: 'जवाब आया' })
    expect(await item.count()).toBe(1)
    const said = await item.innerText()
    for (const step of ['स्वीकार', 'कार्रवाई हुई', 'पूरा हुआ']) expect(said).toContain(step)
    expect(said).toContain(title)
    await expectNoSidewaysScroll(facilitator)
    await shot(facilitator, 'forwarding-09-next-meeting-agenda-phone')
  })

  it('the facilitator sees the whole journey, and nothing went wrong in any browser', async () => {
    await facilitator.goto(`/resolutions/${ids.passed[0]}`)
    expect(await text(facilitator, '.resolution-head .badge')).toBe('पूरा हुआ')
    expect(await text(facilitator, 'ol.journey')).toContain('प्रमाण: आदेश संख्या 17, फोटो')
    expect(todayIso()).toMatch(/^\d{4}-/)
    for (const s of sessions) expect(unexpectedProblems(s.problems)).toEqual(NO_PROBLEMS)
  })
})
