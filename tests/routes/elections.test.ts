import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { count } from 'drizzle-orm'
import { testApp, textOf, type TestApp, type Agent } from '../helpers/app.ts'
import { villageChildren } from '../helpers/elections.ts'
import { candidates, contests } from '../../src/elections/tables.ts'
import { todayIso } from '../../src/core/dates.ts'

let t: TestApp
let rekha: Agent
let kids: Record<string, number>
let electionUrl: string
beforeAll(async () => {
  t = await testApp()
  rekha = await t.agent().login('rekha')
  kids = villageChildren(t.database, t.fx.users.facilitator, t.fx.villages.papdi.id, [
    ['Ravi', 'boy'],
    ['Sunil', 'boy'],
    ['Meena', 'girl'],
    ['Pooja', 'girl'],
    ['Gopal', 'boy'],
  ])
})
afterAll(async () => {
  await t.close()
})

const nextYear = `${Number(todayIso().slice(0, 4)) + 1}-12-31`
const contest = {
  name: 'Members',
  seats: '3',
  seatTitles: '',
  maxChoices: '',
  method: 'minimum',
  share: '1/2',
  girlsMinimum: '',
  rounding: 'up',
  protect: 'girls',
  tieBreak: 'girl-first',
  shortfall: 'release',
}
const rows = (table: typeof contests | typeof candidates) => t.db.select({ n: count() }).from(table).get()!.n

describe('an election over HTTP', () => {
  it('creates an election with the default ages, and refuses a term that ends before it starts', async () => {
    const form = await rekha.get(`/villages/${t.fx.villages.papdi.id}/elections/new`)
    expect(form.body).toContain('name="voterAgeMin" type="text" value="6"')
    const bad = await rekha.post(`/villages/${t.fx.villages.papdi.id}/elections`, {
      title: 'BP 2026',
      termStart: todayIso(),
      termEnd: '2000-01-01',
      voterAgeMin: '6',
      voterAgeMax: '18',
      candidateAgeMin: '10',
      candidateAgeMax: '18',
      candidacy: 'age',
    })
    expect(bad.statusCode).toBe(422)
    expect(bad.body).toContain('id="e-termEnd">कार्यकाल शुरू होने के बाद ही ख़त्म हो सकता है।<')
    const ok = await rekha.post(`/villages/${t.fx.villages.papdi.id}/elections`, {
      title: 'BP 2026',
      termStart: todayIso(),
      termEnd: nextYear,
      voterAgeMin: '6',
      voterAgeMax: '18',
      candidateAgeMin: '10',
      candidateAgeMax: '18',
      candidacy: 'age',
    })
    expect(ok.statusCode).toBe(303)
    electionUrl = ok.headers.location as string
  })

  const badContests: [string, Record<string, string>, string, string][] = [
    ['0 seats', { seats: '0' }, 'seats', '1–50 के बीच की संख्या।'],
    ['more choices than seats', { maxChoices: '4' }, 'maxChoices', 'मतदाता सीटों से ज़्यादा उम्मीदवार नहीं चुन सकता।'],
    ['a share above one', { share: '1.5' }, 'share', 'दिए गए विकल्पों में से एक चुनें।'],
    [
      'more girls than seats',
      { share: 'number', girlsMinimum: '4' },
      'girlsMinimum',
      'लड़कियों की न्यूनतम संख्या सीटों से ज़्यादा नहीं हो सकती।',
    ],
    [
      'seat titles that do not match the seats',
      { seatTitles: 'Pradhan' },
      'seatTitles',
      'हर सीट का एक पद लिखें (3 पंक्तियाँ), या कोई नहीं।',
    ],
  ]
  for (const [what, change, field, message] of badContests) {
    it(`refuses a contest with ${what}, saying why at the field`, async () => {
      const before = rows(contests)
      const res = await rekha.post(`${electionUrl}/contests`, { ...contest, ...change })
      expect(res.statusCode).toBe(422)
      expect(res.body).toContain(`id="e-${field}">${message}<`)
      expect(rows(contests)).toBe(before)
    })
  }

  it('adds contests, states the rule in one sentence, and warns when too few girls stand', async () => {
    expect((await rekha.post(`${electionUrl}/contests`, contest)).statusCode).toBe(303)
    expect(
      (
        await rekha.post(`${electionUrl}/contests`, {
          ...contest,
          name: 'Leaders',
          seats: '2',
          seatTitles: 'Pradhan\nUp-Pradhan',
          method: 'zipper',
        })
      ).statusCode,
    ).toBe(303)
    expect((await rekha.post(`${electionUrl}/nominations`)).statusCode).toBe(303)
    const page = textOf((await rekha.get(electionUrl)).body)
    expect(page).toContain('3 सीटों में से कम से कम 2 सीटें लड़कियों को मिलनी हैं। अगर कम लड़कियाँ खड़ी हों')
    expect(page).toContain('सीटें बारी-बारी से भरी जाएँगी — सीट 1 (Pradhan) लड़कियों के लिए')
  })

  it('nominates, refusing a child in two contests, an ineligible child and a duplicate symbol', async () => {
    const [members, leaders] = t.db.select().from(contests).all()
    const nominate = (c: number, childId: number, symbol: string) =>
      rekha.post(`${electionUrl}/contests/${c}/candidates`, { childId: String(childId), symbol })
    for (const [name, symbol] of [
      ['Ravi', 'sun'],
      ['Sunil', 'kite'],
      ['Meena', 'flower'],
      ['Gopal', 'tree'],
    ] as const)
      expect((await nominate(members.id, kids[name], symbol)).statusCode).toBe(303)
    const twice = await nominate(leaders.id, kids.Meena, 'star')
    expect(twice.statusCode).toBe(422)
    expect(twice.body).toContain(
      'id="e-childId">Meena पहले से “Members” में उम्मीदवार है: एक बच्चा एक ही मुकाबले में खड़ा हो सकता है।<',
    )
    const dup = await nominate(members.id, kids.Pooja, 'sun')
    expect(dup.statusCode).toBe(422)
    const stranger = await nominate(members.id, 999, 'bell')
    expect(stranger.statusCode).toBe(422)
    const page = textOf((await rekha.get(electionUrl)).body)
    expect(page).toContain('नियम के लिए उम्मीदवारों में 2 लड़कियाँ चाहिए; अभी तक: 1।')
    const empty = await rekha.post(`${electionUrl}/poll`)
    expect(empty.statusCode).toBe(409)
    expect(textOf(empty.body)).toContain('इन मुकाबलों में अभी कोई उम्मीदवार नहीं: Leaders')
    expect((await nominate(leaders.id, kids.Pooja, 'star')).statusCode).toBe(303)
    expect((await rekha.post(`${electionUrl}/poll`)).statusCode).toBe(303)
    const late = await nominate(leaders.id, kids.Gopal, 'bell')
    expect(late.statusCode).toBe(409)
  })

  it('takes a paper count, closes with lots, shows the result explained, and exports it', async () => {
    const [members, leaders] = t.db.select().from(contests).all()
    const cands = t.db.select().from(candidates).all()
    const id = (name: string) => cands.find((c) => c.childId === kids[name])!.id
    const tooMany = await rekha.post(`${electionUrl}/paper-counts`, {
      contestId: String(members.id),
      ballots: '5',
      [`votes_${id('Ravi')}`]: '6',
      [`votes_${id('Sunil')}`]: '0',
      [`votes_${id('Meena')}`]: '0',
      [`votes_${id('Gopal')}`]: '0',
    })
    expect(tooMany.statusCode).toBe(422)
    expect(tooMany.body).toContain('वोट मतपत्रों से ज़्यादा हैं।')
    expect(tooMany.body).toContain(`name="votes_${id('Ravi')}" type="text" value="6"`)
    expect(
      (
        await rekha.post(`${electionUrl}/paper-counts`, {
          contestId: String(members.id),
          ballots: '20',
          note: 'booth 1',
          [`votes_${id('Ravi')}`]: '15',
          [`votes_${id('Sunil')}`]: '12',
          [`votes_${id('Meena')}`]: '9',
          [`votes_${id('Gopal')}`]: '12',
        })
      ).statusCode,
    ).toBe(303)
    expect(
      (
        await rekha.post(`${electionUrl}/paper-counts`, {
          contestId: String(leaders.id),
          ballots: '10',
          [`votes_${id('Pooja')}`]: '10',
        })
      ).statusCode,
    ).toBe(303)
    expect((await rekha.get(`${electionUrl}/result`)).statusCode).toBe(409)
    const closed = await rekha.post(`${electionUrl}/closing`, { source: 'random' })
    expect(closed.headers.location).toBe(`${electionUrl}/result`)
    const result = textOf((await rekha.get(`${electionUrl}/result`)).body)
    expect(result).toContain('Meena')
    expect(result).toContain('अभी घोषित नहीं')

    const json = await rekha.get(`${electionUrl}/result.json`)
    expect(json.statusCode).toBe(200)
    const data = json.json()
    const m = data.contests[0]
    expect(m.girlsRequired).toBe(2)
    expect(m.candidates.map((c: { name: string; votes: number }) => [c.name, c.votes])).toEqual(
      expect.arrayContaining([
        ['Ravi', 15],
        ['Meena', 9],
      ]),
    )
    expect(m.elected.map((s: { candidateId: number | null }) => s.candidateId)).toContain(id('Meena'))
    expect(m.steps.some((s: { kind: string }) => s.kind === 'swap')).toBe(true)
    const csv = await rekha.get(`${electionUrl}/result.csv`)
    expect(csv.headers['content-type']).toContain('text/csv')
    // For a spreadsheet, in the reader's language: headings, gender, symbol and yes/no in words.
    expect(csv.body.split('\r\n')[0]).toBe('\uFEFFपद,क्रम,उम्मीदवार,लिंग,चुनाव चिह्न,वोट,पर्ची,चुने गए,सीट,सीट का पद')
    expect(csv.body).toMatch(/Members,1,Ravi,लड़का,सूरज,15,\d,हाँ,1,/)
  })

  it("publishes the result: the elected become the Bal Panchayat; only the village's staff may download it", async () => {
    const res = await rekha.post(`${electionUrl}/publication`)
    expect(res.headers.location).toBe(`/villages/${t.fx.villages.papdi.id}/bal-panchayat`)
    const bp = textOf((await rekha.get(res.headers.location as string)).body)
    expect(bp).toContain('Pradhan: Pooja')
    expect(bp).toContain('Ravi')
    const kamla = await t.agent().login('kamla')
    expect((await kamla.get(`${electionUrl}/result.json`)).statusCode).toBe(404)
    expect((await kamla.get(`${electionUrl}/result.csv`)).statusCode).toBe(404)
    expect((await t.app.inject({ url: `${electionUrl}/result.json` })).statusCode).toBe(303)
    const sarpanch = await t.agent().login('sarpanch')
    expect((await sarpanch.get(`${electionUrl}/result.json`)).statusCode).toBe(403)
  })
})

describe('the contest form', () => {
  it('states the chosen rule in one sentence, and updates it for htmx as the choices change', async () => {
    const form = await rekha.get(`${electionUrl}/contests/new`)
    expect(textOf(form.body)).toContain('10 सीटों में से कम से कम 5 सीटें लड़कियों को मिलनी हैं।')
    const query = new URLSearchParams({ ...contest, seats: '5', share: '3/5', shortfall: 'vacant' }).toString()
    const live = await rekha.get(`${electionUrl}/contests/rule?${query}`, { 'hx-request': 'true' })
    expect(live.body.trim()).toBe(
      '5 सीटों में से कम से कम 3 सीटें लड़कियों को मिलनी हैं। अगर कम लड़कियाँ खड़ी हों, तो उनकी सीटें खाली रहेंगी और बाद में केवल लड़कियों के उप-चुनाव से भरी जाएँगी।',
    )
    const half = await rekha.get(`${electionUrl}/contests/rule?seats=abc`, { 'hx-request': 'true' })
    expect(half.statusCode).toBe(200)
    expect(half.body.trim()).toBe('')
  })
})
