import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testApp, textOf, type TestApp, type Agent } from '../helpers/app.ts'
import { contestInput, electionInput, villageChildren } from '../helpers/elections.ts'
import { addContest, createElection, nominate, openNominations, openPoll } from '../../src/elections/elections.ts'

let t: TestApp
let tablet: Agent
let log = ''
let base: string
let kids: Record<string, number>
let cand: Record<string, number>
let contestId: number
beforeAll(async () => {
  const stream = new PassThrough()
  stream.on('data', (d) => {
    log += d.toString()
  })
  t = await testApp({ logStream: stream })
  const ctx = { db: t.db, actor: t.fx.users.facilitator, lang: 'en' as const, t: ((k: string) => k) as never }
  kids = villageChildren(t.database, t.fx.users.facilitator, t.fx.villages.papdi.id, [
    ['Ravi', 'boy'],
    ['Meena', 'girl'],
    ['Sunita', 'girl'],
    ['Gopal', 'boy'],
  ])
  const election = createElection(ctx, t.fx.villages.papdi.id, electionInput())
  contestId = addContest(ctx, election.id, contestInput({ seats: '2' })).id
  openNominations(ctx, election.id)
  cand = {
    Ravi: nominate(ctx, election.id, contestId, { childId: kids.Ravi, symbol: 'sun' }).id,
    Meena: nominate(ctx, election.id, contestId, { childId: kids.Meena, symbol: 'kite' }).id,
  }
  openPoll(ctx, election.id)
  base = `/elections/${election.id}`
  tablet = await t.agent().login('rekha')
})
afterAll(async () => {
  await t.close()
})

const count = (table: string) => t.database.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number
const ballots = () => count('box_slots WHERE filled')
const checkoffs = () => count('box_checkoffs WHERE voted')
/** Marks in every ballot in the box: the set bits of the filled slots. */
const marks = () =>
  (t.database.sqlite.prepare('SELECT marks FROM box_slots WHERE filled').pluck().all() as Buffer[]).reduce(
    (n, b) => n + [...b].reduce((m, byte) => m + byte.toString(2).replaceAll('0', '').length, 0),
    0,
  )

describe('the polling station over HTTP', () => {
  it('opens with a PIN of 4–8 digits, typed twice', async () => {
    const form = await tablet.get(`${base}/station`)
    expect(textOf(form.body)).toContain('इस टैबलेट पर मतदान केंद्र खोलें')
    expect((await tablet.post(`${base}/station`, { pin: '12', confirm: '12' })).body).toContain('id="e-pin">4 से 8 अंक।<')
    expect((await tablet.post(`${base}/station`, { pin: '4321', confirm: '4322' })).body).toContain(
      'id="e-confirm">दोनों पिन एक जैसे नहीं हैं।<',
    )
    expect((await tablet.post(`${base}/station`, { pin: '4321', confirm: '4321' })).headers.location).toBe(
      `${base}/station`,
    )
    const roll = await tablet.get(`${base}/station`)
    expect(textOf(roll.body)).toContain('डाले गए वोट: 0 / 4')
    const found = await tablet.get(`${base}/station?q=${encodeURIComponent('meena')}`, { 'hx-request': 'true' })
    expect(found.body).toMatch(/^<div id="roll"/)
    expect(textOf(found.body)).toContain('Meena')
    expect(textOf(found.body)).not.toContain('Ravi')
  })

  it('confirms the child, then the tablet shows only the ballot until it is cast', async () => {
    const confirm = await tablet.get(`${base}/station/voters/${kids.Meena}`)
    expect(textOf(confirm.body)).toContain('क्या यह Meena है?')
    expect(textOf(confirm.body)).toContain('अभिभावक: Guardian of Meena · वार्ड 1')
    const issued = await tablet.post(`${base}/station/ballot`, { childId: String(kids.Meena) })
    expect(issued.headers.location).toBe(`${base}/ballot`)
    const ballot = await tablet.get(`${base}/ballot`)
    expect(ballot.headers['cache-control']).toBe('no-store')
    expect(ballot.body).toContain(`name="c_${contestId}" value="${cand.Ravi}"`)
    expect(ballot.body).not.toContain('href="/villages')
    // The ballot draws its symbols itself (a tablet whose Wi-Fi drops must still show them), not from the symbols' file.
    expect(ballot.body).toMatch(/<svg [^>]*data-symbol="[a-z-]+"><g /)
    expect(ballot.body).not.toContain('symbols.svg')
    // A child cannot wander off: every other page leads back to the ballot.
    for (const url of [
      `/villages/${t.fx.villages.papdi.id}/children`,
      base,
      '/account/password',
      `${base}/station/voters/${kids.Ravi}`,
    ]) {
      const res = await tablet.get(url)
      expect(res.statusCode, url).toBe(303)
      expect([`${base}/station`, `${base}/ballot`]).toContain(res.headers.location)
    }
    const token = /name="token" value="([^"]+)"/.exec(ballot.body)![1]
    const cast = await tablet.post(`${base}/ballot`, {
      token,
      [`c_${contestId}`]: [String(cand.Meena), String(cand.Ravi)],
    })
    expect(cast.headers.location).toBe(`${base}/ballot/thanks`)
    expect(textOf((await tablet.get(`${base}/ballot/thanks`)).body)).toContain('धन्यवाद!')
    expect(checkoffs()).toBe(1)
    expect(marks()).toBe(2)

    // The same ballot again (a double tap, a retry after a lost answer) is answered as the first was, and writes nothing.
    const replay = await tablet.post(`${base}/ballot`, { token, [`c_${contestId}`]: String(cand.Ravi) })
    expect(replay.headers.location).toBe(`${base}/ballot/thanks`)
    expect(checkoffs()).toBe(1)
    expect(marks()).toBe(2)
  })

  it('after a vote the roll opens again only with the PIN, and shows who voted — not how', async () => {
    const locked = await tablet.get(`${base}/station`)
    expect(textOf(locked.body)).toContain('अगला मतदाता')
    expect(locked.body).not.toContain('Ravi')
    expect((await tablet.get(`/villages/${t.fx.villages.papdi.id}/children`)).headers.location).toBe(`${base}/station`)
    const wrong = await tablet.post(`${base}/station/unlock`, { pin: '0000' })
    expect(wrong.statusCode).toBe(422)
    expect(wrong.body).toContain('गलत पिन।')
    expect((await tablet.post(`${base}/station/unlock`, { pin: '4321' })).headers.location).toBe(`${base}/station`)
    const roll = textOf((await tablet.get(`${base}/station`)).body)
    expect(roll).toContain('डाले गए वोट: 1 / 4')
    expect(roll).toContain('वोट दे चुकी लड़कियाँ: 1 / 2')
    expect(roll).toMatch(/Meena.*वोट दिया/)
    const again = await tablet.post(`${base}/station/ballot`, { childId: String(kids.Meena) })
    expect(again.statusCode).toBe(409)
    expect(textOf(again.body)).toContain('Meena का वोट पहले ही डल चुका है।')
  })

  it('fifty casts at once for one child from five tablets give exactly one ballot', async () => {
    // Each tablet in turn hands Gopal a ballot; handing it out again cancels the one before.
    const tablets: { a: Agent; token: string }[] = []
    for (let k = 0; k < 5; k++) {
      const a = await t.agent().login('rekha')
      await a.post(`${base}/station`, { pin: '1111', confirm: '1111' })
      await a.post(`${base}/station/ballot`, { childId: String(kids.Gopal) })
      tablets.push({ a, token: /name="token" value="([^"]+)"/.exec((await a.get(`${base}/ballot`)).body)![1] })
    }
    const before = ballots()
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => {
        const { a, token } = tablets[i % 5]
        return a.post(`${base}/ballot`, { token, [`c_${contestId}`]: String(cand.Ravi) })
      }),
    )
    // Only the last tablet's ballot is live: its ten casts are one ballot, each answered "counted"; the rest refused.
    expect(results.filter((r) => r.statusCode === 303)).toHaveLength(10)
    expect(results.filter((_, i) => i % 5 === 4).every((r) => r.headers.location === `${base}/ballot/thanks`)).toBe(
      true,
    )
    expect(results.every((r) => r.statusCode === 303 || r.statusCode === 409)).toBe(true)
    expect(ballots() - before).toBe(1)
    expect(checkoffs()).toBe(ballots())
  })

  it('the request log holds no ballot choice and no ballot token', async () => {
    expect(log).toContain('/ballot')
    expect(log).not.toContain(`c_${contestId}`)
    expect(log).not.toMatch(/"token"|c_\d+=/)
  })

  it('a made-up choice is refused with a message and nothing is counted', async () => {
    const a = await t.agent().login('rekha')
    await a.post(`${base}/station`, { pin: '2222', confirm: '2222' })
    await a.post(`${base}/station/ballot`, { childId: String(kids.Sunita) })
    const token = /name="token" value="([^"]+)"/.exec((await a.get(`${base}/ballot`)).body)![1]
    const before = ballots()
    const res = await a.post(`${base}/ballot`, { token, [`c_${contestId}`]: ['99999'] })
    expect(res.statusCode).toBe(422)
    expect(textOf(res.body)).toContain('इस मतपत्र में ऐसी पसंद है जिसकी अनुमति नहीं।')
    expect(ballots()).toBe(before)
  })
})
