// The children's board on a TV (1920×1080): it fills the screen in large type and shows every card in turn,
// a screenful at a time, without anyone scrolling; a late answer shows as late. On a phone it scrolls as before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import type { Page } from 'playwright-core'
import {
  NO_PROBLEMS,
  openPage,
  shot,
  startServer,
  unexpectedProblems,
  useBrowser,
  type Server,
} from '../helpers/browser.ts'
import { expectNoSidewaysScroll } from '../helpers/election-browser.ts'
import { expectAccessible } from '../helpers/voting-browser.ts'
import { ctxFor } from '../helpers/app.ts'
import { afterClock } from '../helpers/browser-clock.ts'
import { closedMeetingWithResolutions, commonBalPanchayat, seatBalPanchayat } from '../helpers/meetings.ts'
import {
  acknowledgeResolution,
  decideResolution,
  forwardResolution,
  markDone,
  recordAction,
} from '../../src/resolutions/journeys.ts'
import { resolutions, type Category } from '../../src/resolutions/tables.ts'
import { todayIso } from '../../src/core/dates.ts'

const b = useBrowser()
let server: Server
let board: string
const tv = { viewport: { width: 1920, height: 1080 } }

function daysAgo(n: number) {
  return new Date(Date.now() - n * 86_400_000 + 5.5 * 3_600_000).toISOString().slice(0, 10)
}
/** Eight resolutions as a village writes them, at every stage of their journey. */
const eight: [string, string, Category][] = [
  ['स्कूल में लड़कियों का शौचालय', 'प्राथमिक स्कूल में लड़कियों के लिए अलग शौचालय बने, जिसमें पानी और दरवाज़ा हो।', 'sanitation'],
  ['वार्ड 2 का हैंडपंप ठीक हो', 'वार्ड 2 का हैंडपंप दो हफ़्ते से बंद है; बच्चे दूर से पानी लाते हैं।', 'health'],
  [
    '14 साल की लड़की की शादी रुके',
    'गाँव में 14 साल की एक लड़की की शादी तय हुई है; उसे रोका जाए और वह स्कूल जाती रहे।',
    'child_marriage',
  ],
  ['खेल का मैदान', 'पंचायत भवन के पीछे की ज़मीन को बच्चों के खेल का मैदान बनाया जाए।', 'play'],
  ['ईंट भट्टे पर काम करते बच्चे', 'ईंट भट्टे पर काम कर रहे चार बच्चों को स्कूल में दाखिला दिलाया जाए।', 'child_labour'],
  ['स्कूल के रास्ते पर रोशनी', 'स्कूल के रास्ते पर शाम को अँधेरा रहता है; वहाँ बिजली के खंभे पर बत्ती लगे।', 'safety'],
  ['आँगनवाड़ी में पोषाहार', 'आँगनवाड़ी में हर दिन पोषाहार मिले और उसकी सूची दीवार पर लिखी जाए।', 'health'],
  ['पुस्तकालय के लिए किताबें', 'स्कूल के पुस्तकालय के लिए कहानी की किताबें और एक अलमारी दी जाए।', 'education'],
]

beforeAll(async () => {
  server = await startServer()
  const papdi = server.fx.villages.papdi.id
  board = `/board/${papdi}`
  const kids = seatBalPanchayat(server.database, server.fx.users.facilitator, papdi, commonBalPanchayat, daysAgo(90))
  const { passed } = closedMeetingWithResolutions(
    server.database,
    server.fx.users.facilitator,
    papdi,
    kids,
    eight.length,
    daysAgo(45),
  )
  const rekha = ctxFor(server.database, server.fx.users.facilitator)
  const gp = ctxFor(server.database, server.fx.users.panchayat)
  passed.forEach((id, i) => {
    const [title, request, category] = eight[i]
    server.db.update(resolutions).set({ title, request, category }).where(eq(resolutions.id, id)).run()
  })
  const forward = (id: number, on: string) =>
    forwardResolution(rekha, id, { forwardedOn: on, addressedTo: 'सरपंच', way: 'gram_sabha', note: '' })
  const [toilet, pump, marriage, playground, kiln, light, food, books] = passed
  forward(toilet, daysAgo(2))
  forward(pump, daysAgo(25)) // never acknowledged: late
  forward(marriage, daysAgo(40))
  acknowledgeResolution(gp, marriage, daysAgo(38)) // never decided: late
  for (const id of [playground, kiln, light, food, books]) {
    forward(id, daysAgo(30))
    acknowledgeResolution(gp, id, daysAgo(29))
  }
  decideResolution(gp, playground, {
    decision: 'accepted',
    on: daysAgo(20),
    text: 'मनरेगा से ज़मीन समतल होगी',
    targetDate: todayIso(),
  })
  recordAction(gp, playground, { on: daysAgo(10), text: 'ज़मीन समतल हो गई', evidence: '' })
  markDone(gp, playground, daysAgo(3))
  decideResolution(gp, kiln, { decision: 'referred', on: daysAgo(20), text: 'श्रम विभाग, विराटनगर', targetDate: null })
  decideResolution(gp, light, {
    decision: 'declined',
    on: daysAgo(20),
    text: 'इस साल बिजली का बजट नहीं है',
    targetDate: null,
  })
  decideResolution(gp, food, {
    decision: 'accepted',
    on: daysAgo(20),
    text: 'सुपरवाइज़र हर हफ़्ते देखेंगी',
    targetDate: daysAgo(-30),
  })
  recordAction(gp, food, { on: daysAgo(5), text: 'सूची दीवार पर लिख दी गई', evidence: '' })
})
afterAll(async () => {
  await server?.close()
})

/**
 * The board, its cards turning every `seconds` instead of every 15 (the data attribute the page sets).
 * The page's clock is Playwright's: it runs by itself, and a test moves it on (`afterClock`) instead of
 * waiting for the turns in real time.
 */
async function openBoard(page: Page, seconds: number) {
  await page.clock.install()
  await page.route(`**${board}`, async (route) => {
    const res = await route.fetch()
    const body = (await res.text()).replace('data-turn-seconds="15"', `data-turn-seconds="${seconds}"`)
    await route.fulfill({ response: res, body })
  })
  await page.goto(board)
}

const pageNumber = (page: Page) => page.evaluate(() => document.getElementById('board-cards')!.dataset.page ?? '')

describe('the children’s board on a TV', () => {
  it('fills the screen in large type and shows every card in turn, none needing a scroll', async () => {
    const { context, page, problems } = await openPage(b.browser, server.base, 'tablet', tv)
    // A 1920x1080 screenshot can take long on a busy machine.
    context.setDefaultTimeout(90_000)
    try {
      await openBoard(page, 2)
      await expect.poll(() => pageNumber(page)).toBe('1')
      const layout = await page.evaluate(() => ({
        scroll: document.documentElement.scrollHeight - window.innerHeight,
        width: document.getElementById('board-cards')!.getBoundingClientRect().width,
        pages: Number(document.getElementById('board-cards')!.dataset.pages),
      }))
      expect(layout.scroll).toBeLessThanOrEqual(0)
      expect(layout.width).toBeGreaterThan(1700)
      expect(layout.pages).toBeGreaterThan(1)
      // Every piece of text on the screen, in the header, the tabs and the cards, is 32 px or more.
      const small = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('body *')]
          .filter(
            (e) =>
              [...e.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim()) &&
              e.getBoundingClientRect().height > 0,
          )
          .map((e) => ({
            text: e.textContent!.trim().slice(0, 30),
            size: Number.parseFloat(getComputedStyle(e).fontSize),
          }))
          .filter((e) => e.size < 32),
      )
      expect(small).toEqual([])
      // Each page as it comes, recorded in the page itself (a slow screenshot cannot make the test miss one):
      // which cards are on screen, and whether each lies whole inside the window and the cards' area.
      await page.evaluate(() => {
        const list = document.getElementById('board-cards')!
        const record = () => {
          const area = list.getBoundingClientRect()
          const cards = [...list.querySelectorAll<HTMLElement>('.board-card')]
            .filter((c) => c.getBoundingClientRect().height > 0)
            .map((c) => {
              const r = c.getBoundingClientRect()
              const inside =
                r.top >= 0 && r.bottom <= Math.min(window.innerHeight, area.bottom + 1) && r.right <= window.innerWidth
              return { title: c.querySelector('h2')!.textContent!.trim(), inside }
            })
          const scroll = document.documentElement.scrollHeight - window.innerHeight
          ;(window as unknown as { turns: unknown[] }).turns.push({ page: list.dataset.page, cards, scroll })
        }
        ;(window as unknown as { turns: unknown[] }).turns = []
        record()
        new MutationObserver(record).observe(list, { attributes: true, attributeFilter: ['data-page'] })
      })
      type Turn = { page: string; cards: { title: string; inside: boolean }[]; scroll: number }
      const turns = () => page.evaluate(() => (window as unknown as { turns: Turn[] }).turns)
      // Every page in turn, until the first comes round again (the clock moved on half a turn a try).
      await expect
        .poll(
          afterClock(page, 1_000, async () => {
            const seen = (await turns()).map((t) => t.page)
            const last = seen.indexOf(String(layout.pages))
            return last >= 0 && seen.lastIndexOf('1') > last
          }),
          { timeout: 60_000 },
        )
        .toBe(true)
      const all = await turns()
      expect(all.every((t) => t.cards.length > 0 && t.scroll <= 0)).toBe(true)
      const seen = new Map(all.flatMap((t) => t.cards.map((c) => [c.title, c.inside] as const)))
      expect([...seen.keys()].sort()).toEqual(eight.map(([title]) => title).sort())
      expect(all.flatMap((t) => t.cards.filter((c) => !c.inside))).toEqual([])
      expect(await page.locator('#board-pager').isVisible()).toBe(true)
      expect(await page.locator('#board-pager .board-dots li').count()).toBe(layout.pages)
      // A screenshot of each page as a child sees it: the turning stopped with the page's own button, the fade over.
      const pause = page.locator('#board-pause')
      const shots = new Set<string>()
      for (let n = 1; n <= layout.pages; n++) {
        await expect
          .poll(
            afterClock(page, 1_000, () => pageNumber(page)),
            { timeout: 60_000 },
          )
          .toBe(String(n))
        await pause.click()
        expect(await pause.innerText()).toBe('फिर से चलाएँ')
        const shown = await pageNumber(page)
        await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)))
        await shot(page, `board-tv-page-${shown}`)
        // axe reads colours as drawn: on a still page, not halfway through a fade.
        if (shots.size === 0) await expectAccessible(page, 'the children’s board on a TV')
        shots.add(shown)
        await pause.click()
        expect(await pause.innerText()).toBe('रोकें')
      }
      expect(shots.size).toBeGreaterThan(1)
      expect(unexpectedProblems(problems)).toEqual(NO_PROBLEMS)
    } finally {
      await context.close()
    }
  }, 360_000)

  it('shows a late answer as late, not only as “sent”', async () => {
    const { context, page } = await openPage(b.browser, server.base, 'tablet', tv)
    try {
      await openBoard(page, 2)
      const pump = page.locator('.board-card').filter({ hasText: 'वार्ड 2 का हैंडपंप ठीक हो' })
      await expect
        .poll(
          afterClock(page, 1_000, () => pump.isVisible()),
          { timeout: 30_000 },
        )
        .toBe(true)
      expect(await pump.locator('.badge').allInnerTexts()).toEqual(['भेजा गया', 'जवाब में देर'])
      expect(await pump.innerText()).toContain('ग्राम पंचायत ने अभी तक नहीं बताया कि उसे प्रस्ताव मिल गया।')
      expect(await pump.evaluate((e) => getComputedStyle(e).borderLeftColor)).toBe('rgb(180, 35, 24)')
      await shot(page, 'board-tv-late')
      const marriage = page.locator('.board-card').filter({ hasText: '14 साल की लड़की की शादी रुके' })
      expect(await marriage.innerText()).toContain('ग्राम पंचायत ने अभी तक निर्णय नहीं लिया।')
      const toilet = page.locator('.board-card').filter({ hasText: 'स्कूल में लड़कियों का शौचालय' })
      expect(await toilet.locator('.badge.overdue').count()).toBe(0)
    } finally {
      await context.close()
    }
  }, 120_000)

  it('turns its pages with a fade, and without one for a viewer who asked for less motion', async () => {
    for (const reducedMotion of ['no-preference', 'reduce'] as const) {
      const { context, page } = await openPage(b.browser, server.base, 'tablet', { ...tv, reducedMotion })
      try {
        await openBoard(page, 1)
        await expect
          .poll(
            afterClock(page, 500, () => pageNumber(page)),
            { timeout: 30_000 },
          )
          .toBe('2')
        const animation = await page.evaluate(
          () => getComputedStyle(document.getElementById('board-cards')!).animationName,
        )
        expect(animation).toBe(reducedMotion === 'reduce' ? 'none' : 'board-turn')
      } finally {
        await context.close()
      }
    }
  }, 120_000)

  it('stops turning while paused, and turns again when asked', async () => {
    const { context, page } = await openPage(b.browser, server.base, 'tablet', tv)
    try {
      await openBoard(page, 5)
      expect(await pageNumber(page)).toBe('1')
      await page.clock.runFor(5_000)
      expect(await pageNumber(page)).toBe('2')
      await page.getByRole('button', { name: 'रोकें' }).click()
      await page.clock.runFor(60_000)
      expect(await pageNumber(page)).toBe('2')
      await page.getByRole('button', { name: 'फिर से चलाएँ' }).click()
      await page.clock.runFor(5_000)
      expect(await pageNumber(page)).toBe('3')
    } finally {
      await context.close()
    }
  }, 120_000)

  it('on a phone, shows every card one below the other, to scroll as usual', async () => {
    const { context, page, problems } = await openPage(b.browser, server.base, 'phone')
    try {
      await openBoard(page, 1)
      expect(await page.evaluate(() => document.documentElement.classList.contains('board-paged'))).toBe(false)
      expect(await page.locator('.board-card:visible').count()).toBe(eight.length)
      expect(await page.locator('#board-pager').isVisible()).toBe(false)
      expect(await page.evaluate(() => document.documentElement.scrollHeight > window.innerHeight)).toBe(true)
      await expectNoSidewaysScroll(page)
      await shot(page, 'board-phone')
      expect(unexpectedProblems(problems)).toEqual(NO_PROBLEMS)
    } finally {
      await context.close()
    }
  }, 120_000)
})
