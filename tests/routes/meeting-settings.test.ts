import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testApp, textOf, type TestApp, type Agent } from '../helpers/app.ts'
import { commonBalPanchayat, seatBalPanchayat } from '../helpers/meetings.ts'
import { actionPoints, meetings, quorumRules } from '../../src/meetings/tables.ts'
import { todayIso } from '../../src/core/dates.ts'

let t: TestApp
let rekha: Agent
let kids: Record<string, number>
let url: string
beforeAll(async () => {
  t = await testApp()
  rekha = await t.agent().login('rekha')
  kids = seatBalPanchayat(t.database, t.fx.users.facilitator, t.fx.villages.papdi.id, commonBalPanchayat)
  const res = await rekha.post(`/villages/${t.fx.villages.papdi.id}/meetings`, {
    date: todayIso(),
    time: '10:30',
    place: 'Chaupal',
    chairChildId: '',
    agenda: 'Hand pump',
  })
  url = res.headers.location as string
})
afterAll(async () => {
  await t.close()
})

const meeting = () => t.db.select().from(meetings).get()!

describe('a meeting’s details and the village’s quorum rule', () => {
  it('changes the details of a scheduled meeting, refusing a chair who is not a member', async () => {
    expect((await rekha.get(`${url}/edit`)).body).toContain('value="Chaupal"')
    const bad = await rekha.post(url, { date: todayIso(), time: '11:00', place: 'Chaupal', chairChildId: '999999' })
    expect(bad.statusCode).toBe(422)
    expect(bad.body).toContain('बाल पंचायत का कोई सदस्य चुनें।')
    expect(meeting().time).toBe('10:30')
    const ok = await rekha.post(url, {
      date: todayIso(),
      time: '11:00',
      place: 'Panchayat bhavan',
      chairChildId: String(kids.Sunita),
    })
    expect(ok.statusCode).toBe(303)
    expect(meeting()).toMatchObject({ time: '11:00', place: 'Panchayat bhavan', chairChildId: kids.Sunita })
  })

  it('refuses an unknown share in the quorum rule, then saves a new one for meetings that start later', async () => {
    const villageUrl = `/villages/${t.fx.villages.papdi.id}`
    expect(textOf((await rekha.get(`${villageUrl}/quorum`)).body)).toContain('कोरम का नियम')
    const bad = await rekha.post(`${villageUrl}/quorum`, { members: '5/4', girls: '1/3' })
    expect(bad.statusCode).toBe(422)
    expect(t.db.select().from(quorumRules).all()).toEqual([])
    const ok = await rekha.post(`${villageUrl}/quorum`, { members: '2/3', girls: '1/2' })
    expect(ok.statusCode).toBe(303)
    expect(textOf((await rekha.get(`${villageUrl}/meetings`)).body)).toContain(
      'कोरम: कम से कम दो-तिहाई सदस्य उपस्थित हों, और उपस्थित लोगों में कम से कम आधी लड़कियाँ हों।',
    )
    await rekha.post(`${url}/start`)
    expect(meeting()).toMatchObject({ quorumMembers: '2/3', quorumGirls: '1/2' })
    expect((await rekha.post(url, { date: todayIso(), time: '12:00', place: 'x', chairChildId: '' })).statusCode).toBe(
      409,
    )
  })

  it('records other children and adults present, refusing a negative count', async () => {
    const bad = await rekha.post(`${url}/guests`, { otherChildren: '-3', adults: '2', guests: '' })
    expect(bad.statusCode).toBe(422)
    expect(bad.body).toContain('id="e-otherChildren"')
    expect(meeting().otherChildren).toBe(0)
    const ok = await rekha.post(`${url}/guests`, { otherChildren: '12', adults: '3', guests: 'Teacher, ANM' })
    expect(ok.statusCode).toBe(303)
    expect(meeting()).toMatchObject({ otherChildren: 12, adults: 3, guests: 'Teacher, ANM' })
  })

  it('adds an action point and removes it while the meeting is held', async () => {
    const page = (await rekha.get(url)).body
    const itemId = /\/items\/(\d+)\/actions/.exec(page)![1]
    const bad = await rekha.post(`${url}/items/${itemId}/actions`, { what: '', who: 'Ravi', byDate: '2026-02-30' })
    expect(bad.statusCode).toBe(422)
    expect(bad.body).toContain(`id="e-what-${itemId}"`)
    expect(bad.body).toContain('value="Ravi"')
    await rekha.post(`${url}/items/${itemId}/actions`, { what: 'Photograph the pump', who: 'Ravi', byDate: '' })
    const point = t.db.select().from(actionPoints).get()!
    expect(point).toMatchObject({ what: 'Photograph the pump', byDate: null })
    expect((await rekha.post(`${url}/actions/${point.id}/removal`)).statusCode).toBe(303)
    expect(t.db.select().from(actionPoints).all()).toEqual([])
  })
})
