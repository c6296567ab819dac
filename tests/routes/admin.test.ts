import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { count, eq } from 'drizzle-orm'
import { testApp, textOf, PASSWORD, type TestApp, type Agent } from '../helpers/app.ts'
import { users } from '../../src/accounts/tables.ts'
import { villages } from '../../src/villages/tables.ts'

let t: TestApp
let admin: Agent
beforeAll(async () => {
  t = await testApp()
  admin = await t.agent().login('coordinator')
})
afterAll(async () => {
  await t.close()
})

const village = {
  name: 'Sothana',
  gramPanchayat: 'Sothana',
  block: 'Viratnagar',
  district: 'Jaipur',
  state: 'Rajasthan',
}

describe('a coordinator sets up villages and accounts', () => {
  it('adds a village, and refuses one with an empty name without writing anything', async () => {
    const before = t.db.select({ n: count() }).from(villages).get()!.n
    const bad = await admin.post('/villages', { ...village, name: '', district: 'x'.repeat(101) })
    expect(bad.statusCode).toBe(422)
    expect(bad.body).toContain('id="e-name">यह भरना ज़रूरी है।<')
    expect(bad.body).toContain('id="e-district">ज़्यादा से ज़्यादा 100 अक्षर।<')
    expect(bad.body).toContain('value="Viratnagar"')
    expect(t.db.select({ n: count() }).from(villages).get()!.n).toBe(before)
    const ok = await admin.post('/villages', village)
    expect(ok.statusCode).toBe(303)
    const page = await admin.get(ok.headers.location as string)
    expect(textOf(page.body)).toContain('गाँव जोड़ दिया गया।')
    expect(textOf((await admin.get('/villages')).body)).toContain('Sothana')
  })

  it('creates a facilitator for a village, who can then log in', async () => {
    const bad = await admin.post('/users', {
      displayName: 'Kiran',
      username: 'kiran',
      role: 'facilitator',
      villageId: '',
      password: PASSWORD,
    })
    expect(bad.statusCode).toBe(422)
    expect(bad.body).toContain('id="e-villageId">सहजकर्ता और पंचायत सदस्य किसी गाँव से जुड़े होते हैं।<')
    const taken = await admin.post('/users', {
      displayName: 'Rekha 2',
      username: 'rekha',
      role: 'facilitator',
      villageId: String(t.fx.villages.papdi.id),
      password: PASSWORD,
    })
    expect(taken.body).toContain('id="e-username">यह यूज़रनेम पहले से लिया जा चुका है।<')
    const ok = await admin.post('/users', {
      displayName: 'Kiran',
      username: 'Kiran',
      role: 'facilitator',
      villageId: String(t.fx.villages.papdi.id),
      password: PASSWORD,
    })
    expect(ok.statusCode).toBe(303)
    expect(t.db.select().from(users).where(eq(users.username, 'kiran')).get()!.villageId).toBe(t.fx.villages.papdi.id)
    await t.agent().login('kiran')
  })

  it('resets a password, which logs the user out everywhere', async () => {
    const rekha = await t.agent().login('rekha')
    const res = await admin.post(`/users/${t.fx.users.facilitator.id}/password`, { password: 'fresh-password' })
    expect(res.statusCode).toBe(303)
    expect((await rekha.get('/account/password')).headers.location).toMatch(/^\/login/)
    await t.agent().login('rekha', 'fresh-password')
    const short = await admin.post(`/users/${t.fx.users.facilitator.id}/password`, { password: 'short' })
    expect(short.statusCode).toBe(422)
  })

  it('turns an account off and on', async () => {
    const kamla = await t.agent().login('kamla')
    await admin.post(`/users/${t.fx.users.otherFacilitator.id}/activation`, { active: 'no' })
    expect((await kamla.get('/account/password')).headers.location).toMatch(/^\/login/)
    const retry = t.agent()
    await retry.get('/login')
    expect((await retry.post('/login', { username: 'kamla', password: PASSWORD })).statusCode).toBe(422)
    await admin.post(`/users/${t.fx.users.otherFacilitator.id}/activation`, { active: 'yes' })
    await t.agent().login('kamla')
  })

  it('the audit log shows who changed what, newest first, filterable by village', async () => {
    const page = await admin.get('/audit')
    const text = textOf(page.body)
    expect(text).toContain('गाँव जोड़ा')
    expect(text).toContain('पासवर्ड नया तय किया')
    // The newest change (the account turned back on) comes before an older one (the village added).
    expect(text.indexOf('खाता चालू किया')).toBeGreaterThan(-1)
    expect(text.indexOf('खाता चालू किया')).toBeLessThan(text.indexOf('गाँव जोड़ा'))
    const papdi = await admin.get(`/audit?village=${t.fx.villages.papdi.id}`, { 'hx-request': 'true' })
    expect(papdi.body).toMatch(/^<div id="audit-entries"/)
    expect(textOf(papdi.body)).toContain('Papdi')
    expect(textOf(papdi.body)).not.toContain('Bhangdoli')
  })

  it('a user changes their own password', async () => {
    const sarpanch = await t.agent().login('sarpanch')
    const wrong = await sarpanch.post('/account/password', {
      current: 'nope-nope',
      password: 'new-password-1',
      confirm: 'new-password-1',
    })
    expect(wrong.statusCode).toBe(422)
    expect(wrong.body).toContain('id="e-current">यह आपका मौजूदा पासवर्ड नहीं है।<')
    expect(
      (
        await sarpanch.post('/account/password', {
          current: PASSWORD,
          password: 'new-password-1',
          confirm: 'new-password-1',
        })
      ).statusCode,
    ).toBe(303)
    await t.agent().login('sarpanch', 'new-password-1')
  })

  it('a panchayat member lands on their inbox, which names their village and panchayat', async () => {
    const home = await (await t.agent().login('coordinator')).get('/')
    expect(home.headers.location).toBe('/villages')
    const member = await t.agent().login('sarpanch', 'new-password-1')
    expect((await member.get('/')).headers.location).toBe('/inbox')
    expect(textOf((await member.get('/inbox')).body)).toContain(
      'Papdi की बाल पंचायत ने ग्राम पंचायत Sothana को ये प्रस्ताव भेजे हैं',
    )
  })
})
