import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testApp, textOf, type Agent, type TestApp } from '../helpers/app.ts'
import { closedMeetingWithResolutions, commonBalPanchayat, seatBalPanchayat } from '../helpers/meetings.ts'
import { villageChildren } from '../helpers/elections.ts'
import { addDays, type StepFacts } from '../../src/cases/machine.ts'
import type { CaseReason } from '../../src/cases/tables.ts'
import { backInSchool, plantCase } from '../helpers/cases.ts'
import { todayIso } from '../../src/core/dates.ts'

let t: TestApp
let coordinator: Agent
let rekha: Agent
let kamla: Agent
let sarpanch: Agent
const today = todayIso()
const daysAgo = (n: number) => addDays(today, -n)
const card = () => `/villages/${t.fx.villages.papdi.id}/report-card`

/** A case planted as the cases' own verbs would write it: the card only reads them. */
const plant = (childId: number, reason: CaseReason, foundOn: string, steps: StepFacts[]) =>
  plantCase(t.db, { villageId: t.fx.villages.papdi.id, by: t.fx.users.facilitator.id }, childId, reason, foundOn, steps)

beforeAll(async () => {
  t = await testApp()
  coordinator = await t.agent().login('coordinator')
  rekha = await t.agent().login('rekha')
  kamla = await t.agent().login('kamla')
  sarpanch = await t.agent().login('sarpanch')
  const kids = seatBalPanchayat(
    t.database,
    t.fx.users.facilitator,
    t.fx.villages.papdi.id,
    commonBalPanchayat,
    daysAgo(200),
  )
  closedMeetingWithResolutions(t.database, t.fx.users.facilitator, t.fx.villages.papdi.id, kids, 1, daysAgo(20))
  const out = villageChildren(t.database, t.fx.users.facilitator, t.fx.villages.papdi.id, [
    ['Lali', 'girl', 11],
    ['Bhola', 'boy', 13],
  ])
  plant(out.Lali, 'married', daysAgo(150), backInSchool(daysAgo(140), today))
  plant(out.Bhola, 'working', daysAgo(100), [{ kind: 'family_visit', on: daysAgo(95) }])
})
afterAll(async () => {
  await t.close()
})

describe('the village report card', () => {
  it('is one printable page of counts for the village’s facilitator, in Hindi first', async () => {
    const res = await rekha.get(card())
    expect(res.statusCode).toBe(200)
    const page = textOf(res.body)
    expect(page).toContain('बाल मित्र ग्राम रिपोर्ट कार्ड: Papdi')
    expect(page).toContain('इस उम्र के सब बच्चे: 12। इनमें से स्कूल में: 12 (100%)।')
    expect(page).toContain('इस साल 1 बच्चा काम करता मिला।')
    expect(page).toContain('स्कूल लौटे: 0। अभी लौटाने बाकी: 1।')
    expect(page).toContain('इस साल 1 बाल विवाह रोका गया।')
    expect(page).toContain('कोरम के साथ 1 बैठक हुई (कुल बैठकें: 1)')
    expect(page).toContain('सब सदस्यों में: 60% (10 में से 6)')
    expect(page).toContain('सब सदस्यों में: 10 में से 6 लड़कियाँ (60%)')
    expect(page).toContain('पदाधिकारियों में: 1 में से 1 लड़की (100%)')
    expect(res.body).toMatch(/<body class="sheet">/)
    expect(res.body.match(/<svg class="chart"/g)).toHaveLength(6)
    // Counts only: no child of a case, nor anything typed on it.
    for (const name of ['Lali', 'Bhola']) expect(res.body).not.toContain(name)
  })

  it('is drawn for the day asked, and in English for who reads English', async () => {
    const before = textOf((await rekha.get(`${card()}?date=${daysAgo(30)}`)).body)
    expect(before).toContain('इस साल ऐसा कोई मामला नहीं।')
    expect(before).toContain('कोरम के साथ कोई बैठक नहीं हुई (कुल बैठकें: 0)')
    const english = await t.agent().login('rekha')
    await english.post('/language', { lang: 'en', back: card() })
    const page = textOf((await english.get(card())).body)
    expect(page).toContain('Child-friendly village report card: Papdi')
    expect(page).toContain('This year 1 marriage of a child was prevented.')
  })

  it('is linked from the village’s Bal Panchayat page and the coordinator’s page of the village', async () => {
    const link = `href="${card()}"`
    expect((await rekha.get(`/villages/${t.fx.villages.papdi.id}/bal-panchayat`)).body).toContain(link)
    expect((await coordinator.get(`/villages/${t.fx.villages.papdi.id}`)).body).toContain(link)
  })

  it('says plainly what is wrong with a date, and never fails', async () => {
    for (const [date, message] of [
      ['2026-02-30', 'यह तारीख़ सही नहीं है। तारीख़ कैलेंडर से चुनें।'],
      ['yesterday', 'यह तारीख़ सही नहीं है।'],
      [addDays(today, 1), 'रिपोर्ट कार्ड आने वाली तारीख़ का नहीं बनता।'],
    ]) {
      const res = await rekha.get(`${card()}?date=${encodeURIComponent(date)}`)
      expect(res.statusCode, date).toBe(422)
      expect(textOf(res.body)).toContain(message)
    }
    const twice = await rekha.get(`${card()}?date=2026-01-01&date=2026-01-02`)
    expect(twice.statusCode).toBe(422)
    expect((await rekha.get(`${card()}?date=`)).statusCode).toBe(200)
  })

  it('is for the village’s facilitators and the coordinators: not another village, not the Gram Panchayat', async () => {
    expect((await coordinator.get(card())).statusCode).toBe(200)
    expect((await kamla.get(card())).statusCode).toBe(404)
    expect((await kamla.get(`${card()}?date=nonsense`)).statusCode).toBe(404)
    expect((await sarpanch.get(card())).statusCode).toBe(403)
    const anonymous = await t.agent().get(card())
    expect(anonymous.statusCode).toBe(303)
    expect(anonymous.headers.location).toContain('/login')
    const unknown = await coordinator.get('/villages/999999/report-card')
    expect(unknown.statusCode).toBe(404)
    expect(textOf(unknown.body)).toContain('यह पन्ना मौजूद नहीं है')
    expect(textOf((await sarpanch.get(card())).body)).toContain('आपको यह करने की अनुमति नहीं है।')
    expect((await coordinator.get('/villages/abc/report-card')).statusCode).toBe(404)
  })
})

describe('the report cards on the figures page', () => {
  it('show each village and term against the goals, with a link to its card', async () => {
    const res = await coordinator.get('/figures')
    const page = textOf(res.body)
    expect(page).toContain('गाँवों के रिपोर्ट कार्ड')
    expect(page).toContain('Papdi — Bal Panchayat 2026')
    expect(page).toContain('Bhangdoli — कोई चुनी हुई बाल पंचायत नहीं')
    expect(res.body).toContain(`href="/villages/${t.fx.villages.papdi.id}/report-card?date=${today}"`)
  })

  it('download as CSV with headings in the reader’s language, counts only', async () => {
    const csv = await coordinator.get('/figures.csv?table=reportCard')
    expect(csv.statusCode).toBe(200)
    const [head, ...rows] = csv.body.replace('\uFEFF', '').split('\r\n').filter(Boolean)
    expect(head.split(',').slice(0, 4)).toEqual(['गाँव', 'कार्यकाल (चुनाव)', 'किस तारीख़ तक', '6 से 14 साल: स्कूल में लड़कियाँ'])
    expect(rows).toHaveLength(2)
    expect(rows[1]).toBe(`Papdi,Bal Panchayat 2026,${today},7,7,5,5,0,0,0,0,1,0,1,1,1,0,0,6,10,1,1`)
    for (const name of ['Lali', 'Bhola']) expect(csv.body).not.toContain(name)
    const one = await coordinator.get(`/figures.csv?table=reportCard&village=${t.fx.villages.bhangdoli.id}`)
    expect(one.body.split('\r\n').filter(Boolean)).toHaveLength(2)
    expect((await rekha.get('/figures.csv?table=reportCard')).statusCode).toBe(403)
  })
})

describe('the children’s board', () => {
  it('counts the children back in school this year, and names none', async () => {
    const board = await t.agent().get(`/board/${t.fx.villages.papdi.id}`)
    expect(board.statusCode).toBe(200)
    expect(textOf(board.body)).toContain('इस साल 1 बच्चा फिर से स्कूल जाने लगा')
    expect(board.body).not.toContain('Lali')
    const other = await t.agent().get(`/board/${t.fx.villages.bhangdoli.id}`)
    expect(textOf(other.body)).not.toContain('फिर से स्कूल')
  })
})
