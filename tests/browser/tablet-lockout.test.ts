// The shared tablet on poll day, when things go wrong (800x1280, Hindi): a child who has just voted
// tries PINs on the next-voter screen until the tablet locks itself and says for how long; the
// facilitator, on a phone, sees that on the election's page and closes the poll; the tablet's next
// tap shows that voting is over, not the staff's menu, and its session is gone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import {
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
import { ctxFor } from '../helpers/app.ts'
import { contestInput, electionInput, villageChildren } from '../helpers/elections.ts'
import { clickTo, mainText, path, submitExpectingMistakes, text } from '../helpers/election-browser.ts'
import {
  cast,
  expectAccessible,
  startBallot,
  tapCard,
  toConfirm,
  unexpectedConsole,
} from '../helpers/voting-browser.ts'
import { addContest, createElection, nominate, openNominations, openPoll } from '../../src/elections/elections.ts'

const b = useBrowser()
let server: Server
let tablet: { context: BrowserContext; page: Page; problems: Problems }
let phone: { context: BrowserContext; page: Page; problems: Problems }
let electionId = 0
const PIN = '4826'
const title = 'बाल पंचायत चुनाव 2026'
const seema = 'सीमा मीणा',
  rahul = 'राहुल मीणा',
  reena = 'रीना सैनी'

beforeAll(async () => {
  server = await startServer()
  const fx = server.fx
  const ids = villageChildren(server.database, fx.users.facilitator, fx.villages.papdi.id, [
    [seema, 'girl'],
    [rahul, 'boy'],
    [reena, 'girl'],
  ])
  const ctx = ctxFor(server.database, fx.users.facilitator, 'hi')
  electionId = createElection(ctx, fx.villages.papdi.id, electionInput({ title })).id
  const members = addContest(ctx, electionId, contestInput({ name: 'सदस्य', seats: '1' })).id
  openNominations(ctx, electionId)
  nominate(ctx, electionId, members, { childId: ids[seema], symbol: 'flower' })
  nominate(ctx, electionId, members, { childId: ids[rahul], symbol: 'kite' })
  openPoll(ctx, electionId)
  tablet = await openPage(b.browser, server.base, 'tablet')
  phone = await openPage(b.browser, server.base, 'phone')
  tablet.context.setDefaultTimeout(10_000)
  phone.context.setDefaultTimeout(10_000)
})
afterAll(async () => {
  await tablet?.context.close()
  await phone?.context.close()
  await server?.close()
})

const base = () => `/elections/${electionId}`
const pinError = (page: Page) => page.locator('.field:has([name="pin"]) .error')
/** The tablet locked after wrong tries says so above the form, big. */
const lockout = (page: Page) => page.locator('p.lockout[role="status"]')
async function tryPin(page: Page, pin: string) {
  await page.getByLabel('केंद्र का पिन').fill(pin)
  await submitExpectingMistakes(page, () => page.getByRole('button', { name: 'मतदाता सूची खोलें' }).click())
}

describe('the tablet when PINs are guessed and when the poll closes', () => {
  it('a child votes, then guesses PINs: after five the tablet locks itself and says how long to wait', async () => {
    const { page } = tablet
    await logIn(page, 'rekha', PASSWORD)
    await page.goto(`${base()}/station`)
    await page.getByLabel('केंद्र का पिन').fill(PIN)
    await page.getByLabel('पिन दोबारा').fill(PIN)
    await clickTo(page, `${base()}/station`, () => page.getByRole('button', { name: 'मतदान केंद्र खोलें' }).click())
    await startBallot(page, reena)
    await tapCard(page, seema)
    await toConfirm(page)
    await cast(page)
    await clickTo(page, `${base()}/station`, () => page.getByRole('link', { name: 'हो गया' }).click())
    expect(await text(page, 'h1')).toBe('अगला मतदाता')

    for (let i = 1; i <= 4; i++) {
      await tryPin(page, String(1000 + i))
      expect(await pinError(page).innerText()).toBe('गलत पिन।')
    }
    await tryPin(page, '1005')
    expect(await lockout(page).innerText()).toBe('बहुत बार गलत पिन डाला गया। टैबलेट बंद है: 1 मिनट बाद फिर से कोशिश करें।')
    expect(await pinError(page).count()).toBe(0)
    expect(await page.locator('#roll').count()).toBe(0)
    await expectAccessible(page, 'the locked-out tablet')
    await shot(page, 'lockout-01-tablet-wait-tablet')

    // Even the right PIN is not looked at until the minute is over; a reload still says how long.
    await tryPin(page, PIN)
    expect(await lockout(page).innerText()).toContain('1 मिनट बाद फिर से कोशिश करें।')
    await page.goto(`${base()}/station`)
    expect(await text(page, 'h1')).toBe('अगला मतदाता')
    expect(await lockout(page).innerText()).toContain('1 मिनट बाद फिर से कोशिश करें।')
    expect(await page.locator('#roll').count()).toBe(0)
  }, 90_000)

  it("the facilitator sees the lockout on the election's page and closes the poll", async () => {
    const { page } = phone
    await logIn(page, 'rekha', PASSWORD)
    await page.goto(base())
    const lockouts = page.locator('#station-lockouts')
    expect(await lockouts.locator('h2').innerText()).toBe('टैबलेट पर गलत पिन')
    expect(await lockouts.locator('li').allInnerTexts()).toEqual([
      expect.stringMatching(
        /^टैबलेट पर 5 बार गलत पिन \(या पासवर्ड\) डाला गया; .+ पर टैबलेट 1 मिनट के लिए बंद हो गया। केंद्र खोलने वाले: rekha।$/,
      ),
    ])
    await lockouts.scrollIntoViewIfNeeded()
    await shot(page, 'lockout-02-election-page-phone')
    await clickTo(page, /\/closing$/, () => page.getByRole('link', { name: 'मतदान बंद करें और गिनें' }).click())
    await clickTo(page, `${base()}/result`, () => page.getByRole('button', { name: 'मतदान बंद करें और गिनें' }).click())
    expect(await text(page, '#flash')).toBe('मतदान बंद हुआ और वोट गिन लिए गए।')
  }, 90_000)

  it("the tablet's next tap shows that voting is over; its session is gone", async () => {
    const { page, problems } = tablet
    await page.getByLabel('केंद्र का पिन').fill(PIN)
    await clickTo(page, '/station/closed', () => page.getByRole('button', { name: 'मतदाता सूची खोलें' }).click())
    expect(await text(page, 'h1')).toBe('मतदान खत्म हो गया')
    expect(await mainText(page)).toContain('धन्यवाद! मतदान बंद हो गया है। यह टैबलेट दीदी/भैया को वापस दे दें।')
    expect(await page.getByRole('navigation').count()).toBe(0)
    await expectAccessible(page, 'the poll-closed page')
    await shot(page, 'lockout-03-poll-closed-tablet')
    // Back, or the station's address: the login page, nothing of the roll or the register.
    await page.goBack()
    await page.goto(`${base()}/station`)
    expect(path(page)).toBe('/login')
    await page.goto(`/villages/${server.fx.villages.papdi.id}/children`)
    expect(path(page)).toBe('/login')
    expect(await mainText(page)).not.toContain(reena)
    expect({ ...unexpectedProblems(problems), console: unexpectedConsole(problems, [422]) }).toEqual({
      pageErrors: [],
      console: [],
      failedRequests: [],
      serverErrors: [],
    })
  }, 90_000)
})
