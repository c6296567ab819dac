import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { operatorCtx, testApp, textOf, PASSWORD, type TestApp, type Agent } from '../helpers/app.ts'
import { closedMeetingWithResolutions, commonBalPanchayat, seatBalPanchayat } from '../helpers/meetings.ts'
import { createUser } from '../../src/accounts/accounts.ts'
import { children } from '../../src/people/tables.ts'
import { forwardings, responses } from '../../src/resolutions/tables.ts'
import { todayIso } from '../../src/core/dates.ts'

let t: TestApp
let rekha: Agent
let sarpanch: Agent
let ids: { passed: number[]; failed: number }
beforeAll(async () => {
  t = await testApp()
  rekha = await t.agent().login('rekha')
  sarpanch = await t.agent().login('sarpanch')
  const kids = seatBalPanchayat(t.database, t.fx.users.facilitator, t.fx.villages.papdi.id, commonBalPanchayat)
  ids = closedMeetingWithResolutions(t.database, t.fx.users.facilitator, t.fx.villages.papdi.id, kids, 2)
  // Guardians' phones, to check that none of the register reaches the public board.
  t.db.update(children).set({ guardianPhone: '9876543210' }).run()
})
afterAll(async () => {
  await t.close()
})

const url = (i = 0) => `/resolutions/${ids.passed[i]}`
const forwardForm = { forwardedOn: todayIso(), addressedTo: 'सरपंच, ग्राम पंचायत Sothana', way: 'gram_sabha', note: '' }
const tomorrow = new Date(Date.now() + 30 * 3_600_000 + 5.5 * 3_600_000).toISOString().slice(0, 10)
const yesterday = new Date(Date.now() - 24 * 3_600_000 + 5.5 * 3_600_000).toISOString().slice(0, 10)

describe('forwarding over HTTP', () => {
  it('prints the formal letter in Hindi before it is sent', async () => {
    const res = await rekha.get(`${url()}/letter`)
    expect(res.statusCode).toBe(200)
    const letter = textOf(res.body)
    expect(letter).toContain('सेवा में,')
    expect(letter).toContain(`बाल पंचायत का प्रस्ताव क्रमांक Papdi/${todayIso().slice(0, 4)}/1`)
    expect(letter).toContain('5 पक्ष, 1 विपक्ष और 0 तटस्थ वोटों से पारित हुआ')
    expect(letter).toContain('बाल पंचायत प्रधान (हस्ताक्षर या अँगूठा निशान)')
    expect(letter).not.toContain('Meena')
    expect(textOf((await rekha.get(`${url()}/letter?lang=en`)).body)).toContain('Respected Sir/Madam,')
    expect((await rekha.get(`/resolutions/${ids.failed}/letter`)).statusCode).toBe(404)
  })

  it('refuses a forwarding with no addressee or a date ahead, then records it', async () => {
    const bad = await rekha.post(`${url()}/forwarding`, { ...forwardForm, addressedTo: '', forwardedOn: tomorrow })
    expect(bad.statusCode).toBe(422)
    expect(bad.body).toContain('id="e-addressedTo">यह भरना ज़रूरी है।<')
    const ahead = await rekha.post(`${url()}/forwarding`, { ...forwardForm, forwardedOn: tomorrow })
    expect(ahead.statusCode).toBe(422)
    expect(t.db.select().from(forwardings).all()).toEqual([])
    const ok = await rekha.post(`${url()}/forwarding`, forwardForm)
    expect(ok.statusCode).toBe(303)
    expect(textOf((await rekha.get(url())).body)).toContain('भेजा गया')
    expect((await rekha.post(`/resolutions/${ids.failed}/forwarding`, forwardForm)).statusCode).toBe(409)
  })
})

describe('the Gram Panchayat’s answer over HTTP', () => {
  it('lands on the inbox, sees only forwarded resolutions, and never the register', async () => {
    const home = await sarpanch.get('/')
    expect(home.headers.location).toBe('/inbox')
    const inbox = textOf((await sarpanch.get('/inbox')).body)
    expect(inbox).toContain('A girls toilet at the primary school')
    expect(inbox).not.toContain('Repair the hand pump')
    expect((await sarpanch.get(url(1))).statusCode).toBe(404)
    expect((await sarpanch.get(`/villages/${t.fx.villages.papdi.id}/children`)).statusCode).toBe(403)
    expect(textOf((await sarpanch.get(url())).body)).not.toContain('Meena')
  })

  it('refuses a decline without a reason and a target date in the past, changing nothing', async () => {
    expect((await sarpanch.post(`${url()}/acknowledgement`, { on: todayIso() })).statusCode).toBe(303)
    const noReason = await sarpanch.post(`${url()}/decision`, { decision: 'declined', on: todayIso(), reason: '' })
    expect(noReason.statusCode).toBe(422)
    expect(noReason.body).toContain('id="e-reason">प्रस्ताव कारण बताकर ही अस्वीकार किया जा सकता है।<')
    const past = await sarpanch.post(`${url()}/decision`, {
      decision: 'accepted',
      on: todayIso(),
      plan: 'Build it',
      targetDate: yesterday,
    })
    expect(past.statusCode).toBe(422)
    expect(past.body).toContain('लक्ष्य तारीख बीते समय की नहीं हो सकती।')
    expect(past.body).toContain('Build it</textarea>')
    expect(
      t.db
        .select()
        .from(responses)
        .all()
        .map((r) => r.kind),
    ).toEqual(['acknowledged'])
  })

  it('accepts, records action and marks done; a second decision is refused with a clear message', async () => {
    expect(
      (
        await sarpanch.post(`${url()}/decision`, {
          decision: 'accepted',
          on: todayIso(),
          plan: 'A toilet with water, from the 15th Finance Commission grant',
          targetDate: tomorrow,
          confirm: 'yes',
        })
      ).statusCode,
    ).toBe(303)
    const twice = await sarpanch.post(`${url()}/decision`, {
      decision: 'declined',
      on: todayIso(),
      reason: 'changed our mind',
    })
    expect(twice.statusCode).toBe(409)
    expect(textOf(twice.body)).toContain('निर्णय एक ही बार होता है')
    expect(
      (await sarpanch.post(`${url()}/actions`, { on: todayIso(), text: 'Work order issued', evidence: 'order no. 17' }))
        .statusCode,
    ).toBe(303)
    expect((await sarpanch.post(`${url()}/completion`, { on: todayIso() })).statusCode).toBe(303)
    const page = textOf((await rekha.get(url())).body)
    expect(page).toMatch(/स्वीकार .* A toilet with water/)
    expect(page).toContain('प्रमाण: order no. 17')
    expect(page).toContain('पूरा हुआ')
  })

  it('refuses another village’s panchayat member and a facilitator answering', async () => {
    await createUser(operatorCtx(t.database), {
      username: 'other-sarpanch',
      displayName: 'Other',
      role: 'panchayat',
      villageId: t.fx.villages.bhangdoli.id,
      password: PASSWORD,
    })
    const other = await t.agent().login('other-sarpanch')
    expect((await other.get(url())).statusCode).toBe(404)
    expect((await other.post(`${url()}/actions`, { on: todayIso(), text: 'x' })).statusCode).toBe(404)
    expect((await rekha.post(`${url()}/acknowledgement`, { on: todayIso() })).statusCode).toBe(403)
  })
})

describe('the children’s board', () => {
  it('is public, shows where each forwarded resolution stands, and nothing from the register', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/board/${t.fx.villages.papdi.id}` })
    expect(res.statusCode).toBe(200)
    const board = textOf(res.body)
    expect(board).toContain('A girls toilet at the primary school')
    expect(board).toContain('पूरा हुआ')
    expect(board).not.toContain('Repair the hand pump')
    for (const child of t.db.select().from(children).all()) {
      expect(res.body).not.toContain(child.name)
      expect(res.body).not.toContain(child.guardianName)
    }
    expect(res.body).not.toContain('9876543210')
    expect(res.body).not.toContain('rekha')
    const done = textOf((await t.app.inject(`/board/${t.fx.villages.papdi.id}?status=declined`)).body)
    expect(done).not.toContain('A girls toilet')
    expect((await t.app.inject('/board/99999')).statusCode).toBe(404)
    expect((await t.app.inject('/board/abc')).statusCode).toBe(404)
  })

  it('lists every resolution for the facilitator, filtered by where it stands', async () => {
    const all = textOf((await rekha.get(`/villages/${t.fx.villages.papdi.id}/resolutions`)).body)
    expect(all).toContain('Close the shop')
    const passed = textOf((await rekha.get(`/villages/${t.fx.villages.papdi.id}/resolutions?status=passed`)).body)
    expect(passed).toContain('Repair the hand pump')
    expect(passed).not.toContain('A girls toilet')
    expect((await sarpanch.get(`/villages/${t.fx.villages.papdi.id}/resolutions`)).statusCode).toBe(403)
  })

  it('saves the village’s follow-up rule, refusing zero days', async () => {
    const bad = await rekha.post(`/villages/${t.fx.villages.papdi.id}/follow-up`, {
      acknowledgeDays: '0',
      decideDays: '30',
    })
    expect(bad.statusCode).toBe(422)
    const ok = await rekha.post(`/villages/${t.fx.villages.papdi.id}/follow-up`, {
      acknowledgeDays: '7',
      decideDays: '21',
      boardShowsProposers: '1',
    })
    expect(ok.statusCode).toBe(303)
    const board = (await t.app.inject(`/board/${t.fx.villages.papdi.id}`)).body
    expect(board).toContain('Meena')
  })
})
