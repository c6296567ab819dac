// The shared tablet (800x1280, Hindi) when the village Wi-Fi drops and when a child walks away: the
// cast sent while offline goes once the Wi-Fi is back; an answer lost after the box counted the vote
// is asked about again; neither counts twice, and the child reads "counted" only when the box said so.
// Back after a vote shows nothing of the ballot; the facilitator's cancel needs the PIN; the idle
// timeout warns first (sound and the whole screen) and a tap keeps the ballot open.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
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
import { clickTo, mainText, path, submitExpectingMistakes, text } from '../helpers/election-browser.ts'
import {
  answer,
  current,
  expectAccessible,
  startBallot,
  tapCard,
  toConfirm,
  unlock,
} from '../helpers/voting-browser.ts'
import { addContest, createElection, nominate, openNominations, openPoll } from '../../src/elections/elections.ts'
import { IDLE_TIMEOUT_MS } from '../../src/elections/voting.ts'
import { afterClock } from '../helpers/browser-clock.ts'

// The back-forward cache allowed, even for no-store pages (as newer Chrome may do): Back must still show nothing.
const b = useBrowser(['--enable-features=BackForwardCache,CacheControlNoStoreEnterBackForwardCache'])
let server: Server
let context: BrowserContext
let page: Page
let problems: Problems
let electionId = 0
const PIN = '7391'
const seema = 'सीमा मीणा',
  rahul = 'राहुल मीणा'
const voters = { reena: 'रीना सैनी', manoj: 'मनोज मीणा', kavita: 'कविता मीणा', pooja: 'पूजा बैरवा', gita: 'गीता योगी' }

beforeAll(async () => {
  server = await startServer()
  const fx = server.fx
  const ids = villageChildren(server.database, fx.users.facilitator, fx.villages.papdi.id, [
    [seema, 'girl'],
    [rahul, 'boy'],
    [voters.reena, 'girl'],
    [voters.manoj, 'boy'],
    [voters.kavita, 'girl'],
    [voters.pooja, 'girl'],
    [voters.gita, 'girl'],
    ['छोटू बैरवा', 'boy', 4],
  ])
  const ctx = ctxFor(server.database, fx.users.facilitator, 'hi')
  electionId = createElection(ctx, fx.villages.papdi.id, electionInput({ title: 'बाल पंचायत चुनाव' })).id
  const members = addContest(ctx, electionId, contestInput({ name: 'सदस्य', seats: '1' })).id
  openNominations(ctx, electionId)
  nominate(ctx, electionId, members, { childId: ids[seema], symbol: 'flower' })
  nominate(ctx, electionId, members, { childId: ids[rahul], symbol: 'kite' })
  openPoll(ctx, electionId)
  ;({ context, page, problems } = await openPage(b.browser, server.base, 'tablet'))
  context.setDefaultTimeout(10_000)
})
afterAll(async () => {
  await context?.close()
  await server?.close()
})

const base = () => `/elections/${electionId}`
const counted = () =>
  server.database.sqlite.prepare('SELECT count(*) FROM box_checkoffs WHERE voted').pluck().get() as number
/** Marks Seema and goes to the confirm screen. */
async function markAndConfirm() {
  await tapCard(page, seema)
  await toConfirm(page)
}
const castButton = () => current(page).getByRole('button', { name: 'वोट डालें ✓' })

describe('the cast through bad Wi-Fi', () => {
  it('the facilitator opens the station; the roll says why a child of the register is not on it', async () => {
    await logIn(page, 'rekha', PASSWORD)
    await page.goto(`${base()}/station`)
    await page.getByLabel('केंद्र का पिन').fill(PIN)
    await page.getByLabel('पिन दोबारा').fill(PIN)
    await clickTo(page, `${base()}/station`, () => page.getByRole('button', { name: 'मतदान केंद्र खोलें' }).click())
    expect(await page.getByRole('navigation').count()).toBe(0)
    await clickTo(page, `${base()}/roll/additions`, () =>
      page.getByRole('link', { name: 'कोई बच्चा मतदाता सूची में नहीं है' }).click(),
    )
    expect(await page.locator('#off-roll li').allInnerTexts()).toEqual([
      expect.stringMatching(/^छोटू बैरवा[\s\S]*वोट की उम्र से कम$/),
    ])
    expect(await page.getByRole('navigation').count()).toBe(0)
    await shot(page, 'wifi-01-not-on-the-roll-and-why-tablet')
    await clickTo(page, `${base()}/station`, () => page.getByRole('link', { name: 'मतदाता सूची पर वापस' }).click())
  }, 60_000)

  it('offline at the tap: "sending", then "did not go — call didi/bhaiya"; back online it counts once', async () => {
    // The page's clock is moved on instead of waited for: its 20 s before "call didi/bhaiya", its 5 s before
    // the next-voter screen. Time still flows by itself too (the later tests see real time).
    await page.clock.install()
    await startBallot(page, voters.reena)
    await markAndConfirm()
    await context.setOffline(true)
    await castButton().click()
    await expect.poll(() => answer(page)).toBe('वोट भेज रहे हैं… रुकें')
    await shot(page, 'wifi-02-sending-tablet')
    // Still no answer after a while: the child is sent for help, and the tablet keeps asking.
    await expect
      .poll(
        afterClock(page, 2_000, () => answer(page)),
        { timeout: 40_000 },
      )
      .toBe('वोट नहीं गया — दीदी/भैया को बुलाएँ')
    expect(await mainText(page)).toContain('बॉक्स से जवाब नहीं मिला')
    expect(await mainText(page)).not.toContain('गिना गया ✓')
    expect(counted()).toBe(0)
    await expectAccessible(page, 'the vote not sent')
    await shot(page, 'wifi-03-not-sent-tablet')
    await context.setOffline(false)
    await expect.poll(() => answer(page), { timeout: 20_000 }).toBe('आपका वोट गिना गया ✓')
    expect(counted()).toBe(1)
    expect(path(page)).toBe(`${base()}/ballot/thanks`)
    await shot(page, 'wifi-04-counted-after-offline-tablet')
    // By itself (its 5 s moved on): the next-voter screen, which says the vote counted.
    await Promise.all([page.waitForURL(`${base()}/station`, { timeout: 15_000 }), page.clock.fastForward(5_000)])
    expect(await text(page, 'h1')).toBe('अगला मतदाता')
    expect(await mainText(page)).toContain('वोट गिना गया ✓')
    expect(counted()).toBe(1)
  }, 120_000)

  it('the answer lost after the box counted: the tablet asks again and says it counted; one vote', async () => {
    await unlock(page, PIN)
    await startBallot(page, voters.manoj)
    await markAndConfirm()
    let handled = 0
    // The box takes the cast and answers, and the answer never reaches the tablet.
    await page.route(`**${base()}/ballot`, async (route) => {
      if (route.request().method() !== 'POST' || handled > 0) return route.continue()
      handled++
      await route.fetch()
      await route.abort('connectionreset')
    })
    await castButton().click()
    await expect.poll(() => answer(page), { timeout: 20_000 }).toBe('आपका वोट गिना गया ✓')
    expect(handled).toBe(1)
    expect(counted()).toBe(2)
    await page.unroute(`**${base()}/ballot`)
    await shot(page, 'wifi-05-counted-after-lost-answer-tablet')

    // Back, again and again: nothing of the ballot or the child's name comes back.
    for (let i = 0; i < 3; i++) {
      await page.goBack().catch(() => null)
      await page.waitForLoadState()
      const shown = await page.locator('body').innerText()
      for (const word of [seema, rahul, voters.manoj, 'वोट डालें ✓', 'क्या यही आपका वोट है?'])
        expect(shown, `after Back ×${i + 1}`).not.toContain(word)
    }
    await page.goto(`${base()}/station`)
    expect(await text(page, 'h1')).toBe('अगला मतदाता')
    expect(counted()).toBe(2)
  }, 60_000)

  it("the cancel on the child's screen needs the PIN; the next-voter screen says the ballot was cancelled", async () => {
    await unlock(page, PIN)
    await startBallot(page, voters.kavita)
    await tapCard(page, seema)
    await page.getByText('दीदी/भैया: मतपत्र रद्द करें', { exact: true }).click()
    const cancel = page.locator('#cancel-ballot')
    await cancel.getByLabel('केंद्र का पिन').fill('0000')
    await shot(page, 'wifi-06-cancel-asks-the-pin-tablet')
    await submitExpectingMistakes(page, () => cancel.getByRole('button', { name: 'हाँ, मतपत्र रद्द करें' }).click())
    expect(await page.locator('#cancel-ballot .field .error').innerText()).toBe('गलत पिन।')
    // The ballot is still hers.
    expect(await current(page).locator('h1').innerText()).toBe('सदस्य')
    await page.goto(`${base()}/station`)
    expect(path(page)).toBe(`${base()}/ballot`)
    await page.getByText('दीदी/भैया: मतपत्र रद्द करें', { exact: true }).click()
    await page.locator('#cancel-ballot').getByLabel('केंद्र का पिन').fill(PIN)
    await clickTo(page, `${base()}/station`, () =>
      page.locator('#cancel-ballot').getByRole('button', { name: 'हाँ, मतपत्र रद्द करें' }).click(),
    )
    expect(await text(page, 'h1')).toBe('अगला मतदाता')
    expect(await mainText(page)).toContain('मतपत्र रद्द — कुछ नहीं गिना गया')
    expect(counted()).toBe(2)
    await expectAccessible(page, 'the next-voter screen after a cancel')
    await shot(page, 'wifi-07-cancelled-tablet')
  }, 60_000)

  it('the idle timeout warns 20 s before, with a sound; a tap keeps the ballot; then it ends and says so', async () => {
    await page.addInitScript(() => {
      const w = window as unknown as { beeps: number; AudioContext: typeof AudioContext }
      w.beeps = 0
      const start = OscillatorNode.prototype.start
      OscillatorNode.prototype.start = function (...args: Parameters<typeof start>) {
        w.beeps++
        return start.apply(this, args)
      }
    })
    await page.clock.install()
    await unlock(page, PIN)
    await startBallot(page, voters.pooja)
    await tapCard(page, seema)
    const warning = page.getByRole('alertdialog')
    await page.clock.fastForward(90_000)
    expect(await warning.isVisible()).toBe(false)
    await page.clock.fastForward(11_000)
    await expect.poll(() => warning.isVisible()).toBe(true)
    expect(await warning.locator('h1').innerText()).toBe('अभी वोट देना है?')
    expect(await warning.innerText()).toMatch(/नहीं तो (20|19|18) सेकंड में यह मतपत्र बंद हो जाएगा/)
    expect(await page.evaluate(() => (window as unknown as { beeps: number }).beeps)).toBeGreaterThan(0)
    await expectAccessible(page, 'the idle warning')
    await shot(page, 'wifi-08-idle-warning-tablet')

    // The tap keeps the ballot on the box too: the page tells it she is there.
    const told = page.waitForResponse((r) => r.url().endsWith('/ballot/presence') && r.request().method() === 'POST')
    await warning.getByRole('button', { name: 'हाँ, मुझे वोट देना है' }).click()
    expect((await told).status()).toBe(204)
    expect(await warning.isVisible()).toBe(false)
    // Twenty seconds later the ballot would have closed; after the tap it is still open, her mark kept.
    await page.clock.fastForward(30_000)
    expect(path(page)).toBe(`${base()}/ballot`)
    expect(await current(page).locator('h1').innerText()).toBe('सदस्य')
    expect(await warning.isVisible()).toBe(false)

    // She walks away: the warning again, then the ballot ends and the next-voter screen says why. The box
    // ends it only when it too has seen nothing of her for that long: its clock moves on with the tablet's.
    await page.clock.fastForward(71_000)
    await expect.poll(() => warning.isVisible()).toBe(true)
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + IDLE_TIMEOUT_MS })
    try {
      await Promise.all([page.waitForURL(`${base()}/station`), page.clock.fastForward(21_000)])
    } finally {
      vi.useRealTimers()
    }
    expect(await text(page, 'h1')).toBe('अगला मतदाता')
    expect(await mainText(page)).toContain('समय समाप्त — कुछ नहीं गिना गया')
    expect(counted()).toBe(2)
    await shot(page, 'wifi-09-timed-out-tablet')

    expect({
      pageErrors: problems.pageErrors,
      serverErrors: problems.responses.filter((r) => r.status() >= 500).map((r) => `${r.status()} ${r.url()}`),
    }).toEqual({ pageErrors: [], serverErrors: [] })
  }, 90_000)
})

describe('without JavaScript', () => {
  it('the plain form still casts, and thanks', async () => {
    const plain = await openPage(b.browser, server.base, 'tablet', { javaScriptEnabled: false })
    try {
      const p = plain.page
      await logIn(p, 'rekha', PASSWORD)
      await p.goto(`${base()}/station`)
      await p.getByLabel('केंद्र का पिन').fill('2468')
      await p.getByLabel('पिन दोबारा').fill('2468')
      await clickTo(p, `${base()}/station`, () => p.getByRole('button', { name: 'मतदान केंद्र खोलें' }).click())
      await clickTo(p, /\/station\/voters\/\d+$/, () =>
        p
          .locator('#roll')
          .getByRole('link', { name: new RegExp(`^${voters.gita}`) })
          .click(),
      )
      await clickTo(p, /\/ballot$/, () => p.getByRole('button', { name: 'हाँ — इस बच्चे को मतपत्र दें' }).click())
      await p.locator('.card').filter({ hasText: seema }).locator('.card-symbol').click()
      await clickTo(p, /\/ballot\/thanks$/, () => p.getByRole('button', { name: 'वोट डालें ✓' }).click())
      expect(await text(p, 'h1')).toBe('आपका वोट गिना गया ✓')
      expect(counted()).toBe(3)
    } finally {
      await plain.context.close()
    }
  }, 60_000)
})
