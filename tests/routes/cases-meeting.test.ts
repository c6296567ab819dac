import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { and, count, eq } from 'drizzle-orm'
import { ctxFor, testApp, textOf, type Agent, type TestApp } from '../helpers/app.ts'
import { commonBalPanchayat, scheduleInput, seatBalPanchayat } from '../helpers/meetings.ts'
import { addChild } from '../../src/people/children.ts'
import { openCase } from '../../src/cases/cases.ts'
import { caseSchema } from '../../src/cases/schemas.ts'
import { caseSteps } from '../../src/cases/tables.ts'
import { addDays } from '../../src/cases/machine.ts'
import { agendaOf, closeMeeting, saveMinutes, scheduleMeeting, startMeeting } from '../../src/meetings/meetings.ts'
import { minutesSchema } from '../../src/meetings/schemas.ts'
import { auditLog } from '../../src/audit/tables.ts'
import { bornYearsBefore, todayIso } from '../../src/core/dates.ts'

let t: TestApp
let rekha: Agent
let kamla: Agent
let sarpanch: Agent
let papdi: number
let meetingId: number
let pinkiCase: number
let sonuCase: number
const daysAgo = (n: number) => addDays(todayIso(), -n)
const names = ['पिंकी', 'सोनू']
const private_ = ['बैरवा', 'मीणा', 'कालू', '9876543210', 'भट्ठे']

beforeAll(async () => {
  t = await testApp()
  papdi = t.fx.villages.papdi.id
  const keeper = ctxFor(t.database, t.fx.users.facilitator)
  seatBalPanchayat(t.database, t.fx.users.facilitator, papdi, commonBalPanchayat, daysAgo(200))
  const child = (name: string, ward: string) =>
    addChild(
      keeper,
      papdi,
      {
        name,
        gender: 'girl',
        dateOfBirth: bornYearsBefore(11),
        ward,
        school: '',
        schoolClass: '',
        inSchool: false,
        outOfSchoolReason: 'working',
        guardianName: 'कालू बैरवा',
        guardianPhone: '9876543210',
      },
      null,
    ).id
  const found = caseSchema.parse({
    reason: 'working',
    workPlace: 'brick_kiln',
    foundBy: 'facilitator',
    foundOn: daysAgo(20),
    note: 'भट्ठे पर ईंटें ढोती है',
  })
  pinkiCase = openCase(keeper, papdi, child('पिंकी बैरवा', '2'), found).id
  sonuCase = openCase(keeper, papdi, child('सोनू मीणा', '4'), found).id
  meetingId = scheduleMeeting(keeper, papdi, scheduleInput()).id
  rekha = await t.agent().login('rekha')
  kamla = await t.agent().login('kamla')
  sarpanch = await t.agent().login('sarpanch')
})
afterAll(async () => t?.close())

const steps = () => t.db.select({ n: count() }).from(caseSteps).get()!.n
const item = () => agendaOf(t.db, meetingId).find((i) => i.kind === 'out_of_school')!
const stepUrl = (caseId: number, itemId = item().id) => `/villages/${papdi}/cases/${caseId}/meeting-steps/${itemId}`

describe('the item "children not in school" on the meeting page', () => {
  it('a facilitator adds it from the agenda once (htmx gets the agenda back), and it lists the open cases by first name and ward only', async () => {
    const page = await rekha.get(`/meetings/${meetingId}`)
    expect(textOf(page.body)).toContain('कार्यसूची में “स्कूल से बाहर बच्चे” रखें')
    const res = await rekha.post(`/meetings/${meetingId}/agenda/out-of-school`, {}, { 'hx-request': 'true' })
    expect(res.statusCode).toBe(200)
    expect(res.headers.vary).toContain('HX-Request')
    expect(res.body).toMatch(/^<section class="panel" id="agenda">/)
    expect(res.body).toContain('स्कूल से बाहर बच्चे')
    const again = await rekha.post(`/meetings/${meetingId}/agenda/out-of-school`, {})
    expect(again.statusCode).toBe(303)
    expect(agendaOf(t.db, meetingId).filter((i) => i.kind === 'out_of_school')).toHaveLength(1)
    const draft = textOf((await rekha.get(`/meetings/${meetingId}`)).body)
    expect(draft).toContain('पिंकी · वार्ड 2')
    expect(draft).toContain('सोनू · वार्ड 4')
    for (const word of private_) expect(draft).not.toContain(word)
    // Before the meeting starts there is nothing to write yet.
    expect((await rekha.get(`/meetings/${meetingId}`)).body).not.toContain('/meeting-steps')
  })

  it('once the meeting has started, the facilitator writes what a member said as a step of the case, linked to the meeting', async () => {
    startMeeting(ctxFor(t.database, t.fx.users.facilitator), meetingId)
    const page = await rekha.get(`/meetings/${meetingId}`)
    expect(page.body).toContain(`action="${stepUrl(pinkiCase)}"`)
    expect(page.body).toContain(`action="${stepUrl(sonuCase)}"`)
    const key = new RegExp(`action="${stepUrl(pinkiCase)}"[\\s\\S]*?name="_key" value="([^"]+)"`).exec(page.body)![1]
    const form = { note: 'मीना ने बताया कि वह पढ़ना चाहती है', _key: key }
    const res = await rekha.post(stepUrl(pinkiCase), form)
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe(`/meetings/${meetingId}#ooc-${pinkiCase}`)
    // A double tap writes nothing more.
    expect((await rekha.post(stepUrl(pinkiCase), form)).headers.location).toBe(res.headers.location)
    const written = t.db.select().from(caseSteps).where(eq(caseSteps.caseId, pinkiCase)).all()
    expect(written).toMatchObject([
      {
        kind: 'raised_bal_panchayat',
        on: todayIso(),
        agendaItemId: item().id,
        note: 'मीना ने बताया कि वह पढ़ना चाहती है',
      },
    ])
    const audit = t.db
      .select({ n: count() })
      .from(auditLog)
      .where(and(eq(auditLog.action, 'case.raised_bal_panchayat'), eq(auditLog.villageId, papdi)))
      .get()!.n
    expect(audit).toBe(1)
    expect(textOf((await rekha.get(`/meetings/${meetingId}`)).body)).toContain('मीना ने बताया कि वह पढ़ना चाहती है')
    const casePage = await rekha.get(`/villages/${papdi}/cases/${pinkiCase}`)
    expect(casePage.body).toContain(`href="/meetings/${meetingId}"`)
    expect(textOf(casePage.body)).toContain('मीना ने बताया कि वह पढ़ना चाहती है')
    // The item is named in the reader's language (its stored title is Hindi), on the case and in the step form.
    const en = await t.agent().login('rekha')
    await en.post('/language', { lang: 'en', back: '/' })
    const english = textOf((await en.get(`/villages/${papdi}/cases/${pinkiCase}`)).body)
    expect(english).toContain('Children not in school')
    expect(english).not.toContain('स्कूल से बाहर बच्चे')
    const stepForm = await en.get(`/villages/${papdi}/cases/${pinkiCase}/steps/new?kind=raised_bal_panchayat`)
    expect(stepForm.statusCode).toBe(200)
    expect(textOf(stepForm.body)).toContain('Children not in school')
    expect(textOf(stepForm.body)).not.toContain('स्कूल से बाहर बच्चे')
  })

  it('an empty note is refused at its field (422, the child’s form alone for htmx), and nothing is written', async () => {
    const before = steps()
    const plain = await rekha.post(stepUrl(sonuCase), { note: '   ' })
    expect(plain.statusCode).toBe(422)
    expect(plain.body).toMatch(new RegExp(`id="e-ooc-note-${sonuCase}">यह भरना ज़रूरी है।`))
    expect(textOf(plain.body)).toContain('सोनू · वार्ड 4')
    const htmx = await rekha.post(stepUrl(sonuCase), { note: '' }, { 'hx-request': 'true' })
    expect(htmx.statusCode).toBe(422)
    expect(htmx.headers.vary).toContain('HX-Request')
    expect(htmx.body).toMatch(new RegExp(`^<li id="ooc-${sonuCase}"`))
    expect(htmx.body).toContain('यह भरना ज़रूरी है।')
    const long = await rekha.post(stepUrl(sonuCase), { note: 'क'.repeat(1001) })
    expect(long.statusCode).toBe(422)
    // An item that is not the village's "children not in school": not found.
    const other = agendaOf(t.db, meetingId).find((i) => i.kind === 'item')!
    expect((await rekha.post(stepUrl(sonuCase, other.id), { note: 'x' })).statusCode).toBe(404)
    expect((await rekha.post(`/villages/${papdi}/cases/${sonuCase}/meeting-steps/abc`, { note: 'x' })).statusCode).toBe(
      404,
    )
    // Without the CSRF token: refused.
    const forged = await rekha.post(stepUrl(sonuCase), { note: 'x' }, {}, false)
    expect(forged.statusCode).toBe(403)
    expect(steps()).toBe(before)
  })

  it('htmx gets the child’s entry back in place with what was written, and a fresh form', async () => {
    const res = await rekha.post(stepUrl(sonuCase), { note: 'गोपाल ने बताया कि वह खेत पर है' }, { 'hx-request': 'true' })
    expect(res.statusCode).toBe(200)
    expect(res.headers.vary).toContain('HX-Request')
    expect(res.body).toMatch(new RegExp(`^<li id="ooc-${sonuCase}"`))
    expect(textOf(res.body)).toContain('क़दम दर्ज हो गया।')
    expect(textOf(res.body)).toContain('गोपाल ने बताया कि वह खेत पर है')
    expect(res.body).toMatch(/<textarea id="ooc-note-\d+" name="note"[^>]*><\/textarea>/)
    expect(t.db.select().from(caseSteps).where(eq(caseSteps.caseId, sonuCase)).all()).toHaveLength(1)
  })

  it('no one else sees a child of the list or writes to it: another village’s facilitator, a Gram Panchayat member, anyone not logged in', async () => {
    const before = steps()
    const kamlaPage = await kamla.get(`/meetings/${meetingId}`)
    expect(kamlaPage.statusCode).toBe(404)
    const sarpanchPage = await sarpanch.get(`/meetings/${meetingId}`)
    expect(sarpanchPage.statusCode).toBe(403)
    const anonymous = await t.agent().get(`/meetings/${meetingId}`)
    expect(anonymous.statusCode).toBe(303)
    for (const res of [kamlaPage, sarpanchPage, anonymous])
      for (const word of [...names, ...private_, 'मीना ने बताया']) expect(res.body).not.toContain(word)
    const form = { note: 'x' }
    expect((await kamla.post(stepUrl(sonuCase), form)).statusCode).toBe(404)
    expect((await sarpanch.post(stepUrl(sonuCase), form)).statusCode).toBe(403)
    expect(steps()).toBe(before)
  })

  it('the printed minutes carry only what was typed in the item’s minutes, never a child of the list', async () => {
    const keeper = ctxFor(t.database, t.fx.users.facilitator)
    saveMinutes(
      keeper,
      meetingId,
      item().id,
      minutesSchema.parse({ discussion: 'सदस्यों ने दो बच्चों के बारे में बताया।', decisions: 'सदस्य घर जाकर मिलेंगे।' }),
    )
    closeMeeting(keeper, meetingId)
    for (const lang of ['', '?lang=en']) {
      const sheet = await rekha.get(`/meetings/${meetingId}/minutes${lang}`)
      expect(sheet.statusCode).toBe(200)
      const text = textOf(sheet.body)
      expect(text).toContain(lang ? 'Children not in school' : 'स्कूल से बाहर बच्चे')
      expect(text).toContain('सदस्यों ने दो बच्चों के बारे में बताया।')
      for (const word of [...names, ...private_, 'मीना ने बताया']) expect(sheet.body).not.toContain(word)
    }
  })
})
