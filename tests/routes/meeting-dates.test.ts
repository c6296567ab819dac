// Over HTTP: who may start, postpone or cancel a meeting and how bad input is refused (in Hindi, nothing
// changed); the chair offered from the members seated on the meeting's day; the page and the minutes
// saying when the meeting was held; the quorum sentence for every girls' share.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { testApp, textOf, type Agent, type TestApp } from '../helpers/app.ts'
import { commonBalPanchayat, seatBalPanchayat } from '../helpers/meetings.ts'
import { meetingCancellations, meetingPostponements, meetings, girlsQuorumShares } from '../../src/meetings/tables.ts'
import { members } from '../../src/elections/tables.ts'
import { todayIso } from '../../src/core/dates.ts'

let t: TestApp
let rekha: Agent
let kamla: Agent
let sarpanch: Agent
let kids: Record<string, number>
const today = todayIso()
const day = (offset: number) => {
  const d = new Date(`${today}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + offset)
  return d.toISOString().slice(0, 10)
}
const papdi = () => t.fx.villages.papdi.id

beforeAll(async () => {
  t = await testApp()
  rekha = await t.agent().login('rekha')
  kamla = await t.agent().login('kamla')
  sarpanch = await t.agent().login('sarpanch')
  kids = seatBalPanchayat(t.database, t.fx.users.facilitator, papdi(), commonBalPanchayat, day(-60))
  // Mukesh leaves his seat in ten days: the Bal Panchayat of a later day is one member smaller.
  t.db
    .update(members)
    .set({ leftOn: day(10) })
    .where(eq(members.childId, kids.Mukesh))
    .run()
})
afterAll(async () => {
  await t.close()
})

const meeting = (id: number) => t.db.select().from(meetings).where(eq(meetings.id, id)).get()!
async function schedule(date: string, agenda = 'Hand pump') {
  const res = await rekha.post(`/villages/${papdi()}/meetings`, {
    date,
    time: '16:00',
    place: 'School verandah',
    chairChildId: '',
    agenda,
  })
  expect(res.statusCode).toBe(303)
  return Number(/\/meetings\/(\d+)$/.exec(res.headers.location as string)![1])
}
const options = (html: string) => [...html.matchAll(/<option value="(\d+)"/g)].map((m) => Number(m[1]))

describe('the chair offered for the meeting’s day', () => {
  it('lists the members seated that day, as the check does', async () => {
    const url = (date: string) => `/villages/${papdi()}/meetings/chair?date=${date}&chairChildId=${kids.Mukesh}`
    const now = await rekha.get(url(today), { 'hx-request': 'true' })
    expect(now.statusCode).toBe(200)
    expect(now.headers.vary).toContain('HX-Request')
    expect(now.body).toMatch(/^\s*<div id="chair-field"/)
    expect(options(now.body)).toHaveLength(10)
    expect(now.body).toContain(`<option value="${kids.Mukesh}" selected>`)
    const later = await rekha.get(url(day(20)), { 'hx-request': 'true' })
    expect(options(later.body)).toHaveLength(9)
    expect(options(later.body)).not.toContain(kids.Mukesh)
    const before = await rekha.get(url(day(-90)), { 'hx-request': 'true' })
    expect(options(before.body)).toEqual([])
    expect(textOf(before.body)).toContain('को कोई बाल पंचायत नहीं')
    const nonsense = await rekha.get(`/villages/${papdi()}/meetings/chair?date=<script>`, { 'hx-request': 'true' })
    expect(nonsense.statusCode).toBe(200)
    expect(nonsense.body).not.toContain('<script>')
    expect(options(nonsense.body)).toEqual([])
  })

  it('refuses a chair not seated on the meeting’s day, offering that day’s members again', async () => {
    const res = await rekha.post(`/villages/${papdi()}/meetings`, {
      date: day(20),
      time: '16:00',
      place: 'School verandah',
      chairChildId: String(kids.Mukesh),
      agenda: '',
    })
    expect(res.statusCode).toBe(422)
    expect(res.body).toContain('बाल पंचायत का कोई सदस्य चुनें।')
    expect(options(res.body)).toHaveLength(9)
    expect(t.db.select().from(meetings).all()).toHaveLength(0)
  })

  it('takes a day that is not a day (typed anyhow) as a mistake to show, not a failure', async () => {
    for (const date of ['2026-02-30', 'kal', '9999-99-99']) {
      const res = await rekha.post(`/villages/${papdi()}/meetings`, {
        date,
        time: '16:00',
        place: 'School verandah',
        chairChildId: '',
        agenda: '',
      })
      expect(res.statusCode, date).toBe(422)
      expect(res.body).toContain('सही तारीख़ लिखें।')
      expect(textOf(res.body)).toContain('पहले तारीख चुनें')
    }
    expect(t.db.select().from(meetings).all()).toHaveLength(0)
  })

  it('is only for the village’s keepers', async () => {
    const url = `/villages/${papdi()}/meetings/chair?date=${today}`
    expect((await kamla.get(url)).statusCode).toBe(404)
    expect((await sarpanch.get(url)).statusCode).toBe(403)
  })
})

describe('starting on another day than planned', () => {
  it('warns and asks for the reason; without it nothing starts', async () => {
    const id = await schedule(day(7))
    const page = textOf((await rekha.get(`/meetings/${id}`)).body)
    expect(page).toContain('यह बैठक')
    expect(page).toContain('के लिए तय है, पर आज')
    const refused = await rekha.post(`/meetings/${id}/start`, { way: 'now', reason: '' })
    expect(refused.statusCode).toBe(422)
    expect(refused.body).toContain('बैठक तय दिन के बजाय दूसरे दिन हो रही है: इसका कारण लिखें।')
    expect(meeting(id)).toMatchObject({ date: day(7), scheduledDate: null })
    const ok = await rekha.post(`/meetings/${id}/start`, { way: 'now', reason: 'परीक्षा के कारण पहले' })
    expect(ok.statusCode).toBe(303)
    expect(ok.headers.location).toBe(`/meetings/${id}#attendance`)
    expect(meeting(id)).toMatchObject({ date: today, scheduledDate: day(7), offScheduleReason: 'परीक्षा के कारण पहले' })
    const held = textOf((await rekha.get(`/meetings/${id}`)).body)
    expect(held).toContain('कब हुई')
    expect(held).toContain('दूसरे दिन करने का कारण: “परीक्षा के कारण पहले”')
  })

  it('from the paper register: refuses a day to come in Hindi, then takes the real day and times', async () => {
    const id = await schedule(day(-2))
    const future = await rekha.post(`/meetings/${id}/start`, {
      way: 'paper',
      heldOn: day(1),
      from: '16:00',
      until: '17:00',
      reason: 'x',
    })
    expect(future.statusCode).toBe(422)
    expect(future.body).toContain('यह तारीख़ आगे की नहीं हो सकती।')
    expect(future.body).toContain('<details class="paper" open>')
    const garbled = await rekha.post(`/meetings/${id}/start`, {
      way: 'paper',
      heldOn: 'kal',
      from: '4 baje',
      until: '',
    })
    expect(garbled.statusCode).toBe(422)
    expect(garbled.body).toContain('सही तारीख़ लिखें।')
    expect(garbled.body).toContain('समय लिखें, जैसे 16:30।')
    expect(meeting(id)).toMatchObject({ date: day(-2), typedLater: null })
    const ok = await rekha.post(`/meetings/${id}/start`, {
      way: 'paper',
      heldOn: day(-2),
      from: '16:10',
      until: '17:25',
    })
    expect(ok.statusCode).toBe(303)
    expect(meeting(id)).toMatchObject({ date: day(-2), time: '16:10', endTime: '17:25', typedLater: true })
    expect((await rekha.post(`/meetings/${id}/closing`)).statusCode).toBe(303)
    const minutes = textOf((await rekha.get(`/meetings/${id}/minutes`)).body)
    expect(minutes).toContain('को शाम 4:10 बजे से शाम 5:25 बजे तक हुई।')
    expect(minutes).toContain('स्थान: School verandah।')
    expect(minutes).toContain('(यह कार्यवाही विवरण बाद में कागज़ के रजिस्टर से दर्ज किया गया।)')
    const english = textOf((await rekha.get(`/meetings/${id}/minutes?lang=en`)).body)
    expect(english).toContain('from 4:10 pm to 5:25 pm.')
  })
})

describe('postponing and cancelling over HTTP', () => {
  it('refuses a postponement without a reason or to a past day, in Hindi, changing nothing', async () => {
    const id = await schedule(day(3))
    const noReason = await rekha.post(`/meetings/${id}/postponement`, { date: day(5), time: '11:00', reason: ' ' })
    expect(noReason.statusCode).toBe(422)
    expect(noReason.body).toContain('आगे बढ़ाने का कारण लिखें।')
    const past = await rekha.post(`/meetings/${id}/postponement`, { date: day(-1), time: '11:00', reason: 'Rain' })
    expect(past.statusCode).toBe(422)
    expect(past.body).toContain('नई तारीख आज की या आगे की होनी चाहिए।')
    expect(t.db.select().from(meetingPostponements).all()).toEqual([])
    expect(meeting(id).date).toBe(day(3))
  })

  it('postpones with a reason: the page shows the move and the list says postponed', async () => {
    const id = await schedule(day(3))
    const ok = await rekha.post(`/meetings/${id}/postponement`, { date: day(6), time: '11:00', reason: 'गाँव में शादी' })
    expect(ok.statusCode).toBe(303)
    expect(meeting(id)).toMatchObject({ date: day(6), time: '11:00' })
    const page = textOf((await rekha.get(`/meetings/${id}`)).body)
    expect(page).toContain('आगे बढ़ाई गई')
    expect(page).toContain('कारण: “गाँव में शादी”')
    expect(page).toContain('सुबह 11 बजे')
    const list = textOf((await rekha.get(`/villages/${papdi()}/meetings`)).body)
    expect(list).toMatch(/सुबह 11 बजे .* आगे बढ़ाई गई/)
  })

  it('cancels with a reason; a started meeting cannot be cancelled or postponed', async () => {
    const id = await schedule(day(4))
    const noReason = await rekha.post(`/meetings/${id}/cancellation`, { reason: '' })
    expect(noReason.statusCode).toBe(422)
    expect(noReason.body).toContain('रद्द करने का कारण लिखें।')
    expect(t.db.select().from(meetingCancellations).all()).toEqual([])
    const ok = await rekha.post(`/meetings/${id}/cancellation`, { reason: 'भारी बारिश' })
    expect(ok.statusCode).toBe(303)
    const page = textOf((await rekha.get(`/meetings/${id}`)).body)
    expect(page).toContain('यह बैठक रद्द की गई। कारण: “भारी बारिश”')
    expect(page).not.toContain('बैठक शुरू करें')
    // Its steps are not drawn as if it might still be held.
    expect(page).not.toContain('चल रही है')
    expect((await rekha.post(`/meetings/${id}/start`, { way: 'now', reason: 'x' })).statusCode).toBe(409)
    expect(textOf((await rekha.get(`/villages/${papdi()}/meetings`)).body)).toContain('रद्द')

    const live = await schedule(today)
    expect((await rekha.post(`/meetings/${live}/start`)).statusCode).toBe(303)
    const cancelLive = await rekha.post(`/meetings/${live}/cancellation`, { reason: 'x' })
    expect(cancelLive.statusCode).toBe(409)
    expect(textOf(cancelLive.body)).toContain('जो बैठक शुरू हो चुकी है, वह रद्द नहीं हो सकती।')
    expect(
      (await rekha.post(`/meetings/${live}/postponement`, { date: day(2), time: '10:00', reason: 'x' })).statusCode,
    ).toBe(409)
  })

  it('is refused to another village’s facilitator, a Gram Panchayat member, and a post without its token', async () => {
    const id = await schedule(day(8))
    expect((await kamla.post(`/meetings/${id}/cancellation`, { reason: 'x' })).statusCode).toBe(404)
    expect(
      (await kamla.post(`/meetings/${id}/postponement`, { date: day(9), time: '10:00', reason: 'x' })).statusCode,
    ).toBe(404)
    expect((await kamla.post(`/meetings/${id}/start`, { way: 'now', reason: 'x' })).statusCode).toBe(404)
    expect((await sarpanch.post(`/meetings/${id}/cancellation`, { reason: 'x' })).statusCode).toBe(403)
    expect((await rekha.post(`/meetings/${id}/cancellation`, { reason: 'x' }, {}, false)).statusCode).toBe(403)
    expect(meeting(id).date).toBe(day(8))
    expect(t.db.select().from(meetingCancellations).where(eq(meetingCancellations.meetingId, id)).all()).toEqual([])
  })
})

describe('the quorum rule in words, for every girls’ share', () => {
  it('never says "at least no rule girls", in Hindi or in English', async () => {
    const coordinator = await t.agent().login('coordinator')
    await coordinator.post('/language', { lang: 'en', back: `/villages/${papdi()}/meetings` })
    for (const girls of girlsQuorumShares) {
      expect((await rekha.post(`/villages/${papdi()}/quorum`, { members: '1/2', girls })).statusCode).toBe(303)
      const hi = textOf((await rekha.get(`/villages/${papdi()}/meetings`)).body)
      const sentence = /कोरम: [^।]*।(?: लड़कियों की कोई अलग शर्त नहीं।)?/.exec(hi)?.[0]
      if (girls === 'none') expect(sentence).toBe('कोरम: कम से कम आधे सदस्य उपस्थित हों। लड़कियों की कोई अलग शर्त नहीं।')
      else expect(sentence).toMatch(/^कोरम: कम से कम आधे सदस्य उपस्थित हों, और उपस्थित लोगों में कम से कम \S+ लड़कियाँ हों।$/)
      expect(hi).not.toContain('कोई नियम नहीं लड़कियाँ')
      const en = textOf((await coordinator.get(`/villages/${papdi()}/meetings`)).body)
      expect(en).not.toContain('no rule of those present girls')
      if (girls === 'none')
        expect(en).toContain('Quorum: at least half of the members present. No separate rule for girls.')
    }
  })

  it('the minutes of a meeting held under "no girls\' rule" say so plainly', async () => {
    await rekha.post(`/villages/${papdi()}/quorum`, { members: '1/2', girls: 'none' })
    const id = await schedule(today)
    await rekha.post(`/meetings/${id}/start`)
    for (const name of ['Ravi', 'Sunil', 'Gopal', 'Mukesh', 'Meena', 'Sunita'])
      await rekha.post(`/meetings/${id}/attendance/${kids[name]}`, { present: '1' })
    const sheet = textOf((await rekha.get(`/meetings/${id}/minutes`)).body)
    expect(sheet).toContain('कोरम पूरा था: कम से कम 5 सदस्य उपस्थित (10 के आधे); लड़कियों की कोई अलग शर्त नहीं थी।')
    expect(sheet).not.toContain('कोई नियम नहीं लड़कियाँ')
    const page = textOf((await rekha.get(`/meetings/${id}`)).body)
    expect(page).toContain('लड़कियों की कोई अलग शर्त नहीं।')
  })

  it('the minutes give each count its own number: one member, one girl, nobody', async () => {
    await rekha.post(`/villages/${papdi()}/quorum`, { members: '1/2', girls: '1/3' })
    const id = await schedule(today)
    await rekha.post(`/meetings/${id}/start`)
    const sheet = async () => textOf((await rekha.get(`/meetings/${id}/minutes`)).body)
    expect(await sheet()).toContain('10 में से कोई सदस्य उपस्थित नहीं।')
    expect(await sheet()).not.toContain('उनमें कोई लड़की नहीं')
    expect(await sheet()).toContain(
      'कोरम पूरा नहीं था, इसलिए कोई प्रस्ताव पारित नहीं हो सकता था। ज़रूरी था: कम से कम 5 सदस्य उपस्थित (10 के आधे), लड़कियाँ: उपस्थित लोगों की एक-तिहाई।',
    )
    await rekha.post(`/meetings/${id}/attendance/${kids.Meena}`, { present: '1' })
    expect(await sheet()).toContain('10 में से 1 सदस्य उपस्थित, उनमें 1 लड़की (6 लड़की सदस्यों में से)।')
    expect(await sheet()).toContain('ज़रूरी था: कम से कम 5 सदस्य उपस्थित (10 के आधे), उनमें कम से कम 1 लड़की (1 की एक-तिहाई)।')
    for (const name of ['Sunita', 'Ravi', 'Sunil', 'Gopal'])
      await rekha.post(`/meetings/${id}/attendance/${kids[name]}`, { present: '1' })
    expect(await sheet()).toContain('10 में से 5 सदस्य उपस्थित, उनमें 2 लड़कियाँ (6 लड़की सदस्यों में से)।')
    expect(await sheet()).toContain(
      'कोरम पूरा था: कम से कम 5 सदस्य उपस्थित (10 के आधे), उनमें कम से कम 2 लड़कियाँ (5 की एक-तिहाई)।',
    )
    const en = textOf((await rekha.get(`/meetings/${id}/minutes?lang=en`)).body)
    expect(en).toContain('5 members present (of 10), 2 girls among them (of 6 girl members).')
    expect(en).toContain(
      'The quorum was met: at least 5 members present (half of 10), at least 2 girls among them (a third of 5).',
    )
  })
})
