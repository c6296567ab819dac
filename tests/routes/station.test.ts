// The tablet's polling station over HTTP, around its PIN and its poll: wrong PINs lock it for a
// minute, then two (a fake clock, no waiting), each lockout in the audit log and on the election's
// page; and when the poll closes, the tablet's session ends and it shows that voting is over.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { testApp, textOf, PASSWORD, type Agent, type TestApp } from '../helpers/app.ts'
import { contestInput, electionInput, villageChildren } from '../helpers/elections.ts'
import { addContest, createElection, nominate, openNominations, openPoll } from '../../src/elections/elections.ts'
import { formatInstant } from '../../src/core/dates.ts'

let t: TestApp
let kids: Record<string, number>
const MIN = 60_000

beforeAll(async () => {
  t = await testApp()
  kids = villageChildren(t.database, t.fx.users.facilitator, t.fx.villages.papdi.id, [
    ['Ravi', 'boy'],
    ['Meena', 'girl'],
    ['Sunita', 'girl'],
  ])
})
afterAll(async () => {
  await t.close()
})
afterEach(() => {
  vi.useRealTimers()
})

/** An election of Papdi with its poll open: its page's address. */
function openElection(title: string): string {
  const ctx = { db: t.db, actor: t.fx.users.facilitator, lang: 'en' as const, t: ((k: string) => k) as never }
  const id = createElection(ctx, t.fx.villages.papdi.id, electionInput({ title })).id
  const contest = addContest(ctx, id, contestInput({ seats: '1' })).id
  openNominations(ctx, id)
  nominate(ctx, id, contest, { childId: kids.Meena, symbol: 'kite' })
  openPoll(ctx, id)
  return `/elections/${id}`
}

/** A tablet with the station open and its roll locked for the next child (a ballot handed out and cancelled). */
async function lockedTablet(base: string, pin = '2468'): Promise<Agent> {
  const tablet = await t.agent().login('rekha')
  expect((await tablet.post(`${base}/station`, { pin, confirm: pin })).headers.location).toBe(`${base}/station`)
  expect((await tablet.post(`${base}/station/ballot`, { childId: String(kids.Ravi) })).headers.location).toBe(
    `${base}/ballot`,
  )
  await tablet.post(`${base}/ballot/abandonment`, { reason: 'cancel', pin })
  expect(textOf((await tablet.get(`${base}/station`)).body)).toContain('अगला मतदाता')
  return tablet
}

const lockoutRows = (electionId: number) =>
  (
    t.database.sqlite
      .prepare(
        "SELECT actor_name, detail FROM audit_log WHERE action = 'station.locked_out' AND subject_id = ? ORDER BY id",
      )
      .all(electionId) as { actor_name: string; detail: string }[]
  ).map((r) => ({ by: r.actor_name, ...(JSON.parse(r.detail) as Record<string, unknown>) }))
const stationSessions = () =>
  t.database.sessions.prepare('SELECT count(*) FROM sessions WHERE data LIKE \'%"station"%\'').pluck().get() as number

describe('wrong PINs on the tablet', () => {
  it('ten wrong PINs lock it twice, the second time twice as long; a right PIN during a lockout is still refused', async () => {
    const base = openElection('Lockout election')
    const electionId = Number(base.split('/')[2])
    const tablet = await lockedTablet(base)
    const t0 = Date.now()
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(t0)
    const unlock = (pin: string) => tablet.post(`${base}/station/unlock`, { pin })

    for (let i = 0; i < 4; i++) {
      const wrong = await unlock('0000')
      expect(wrong.statusCode).toBe(422)
      expect(textOf(wrong.body)).toContain('गलत पिन।')
    }
    const fifth = await unlock('0000')
    expect(fifth.statusCode).toBe(422)
    expect(textOf(fifth.body)).toContain('बहुत बार गलत पिन डाला गया। टैबलेट बंद है: 1 मिनट बाद फिर से कोशिश करें।')
    // Whoever holds the tablet sees how long, on the next-voter screen too; the right PIN changes nothing.
    vi.setSystemTime(t0 + 30_000)
    expect(textOf((await tablet.get(`${base}/station`)).body)).toContain('1 मिनट बाद फिर से कोशिश करें।')
    const rightTooSoon = await unlock('2468')
    expect(rightTooSoon.statusCode).toBe(422)
    expect(textOf(rightTooSoon.body)).toContain('1 मिनट बाद फिर से कोशिश करें।')
    expect(textOf((await tablet.get(`${base}/station`)).body)).not.toContain('डाले गए वोट')

    // The minute is over: five more wrong PINs lock it for two.
    vi.setSystemTime(t0 + MIN)
    for (let i = 0; i < 4; i++) expect(textOf((await unlock('1357')).body)).toContain('गलत पिन।')
    expect(textOf((await unlock('1357')).body)).toContain('टैबलेट बंद है: 2 मिनट बाद फिर से कोशिश करें।')
    vi.setSystemTime(t0 + 3 * MIN - 1)
    expect(textOf((await unlock('2468')).body)).toContain('टैबलेट बंद है: 1 मिनट बाद फिर से कोशिश करें।')
    vi.setSystemTime(t0 + 3 * MIN)
    expect((await unlock('2468')).headers.location).toBe(`${base}/station`)
    expect(textOf((await tablet.get(`${base}/station`)).body)).toContain('डाले गए वोट')

    // Each lockout is in the audit log: whose station, which election, how many wrong tries, how long.
    expect(lockoutRows(electionId)).toEqual([
      { by: 'rekha', station: expect.any(Number), openedBy: 'rekha', wrongTries: 5, lockedMinutes: 1 },
      { by: 'rekha', station: expect.any(Number), openedBy: 'rekha', wrongTries: 10, lockedMinutes: 2 },
    ])
    // And on the election's page, for its village's staff, with the time it happened.
    const staff = await t.agent().login('rekha')
    staff.cookies.set('lang', 'en')
    const page = textOf((await staff.get(base)).body)
    expect(page).toContain('Wrong PINs on the tablet')
    expect(page).toContain(
      `A wrong PIN (or password) was entered 5 times on the tablet; it locked itself for 1 minute at ${formatInstant(new Date(t0), 'en')}. Station opened by rekha.`,
    )
    expect(page).toContain(
      `A wrong PIN (or password) was entered 10 times on the tablet; it locked itself for 2 minutes at ${formatInstant(new Date(t0 + MIN), 'en')}. Station opened by rekha.`,
    )
    const audit = textOf((await (await t.agent().login('coordinator')).get('/audit')).body)
    expect(audit).toContain('गलत पिन के बाद मतदान केंद्र बंद हुआ')
  }, 120_000)

  it('wrong PINs sent all at once are checked five at most before the lockout refuses the rest', async () => {
    const base = openElection('Burst election')
    const tablet = await lockedTablet(base)
    const answers = await Promise.all(
      Array.from({ length: 15 }, (_, i) => tablet.post(`${base}/station/unlock`, { pin: String(3000 + i) })),
    )
    const said = answers.map((a) => textOf(a.body))
    expect(answers.every((a) => a.statusCode === 422)).toBe(true)
    expect(said.filter((s) => s.includes('गलत पिन।'))).toHaveLength(4)
    expect(said.filter((s) => s.includes('टैबलेट बंद है'))).toHaveLength(11)
    expect(lockoutRows(Number(base.split('/')[2]))).toEqual([
      expect.objectContaining({ wrongTries: 5, lockedMinutes: 1 }),
    ])
    // The right PIN, now: refused unchecked.
    expect(textOf((await tablet.post(`${base}/station/unlock`, { pin: '2468' })).body)).toContain('टैबलेट बंद है')
  }, 120_000)

  it('a forgotten-PIN reopen is a wrong try too when the password is wrong, and waits out a lockout', async () => {
    const base = openElection('Reopen election')
    const tablet = await lockedTablet(base)
    for (let i = 0; i < 4; i++) await tablet.post(`${base}/station/unlock`, { pin: '0000' })
    const guess = await tablet.post(`${base}/station`, {
      password: 'a-guess-at-it',
      newPin: '9999',
      newConfirm: '9999',
    })
    expect(guess.statusCode).toBe(422)
    expect(textOf(guess.body)).toContain('टैबलेट बंद है: 1 मिनट बाद फिर से कोशिश करें।')
    const right = await tablet.post(`${base}/station`, { password: PASSWORD, newPin: '9999', newConfirm: '9999' })
    expect(right.statusCode).toBe(422)
    expect(textOf((await tablet.get(`${base}/station`)).body)).not.toContain('डाले गए वोट')
  }, 120_000)
})

describe('after a cast has committed', () => {
  it("the child is thanked even when saving the tablet's session then fails, and the tablet goes on", async () => {
    const base = openElection('Session failure election')
    const electionId = Number(base.split('/')[2])
    const tablet = await lockedTablet(base)
    expect((await tablet.post(`${base}/station/unlock`, { pin: '2468' })).headers.location).toBe(`${base}/station`)
    expect((await tablet.post(`${base}/station/ballot`, { childId: String(kids.Sunita) })).headers.location).toBe(
      `${base}/ballot`,
    )
    const ballot = await tablet.get(`${base}/ballot`)
    const token = /name="token" value="([^"]+)"/.exec(ballot.body)![1]
    const contest = /name="(c_\d+)" value="(\d+)"/.exec(ballot.body)!
    // The sessions' file refuses every write from now on (busy, read-only, failing).
    t.database.sessions.pragma('query_only = ON')
    try {
      const cast = await tablet.post(`${base}/ballot`, { token, [contest[1]]: contest[2] })
      expect(cast.headers.location).toBe(`${base}/ballot/thanks`)
      expect(
        t.database.sqlite
          .prepare('SELECT count(*) FROM box.box_checkoffs WHERE election_id = ? AND voted = 1')
          .pluck()
          .get(electionId),
      ).toBe(1)
      expect(textOf((await tablet.get(`${base}/station`)).body)).toContain('अगला मतदाता')
    } finally {
      t.database.sessions.pragma('query_only = OFF')
    }
  }, 120_000)
})

describe('logging out of a station tablet', () => {
  it('a child on the locked tablet cannot log the facilitator out; with the roll open, the facilitator can', async () => {
    const base = openElection('Logout election')
    const tablet = await lockedTablet(base)
    const before = stationSessions()
    const childTry = await tablet.post('/logout')
    expect(childTry.headers.location).toBe(`${base}/station`)
    expect(stationSessions()).toBe(before)
    expect(textOf((await tablet.get(`${base}/station`)).body)).toContain('अगला मतदाता')
    expect((await tablet.post(`${base}/station/unlock`, { pin: '2468' })).headers.location).toBe(`${base}/station`)
    expect((await tablet.post('/logout')).headers.location).toBe('/login')
    expect(stationSessions()).toBe(before - 1)
  }, 120_000)
})

describe('the poll closing under an open station', () => {
  it("ends the tablet's session: the tablet says voting is over, and reaches nothing of the staff's", async () => {
    const base = openElection('Closing election')
    const other = openElection('Still open election')
    const tablet = await lockedTablet(base)
    const otherTablet = await lockedTablet(other)
    const facilitator = await t.agent().login('rekha')
    const before = stationSessions()
    expect((await facilitator.post(`${base}/closing`, { source: 'random' })).headers.location).toBe(`${base}/result`)

    // The tablet's next request, whatever it is, ends its session and goes to the closed page.
    const next = await tablet.post(`${base}/station/unlock`, { pin: '2468' })
    expect([next.statusCode, next.headers.location]).toEqual([303, '/station/closed'])
    expect(stationSessions()).toBe(before - 1)
    const closed = await tablet.get('/station/closed')
    expect(closed.statusCode).toBe(200)
    const words = textOf(closed.body)
    expect(words).toContain('मतदान खत्म हो गया')
    expect(words).toContain('धन्यवाद! मतदान बंद हो गया है। यह टैबलेट दीदी/भैया को वापस दे दें।')
    expect(closed.body).not.toMatch(/href="\/(villages|elections|users|audit)/)
    // Logged out: the station and the staff's pages are behind the login now.
    for (const url of [`${base}/station`, `/villages/${t.fx.villages.papdi.id}/children`, base]) {
      expect((await tablet.get(url)).headers.location, url).toMatch(/^\/login/)
    }
    // A tablet of another election, whose poll is still open, goes on.
    expect(textOf((await otherTablet.get(`${other}/station`)).body)).toContain('अगला मतदाता')
  }, 120_000)

  it("a tablet with a child's ballot on it, or asking by htmx, is sent to the closed page too; so is one whose result is published", async () => {
    const base = openElection('Ballot at closing')
    const tablet = await t.agent().login('rekha')
    await tablet.post(`${base}/station`, { pin: '2468', confirm: '2468' })
    const htmx = await t.agent().login('rekha')
    await htmx.post(`${base}/station`, { pin: '2468', confirm: '2468' })
    await tablet.post(`${base}/station/ballot`, { childId: String(kids.Sunita) })
    const token = /name="token" value="([^"]+)"/.exec((await tablet.get(`${base}/ballot`)).body)![1]
    const facilitator = await t.agent().login('rekha')
    await facilitator.post(`${base}/closing`, { source: 'random' })
    await facilitator.post(`${base}/publication`)

    const cast = await tablet.post(`${base}/ballot`, { token })
    expect([cast.statusCode, cast.headers.location]).toEqual([303, '/station/closed'])
    const search = await htmx.get(`${base}/station?q=me`, { 'hx-request': 'true' })
    expect([search.statusCode, search.headers['hx-redirect']]).toEqual([204, '/station/closed'])
    expect((await htmx.get(`${base}/station`)).headers.location).toMatch(/^\/login/)
  }, 120_000)
})
