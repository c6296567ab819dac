import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { count, eq } from 'drizzle-orm'
import { ctxFor, testApp, textOf, type Agent, type TestApp } from '../helpers/app.ts'
import { addChild } from '../../src/people/children.ts'
import { children } from '../../src/people/tables.ts'
import { caseSteps, cases } from '../../src/cases/tables.ts'
import { auditLog } from '../../src/audit/tables.ts'
import { addDays } from '../../src/cases/machine.ts'
import { bornYearsBefore, todayIso } from '../../src/core/dates.ts'

let t: TestApp
let rekha: Agent
let kamla: Agent
let sarpanch: Agent
let coordinator: Agent
let papdi: number
let pinki: number
let sonu: number
const daysAgo = (n: number) => addDays(todayIso(), -n)

beforeAll(async () => {
  t = await testApp()
  papdi = t.fx.villages.papdi.id
  const keeper = ctxFor(t.database, t.fx.users.facilitator)
  const child = (name: string, inSchool: boolean) =>
    addChild(
      keeper,
      papdi,
      {
        name,
        gender: 'girl',
        dateOfBirth: bornYearsBefore(11),
        ward: '2',
        school: '',
        schoolClass: '',
        inSchool,
        outOfSchoolReason: inSchool ? null : 'working',
        guardianName: 'Kalu',
        guardianPhone: '',
      },
      null,
    ).id
  pinki = child('पिंकी बैरवा', false)
  sonu = child('सोनू', false)
  rekha = await t.agent().login('rekha')
  kamla = await t.agent().login('kamla')
  sarpanch = await t.agent().login('sarpanch')
  coordinator = await t.agent().login('coordinator')
})
afterAll(async () => t?.close())

const rows = () => ({
  cases: t.db.select({ n: count() }).from(cases).get()!.n,
  steps: t.db.select({ n: count() }).from(caseSteps).get()!.n,
  audit: t.db.select({ n: count() }).from(auditLog).get()!.n,
})
const kiln = (over: Record<string, string> = {}) => ({
  reason: 'working',
  workPlace: 'brick_kiln',
  foundBy: 'facilitator',
  foundByChildId: '',
  foundOn: daysAgo(120),
  note: 'ईंट भट्टे पर ईंटें ढोती है',
  ...over,
})
const caseUrl = (id: number) => `/villages/${papdi}/cases/${id}`

describe('out-of-school cases over HTTP', () => {
  let caseId: number

  it('the register lists an out-of-school child with no case as "no one following up yet", with a link to open one', async () => {
    const list = await rekha.get(`/villages/${papdi}/children?school=no`)
    expect(list.statusCode).toBe(200)
    expect(textOf(list.body)).toContain('पिंकी बैरवा')
    expect(textOf(list.body)).toContain('अभी किसी ने सुध नहीं ली')
    expect(list.body).toContain(`/villages/${papdi}/children/${pinki}/cases/new`)
    const page = await rekha.get(`/villages/${papdi}/children/${pinki}`)
    expect(textOf(page.body)).toContain('अभी किसी ने सुध नहीं ली')
  })

  it("the facilitator's menu leads to the cases; a Gram Panchayat member's menu does not", async () => {
    const page = await rekha.get(`/villages/${papdi}/children`)
    expect(page.body).toMatch(new RegExp(`<a href="/villages/${papdi}/cases" >स्कूल से बाहर बच्चे</a>`))
    const cases = await rekha.get(`/villages/${papdi}/cases`)
    expect(cases.body).toContain(`<a href="/villages/${papdi}/cases" aria-current="page">`)
    const inbox = await sarpanch.get('/inbox')
    expect(inbox.statusCode).toBe(200)
    expect(inbox.body).not.toContain('/cases')
  })

  it('a facilitator opens a case from the child: 303 to the case page, in Hindi, signed', async () => {
    const form = await rekha.get(`/villages/${papdi}/children/${pinki}/cases/new`)
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('name="_csrf"')
    expect(textOf(form.body)).toContain('ईंट भट्टा')
    const res = await rekha.post(`/villages/${papdi}/children/${pinki}/cases`, kiln())
    expect(res.statusCode).toBe(303)
    caseId = Number(/cases\/(\d+)$/.exec(res.headers.location as string)?.[1])
    const page = await rekha.get(caseUrl(caseId))
    const text = textOf(page.body)
    expect(text).toContain('पिंकी बैरवा का मामला')
    expect(text).toContain('मामला खुल गया।')
    expect(text).toContain('काम पर (बाल मज़दूरी) — ईंट भट्टा')
    expect(text).toContain('ईंट भट्टे पर ईंटें ढोती है')
    // The register now links to the case instead.
    const list = await rekha.get(`/villages/${papdi}/children?school=no`)
    expect(list.body).toContain(`href="${caseUrl(caseId)}"`)
  })

  const badCase: [string, Record<string, string>, string, string][] = [
    ['no reason', { reason: '' }, 'reason', 'दिए गए विकल्पों में से एक चुनें।'],
    ['working with no place', { workPlace: '' }, 'workPlace', 'यह भरना ज़रूरी है।'],
    ['a found date in the future', { foundOn: '2999-01-01' }, 'foundOn', 'यह तारीख़ आगे की नहीं हो सकती।'],
    ['a date that is no date', { foundOn: '2026-02-30' }, 'foundOn', 'सही तारीख़ लिखें'],
    ['a 5000-character note', { note: 'x'.repeat(5000) }, 'note', 'ज़्यादा से ज़्यादा 1000 अक्षर।'],
  ]
  for (const [what, change, field, message] of badCase) {
    it(`refuses a case with ${what}: 422, the message at its field, nothing written`, async () => {
      const before = rows()
      const res = await rekha.post(`/villages/${papdi}/children/${sonu}/cases`, kiln(change))
      expect(res.statusCode).toBe(422)
      expect(res.body).toMatch(new RegExp(`id="e-${field}">${message}`))
      expect(rows()).toEqual(before)
    })
  }

  it('answers an htmx form with its partial only, and the step form by kind', async () => {
    const res = await rekha.post(`/villages/${papdi}/children/${sonu}/cases`, kiln({ reason: '' }), {
      'hx-request': 'true',
    })
    expect(res.statusCode).toBe(422)
    expect(res.body).toMatch(/^<form/)
    const step = await rekha.get(`${caseUrl(caseId)}/steps/new?kind=family_visit`)
    expect(step.statusCode).toBe(200)
    expect(textOf(step.body)).toContain('परिवार ने क्या कहा')
    // A kind the case does not take now (a check before enrolment), or no kind: not found.
    expect((await rekha.get(`${caseUrl(caseId)}/steps/new?kind=attendance_check`)).statusCode).toBe(404)
    expect((await rekha.get(`${caseUrl(caseId)}/steps/new?kind=dragon`)).statusCode).toBe(404)
  })

  const badStep: [string, Record<string, string>, string, string][] = [
    ['a visit with nothing said', { kind: 'family_visit', on: daysAgo(3), note: '' }, 'note', 'यह भरना ज़रूरी है।'],
    [
      'a day before the case was found',
      { kind: 'family_visit', on: daysAgo(200), note: 'मिले' },
      'on',
      'यह तारीख़ उस दिन से पहले की है',
    ],
    ['a day in the future', { kind: 'family_visit', on: addDays(todayIso(), 2), note: 'मिले' }, 'on', 'आगे की तारीख़'],
    [
      'an enrolment with no school',
      { kind: 'enrolled', on: daysAgo(3), schoolClass: '5' },
      'school',
      'यह भरना ज़रूरी है।',
    ],
    [
      'closing with no reason written',
      { kind: 'closed', on: daysAgo(3), closeReason: 'moved_away' },
      'note',
      'मामला बंद करने का कारण लिखें।',
    ],
    [
      'closing as back in school before the 90-day check',
      { kind: 'closed', on: daysAgo(3), closeReason: 'back_in_school' },
      'closeReason',
      '90 दिन की जाँच',
    ],
  ]
  for (const [what, form, field, message] of badStep) {
    it(`refuses a step with ${what}: 422, the message at its field, the typed values kept, nothing written`, async () => {
      const before = rows()
      const res = await rekha.post(`${caseUrl(caseId)}/steps`, form)
      expect(res.statusCode).toBe(422)
      expect(res.body).toMatch(new RegExp(`id="e-${field}">[^<]*${message}`))
      expect(res.body).toContain(`value="${form.on}"`)
      expect(rows()).toEqual(before)
    })
  }

  it('records steps in order; enrolment shows in the register', async () => {
    let res = await rekha.post(`${caseUrl(caseId)}/steps`, {
      kind: 'family_visit',
      on: daysAgo(110),
      note: 'माँ मान गई',
    })
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe(caseUrl(caseId))
    res = await rekha.post(`${caseUrl(caseId)}/steps`, {
      kind: 'enrolled',
      on: daysAgo(100),
      school: 'राजकीय प्राथमिक विद्यालय पापड़ी',
      schoolClass: '5',
      rteAdmission: 'yes',
    })
    expect(res.statusCode).toBe(303)
    const child = t.db.select().from(children).where(eq(children.id, pinki)).get()
    expect(child).toMatchObject({ school: 'राजकीय प्राथमिक विद्यालय पापड़ी', schoolClass: '5', inSchool: true })
    const page = textOf((await rekha.get(caseUrl(caseId))).body)
    expect(page).toContain('माँ मान गई')
    expect(page).toContain('30 दिन की जाँच में देर')
  })

  it('speaks English to an English reader', async () => {
    const en = await t.agent().login('rekha')
    await en.post('/language', { lang: 'en', back: '/' })
    const text = textOf((await en.get(caseUrl(caseId))).body)
    expect(text).toContain("पिंकी बैरवा's case")
    expect(text).toContain('Working (child labour) — Brick kiln')
    expect(text).toContain('30-day check overdue')
    const res = await en.post(`${caseUrl(caseId)}/steps`, { kind: 'family_visit', on: daysAgo(200), note: 'x' })
    expect(res.statusCode).toBe(422)
    expect(res.body).toContain('This date is before the day the child was found out of school.')
  })

  it('a CSRF-less post is refused and writes nothing', async () => {
    const before = rows()
    const res = await rekha.post(
      `${caseUrl(caseId)}/steps`,
      { kind: 'family_visit', on: daysAgo(1), note: 'x' },
      {},
      false,
    )
    expect(res.statusCode).toBe(403)
    expect(rows()).toEqual(before)
  })
})

describe('who reaches the cases', () => {
  it('a Gram Panchayat member gets 403 on every case page and form, and nothing is written', async () => {
    const [kase] = t.db.select().from(cases).all()
    const before = rows()
    for (const url of [`/villages/${papdi}/cases`, caseUrl(kase.id), `/villages/${papdi}/children/${sonu}/cases/new`])
      expect((await sarpanch.get(url)).statusCode, url).toBe(403)
    expect(
      (await sarpanch.post(`${caseUrl(kase.id)}/steps`, { kind: 'family_visit', on: daysAgo(1), note: 'x' }))
        .statusCode,
    ).toBe(403)
    expect((await sarpanch.post(`/villages/${papdi}/children/${sonu}/cases`, kiln())).statusCode).toBe(403)
    expect(rows()).toEqual(before)
  })

  it("another village's facilitator sees no case of this village, not even under their own village's address", async () => {
    const [kase] = t.db.select().from(cases).all()
    const other = t.fx.villages.bhangdoli.id
    expect((await kamla.get(`/villages/${papdi}/cases`)).statusCode).toBe(404)
    expect((await kamla.get(caseUrl(kase.id))).statusCode).toBe(404)
    expect((await kamla.get(`/villages/${other}/cases/${kase.id}`)).statusCode).toBe(404)
    const before = rows()
    const res = await kamla.post(`/villages/${other}/cases/${kase.id}/steps`, {
      kind: 'family_visit',
      on: daysAgo(1),
      note: 'x',
    })
    expect(res.statusCode).toBe(404)
    expect(rows()).toEqual(before)
    // Their own village's list does not name this village's children.
    const theirs = await kamla.get(`/villages/${other}/cases`)
    expect(theirs.statusCode).toBe(200)
    expect(textOf(theirs.body)).not.toContain('पिंकी')
  })

  it('the coordinator sees the case, in the list and on its page', async () => {
    const [kase] = t.db.select().from(cases).all()
    expect(textOf((await coordinator.get(`/villages/${papdi}/cases`)).body)).toContain('पिंकी बैरवा')
    expect((await coordinator.get(caseUrl(kase.id))).statusCode).toBe(200)
  })

  it('a case id that is no number, or no case, is not found', async () => {
    expect((await rekha.get(`/villages/${papdi}/cases/abc`)).statusCode).toBe(404)
    expect((await rekha.get(`/villages/${papdi}/cases/999999`)).statusCode).toBe(404)
  })
})
