// A Gram Panchayat member on a 360 px phone: the inbox says what waits on them, first, in their words, with the
// next step on each card and the finished below; the one-time decision is shown back to be confirmed, with or
// without JavaScript.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import type { BrowserContext, Page } from 'playwright-core'
import {
  NO_PROBLEMS,
  PASSWORD,
  logIn,
  openPage,
  shot,
  startServer,
  unexpectedProblems,
  useBrowser,
  type Problems,
  type Server,
} from '../helpers/browser.ts'
import { clickTo, expectNoSidewaysScroll, mainText, text } from '../helpers/election-browser.ts'
import { expectAccessible } from '../helpers/voting-browser.ts'
import { ctxFor } from '../helpers/app.ts'
import { closedMeetingWithResolutions, commonBalPanchayat, seatBalPanchayat } from '../helpers/meetings.ts'
import { acknowledgeResolution, decideResolution, forwardResolution } from '../../src/resolutions/journeys.ts'
import { resolutions, responses } from '../../src/resolutions/tables.ts'

const b = useBrowser()
let server: Server
let session: { context: BrowserContext; page: Page; problems: Problems }
let member: Page
const ids: Record<'toilet' | 'pump' | 'marriage' | 'playground' | 'books', number> = {
  toilet: 0,
  pump: 0,
  marriage: 0,
  playground: 0,
  books: 0,
}
const titles = {
  toilet: 'स्कूल में लड़कियों का शौचालय',
  pump: 'वार्ड 2 का हैंडपंप ठीक हो',
  marriage: '14 साल की लड़की की शादी रुके',
  playground: 'खेल का मैदान',
  books: 'पुस्तकालय के लिए किताबें',
}
function daysAgo(n: number) {
  return new Date(Date.now() - n * 86_400_000 + 5.5 * 3_600_000).toISOString().slice(0, 10)
}
const decisionsOf = (id: number) =>
  server.db
    .select()
    .from(responses)
    .where(eq(responses.resolutionId, id))
    .all()
    .filter((r) => r.kind !== 'acknowledged')

beforeAll(async () => {
  server = await startServer()
  const papdi = server.fx.villages.papdi.id
  const kids = seatBalPanchayat(server.database, server.fx.users.facilitator, papdi, commonBalPanchayat, daysAgo(90))
  const { passed } = closedMeetingWithResolutions(
    server.database,
    server.fx.users.facilitator,
    papdi,
    kids,
    5,
    daysAgo(40),
  )
  const names = Object.keys(ids) as (keyof typeof ids)[]
  passed.forEach((id, i) => {
    ids[names[i]] = id
    server.db.update(resolutions).set({ title: titles[names[i]] }).where(eq(resolutions.id, id)).run()
  })
  const rekha = ctxFor(server.database, server.fx.users.facilitator)
  const gp = ctxFor(server.database, server.fx.users.panchayat)
  const forward = (id: number, on: string) =>
    forwardResolution(rekha, id, { forwardedOn: on, addressedTo: 'सरपंच', way: 'gram_sabha', note: '' })
  // The toilet and the books: received, a decision due. The pump: sent 20 days ago and never acknowledged
  // (late). The playground: sent today. The marriage: declined, finished.
  forward(ids.toilet, daysAgo(5))
  acknowledgeResolution(gp, ids.toilet, daysAgo(4))
  forward(ids.books, daysAgo(6))
  acknowledgeResolution(gp, ids.books, daysAgo(4))
  forward(ids.pump, daysAgo(20))
  forward(ids.playground, daysAgo(0))
  forward(ids.marriage, daysAgo(30))
  acknowledgeResolution(gp, ids.marriage, daysAgo(29))
  decideResolution(gp, ids.marriage, {
    decision: 'declined',
    on: daysAgo(25),
    text: 'यह पुलिस का काम है',
    targetDate: null,
  })
  session = await openPage(b.browser, server.base, 'phone')
  session.context.setDefaultTimeout(10_000)
  member = session.page
})
afterAll(async () => {
  await session?.context.close()
  await server?.close()
})

const cardTitles = (page: Page, list: string) => page.locator(`ul.${list} > li .inbox-title`).allInnerTexts()
const words = async (text: Promise<string>) => (await text).replace(/\s+/g, ' ')

describe('the Gram Panchayat member’s inbox on a phone', () => {
  it('puts what waits on the member first, late first, in their words, the finished below', async () => {
    await logIn(member, 'sarpanch', PASSWORD)
    expect(new URL(member.url()).pathname).toBe('/inbox')
    expect(await member.locator('main h2').allInnerTexts()).toEqual(['आपका जवाब बाकी', 'पूरे हो चुके'])
    const pending = await cardTitles(member, 'inbox-pending')
    expect(pending.map((t) => t.split(' · ')[1])).toEqual([titles.pump, titles.playground, titles.books, titles.toilet])
    expect((await cardTitles(member, 'inbox-finished')).map((t) => t.split(' · ')[1])).toEqual([titles.marriage])
    const pump = member.locator('ul.inbox-pending > li').first()
    expect(await pump.locator('.badge').allInnerTexts()).toEqual(['आपकी पावती बाकी', 'पावती में देर'])
    expect(await words(pump.locator('.inbox-next').innerText())).toBe('अगला काम: पावती दें कि प्रस्ताव मिल गया')
    const toilet = member.locator('ul.inbox-pending > li').filter({ hasText: titles.toilet })
    expect(await words(toilet.locator('.inbox-next').innerText())).toBe('अगला काम: निर्णय लें')
    const finished = member.locator('ul.inbox-finished > li')
    expect(await finished.innerText()).toContain('अस्वीकार किया')
    expect(await finished.locator('.inbox-next').count()).toBe(0)
    expect(await mainText(member)).not.toContain('भेजा गया')
    const below = await member.locator('#inbox-finished').boundingBox()
    const lastPending = await member.locator('ul.inbox-pending > li').last().boundingBox()
    expect(below!.y).toBeGreaterThan(lastPending!.y + lastPending!.height)
    await expectNoSidewaysScroll(member)
    await shot(member, 'inbox-phone')
    await expectAccessible(member, 'the Gram Panchayat member’s inbox')
  })

  it('takes the member from a card’s next step to the decision, which is shown back before it is recorded', async () => {
    const toilet = member.locator('ul.inbox-pending > li').filter({ hasText: titles.toilet })
    await clickTo(member, new RegExp(`/resolutions/${ids.toilet}#answer$`), () =>
      toilet.getByRole('link', { name: 'निर्णय लें' }).click(),
    )
    await member.getByLabel('स्वीकार', { exact: true }).check()
    await member.getByLabel('क्या कार्रवाई होगी').fill('15वें वित्त आयोग से शौचालय बनेगा')
    await member.getByLabel('लक्ष्य तारीख').fill(daysAgo(-60))
    await clickTo(member, new RegExp(`/resolutions/${ids.toilet}/decision$`), () =>
      member.getByRole('button', { name: 'निर्णय जाँचें' }).click(),
    )
    // The question is the first thing on the screen; nothing is recorded yet.
    const confirm = member.locator('#confirm-decision')
    const box = await confirm.boundingBox()
    expect(box!.y).toBeLessThan(740)
    expect(await text(member, '#confirm-title')).toBe('क्या यही निर्णय दर्ज करें?')
    expect(await confirm.innerText()).toContain('निर्णय एक ही बार होता है')
    expect(await confirm.innerText()).toContain('15वें वित्त आयोग से शौचालय बनेगा')
    expect(decisionsOf(ids.toilet)).toEqual([])
    await expectNoSidewaysScroll(member)
    await shot(member, 'decision-confirm-phone')
    await expectAccessible(member, 'the decision’s confirmation')

    // Changing it: the form comes back filled in, and goes through the question again.
    await member.getByText('नहीं, कुछ बदलना है').click()
    const plan = member.getByLabel('क्या कार्रवाई होगी')
    expect(await plan.inputValue()).toBe('15वें वित्त आयोग से शौचालय बनेगा')
    await plan.fill('15वें वित्त आयोग से पानी वाला शौचालय बनेगा')
    await clickTo(member, new RegExp(`/resolutions/${ids.toilet}/decision$`), () =>
      member.getByRole('button', { name: 'निर्णय जाँचें' }).click(),
    )
    await expect.poll(() => confirm.innerText()).toContain('पानी वाला शौचालय')
    expect(decisionsOf(ids.toilet)).toEqual([])

    await clickTo(member, new RegExp(`/resolutions/${ids.toilet}$`), () =>
      member.getByRole('button', { name: 'हाँ, यह निर्णय दर्ज करें' }).click(),
    )
    expect(await text(member, '#flash')).toBe('निर्णय दर्ज हो गया।')
    expect(decisionsOf(ids.toilet).map((d) => [d.kind, d.text])).toEqual([
      ['accepted', '15वें वित्त आयोग से पानी वाला शौचालय बनेगा'],
    ])
    await member.goto('/inbox')
    const card = member.locator('ul.inbox-pending > li').filter({ hasText: titles.toilet })
    expect(await card.locator('.badge').first().innerText()).toBe('स्वीकार किया, काम दर्ज करना बाकी')
    expect(unexpectedProblems(session.problems)).toEqual(NO_PROBLEMS)
  })

  it('asks the same question without JavaScript', async () => {
    const plain = await openPage(b.browser, server.base, 'phone', { javaScriptEnabled: false })
    try {
      const page = plain.page
      page.setDefaultTimeout(10_000)
      await logIn(page, 'sarpanch', PASSWORD)
      await page.goto(`/resolutions/${ids.books}`)
      await page.getByLabel('किसी विभाग या अधिकारी को भेजा').check()
      await page.getByLabel('किसे भेजा (विभाग या अधिकारी)').fill('ब्लॉक शिक्षा अधिकारी')
      await clickTo(page, new RegExp(`/resolutions/${ids.books}/decision$`), () =>
        page.getByRole('button', { name: 'निर्णय जाँचें' }).click(),
      )
      expect(await page.locator('#confirm-decision').innerText()).toContain('ब्लॉक शिक्षा अधिकारी')
      expect(decisionsOf(ids.books)).toEqual([])
      await clickTo(page, new RegExp(`/resolutions/${ids.books}$`), () =>
        page.getByRole('button', { name: 'हाँ, यह निर्णय दर्ज करें' }).click(),
      )
      expect(decisionsOf(ids.books).map((d) => [d.kind, d.text])).toEqual([['referred', 'ब्लॉक शिक्षा अधिकारी']])
      expect(unexpectedProblems(plain.problems)).toEqual(NO_PROBLEMS)
    } finally {
      await plain.context.close()
    }
  })
})
