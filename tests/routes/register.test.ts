import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { count, eq } from 'drizzle-orm'
import { testApp, textOf, type TestApp, type Agent } from '../helpers/app.ts'
import { children, consents, departures } from '../../src/people/tables.ts'
import { auditLog } from '../../src/audit/tables.ts'
import { bornYearsBefore } from '../../src/core/dates.ts'

let t: TestApp
let rekha: Agent
let base: string
beforeAll(async () => {
  t = await testApp()
  rekha = await t.agent().login('rekha')
  base = `/villages/${t.fx.villages.papdi.id}/children`
})
afterAll(async () => {
  await t.close()
})

const meena = {
  name: 'मीना मीणा',
  gender: 'girl',
  dateOfBirth: bornYearsBefore(12),
  ward: '3',
  school: 'राजकीय विद्यालय',
  schoolClass: '6',
  inSchool: 'yes',
  outOfSchoolReason: '',
  guardianName: 'रमेश मीणा',
  guardianPhone: '9876543210',
  consent: 'yes',
  consentOn: '',
}
const rows = () => ({
  children: t.db.select({ n: count() }).from(children).get()!.n,
  consents: t.db.select({ n: count() }).from(consents).get()!.n,
  audit: t.db.select({ n: count() }).from(auditLog).get()!.n,
})

describe('the register over HTTP', () => {
  it('adds a child and shows their page with a flash in Hindi', async () => {
    const res = await rekha.post(base, meena)
    expect(res.statusCode).toBe(303)
    const page = await rekha.get(res.headers.location as string)
    expect(textOf(page.body)).toContain('बच्चे को रजिस्टर में जोड़ दिया गया।')
    expect(textOf(page.body)).toContain('रमेश मीणा')
    expect(textOf(page.body)).toContain('12 साल')
    const list = await rekha.get(base)
    expect(textOf(list.body)).toContain('मीना मीणा')
  })

  const bad: [string, Record<string, string>, string, string][] = [
    ['an empty name', { name: '' }, 'name', 'यह भरना ज़रूरी है।'],
    ['a date of birth in the future', { dateOfBirth: '2999-01-01' }, 'dateOfBirth', 'यह तारीख़ आगे की नहीं हो सकती।'],
    ['a 10 000-character field', { ward: 'x'.repeat(10_000) }, 'ward', 'ज़्यादा से ज़्यादा 40 अक्षर।'],
    ['an unknown gender', { gender: 'dragon' }, 'gender', 'दिए गए विकल्पों में से एक चुनें।'],
    ['out of school with no reason', { inSchool: 'no' }, 'outOfSchoolReason', 'बताएँ कि बच्चा स्कूल क्यों नहीं जाता।'],
    ['a short phone number', { guardianPhone: '123' }, 'guardianPhone', '10 अंकों का मोबाइल नंबर लिखें।'],
  ]
  for (const [what, change, field, message] of bad) {
    it(`refuses ${what} with 422, the message at the field, the typed values kept, and nothing written`, async () => {
      const before = rows()
      const res = await rekha.post(base, { ...meena, guardianName: 'टाइप किया नाम', ...change })
      expect(res.statusCode).toBe(422)
      expect(res.body).toMatch(new RegExp(`id="e-${field}">${message}<`))
      expect(res.body).toContain('value="टाइप किया नाम"')
      expect(rows()).toEqual(before)
    })
  }

  it('answers bad input in English for an English user', async () => {
    const en = await t.agent().login('rekha')
    await en.post('/language', { lang: 'en', back: '/' })
    const res = await en.post(base, { ...meena, name: '' })
    expect(res.statusCode).toBe(422)
    expect(res.body).toContain('id="e-name">This is required.<')
  })

  it('a malformed body gets a clear answer, never a 500, and writes nothing', async () => {
    const before = rows()
    const cookie = [...rekha.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    const json = await t.app.inject({
      method: 'POST',
      url: base,
      headers: { cookie, 'content-type': 'application/json', accept: 'text/html', 'x-csrf-token': rekha.csrf },
      payload: '[1,2',
    })
    expect(json.statusCode).toBe(400)
    expect(textOf(json.body)).toContain('भेजी गई जानकारी समझ नहीं आई')
    const array = await t.app.inject({
      method: 'POST',
      url: base,
      headers: { cookie, 'content-type': 'application/json', accept: 'text/html', 'x-csrf-token': rekha.csrf },
      payload: '["a"]',
    })
    expect(array.statusCode).toBe(422)
    const huge = await t.app.inject({
      method: 'POST',
      url: base,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      payload: `_csrf=${rekha.csrf}&name=${'x'.repeat(400_000)}`,
    })
    expect(huge.statusCode).toBe(413)
    const odd = await t.app.inject({
      method: 'POST',
      url: base,
      headers: { cookie, 'content-type': 'text/plain', accept: 'text/html' },
      payload: 'hello',
    })
    expect(odd.statusCode).toBeLessThan(500)
    expect(rows()).toEqual(before)
  })

  it('a child id of another village, or no number at all, is simply not found', async () => {
    const kamla = await t.agent().login('kamla')
    const own = await kamla.post(`/villages/${t.fx.villages.bhangdoli.id}/children`, { ...meena, name: 'पूजा' })
    const pujaId = Number(String(own.headers.location).split('/').pop())
    expect((await rekha.get(`${base}/${pujaId}`)).statusCode).toBe(404)
    expect((await rekha.post(`${base}/${pujaId}`, { ...meena, name: 'hijacked' })).statusCode).toBe(404)
    expect((await rekha.get(`${base}/abc`)).statusCode).toBe(404)
    expect((await rekha.get(`${base}/99999999999999999999`)).statusCode).toBe(404)
    expect(t.db.select().from(children).where(eq(children.id, pujaId)).get()!.name).toBe('पूजा')
  })

  it('htmx gets only the form back on bad input, and only the list when filtering', async () => {
    const res = await rekha.post(base, { ...meena, name: '' }, { 'hx-request': 'true' })
    expect(res.statusCode).toBe(422)
    expect(res.body).toMatch(/^<form/)
    expect(res.body).not.toContain('<html')
    const list = await rekha.get(`${base}?q=${encodeURIComponent('मीना')}`, { 'hx-request': 'true' })
    expect(list.headers.vary).toContain('HX-Request')
    expect(list.body).toMatch(/^<div id="children-list"/)
    expect(textOf(list.body)).toContain('मीना मीणा')
    const ok = await rekha.post(base, { ...meena, name: 'सुनीता' }, { 'hx-request': 'true' })
    expect(ok.statusCode).toBe(204)
    expect(ok.headers['hx-redirect']).toMatch(new RegExp(`^${base}/\\d+$`))
  })

  it('editing keeps the record and logs what changed; consent and leaving are dated records', async () => {
    const created = await rekha.post(base, { ...meena, name: 'कविता', consent: '' })
    const url = created.headers.location as string
    const id = Number(url.split('/').pop())
    const edit = await rekha.post(url, { ...meena, name: 'कविता बैरवा', consent: '' })
    expect(edit.statusCode).toBe(303)
    expect(t.db.select().from(children).where(eq(children.id, id)).get()!.name).toBe('कविता बैरवा')

    expect(textOf((await rekha.get(url)).body)).toContain('सहमति दर्ज नहीं')
    expect((await rekha.post(`${url}/consent`, { givenOn: '2999-01-01' })).statusCode).toBe(422)
    expect((await rekha.post(`${url}/consent`, { givenOn: '2026-06-01' })).statusCode).toBe(303)
    expect(t.db.select().from(consents).where(eq(consents.childId, id)).get()!.givenOn).toBe('2026-06-01')

    expect((await rekha.post(`${url}/departure`, { leftOn: '2026-10-01', note: 'जयपुर' })).statusCode).toBe(303)
    expect(t.db.select().from(departures).where(eq(departures.childId, id)).get()!.leftOn).toBe('2026-10-01')
    expect(textOf((await rekha.get(base)).body)).not.toContain('कविता बैरवा')
    expect(textOf((await rekha.get(`${base}?status=left`)).body)).toContain('कविता बैरवा')
    const actions = t.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.subjectId, id))
      .all()
      .filter((a) => a.subject === 'child')
      .map((a) => a.action)
    expect(actions).toEqual(['child.added', 'child.edited', 'child.consent_recorded', 'child.left_village'])
  })

  it('escapes what was typed, so a name cannot run a script', async () => {
    const res = await rekha.post(base, { ...meena, name: '<script>alert(1)</script>' })
    const page = await rekha.get(res.headers.location as string)
    expect(page.body).not.toContain('<script>alert(1)</script>')
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
  })
})
