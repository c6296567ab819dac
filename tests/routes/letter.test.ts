// The letter that carries a passed resolution to the Gram Panchayat, written as Indian official Hindi
// letters are: पत्रांक and दिनांक, संदर्भ, "सविनय निवेदन है कि", "सर्वसम्मति से" when no one voted against or
// abstained, भवदीया or भवदीय by the Bal Panchayat Pradhan's gender, स्थान, the enclosure, and a receipt
// for the Panchayat office with पद and आवक क्रमांक; and the same letter in formal English.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ctxFor, testApp, textOf, type Agent, type TestApp } from '../helpers/app.ts'
import {
  closedMeetingWithResolutions,
  commonBalPanchayat,
  resolutionForm,
  scheduleInput,
  seatBalPanchayat,
} from '../helpers/meetings.ts'
import { closeMeeting, recordAttendance, scheduleMeeting, startMeeting } from '../../src/meetings/meetings.ts'
import { recordResolution } from '../../src/resolutions/resolutions.ts'
import { resolutionSchema } from '../../src/resolutions/schemas.ts'
import { forwardings } from '../../src/resolutions/tables.ts'
import { formatDate, todayIso } from '../../src/core/dates.ts'

let t: TestApp
let rekha: Agent
let kamla: Agent
let sarpanch: Agent
/** Papdi: Meena, a girl, is the Pradhan. Two passed 5–1–0, one failed. */
let papdi: { meetingId: number; passed: number[]; failed: number }
/** Papdi again: passed 6–0–0 at a second meeting. */
let unanimous: number
/** Bhangdoli: Ravi, a boy, is the Pradhan. */
let bhangdoli: { passed: number[] }

const year = todayIso().slice(0, 4)
const today = formatDate(todayIso(), 'hi')

beforeAll(async () => {
  t = await testApp()
  rekha = await t.agent().login('rekha')
  kamla = await t.agent().login('kamla')
  sarpanch = await t.agent().login('sarpanch')
  const { facilitator, otherFacilitator } = t.fx.users
  const kids = seatBalPanchayat(t.database, facilitator, t.fx.villages.papdi.id, commonBalPanchayat)
  papdi = closedMeetingWithResolutions(t.database, facilitator, t.fx.villages.papdi.id, kids, 2)
  unanimous = unanimousResolution(kids)
  const boyFirst = [...commonBalPanchayat].sort(([a], [b]) => Number(b === 'Ravi') - Number(a === 'Ravi'))
  const theirs = seatBalPanchayat(t.database, otherFacilitator, t.fx.villages.bhangdoli.id, boyFirst)
  bhangdoli = closedMeetingWithResolutions(t.database, otherFacilitator, t.fx.villages.bhangdoli.id, theirs, 1)
})
afterAll(async () => {
  await t.close()
})

/** A second meeting of Papdi, where everyone present voted for the resolution. */
function unanimousResolution(kids: Record<string, number>): number {
  const ctx = ctxFor(t.database, t.fx.users.facilitator)
  const meeting = scheduleMeeting(ctx, t.fx.villages.papdi.id, scheduleInput({ place: 'Anganwadi centre' }))
  startMeeting(ctx, meeting.id)
  for (const name of ['Meena', 'Sunita', 'Pooja', 'Ravi', 'Sunil', 'Gopal'])
    recordAttendance(ctx, meeting.id, kids[name], true)
  const form = resolutionForm({
    title: 'Street light near the bus stand',
    proposerChildId: String(kids.Sunita),
    seconderChildId: String(kids.Gopal),
    votesFor: '6',
    votesAgainst: '0',
    votesAbstain: '0',
  })
  const { id } = recordResolution(ctx, meeting.id, resolutionSchema.parse(form))
  closeMeeting(ctx, meeting.id)
  return id
}

const letter = async (who: Agent, id: number, lang = '') => {
  const res = await who.get(`/resolutions/${id}/letter${lang ? `?lang=${lang}` : ''}`)
  expect(res.statusCode).toBe(200)
  return textOf(res.body)
}

/** What is left of a sheet's text once the data typed by people (names, places, titles) is taken out. */
function wordsOfTheSheet(text: string, typed: string[]): string {
  let rest = text
  for (const s of [...typed].sort((a, b) => b.length - a.length)) rest = rest.split(s).join(' ')
  return rest
}

describe('the letter in Hindi', () => {
  it('has the reference number and date, the reference to the meeting, the opening, the enclosure and the place', async () => {
    const text = await letter(rekha, papdi.passed[0])
    const number = `Papdi/${year}/1`
    expect(text).toContain(`पत्रांक: बाल पंचायत/${number}`)
    expect(text).toContain('दिनांक: ____________') // not forwarded yet: the date is written by hand
    expect(text).toContain('बाल पंचायत, गाँव Papdi ग्राम पंचायत Sothana, पंचायत समिति Viratnagar, ज़िला Jaipur')
    expect(text).toContain('सेवा में, सरपंच, ग्राम पंचायत Sothana पंचायत समिति Viratnagar, ज़िला Jaipur')
    expect(text).toContain(`विषय: बाल पंचायत का प्रस्ताव क्रमांक ${number}: A girls toilet at the primary school`)
    expect(text).toContain(`संदर्भ: बाल पंचायत की बैठक क्रमांक 1, दिनांक ${today}, प्रस्ताव क्रमांक ${number}`)
    expect(text).toContain('सविनय निवेदन है कि गाँव Papdi की बाल पंचायत की बैठक क्रमांक 1 (दिनांक')
    expect(text).toContain('5 पक्ष, 1 विपक्ष और 0 तटस्थ वोटों से पारित हुआ')
    expect(text).not.toContain('सर्वसम्मति')
    expect(text).toContain('अतः ग्राम पंचायत से अनुरोध है कि')
    expect(text).toContain('संलग्न: बैठक क्रमांक 1 के कार्यवाही विवरण की प्रति।')
    expect(text).toContain('बाल पंचायत प्रधान (हस्ताक्षर या अँगूठा निशान)')
    expect(text).toContain('स्थान: Papdi')
    expect(text).not.toContain('ब्लॉक')
  })

  it('says "सर्वसम्मति से" when no one voted against or abstained', async () => {
    const text = await letter(rekha, unanimous)
    expect(text).toContain('निम्न प्रस्ताव सर्वसम्मति से पारित हुआ (पक्ष में 6, विरोध में कोई नहीं)')
    expect(text).not.toContain('विपक्ष और')
    expect(text).toContain(`संदर्भ: बाल पंचायत की बैठक क्रमांक 2, दिनांक ${today}, प्रस्ताव क्रमांक Papdi/${year}/3`)
  })

  it('closes with भवदीया when the Pradhan is a girl and भवदीय when a boy, never both', async () => {
    const girl = await letter(rekha, papdi.passed[0])
    expect(girl).toContain('भवदीया')
    expect(girl).not.toMatch(/भवदीय(?!ा)/)
    const boy = await letter(kamla, bhangdoli.passed[0])
    expect(boy).toMatch(/भवदीय(?!ा)/)
    expect(boy).not.toContain('भवदीया')
    // The Pradhan signs by hand: no child's name leaves on the letter unless the village chose so.
    expect(girl).not.toContain('Meena')
    expect(boy).not.toContain('Ravi')
  })

  it('ends with a receipt for the Gram Panchayat office: name, post, signature, date, inward number and seal', async () => {
    const text = await letter(rekha, papdi.passed[0])
    expect(text).toContain(
      `पावती (ग्राम पंचायत कार्यालय भरे) बाल पंचायत, गाँव Papdi का पत्र (प्रस्ताव क्रमांक Papdi/${year}/1) प्राप्त हुआ।`,
    )
    for (const field of ['प्राप्त करने वाले का नाम:', 'पद:', 'हस्ताक्षर:', 'दिनांक:', 'आवक क्रमांक:'])
      expect(text).toContain(field)
    expect(text).toContain('कार्यालय की मोहर')
  })

  it('has no English word but what people typed, and a print button', async () => {
    const res = await rekha.get(`/resolutions/${papdi.passed[0]}/letter`)
    expect(res.body).toContain('data-print')
    expect(res.body).toMatch(/<script src="\/static\/print\.js\?v=[0-9a-f]{10}" defer><\/script>/)
    const typed = [
      'A girls toilet at the primary school',
      'The school has one toilet and it has no door.',
      'Build a separate toilet for girls before the monsoon.',
      'Sarpanch, Gram Panchayat Sothana',
      'Panchayat bhavan, room 1',
      'Papdi',
      'Sothana',
      'Viratnagar',
      'Jaipur',
    ]
    expect(wordsOfTheSheet(textOf(res.body), typed).match(/[A-Za-z]+/g)).toBeNull()
    expect(textOf(res.body)).toContain('छापें')
  })

  it('carries the forwarding’s date and addressee once it is sent', async () => {
    const form = {
      forwardedOn: todayIso(),
      addressedTo: 'सरपंच श्रीमती कमला देवी, ग्राम पंचायत Sothana',
      way: 'letter',
      note: '',
    }
    expect((await rekha.post(`/resolutions/${papdi.passed[1]}/forwarding`, form)).statusCode).toBe(303)
    const text = await letter(rekha, papdi.passed[1])
    expect(text).toContain(`पत्रांक: बाल पंचायत/Papdi/${year}/2 दिनांक: ${today}`)
    expect(text).toContain(`स्थान: Papdi दिनांक: ${today}`)
    expect(text).toContain('सेवा में, सरपंच श्रीमती कमला देवी, ग्राम पंचायत Sothana')
    expect(text).not.toContain('____________')
  })
})

describe('the letter in English', () => {
  it('is a formal English letter with the same parts, and no Hindi word', async () => {
    const text = await letter(rekha, papdi.passed[0], 'en')
    for (const line of [
      `Ref. no.: Bal Panchayat/Papdi/${year}/1`,
      'To The Sarpanch, Gram Panchayat Sothana Panchayat Samiti (block) Viratnagar, district Jaipur',
      `Reference: Meeting no. 1 of the Bal Panchayat, dated ${formatDate(todayIso(), 'en')}`,
      'Respected Sir/Madam,',
      'I have the honour to inform you that at meeting no. 1 of the Bal Panchayat of Papdi',
      'was passed (for: 5, against: 1, abstaining: 0):',
      'On behalf of the Bal Panchayat, I therefore request the Gram Panchayat to acknowledge receipt',
      'Enclosure: a copy of the minutes of meeting no. 1.',
      'Yours faithfully,',
      'Bal Panchayat Pradhan (signature or thumbprint)',
      'Place: Papdi',
      'Designation:',
      'Inward no.:',
      'Office seal',
    ])
      expect(text).toContain(line)
    expect(text).not.toMatch(/[\u0900-\u097F]/)
    expect(await letter(rekha, unanimous, 'en')).toContain('was passed unanimously (for: 6, none against):')
  })

  it('gives the days of the follow-up rule their number: 1 day, 14 days', async () => {
    const rule = { acknowledgeDays: '1', decideDays: '14', boardShowsProposers: '' }
    expect((await rekha.post(`/villages/${t.fx.villages.papdi.id}/follow-up`, rule)).statusCode).toBe(303)
    expect(await letter(rekha, papdi.passed[0], 'en')).toContain(
      'to acknowledge receipt of this resolution within 1 day, to decide on it within 14 days,',
    )
    expect(await letter(rekha, papdi.passed[0])).toContain('इस प्रस्ताव की पावती 1 दिन में दें, 14 दिन में इस पर निर्णय लें')
  })
})

describe('who may print the letter', () => {
  it('is the village’s facilitators and coordinators only; anything else is refused without a letter', async () => {
    const sent = papdi.passed[1]
    expect(
      t.db
        .select()
        .from(forwardings)
        .all()
        .map((f) => f.resolutionId),
    ).toContain(sent)
    const member = await sarpanch.get(`/resolutions/${sent}/letter`)
    expect(member.statusCode).toBe(403)
    expect(member.body).not.toContain('सविनय निवेदन')
    expect((await kamla.get(`/resolutions/${papdi.passed[0]}/letter`)).statusCode).toBe(404)
    expect((await rekha.get(`/resolutions/${papdi.failed}/letter`)).statusCode).toBe(404)
    expect((await rekha.get('/resolutions/999999/letter')).statusCode).toBe(404)
    expect((await rekha.get('/resolutions/abc/letter')).statusCode).toBe(404)
    const anonymous = await t.agent().get(`/resolutions/${papdi.passed[0]}/letter`)
    expect(anonymous.statusCode).toBe(303)
    expect(anonymous.headers.location).toMatch(/^\/login/)
  })
})
