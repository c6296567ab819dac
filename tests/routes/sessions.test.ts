import { afterEach, describe, expect, it } from 'vitest'
import { testApp, textOf, PASSWORD, type TestApp, type Agent } from '../helpers/app.ts'
import { contestInput, electionInput, villageChildren } from '../helpers/elections.ts'
import { addContest, createElection, nominate, openNominations, openPoll } from '../../src/elections/elections.ts'
import { ctxFor } from '../helpers/app.ts'
import { authenticate } from '../../src/accounts/accounts.ts'

/** A clock the test moves by hand: the session limits are measured by it. */
function fakeClock() {
  let now = Date.UTC(2026, 0, 15, 9, 0)
  return {
    now: () => now,
    pass: (ms: number) => {
      now += ms
    },
  }
}
const MIN = 60_000

let t: TestApp
afterEach(async () => {
  await t?.close()
})

const sessionRows = () =>
  t.database.sessions.prepare('SELECT id, user_id AS userId, data FROM sessions').all() as {
    id: string
    userId: number
    data: string
  }[]
const seenAt = () => sessionRows().map((r) => (JSON.parse(r.data) as { lastSeenAt: number }).lastSeenAt)

describe('staff sessions end after 30 minutes idle and 12 hours in all', () => {
  it('30 minutes without a request logs out, to the login page that says why', async () => {
    const clock = fakeClock()
    t = await testApp({ now: clock.now })
    const rekha = await t.agent().login('rekha')
    const children = `/villages/${t.fx.villages.papdi.id}/children`
    clock.pass(29 * MIN)
    expect((await rekha.get(children)).statusCode).toBe(200)
    // Activity keeps it alive: 29 minutes after that request, still in.
    clock.pass(29 * MIN)
    expect((await rekha.get(children)).statusCode).toBe(200)
    const cookie = rekha.cookies.get('bp_session')!

    clock.pass(30 * MIN)
    const out = await rekha.get(children)
    expect(out.statusCode).toBe(303)
    expect(out.headers.location).toBe(`/login?next=${encodeURIComponent(children)}`)
    expect(sessionRows()).toEqual([])
    const login = await rekha.get(out.headers.location as string)
    expect(login.statusCode).toBe(200)
    expect(textOf(login.body)).toContain('30 मिनट तक कोई काम न होने से आप अपने-आप लॉग आउट हो गए।')
    // Said once; and the old cookie is worth nothing.
    expect(textOf((await rekha.get('/login')).body)).not.toContain('30 मिनट')
    const replay = await t.app.inject({ method: 'GET', url: children, headers: { cookie: `bp_session=${cookie}` } })
    expect(replay.statusCode).toBe(303)
    expect(sessionRows()).toEqual([])
    await rekha.login('rekha')
    expect((await rekha.get(children)).statusCode).toBe(200)
  })

  it('an htmx request after the idle limit is sent to the login page', async () => {
    const clock = fakeClock()
    t = await testApp({ now: clock.now })
    const rekha = await t.agent().login('rekha')
    clock.pass(31 * MIN)
    const res = await rekha.get(`/villages/${t.fx.villages.papdi.id}/children`, { 'hx-request': 'true' })
    expect(res.statusCode).toBe(401)
    expect(res.headers['hx-redirect']).toBe('/login')
    expect(textOf((await rekha.get('/login')).body)).toContain('30 मिनट तक कोई काम न होने से')
  })

  it('12 hours after logging in, out, however busy', async () => {
    const clock = fakeClock()
    t = await testApp({ now: clock.now })
    const admin = await t.agent().login('coordinator')
    await admin.post('/language', { lang: 'en', back: '/villages' })
    for (let m = 20; m < 12 * 60; m += 20) {
      clock.pass(20 * MIN)
      expect((await admin.get('/villages')).statusCode, `after ${m} minutes`).toBe(200)
    }
    clock.pass(20 * MIN)
    const out = await admin.get('/villages')
    expect(out.headers.location).toBe('/login?next=%2Fvillages')
    expect(textOf((await admin.get('/login')).body)).toContain('You were logged out after 12 hours.')
  })

  it('the session is written at most once a minute, not on every request', async () => {
    const clock = fakeClock()
    t = await testApp({ now: clock.now })
    const rekha = await t.agent().login('rekha')
    const [loggedInAt] = seenAt()
    for (let s = 0; s < 5; s++) {
      clock.pass(10_000)
      await rekha.get('/account/password')
    }
    expect(seenAt()).toEqual([loggedInAt])
    clock.pass(15_000)
    await rekha.get('/account/password')
    expect(seenAt()).toEqual([clock.now()])
  })

  it('a tablet that is a polling station is not logged out by either limit', async () => {
    const clock = fakeClock()
    t = await testApp({ now: clock.now })
    const ctx = ctxFor(t.database, t.fx.users.facilitator)
    const kids = villageChildren(t.database, t.fx.users.facilitator, t.fx.villages.papdi.id, [
      ['Ravi', 'boy'],
      ['Meena', 'girl'],
    ])
    const election = createElection(ctx, t.fx.villages.papdi.id, electionInput())
    const contestId = addContest(ctx, election.id, contestInput({ seats: '1' })).id
    openNominations(ctx, election.id)
    for (const [name, symbol] of [
      ['Ravi', 'sun'],
      ['Meena', 'kite'],
    ])
      nominate(ctx, election.id, contestId, { childId: kids[name], symbol })
    openPoll(ctx, election.id)
    const tablet = await t.agent().login('rekha')
    const station = `/elections/${election.id}/station`
    await tablet.get(station)
    expect((await tablet.post(station, { pin: '4826', confirm: '4826' })).statusCode).toBe(303)
    // Lunch, then the afternoon: the station answers as itself, not with the login.
    clock.pass(2 * 60 * MIN)
    expect((await tablet.get(station)).statusCode).toBe(200)
    clock.pass(11 * 60 * MIN)
    const late = await tablet.get(station)
    expect(late.statusCode).toBe(200)
    expect(late.headers.location).toBeUndefined()
    // The same person's other session (a phone) is not a station: it has ended.
    const phone = await t.agent().login('rekha')
    clock.pass(31 * MIN)
    expect((await phone.get('/account/password')).headers.location).toMatch(/^\/login/)
    expect((await tablet.get(station)).statusCode).toBe(200)
  })
})

describe("changing one's password", () => {
  it('ends every other session of that person; this one goes on under a new id', async () => {
    t = await testApp()
    const laptop = await t.agent().login('rekha')
    const phone = await t.agent().login('rekha')
    const other = await t.agent().login('kamla')
    const before = laptop.cookies.get('bp_session')
    const res = await laptop.post('/account/password', {
      current: PASSWORD,
      password: 'neem-ki-chhaon-9',
      confirm: 'neem-ki-chhaon-9',
    })
    expect(res.statusCode).toBe(303)
    expect(laptop.cookies.get('bp_session')).not.toBe(before)
    const home = await laptop.get('/account/password')
    expect(home.statusCode).toBe(200)
    expect(textOf(home.body)).toContain('बाकी सभी फ़ोन और कंप्यूटर पर आप लॉग आउट हो गए हैं।')
    expect((await phone.get('/account/password')).headers.location).toMatch(/^\/login/)
    const replay = await t.app.inject({
      method: 'GET',
      url: '/account/password',
      headers: { cookie: `bp_session=${before}` },
    })
    expect(replay.headers.location).toMatch(/^\/login/)
    expect((await other.get('/account/password')).statusCode).toBe(200)
    expect(sessionRows().filter((r) => r.userId === t.fx.users.facilitator.id)).toHaveLength(1)
    // The form's token from before the change is no longer accepted.
    const stale = laptop.csrf
    await laptop.get('/account/password')
    expect(laptop.csrf).not.toBe(stale)
  })

  it('refuses a short or common new password, with the message at the field', async () => {
    t = await testApp()
    const rekha = await t.agent().login('rekha')
    const common = await rekha.post('/account/password', {
      current: PASSWORD,
      password: 'password-123',
      confirm: 'password-123',
    })
    expect(common.statusCode).toBe(422)
    expect(common.body).toContain('id="e-password">यह पासवर्ड बहुत आम है, कोई भी इसका अंदाज़ा लगा सकता है।')
    const short = await rekha.post('/account/password', {
      current: PASSWORD,
      password: 'neem-tree',
      confirm: 'neem-tree',
    })
    expect(short.body).toContain('id="e-password">पासवर्ड में कम से कम 10 अक्षर होने चाहिए।<')
    expect(sessionRows().filter((r) => r.userId === t.fx.users.facilitator.id)).toHaveLength(1)
  })

  it('wrong current passwords are limited as logins are, per account, with a message', async () => {
    t = await testApp({ loginRateLimit: { max: 5, timeWindow: 60_000 } })
    const rekha = await t.agent().login('rekha')
    const kamla = await t.agent().login('kamla')
    const phone = await t.agent().login('rekha')
    for (let i = 0; i < 5; i++) {
      expect(
        (
          await rekha.post('/account/password', {
            current: `guess-${i}`,
            password: 'neem-ki-chhaon-9',
            confirm: 'neem-ki-chhaon-9',
          })
        ).statusCode,
      ).toBe(422)
    }
    const blocked = await rekha.post('/account/password', {
      current: PASSWORD,
      password: 'neem-ki-chhaon-9',
      confirm: 'neem-ki-chhaon-9',
    })
    expect(blocked.statusCode).toBe(429)
    expect(textOf(blocked.body)).toContain('गलत मौजूदा पासवर्ड बहुत बार डाला गया। एक मिनट रुककर फिर कोशिश करें।')
    // Another device of the same account is held too; another account is not.
    expect(
      (
        await phone.post('/account/password', {
          current: PASSWORD,
          password: 'neem-ki-chhaon-9',
          confirm: 'neem-ki-chhaon-9',
        })
      ).statusCode,
    ).toBe(429)
    expect(
      (
        await kamla.post('/account/password', {
          current: PASSWORD,
          password: 'neem-ki-chhaon-9',
          confirm: 'neem-ki-chhaon-9',
        })
      ).statusCode,
    ).toBe(303)
    // Nothing was changed by the refused tries.
    expect(await authenticate(t.db, 'rekha', PASSWORD)).toMatchObject({ username: 'rekha' })
  })
})

describe('logging out', () => {
  it('deletes the session and says so on the login page, with nothing stored for the visitor', async () => {
    t = await testApp()
    const rekha: Agent = await t.agent().login('rekha')
    expect(sessionRows()).toHaveLength(1)
    const res = await rekha.post('/logout')
    expect(res.headers.location).toBe('/login')
    expect(res.cookies.find((c) => c.name === 'bp_flash')).toMatchObject({
      httpOnly: true,
      sameSite: 'Lax',
      maxAge: 60,
    })
    expect(sessionRows()).toEqual([])
    const login = await rekha.get('/login')
    expect(textOf(login.body)).toContain('आप लॉग आउट हो गए।')
    expect(textOf((await rekha.get('/login')).body)).not.toContain('आप लॉग आउट हो गए।')
    expect(sessionRows()).toEqual([])
  })

  it('a flash cookie that is not one of our messages shows nothing', async () => {
    t = await testApp()
    const page = await t.app.inject({
      method: 'GET',
      url: '/login',
      headers: { cookie: 'bp_flash=Your%20account%20is%20blocked' },
    })
    expect(page.body).toMatch(/<div id="flash" class="flash-region" role="status"><\/div>/)
  })
})
