import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { count } from 'drizzle-orm'
import { testApp, textOf, PASSWORD, type TestApp, type Agent } from '../helpers/app.ts'
import { users } from '../../src/accounts/tables.ts'
import { children } from '../../src/people/tables.ts'
import { villages } from '../../src/villages/tables.ts'
import { auditLog } from '../../src/audit/tables.ts'
import { bornYearsBefore } from '../../src/core/dates.ts'

let t: TestApp
let admin: Agent
let rekha: Agent
beforeAll(async () => {
  t = await testApp()
  admin = await t.agent().login('coordinator')
  rekha = await t.agent().login('rekha')
})
afterAll(async () => {
  await t.close()
})

const rows = () => ({
  users: t.db.select({ n: count() }).from(users).get()!.n,
  children: t.db.select({ n: count() }).from(children).get()!.n,
  villages: t.db.select({ n: count() }).from(villages).get()!.n,
  audit: t.db.select({ n: count() }).from(auditLog).get()!.n,
})
const COMMON_HI = 'यह पासवर्ड बहुत आम है, कोई भी इसका अंदाज़ा लगा सकता है। तीन-चार ऐसे शब्द जोड़कर बनाएँ जो सिर्फ़ आप जानते हों।'
const RLO = '\u202e'

describe('new passwords: at least 10 characters, not a common one', () => {
  it("the first coordinator's", async () => {
    const empty = await testApp({ seed: false })
    try {
      const agent = empty.agent()
      await agent.get('/setup')
      const res = await agent.post('/setup', {
        displayName: 'Suman',
        username: 'suman',
        password: '1234567890',
        confirm: '1234567890',
      })
      expect(res.statusCode).toBe(422)
      expect(res.body).toContain(`id="e-password">${COMMON_HI}<`)
      expect(res.body).toContain('value="suman"')
      expect(res.body).not.toContain('value="1234567890"')
      expect(empty.db.select({ n: count() }).from(users).get()!.n).toBe(0)
      expect(
        (await agent.post('/setup', { displayName: 'Suman', username: 'suman', password: PASSWORD, confirm: PASSWORD }))
          .statusCode,
      ).toBe(303)
    } finally {
      await empty.close()
    }
  })

  it("a new account's, in English for an English user, and one made of the person's own name", async () => {
    const en = await t.agent().login('coordinator')
    await en.post('/language', { lang: 'en', back: '/users/new' })
    const before = rows()
    const form = {
      displayName: 'Kiran Bala',
      username: 'kiranbala',
      role: 'facilitator',
      villageId: String(t.fx.villages.papdi.id),
    }
    const short = await en.post('/users', { ...form, password: '12345678' })
    expect(short.statusCode).toBe(422)
    expect(short.body).toContain('id="e-password">The password needs at least 10 characters.<')
    const common = await en.post('/users', { ...form, password: 'password-123' })
    expect(textOf(common.body)).toContain('This password is too common: anyone could guess it.')
    const own = await en.post('/users', { ...form, password: 'kiranbala2024' })
    expect(own.statusCode).toBe(422)
    expect(textOf(own.body)).toContain('This password is too common')
    expect(textOf((await en.get('/users/new')).body)).toContain(
      'At least 10 characters. Common passwords (like 1234567890 or password123) are not accepted.',
    )
    expect(rows()).toEqual(before)
  })

  it("a coordinator's reset, which changes nothing when refused", async () => {
    const res = await admin.post(`/users/${t.fx.users.otherFacilitator.id}/password`, { password: 'qwertyuiop' })
    expect(res.statusCode).toBe(422)
    expect(res.body).toContain(`id="e-password">${COMMON_HI}<`)
    await t.agent().login('kamla', PASSWORD)
  })
})

describe('names with hidden characters are refused', () => {
  const meena = {
    name: 'मीना मीणा',
    gender: 'girl',
    dateOfBirth: bornYearsBefore(12),
    ward: '3',
    school: '',
    schoolClass: '',
    inSchool: 'yes',
    outOfSchoolReason: '',
    guardianName: 'रमेश मीणा',
    guardianPhone: '',
    consent: 'yes',
    consentOn: '',
  }
  const base = () => `/villages/${t.fx.villages.papdi.id}/children`

  it('a child named with a right-to-left override: 422, the message at the field, nothing saved', async () => {
    const before = rows()
    const res = await rekha.post(base(), { ...meena, name: `Ravi${RLO}atinuS` })
    expect(res.statusCode).toBe(422)
    expect(res.body).toContain(
      'id="e-name">नाम में कोई छिपा हुआ चिह्न है जो नाम को बदलकर दिखा सकता है। नाम कहीं से कॉपी न करें, ख़ुद टाइप करें।<',
    )
    expect(res.body).toContain('value="रमेश मीणा"')
    const guardian = await rekha.post(base(), { ...meena, guardianName: `रमेश\u200bमीणा` })
    expect(guardian.body).toContain('id="e-guardianName">नाम में कोई छिपा हुआ चिह्न है')
    expect(rows()).toEqual(before)
    // A conjunct written with a zero-width joiner is an ordinary Hindi name.
    const ok = await rekha.post(base(), { ...meena, name: 'लक्\u200dष्मी' })
    expect(ok.statusCode).toBe(303)
    expect(rows().children).toBe(before.children + 1)
  })

  it("a village, and an account's full name", async () => {
    const before = rows()
    const village = await admin.post('/villages', {
      name: `Papdi${RLO}`,
      gramPanchayat: 'Sothana',
      block: 'Viratnagar',
      district: 'Jaipur',
      state: 'Rajasthan',
    })
    expect(village.statusCode).toBe(422)
    expect(village.body).toContain('id="e-name">नाम में कोई छिपा हुआ चिह्न है')
    const user = await admin.post('/users', {
      displayName: `Kiran\u2066`,
      username: 'kiran',
      role: 'facilitator',
      villageId: String(t.fx.villages.papdi.id),
      password: PASSWORD,
    })
    expect(user.body).toContain('id="e-displayName">नाम में कोई छिपा हुआ चिह्न है')
    expect(rows()).toEqual(before)
  })
})
