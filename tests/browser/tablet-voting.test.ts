// Voting on the shared tablet (800x1280, Hindi): the facilitator opens the polling station with a
// PIN, finds each child on the roll, and hands over the tablet; the child marks big picture cards,
// one contest per screen, checks the confirm screen, casts, and the tablet locks itself for the next
// voter. Then: no second vote, no way off the ballot, a wrong PIN, and the count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import {
  PASSWORD,
  logIn,
  openPage,
  shot,
  startServer,
  useBrowser,
  type Problems,
  type Server,
} from '../helpers/browser.ts'
import { ctxFor } from '../helpers/app.ts'
import { contestInput, electionInput, villageChildren } from '../helpers/elections.ts'
import { clickTo, mainText, path, text } from '../helpers/election-browser.ts'
import {
  card,
  cardLook,
  cast,
  current,
  expectAccessible,
  isMarked,
  remaining,
  startBallot,
  stats,
  stepButton,
  summary,
  tapCard,
  toConfirm,
  unexpectedConsole,
  unlock,
} from '../helpers/voting-browser.ts'
import { addContest, createElection, nominate, openNominations, openPoll } from '../../src/elections/elections.ts'
import { closePoll } from '../../src/elections/counting.ts'

const b = useBrowser()
let server: Server
let context: BrowserContext
let page: Page
let problems: Problems
let ids: Record<string, number>
let electionId = 0
const PIN = '4826'
const title = 'बाल पंचायत चुनाव'
// Members (सदस्य): 3 seats, up to 3 marks. Leaders (प्रधान): 2 named seats, 1 mark.
const m = { rahul: 'राहुल मीणा', seema: 'सीमा मीणा', amit: 'अमित गुर्जर', pooja: 'पूजा गुर्जर', vikas: 'विकास बैरवा' }
const l = { suresh: 'सुरेश सैनी', anita: 'अनीता बैरवा', deepak: 'दीपक योगी' }
// The voters of this journey: two girls and a boy who do not stand.
const reena = 'रीना सैनी',
  manoj = 'मनोज मीणा',
  kavita = 'कविता मीणा'
const TEAL = 'rgb(227, 243, 239)' // a marked card's background (#e3f3ef)

beforeAll(async () => {
  server = await startServer()
  const fx = server.fx
  ids = villageChildren(server.database, fx.users.facilitator, fx.villages.papdi.id, [
    [m.seema, 'girl'],
    [m.pooja, 'girl'],
    [l.anita, 'girl'],
    [reena, 'girl'],
    [kavita, 'girl'],
    [m.rahul, 'boy'],
    [m.amit, 'boy'],
    [m.vikas, 'boy'],
    [l.suresh, 'boy'],
    [l.deepak, 'boy'],
    [manoj, 'boy'],
  ])
  const ctx = ctxFor(server.database, fx.users.facilitator, 'hi')
  electionId = createElection(ctx, fx.villages.papdi.id, electionInput({ title })).id
  const members = addContest(ctx, electionId, contestInput({ name: 'सदस्य', seats: '3' })).id
  const leaders = addContest(
    ctx,
    electionId,
    contestInput({ name: 'प्रधान', seats: '2', seatTitles: 'प्रधान\nउप-प्रधान', maxChoices: '1' }),
  ).id
  openNominations(ctx, electionId)
  const symbols: [number, string, string][] = [
    [members, m.rahul, 'kite'],
    [members, m.seema, 'flower'],
    [members, m.amit, 'bicycle'],
    [members, m.pooja, 'butterfly'],
    [members, m.vikas, 'tree'],
    [leaders, l.suresh, 'sun'],
    [leaders, l.anita, 'star'],
    [leaders, l.deepak, 'boat'],
  ]
  for (const [contest, name, symbol] of symbols) nominate(ctx, electionId, contest, { childId: ids[name], symbol })
  openPoll(ctx, electionId)
  ;({ context, page, problems } = await openPage(b.browser, server.base, 'tablet'))
  context.setDefaultTimeout(10_000)
})
afterAll(async () => {
  await context?.close()
  await server?.close()
})

const base = () => `/elections/${electionId}`

describe('voting on the shared tablet, in Hindi, on an 800x1280 tablet', () => {
  it('the facilitator opens the polling station with a PIN and finds a child on the roll', async () => {
    await logIn(page, 'rekha', PASSWORD)
    await clickTo(page, /\/elections$/, () =>
      page.getByRole('navigation').getByRole('link', { name: 'चुनाव', exact: true }).click(),
    )
    await clickTo(page, base(), () => page.getByRole('link', { name: title }).click())
    await clickTo(page, `${base()}/station`, () => page.getByRole('link', { name: 'इस टैबलेट पर मतदान केंद्र' }).click())
    expect(await text(page, 'h1')).toBe('इस टैबलेट पर मतदान केंद्र खोलें')
    await page.getByLabel('केंद्र का पिन').fill(PIN)
    await page.getByLabel('पिन दोबारा').fill(PIN)
    await shot(page, 'voting-01-open-station-tablet')
    await clickTo(page, `${base()}/station`, () => page.getByRole('button', { name: 'मतदान केंद्र खोलें' }).click())
    expect(await text(page, '#flash')).toBe('इस टैबलेट पर मतदान केंद्र खुल गया।')
    expect(await text(page, 'h1')).toBe('मतदान केंद्र')
    expect(await stats(page)).toEqual(['डाले गए वोट: 0 / 11', 'वोट दे चुकी लड़कियाँ: 0 / 5', 'वोट दे चुके लड़के: 0 / 6'])
    expect(await page.locator('#roll ul.roll li').count()).toBe(11)
    await expectAccessible(page, 'the station')
    await shot(page, 'voting-02-station-roll-tablet')

    await page.getByLabel('नाम या अभिभावक से मतदाता खोजें').fill('रीना')
    await expect
      .poll(() => page.locator('#roll ul.roll li').allInnerTexts())
      .toEqual([expect.stringMatching(new RegExp(`^${reena}[\\s\\S]*वोट नहीं दिया$`))])
    await shot(page, 'voting-03-station-search-tablet')
  }, 60_000)

  it('a girl marks her choices, changes her mind on the confirm screen, casts; the tablet locks itself', async () => {
    // Playwright's clock: it runs by itself, and is moved on below instead of waiting out the thank-you.
    await page.clock.install()
    await startBallot(page, reena, 'voting-04-is-this-the-child-tablet')
    // Screen 1: Members. Big cards with picture, name and a speaker button each.
    expect(await current(page).locator('h1').innerText()).toBe('सदस्य')
    expect(await current(page).locator('.step-count').innerText()).toBe('पन्ना 1 (कुल 2)')
    expect(await current(page).locator('.choose').innerText()).toBe('3 बच्चे चुनें')
    expect(await remaining(page)).toEqual({ text: 'चाहें तो 3 और चुनें', filled: 0, dots: 3 })
    expect(await current(page).locator('.card-name').allInnerTexts()).toEqual(expect.arrayContaining(Object.values(m)))
    expect(await current(page).locator('.card svg[data-symbol]').count()).toBe(5)
    for (const name of Object.values(m)) {
      const box = (await card(page, name).locator('.card-choice').boundingBox())!
      expect(box.height, `${name}'s card`).toBeGreaterThanOrEqual(200)
      expect(box.width, `${name}'s card`).toBeGreaterThanOrEqual(200)
      const speak = (await card(page, name)
        .getByRole('button', { name: `${name} का नाम सुनें` })
        .boundingBox())!
      expect(Math.min(speak.width, speak.height), `${name}'s speaker button`).toBeGreaterThanOrEqual(48)
    }
    await card(page, m.rahul)
      .getByRole('button', { name: `${m.rahul} का नाम सुनें` })
      .click()
    const unmarked = await cardLook(page, m.rahul)
    await expectAccessible(page, 'the ballot')
    await shot(page, 'voting-05-ballot-members-tablet')

    await tapCard(page, m.rahul)
    await tapCard(page, m.seema)
    expect((await isMarked(page, m.rahul)) && (await isMarked(page, m.seema))).toBe(true)
    expect(await remaining(page)).toEqual({ text: 'चाहें तो 1 और चुनें', filled: 2, dots: 3 })
    // Marked: another colour AND a tick (white on colour), not colour alone.
    const marked = await cardLook(page, m.rahul)
    expect(marked.background).toBe(TEAL)
    expect(marked.border).not.toBe(unmarked.border)
    expect(marked.tickColour).toBe('rgb(255, 255, 255)')
    expect(unmarked.tickColour).toBe('rgba(0, 0, 0, 0)')
    await shot(page, 'voting-06-ballot-two-marked-tablet')
    // Tapping again unmarks.
    await tapCard(page, m.seema)
    expect(await isMarked(page, m.seema)).toBe(false)
    expect((await cardLook(page, m.seema)).background).toBe(unmarked.background)
    expect(await remaining(page)).toEqual({ text: 'चाहें तो 2 और चुनें', filled: 1, dots: 3 })
    // Up to the maximum; a tap on another card then does not mark it, and says to take a mark off first.
    await tapCard(page, m.seema)
    await tapCard(page, m.amit)
    expect(await remaining(page)).toEqual({ text: 'सब चुन लिए। अब “आगे” दबाएँ।', filled: 3, dots: 3 })
    expect(Number((await cardLook(page, m.pooja)).opacity)).toBeLessThan(1)
    await tapCard(page, m.pooja)
    expect(await isMarked(page, m.pooja)).toBe(false)
    expect((await remaining(page)).text).toBe('सब चुन लिए। किसी और को चुनना है? पहले किसी एक का निशान हटाएँ।')
    await shot(page, 'voting-07-ballot-max-reached-tablet')

    // Screen 2: Leaders, one mark.
    await stepButton(page, 'आगे →').click()
    expect(await current(page).locator('h1').innerText()).toBe('प्रधान')
    expect(await current(page).locator('.step-count').innerText()).toBe('पन्ना 2 (कुल 2)')
    expect(await current(page).locator('.choose').innerText()).toBe('एक बच्चा चुनें')
    expect(await remaining(page)).toEqual({ text: 'चाहें तो 1 और चुनें', filled: 0, dots: 1 })
    await tapCard(page, l.anita)
    expect(await isMarked(page, l.anita)).toBe(true)
    // With one mark to give, tapping another candidate moves the mark there, and back.
    await tapCard(page, l.suresh)
    expect(await isMarked(page, l.suresh)).toBe(true)
    expect(await isMarked(page, l.anita)).toBe(false)
    await tapCard(page, l.anita)
    expect(await isMarked(page, l.anita)).toBe(true)
    expect(await isMarked(page, l.suresh)).toBe(false)
    await shot(page, 'voting-08-ballot-leaders-tablet')

    // Confirm: the chosen pictures and names per contest, in the order of the ballot (by name).
    await stepButton(page, 'आगे →').click()
    expect(await current(page).locator('h1').innerText()).toBe('क्या यही आपका वोट है?')
    expect(await summary(page)).toEqual([
      {
        contest: 'सदस्य',
        chosen: [
          { name: m.amit, symbol: 'bicycle' },
          { name: m.rahul, symbol: 'kite' },
          { name: m.seema, symbol: 'flower' },
        ],
        none: null,
      },
      { contest: 'प्रधान', chosen: [{ name: l.anita, symbol: 'star' }], none: null },
    ])
    await expectAccessible(page, 'the confirm screen')
    await shot(page, 'voting-09-confirm-first-tablet')

    // "बदलें" for Members: Amit out, Pooja in.
    await page
      .locator('.summary-contest')
      .filter({ hasText: 'सदस्य' })
      .getByRole('button', { name: 'बदलें: सदस्य' })
      .click()
    expect(await current(page).locator('h1').innerText()).toBe('सदस्य')
    expect(await isMarked(page, m.amit)).toBe(true)
    await tapCard(page, m.amit)
    await tapCard(page, m.pooja)
    expect(await remaining(page)).toEqual({ text: 'सब चुन लिए। अब “आगे” दबाएँ।', filled: 3, dots: 3 })
    await toConfirm(page)
    expect((await summary(page)).map((s) => s.chosen.map((c) => c.name))).toEqual([
      [m.pooja, m.rahul, m.seema],
      [l.anita],
    ])
    await shot(page, 'voting-10-confirm-changed-tablet')

    await cast(page)
    expect(await mainText(page)).toContain('धन्यवाद! आपका वोट गुप्त है')
    // The page's own time (its clock goes on across pages).
    const pageNow = () => page.evaluate(() => Date.now())
    const thanksAt = await pageNow()
    await expectAccessible(page, 'the thank-you screen')
    await shot(page, 'voting-11-thanks-tablet')
    // By itself, after about 5 s: the next-voter screen, asking for the PIN; no names of the roll. The
    // clock moves on a quarter second a try until the page asks whether the box can be reached (then
    // no more, so that its request is not timed out), and the page goes by itself.
    let asked = false
    const onRequest = (r: { url: () => string }) => {
      if (new URL(r.url()).pathname === '/health') asked = true
    }
    page.on('request', onRequest)
    try {
      await expect
        .poll(
          async () => {
            if (!asked) await page.clock.fastForward(250)
            return path(page)
          },
          { timeout: 15_000 },
        )
        .toBe(`${base()}/station`)
    } finally {
      page.off('request', onRequest)
    }
    await page.waitForLoadState()
    expect((await pageNow()) - thanksAt).toBeGreaterThanOrEqual(4_000)
    expect(await text(page, 'h1')).toBe('अगला मतदाता')
    expect(await mainText(page)).toContain('वोट गिना गया ✓')
    expect(await mainText(page)).toContain('दीदी/भैया को बुलाएँ।')
    expect(await mainText(page)).not.toContain(manoj)
    await expectAccessible(page, 'the next-voter screen')
    await shot(page, 'voting-12-locked-tablet')
  }, 60_000)

  it('a wrong PIN is refused; the next child skips the Leaders contest and casts', async () => {
    await page.getByLabel('केंद्र का पिन').fill('0000')
    await clickTo(page, /\/station\/unlock$/, () => page.getByRole('button', { name: 'मतदाता सूची खोलें' }).click())
    expect(await page.locator('.field .error').innerText()).toBe('गलत पिन।')
    expect(await page.locator('#roll').count()).toBe(0)
    await shot(page, 'voting-13-wrong-pin-tablet')
    await unlock(page, PIN)
    expect(await stats(page)).toEqual(['डाले गए वोट: 1 / 11', 'वोट दे चुकी लड़कियाँ: 1 / 5', 'वोट दे चुके लड़के: 0 / 6'])

    await startBallot(page, manoj)
    await tapCard(page, m.rahul)
    await tapCard(page, m.amit)
    await stepButton(page, 'आगे →').click()
    // He marks Suresh, then skips the contest: the mark goes, and the confirm screen says so.
    await tapCard(page, l.suresh)
    await stepButton(page, 'छोड़ें').click()
    expect(await summary(page)).toEqual([
      {
        contest: 'सदस्य',
        chosen: [
          { name: m.amit, symbol: 'bicycle' },
          { name: m.rahul, symbol: 'kite' },
        ],
        none: null,
      },
      { contest: 'प्रधान', chosen: [], none: 'किसी को नहीं चुना' },
    ])
    await shot(page, 'voting-14-confirm-skipped-tablet')
    await cast(page)
    await clickTo(page, `${base()}/station`, () => page.getByRole('link', { name: 'हो गया' }).click())
    expect(await text(page, 'h1')).toBe('अगला मतदाता')
  }, 60_000)

  it('a third child votes; while her ballot is open the tablet cannot leave it', async () => {
    await unlock(page, PIN)
    await startBallot(page, kavita)
    // The register, the election page, the station: every way leads back to the ballot.
    for (const url of [
      `/villages/${server.fx.villages.papdi.id}/children`,
      base(),
      `${base()}/station`,
      `${base()}/station/voters/${ids[reena]}`,
    ]) {
      await page.goto(url)
      expect(path(page), url).toBe(`${base()}/ballot`)
      expect(await current(page).locator('h1').innerText()).toBe('सदस्य')
    }
    expect(await page.getByRole('navigation').count()).toBe(0)
    await tapCard(page, m.seema)
    await stepButton(page, 'आगे →').click()
    await tapCard(page, l.suresh)
    await toConfirm(page)
    expect((await summary(page)).map((s) => s.chosen.map((c) => c.name))).toEqual([[m.seema], [l.suresh]])
    await cast(page)
  }, 60_000)

  it('a child who has voted cannot vote again', async () => {
    await page.goto(`${base()}/station`)
    await unlock(page, PIN)
    expect(await stats(page)).toEqual(['डाले गए वोट: 3 / 11', 'वोट दे चुकी लड़कियाँ: 2 / 5', 'वोट दे चुके लड़के: 1 / 6'])
    await page.getByLabel('नाम या अभिभावक से मतदाता खोजें').fill('रीना')
    await expect.poll(() => page.locator('#roll ul.roll li').count()).toBe(1)
    const row = page.locator('#roll ul.roll li')
    expect(await row.innerText()).toMatch(/✓ वोट दिया$/)
    expect(await row.getByRole('link').count()).toBe(0)
    await shot(page, 'voting-15-roll-voted-tablet')

    // Forced: her confirm screen by its address says she has voted, and offers no ballot.
    await page.goto(`${base()}/station/voters/${ids[reena]}`)
    expect(await text(page, 'h1')).toBe(`${reena} का वोट पहले ही डल चुका है। और कुछ नहीं गिना गया।`)
    expect(await page.getByRole('button', { name: 'हाँ — इस बच्चे को मतपत्र दें' }).count()).toBe(0)
    await shot(page, 'voting-16-is-this-voted-child-tablet')
    await clickTo(page, `${base()}/station`, () => page.getByRole('link', { name: 'मतदाता सूची पर वापस' }).click())
    // And behind the page's back, with the page's own CSRF token: refused too, no ballot issued.
    const csrf = await page.locator('meta[name="csrf-token"]').getAttribute('content')
    const post = await page.request.post(`${base()}/station/ballot`, {
      form: { _csrf: csrf ?? '', childId: String(ids[reena]) },
      maxRedirects: 0,
    })
    expect(post.status()).toBe(409)
    await page.goto(`${base()}/station`)
    expect(await text(page, 'h1')).toBe('मतदान केंद्र')
    expect(await stats(page)).toEqual(['डाले गए वोट: 3 / 11', 'वोट दे चुकी लड़कियाँ: 2 / 5', 'वोट दे चुके लड़के: 1 / 6'])
  }, 60_000)

  it('the count matches what the children chose', async () => {
    await page.getByText('इस टैबलेट पर मतदान केंद्र बंद करें', { exact: true }).click()
    await clickTo(page, base(), () => page.getByRole('button', { name: 'हाँ, मतदान केंद्र बंद करें' }).click())
    expect(await text(page, '#flash')).toBe('यह टैबलेट अब मतदान केंद्र नहीं है।')
    closePoll(ctxFor(server.database, server.fx.users.facilitator, 'hi'), electionId, { source: 'random' })
    await page.goto(`${base()}/result`)
    const votes = async (contest: string) => {
      const panel = page
        .locator('section.result')
        .filter({ has: page.getByRole('heading', { level: 2, name: contest, exact: true }) })
      expect(await panel.locator('p.muted').first().innerText()).toBe('3 मतपत्र गिने गए।')
      const rows = await panel
        .locator('table tbody tr')
        .evaluateAll((trs) =>
          trs.map((tr) => [
            tr.querySelector('td:nth-child(2)')!.firstChild!.textContent!.trim(),
            Number(tr.querySelector('td:nth-child(3)')!.textContent),
          ]),
        )
      return Object.fromEntries(rows)
    }
    // Reena's final choice counts (Pooja), her first choice (Amit) does not: Amit has Manoj's vote only.
    expect(await votes('सदस्य')).toEqual({ [m.rahul]: 2, [m.seema]: 2, [m.pooja]: 1, [m.amit]: 1, [m.vikas]: 0 })
    // Manoj skipped the Leaders: his ballot counts, with no mark.
    expect(await votes('प्रधान')).toEqual({ [l.anita]: 1, [l.suresh]: 1, [l.deepak]: 0 })
    await shot(page, 'voting-18-result-tablet')

    expect({
      pageErrors: problems.pageErrors,
      console: unexpectedConsole(problems, [409, 422]),
      failedRequests: problems.failedRequests,
      serverErrors: problems.responses.filter((r) => r.status() >= 500).map((r) => `${r.status()} ${r.url()}`),
      refusals: problems.responses.filter((r) => r.status() === 409).map((r) => new URL(r.url()).pathname),
    }).toEqual({ pageErrors: [], console: [], failedRequests: [], serverErrors: [], refusals: [] })
  }, 60_000)
})
