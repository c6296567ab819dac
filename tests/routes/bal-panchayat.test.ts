import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { testApp, textOf, type TestApp, type Agent } from '../helpers/app.ts'
import { commonBalPanchayat, seatBalPanchayat } from '../helpers/meetings.ts'
import { members } from '../../src/elections/tables.ts'

let t: TestApp
let rekha: Agent
let kids: Record<string, number>
beforeAll(async () => {
  t = await testApp()
  rekha = await t.agent().login('rekha')
  kids = seatBalPanchayat(t.database, t.fx.users.facilitator, t.fx.villages.papdi.id, commonBalPanchayat)
})
afterAll(async () => {
  await t.close()
})

describe('a member leaving the Bal Panchayat', () => {
  it('refuses a departure without a reason at that member’s form, keeping the date typed, and records a good one', async () => {
    const ravi = t.db.select().from(members).where(eq(members.childId, kids.Ravi)).get()!
    const url = `/villages/${t.fx.villages.papdi.id}/bal-panchayat/members/${ravi.id}/departure`
    const bad = await rekha.post(url, { leftOn: '2026-01-15', reason: '' })
    expect(bad.statusCode).toBe(422)
    expect(bad.body).toContain(`id="e-reason-${ravi.id}">यह भरना ज़रूरी है।<`)
    expect(bad.body).toContain(`id="leftOn-${ravi.id}" name="leftOn" type="date" value="2026-01-15"`)
    expect(t.db.select().from(members).where(eq(members.id, ravi.id)).get()!.leftOn).toBeNull()
    const ok = await rekha.post(url, { leftOn: '2026-01-15', reason: 'Moved to Jaipur with his family' })
    expect(ok.statusCode).toBe(303)
    expect(textOf((await rekha.get(`/villages/${t.fx.villages.papdi.id}/bal-panchayat`)).body)).toContain(
      'Moved to Jaipur with his family',
    )
  })
})
