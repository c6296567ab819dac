// The tablet's cast over HTTP when the Wi-Fi is bad: sent in the background (JSON), sent again after a
// lost answer, asked about afterwards (the status route), and the ways a ballot ends without a vote.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { testApp, textOf, type TestApp, type Agent } from '../helpers/app.ts'
import { contestInput, electionInput, villageChildren } from '../helpers/elections.ts'
import { addContest, createElection, nominate, openNominations, openPoll } from '../../src/elections/elections.ts'
import { IDLE_TIMEOUT_MS } from '../../src/elections/voting.ts'

let t: TestApp
let base: string
let kids: Record<string, number>
let contestId: number
let choice: string
const PIN = '4321'
beforeAll(async () => {
  t = await testApp()
  const ctx = { db: t.db, actor: t.fx.users.facilitator, lang: 'en' as const, t: ((k: string) => k) as never }
  kids = villageChildren(t.database, t.fx.users.facilitator, t.fx.villages.papdi.id, [
    ['Ravi', 'boy'],
    ['Meena', 'girl'],
    ['Sunita', 'girl'],
    ['Gopal', 'boy'],
    ['Asha', 'girl'],
    ['Kamal', 'boy'],
    ['Lata', 'girl'],
  ])
  const election = createElection(ctx, t.fx.villages.papdi.id, electionInput())
  contestId = addContest(ctx, election.id, contestInput({ seats: '1' })).id
  openNominations(ctx, election.id)
  choice = String(nominate(ctx, election.id, contestId, { childId: kids.Ravi, symbol: 'sun' }).id)
  nominate(ctx, election.id, contestId, { childId: kids.Meena, symbol: 'kite' })
  openPoll(ctx, election.id)
  base = `/elections/${election.id}`
})
afterAll(async () => {
  await t.close()
})
afterEach(() => {
  vi.useRealTimers()
})
/** The server's clock moved on by `ms` (only Date: the requests themselves run as ever). */
function later(ms: number) {
  const now = Date.now()
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(now + ms)
}

const checkoffs = () =>
  t.database.sqlite.prepare('SELECT count(*) FROM box_checkoffs WHERE voted').pluck().get() as number
const json = { accept: 'application/json' }
const status = (a: Agent, token: string) => a.get(`${base}/ballot/status?token=${encodeURIComponent(token)}`, json)

/** A tablet with its station open and the roll unlocked. */
async function tablet(): Promise<Agent> {
  const a = await t.agent().login('rekha')
  await a.get(`${base}/station`)
  expect((await a.post(`${base}/station`, { pin: PIN, confirm: PIN })).statusCode).toBe(303)
  await a.get(`${base}/station`)
  return a
}
/** Hands the child a ballot on this tablet: its token. */
async function ballotFor(a: Agent, childId: number): Promise<string> {
  expect((await a.post(`${base}/station/ballot`, { childId: String(childId) })).headers.location).toBe(`${base}/ballot`)
  return /name="token" value="([^"]+)"/.exec((await a.get(`${base}/ballot`)).body)![1]
}
const nextVoterScreen = async (a: Agent) => textOf((await a.get(`${base}/station`)).body)

describe('the cast in the background, and again after a lost answer', () => {
  it('answers "counted" in words only once the vote is in; the same ballot sent again is "counted", once', async () => {
    const a = await tablet()
    const token = await ballotFor(a, kids.Sunita)
    const before = checkoffs()
    const cast = await a.post(`${base}/ballot`, { token, [`c_${contestId}`]: choice }, json)
    expect(cast.statusCode).toBe(200)
    expect(cast.json()).toEqual({ status: 'counted', message: 'आपका वोट गिना गया ✓' })
    // The answer was lost on the way: the tablet sends the same ballot again, in the background or as a form.
    expect((await a.post(`${base}/ballot`, { token, [`c_${contestId}`]: choice }, json)).json()).toMatchObject({
      status: 'counted',
    })
    expect((await a.post(`${base}/ballot`, { token, [`c_${contestId}`]: choice })).headers.location).toBe(
      `${base}/ballot/thanks`,
    )
    expect(checkoffs()).toBe(before + 1)
    expect(textOf((await a.get(`${base}/ballot/thanks`)).body)).toContain('आपका वोट गिना गया ✓')
    const locked = await nextVoterScreen(a)
    expect(locked).toContain('अगला मतदाता')
    expect(locked).toContain('वोट गिना गया ✓')
  })

  it('a refused cast says why in the JSON answer, and nothing is counted', async () => {
    const a = await tablet()
    const token = await ballotFor(a, kids.Gopal)
    const before = checkoffs()
    const bad = await a.post(`${base}/ballot`, { token, [`c_${contestId}`]: '99999' }, json)
    expect(bad.statusCode).toBe(422)
    expect(bad.json().error).toContain('कुछ नहीं गिना गया')
    const forged = await a.post(`${base}/ballot`, { token: crypto.randomUUID(), [`c_${contestId}`]: choice }, json)
    expect(forged.statusCode).toBe(409)
    expect(forged.json().key).toBe('voting.noBallot')
    expect(checkoffs()).toBe(before)
  })

  it('the thank-you page is shown only after a counted vote', async () => {
    const a = await tablet()
    expect((await a.get(`${base}/ballot/thanks`)).headers.location).toBe(`${base}/station`)
  })
})

describe('asking whether a ballot counted', () => {
  it("answers for this tablet's own ballots in words: open, counted", async () => {
    const a = await tablet()
    const token = await ballotFor(a, kids.Asha)
    const open = await status(a, token)
    expect(open.statusCode).toBe(200)
    expect(open.headers['cache-control']).toBe('no-store')
    expect(open.json()).toEqual({ status: 'open', message: 'मतपत्र अभी खुला है: वोट अभी गिना नहीं गया।' })
    await a.post(`${base}/ballot`, { token, [`c_${contestId}`]: choice }, json)
    expect((await status(a, token)).json()).toEqual({ status: 'counted', message: 'आपका वोट गिना गया ✓' })
  })

  it("says nothing of another station's ballot, nor of a token it never handed out", async () => {
    const a = await tablet()
    const b = await tablet()
    const token = await ballotFor(a, kids.Kamal)
    expect((await status(b, token)).json()).toMatchObject({ status: 'unknown' })
    expect((await status(a, crypto.randomUUID())).json()).toMatchObject({
      status: 'unknown',
      message: expect.stringContaining('मतदाता सूची में देखें'),
    })
    await a.post(`${base}/ballot/abandonment`, { reason: 'cancel', pin: PIN })
  })

  it('refuses bad input with a message, answers only organisers, and sends a device without a station to the station page', async () => {
    const a = await tablet()
    for (const bad of ['', 'not-a-token', 'x'.repeat(5000), `${crypto.randomUUID()}'<script>`]) {
      const res = await status(a, bad)
      expect(res.statusCode, bad.slice(0, 20)).toBe(422)
      expect(res.json()).toMatchObject({ error: 'यह मतपत्र पहचाना नहीं गया।' })
    }
    const twice = await a.get(`${base}/ballot/status?token=a&token=b`, json)
    expect(twice.statusCode).toBe(422)
    // A facilitator without a station on this device, a Gram Panchayat member, a visitor.
    const noStation = await (await t.agent().login('rekha')).get(
      `${base}/ballot/status?token=${crypto.randomUUID()}`,
      json,
    )
    expect(noStation.statusCode).toBe(303)
    expect(noStation.headers.location).toBe(`${base}/station`)
    const member = await (await t.agent().login('sarpanch')).get(
      `${base}/ballot/status?token=${crypto.randomUUID()}`,
      json,
    )
    expect(member.statusCode).toBe(403)
    const other = await (await t.agent().login('kamla')).get(`${base}/ballot/status?token=${crypto.randomUUID()}`, json)
    expect([403, 404]).toContain(other.statusCode)
    const visitor = await t.agent().get(`${base}/ballot/status?token=${crypto.randomUUID()}`)
    expect(visitor.headers.location).toMatch(/^\/login/)
  })
})

describe('a ballot given up', () => {
  it('by the facilitator: only with the PIN; a wrong one leaves the ballot with the child', async () => {
    const a = await tablet()
    const token = await ballotFor(a, kids.Meena)
    const wrong = await a.post(`${base}/ballot/abandonment`, { reason: 'cancel', pin: '0000' })
    expect(wrong.statusCode).toBe(422)
    expect(wrong.body).toContain('गलत पिन।')
    expect(wrong.body).toContain(`name="token" value="${token}"`)
    const empty = await a.post(`${base}/ballot/abandonment`, { reason: 'cancel' })
    expect(empty.statusCode).toBe(422)
    expect((await a.get(`${base}/station`)).headers.location).toBe(`${base}/ballot`)
    // Without the form's CSRF token: refused, nothing ended.
    expect((await a.post(`${base}/ballot/abandonment`, { reason: 'cancel', pin: PIN }, {}, false)).statusCode).toBe(403)
    expect((await a.get(`${base}/station`)).headers.location).toBe(`${base}/ballot`)
    const right = await a.post(`${base}/ballot/abandonment`, { reason: 'cancel', pin: PIN })
    expect(right.headers.location).toBe(`${base}/station`)
    expect(await nextVoterScreen(a)).toContain('मतपत्र रद्द — कुछ नहीं गिना गया')
    expect((await status(a, token)).json()).toMatchObject({ status: 'not_counted' })
  })

  it('by the idle timeout: the next-voter screen says so', async () => {
    const a = await tablet()
    await ballotFor(a, kids.Meena)
    expect((await a.post(`${base}/ballot/abandonment`, { reason: 'other' })).statusCode).toBe(422)
    later(IDLE_TIMEOUT_MS)
    expect((await a.post(`${base}/ballot/abandonment`, { reason: 'timeout' })).headers.location).toBe(`${base}/station`)
    expect(await nextVoterScreen(a)).toContain('समय समाप्त — कुछ नहीं गिना गया')
  })

  it('not by a "timeout" sent while the child is still there: without the PIN nothing ends', async () => {
    const a = await tablet()
    const token = await ballotFor(a, kids.Lata)
    const stillOpen = async () => {
      expect((await a.get(`${base}/station`)).headers.location).toBe(`${base}/ballot`)
      expect((await status(a, token)).json()).toMatchObject({ status: 'open' })
    }
    // At once, with the reason or without one (the form's default), and twice: back to the ballot, nothing ended.
    for (const body of [{ reason: 'timeout' }, {}, { reason: 'timeout' }] as Record<string, string>[]) {
      const res = await a.post(`${base}/ballot/abandonment`, body)
      expect(res.statusCode).toBe(303)
      expect(res.headers.location).toBe(`${base}/ballot`)
      await stillOpen()
    }
    // A minute and a half on, the child tapping now and then (the page says so): still not idle.
    later(90_000)
    expect((await a.post(`${base}/ballot/presence`, {})).statusCode).toBe(204)
    later(90_000)
    expect((await a.post(`${base}/ballot/abandonment`, { reason: 'timeout' })).headers.location).toBe(`${base}/ballot`)
    await stillOpen()
    // Her vote still goes in, once.
    const before = checkoffs()
    expect((await a.post(`${base}/ballot`, { token, [`c_${contestId}`]: choice }, json)).json()).toMatchObject({
      status: 'counted',
    })
    expect(checkoffs()).toBe(before + 1)
  })

  it("the child's presence is only the station's own word: refused without the form's token, or for another tablet", async () => {
    const a = await tablet()
    await ballotFor(a, kids.Gopal)
    expect((await a.post(`${base}/ballot/presence`, {}, {}, false)).statusCode).toBe(403)
    const laptop = await t.agent().login('rekha')
    expect((await laptop.post(`${base}/ballot/presence`, {})).statusCode).toBe(204) // no station there: nothing to keep
    expect((await (await t.agent().login('sarpanch')).post(`${base}/ballot/presence`, {})).statusCode).toBe(403)
    later(IDLE_TIMEOUT_MS)
    expect((await a.post(`${base}/ballot/abandonment`, { reason: 'timeout' })).headers.location).toBe(`${base}/station`)
  })
})

describe('the tablet never shows the staff menu', () => {
  it('not on the roll, the additions, the ballot, a refusal, or the next-voter screen', async () => {
    const a = await tablet()
    const pages = [await a.get(`${base}/station`), await a.get(`${base}/roll/additions`)]
    const token = await ballotFor(a, kids.Meena)
    pages.push(await a.get(`${base}/ballot`))
    await a.post(`${base}/ballot/abandonment`, { reason: 'cancel', pin: PIN })
    // The ballot sent after it was given up: refused on the kiosk's page.
    const refused = await a.post(`${base}/ballot`, { token, [`c_${contestId}`]: choice })
    expect(refused.statusCode).toBe(409)
    pages.push(refused, await a.get(`${base}/station`))
    for (const page of pages) {
      expect(page.body).toContain('class="kiosk"')
      expect(page.body).not.toContain('class="nav"')
      expect(page.body).not.toContain('/children"')
    }
    expect(textOf(refused.body)).toContain('यह मतपत्र अब खुला नहीं है')
  })
})
