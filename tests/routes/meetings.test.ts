import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { count } from 'drizzle-orm'
import { testApp, textOf, type TestApp, type Agent } from '../helpers/app.ts'
import { commonBalPanchayat, resolutionForm, seatBalPanchayat } from '../helpers/meetings.ts'
import { agendaItems, attendance, meetings, minutes } from '../../src/meetings/tables.ts'
import { resolutions } from '../../src/resolutions/tables.ts'
import { todayIso } from '../../src/core/dates.ts'

let t: TestApp
let rekha: Agent
let kids: Record<string, number>
let url: string
beforeAll(async () => {
  t = await testApp()
  rekha = await t.agent().login('rekha')
  kids = seatBalPanchayat(t.database, t.fx.users.facilitator, t.fx.villages.papdi.id, commonBalPanchayat)
})
afterAll(async () => {
  await t.close()
})

const rows = (table: typeof meetings | typeof resolutions | typeof agendaItems) =>
  t.db.select({ n: count() }).from(table).get()!.n
const schedule = {
  date: todayIso(),
  time: '16:00',
  place: 'School verandah',
  chairChildId: '',
  agenda: 'Hand pump in ward 2\nGirls toilet',
}
const htmx = { 'hx-request': 'true' }
const tick = (name: string, present = true) =>
  rekha.post(`${url}/attendance/${kids[name]}`, { present: present ? '1' : '' }, htmx)

describe('scheduling a meeting over HTTP', () => {
  it('refuses a bad time and an empty place in Hindi, keeps what was typed, and creates nothing', async () => {
    const res = await rekha.post(`/villages/${t.fx.villages.papdi.id}/meetings`, {
      ...schedule,
      time: '25:99',
      place: '',
    })
    expect(res.statusCode).toBe(422)
    expect(res.body).toContain('id="e-time">समय लिखें, जैसे 16:30।<')
    expect(res.body).toContain('id="e-place">')
    expect(res.body).toContain('Hand pump in ward 2\nGirls toilet</textarea>')
    expect(rows(meetings)).toBe(0)
  })

  it('schedules a meeting chaired by the Pradhan and lists it as scheduled', async () => {
    const res = await rekha.post(`/villages/${t.fx.villages.papdi.id}/meetings`, schedule)
    expect(res.statusCode).toBe(303)
    url = res.headers.location as string
    const page = textOf((await rekha.get(url)).body)
    expect(page).toContain('बैठक क्रमांक 1')
    expect(page).toContain('अध्यक्षता Meena (Pradhan)')
    const list = textOf((await rekha.get(`/villages/${t.fx.villages.papdi.id}/meetings`)).body)
    expect(list).toMatch(/बैठक क्रमांक 1 .* तय/)
  })

  it('edits the agenda with htmx fragments until the meeting starts', async () => {
    const res = await rekha.post(`${url}/agenda`, { title: 'Cricket ground' }, htmx)
    expect(res.statusCode).toBe(200)
    expect(res.body).toMatch(/^\s*<section class="panel" id="agenda">[\s\S]*Cricket ground/)
    const frag = await rekha.post(`${url}/agenda`, { title: '' }, htmx)
    expect(frag.statusCode).toBe(422)
    expect(frag.body).toMatch(/^\s*<section class="panel" id="agenda">/)
    expect(frag.headers.vary).toContain('HX-Request')
    const items = t.db.select().from(agendaItems).all()
    expect(items.map((i) => i.title)).toEqual(['Hand pump in ward 2', 'Girls toilet', 'Cricket ground'])
    await rekha.post(`${url}/agenda/${items[2].id}/move`, { direction: 'up' })
    await rekha.post(`${url}/agenda/${items[0].id}/removal`)
    expect(
      t.db
        .select()
        .from(agendaItems)
        .orderBy(agendaItems.position)
        .all()
        .map((i) => i.title),
    ).toEqual(['Cricket ground', 'Girls toilet'])
  })
})

describe('holding the meeting over HTTP', () => {
  it('starts, and the quorum is met only once enough girls are ticked', async () => {
    expect((await rekha.post(`${url}/start`)).statusCode).toBe(303)
    expect((await rekha.post(`${url}/agenda`, { title: 'Late item' })).statusCode).toBe(409)
    for (const boy of ['Ravi', 'Sunil', 'Gopal', 'Mukesh']) await tick(boy)
    const noQuorum = await tick('Meena')
    expect(noQuorum.body).toMatch(/^\s*<section class="panel" id="attendance">/)
    expect(textOf(noQuorum.body)).toContain('अभी कोरम पूरा नहीं')
    expect(textOf(noQuorum.body)).toContain('उपस्थित सदस्य: 10 में से 5')
    const met = await tick('Sunita')
    expect(textOf(met.body)).toContain('✓ कोरम पूरा है')
    expect(textOf(met.body)).toContain('उपस्थित लड़कियाँ: 6 लड़की सदस्यों में से 2')
    const plain = await rekha.post(`${url}/attendance/${kids.Pooja}`, { present: '1' })
    expect(plain.statusCode).toBe(303)
    expect(plain.headers.location).toBe(`${url}#attendance`)
    await tick('Pooja', false)
    expect(
      t.db
        .select()
        .from(attendance)
        .all()
        .filter((a) => a.presentAt).length,
    ).toBe(6)
  })

  it('refuses a resolution moved by an absent member or with more hands than members present, writing nothing', async () => {
    const absent = await rekha.post(
      `${url}/resolutions`,
      resolutionForm({ proposerChildId: String(kids.Pooja), seconderChildId: String(kids.Ravi) }),
    )
    expect(absent.statusCode).toBe(422)
    expect(absent.body).toContain('id="e-proposerChildId">केवल उपस्थित चिह्नित सदस्य ही प्रस्ताव रख या उसका समर्थन कर सकते हैं।<')
    expect(absent.body).toContain('value="A girls toilet at the primary school"')
    const many = await rekha.post(
      `${url}/resolutions`,
      resolutionForm({ proposerChildId: String(kids.Meena), seconderChildId: String(kids.Ravi), votesFor: '7' }),
    )
    expect(many.statusCode).toBe(422)
    expect(many.body).toContain('वोटों का जोड़ उपस्थित 6 सदस्यों से अधिक है।')
    const garbage = await rekha.post(`${url}/resolutions`, {
      title: 'x'.repeat(10_000),
      category: 'politics',
      votesFor: '-1',
      proposerChildId: 'abc',
    })
    expect(garbage.statusCode).toBe(422)
    expect(rows(resolutions)).toBe(0)
  })

  it('passes one resolution with a number and records another as failed', async () => {
    const item = t.db
      .select()
      .from(agendaItems)
      .all()
      .find((i) => i.title === 'Girls toilet')!
    const pass = await rekha.post(
      `${url}/resolutions`,
      resolutionForm({
        agendaItemId: String(item.id),
        proposerChildId: String(kids.Meena),
        seconderChildId: String(kids.Sunita),
        votesFor: '5',
        votesAgainst: '1',
      }),
    )
    expect(pass.statusCode).toBe(303)
    const fail = await rekha.post(
      `${url}/resolutions`,
      resolutionForm({
        title: 'Close the liquor shop',
        category: 'safety',
        proposerChildId: String(kids.Ravi),
        seconderChildId: String(kids.Sunil),
        votesFor: '2',
        votesAgainst: '2',
        votesAbstain: '2',
      }),
    )
    expect(fail.statusCode).toBe(303)
    const page = textOf((await rekha.get(url)).body)
    expect(page).toContain(`पारित · क्रमांक Papdi/${todayIso().slice(0, 4)}/1`)
    expect(page).toContain('Close the liquor shop पारित नहीं')
    expect(page).toContain('5 पक्ष में, 1 विपक्ष में, 0 तटस्थ')
  })

  it('autosaves minutes as JSON and refuses a save made from an older revision', async () => {
    const item = t.db.select().from(agendaItems).all()[0]
    const json = { accept: 'application/json' }
    const saved = await rekha.post(
      `${url}/items/${item.id}/minutes`,
      { discussion: 'We want a ground near the school.', decisions: '', revision: '0' },
      json,
    )
    expect(saved.statusCode).toBe(200)
    expect(saved.json().revision).toBe(1)
    const stale = await rekha.post(
      `${url}/items/${item.id}/minutes`,
      { discussion: 'Other text', decisions: '', revision: '0' },
      json,
    )
    expect(stale.statusCode).toBe(409)
    expect(stale.json().error).toContain('किसी और ने')
    const tooLong = await rekha.post(
      `${url}/items/${item.id}/minutes`,
      { discussion: 'x'.repeat(20_001), decisions: '' },
      json,
    )
    expect(tooLong.statusCode).toBe(422)
    expect(t.db.select().from(minutes).get()!.discussion).toBe('We want a ground near the school.')
    const plain = await rekha.post(`${url}/items/${item.id}/minutes`, {
      discussion: 'We want a ground near the school.',
      decisions: 'Ask the Sarpanch.',
      revision: '1',
    })
    expect(plain.statusCode).toBe(303)
  })

  it('refuses a request without its CSRF token', async () => {
    const res = await rekha.post(`${url}/attendance/${kids.Seema}`, { present: '1' }, {}, false)
    expect(res.statusCode).toBe(403)
  })

  it('closes, then refuses edits but takes a dated amendment', async () => {
    expect((await rekha.post(`${url}/closing`)).statusCode).toBe(303)
    const item = t.db.select().from(agendaItems).all()[0]
    const edit = await rekha.post(`${url}/items/${item.id}/minutes`, { discussion: 'rewritten', decisions: '' })
    expect(edit.statusCode).toBe(409)
    expect(textOf(edit.body)).toContain('यह बैठक समाप्त हो चुकी है')
    expect((await tick('Seema')).statusCode).toBe(409)
    const empty = await rekha.post(`${url}/amendments`, { agendaItemId: '', text: '' })
    expect(empty.statusCode).toBe(422)
    const ok = await rekha.post(`${url}/amendments`, {
      agendaItemId: String(item.id),
      text: 'The ground is behind the school, not near it.',
    })
    expect(ok.statusCode).toBe(303)
    expect(t.db.select().from(minutes).get()!.decisions).toBe('Ask the Sarpanch.')
  })

  it('prints the minutes in Hindi with attendance, quorum, resolutions and signature lines', async () => {
    const res = await rekha.get(`${url}/minutes`)
    expect(res.statusCode).toBe(200)
    const sheet = textOf(res.body)
    expect(sheet).toContain('बाल पंचायत — बैठक का कार्यवाही विवरण')
    expect(sheet).toContain('10 में से 6 सदस्य उपस्थित, उनमें 2 लड़कियाँ')
    expect(sheet).toContain('कोरम पूरा था')
    expect(sheet).toContain('A girls toilet at the primary school')
    expect(sheet).toContain('अध्यक्ष के हस्ताक्षर या अँगूठा निशान')
    expect(sheet).toContain('The ground is behind the school, not near it.')
    expect(textOf((await rekha.get(`${url}/minutes?lang=en`)).body)).toContain('The quorum was met')
    const record = textOf((await rekha.get(`/villages/${t.fx.villages.papdi.id}/bal-panchayat/attendance`)).body)
    expect(record).toMatch(/Meena .* 1 में से 1 बैठक(?!ें)/)
    expect(record).toMatch(/Pooja .* 1 में से एक भी बैठक नहीं/)
  })
})

describe('who may see meetings', () => {
  it('a Gram Panchayat member is refused, and another village’s facilitator finds nothing', async () => {
    const sarpanch = await t.agent().login('sarpanch')
    expect((await sarpanch.get(url)).statusCode).toBe(403)
    expect((await sarpanch.get(`${url}/minutes`)).statusCode).toBe(403)
    const kamla = await t.agent().login('kamla')
    expect((await kamla.get(url)).statusCode).toBe(404)
    expect((await kamla.post(`${url}/amendments`, { text: 'x' })).statusCode).toBe(404)
    expect((await kamla.get(`/villages/${t.fx.villages.papdi.id}/meetings`)).statusCode).toBe(404)
  })

  it('a meeting id that is not a number is not found', async () => {
    expect((await rekha.get('/meetings/abc')).statusCode).toBe(404)
    expect((await rekha.get('/meetings/99999')).statusCode).toBe(404)
  })
})
