// The Gram Panchayat's one-time decision over HTTP: shown back to be confirmed, recorded only when confirmed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { operatorCtx, testApp, textOf, ctxFor, PASSWORD, type TestApp, type Agent } from '../helpers/app.ts'
import { closedMeetingWithResolutions, commonBalPanchayat, seatBalPanchayat } from '../helpers/meetings.ts'
import { createUser } from '../../src/accounts/accounts.ts'
import { acknowledgeResolution, forwardResolution } from '../../src/resolutions/journeys.ts'
import { responses } from '../../src/resolutions/tables.ts'
import { auditLog } from '../../src/audit/tables.ts'
import { todayIso } from '../../src/core/dates.ts'

let t: TestApp
let sarpanch: Agent
let ids: { passed: number[]; failed: number }
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000 + 5.5 * 3_600_000).toISOString().slice(0, 10)

beforeAll(async () => {
  t = await testApp()
  sarpanch = await t.agent().login('sarpanch')
  const papdi = t.fx.villages.papdi.id
  const kids = seatBalPanchayat(t.database, t.fx.users.facilitator, papdi, commonBalPanchayat, inDays(-30))
  ids = closedMeetingWithResolutions(t.database, t.fx.users.facilitator, papdi, kids, 2, inDays(-10))
  for (const id of ids.passed) {
    forwardResolution(ctxFor(t.database, t.fx.users.facilitator), id, {
      forwardedOn: inDays(-5),
      addressedTo: 'Sarpanch',
      way: 'letter',
      note: '',
    })
    acknowledgeResolution(ctxFor(t.database, t.fx.users.panchayat), id, inDays(-4))
  }
})
afterAll(async () => {
  await t.close()
})

const url = (i = 0) => `/resolutions/${ids.passed[i]}/decision`
const accept = {
  decision: 'accepted',
  on: todayIso(),
  plan: 'A toilet with <b>water</b>, from the 15th Finance Commission grant',
  targetDate: inDays(60),
  referredTo: '',
  reason: '',
}
const decisions = () =>
  t.db
    .select()
    .from(responses)
    .all()
    .filter((r) => r.kind !== 'acknowledged')
const auditRows = () => t.db.select().from(auditLog).all().length

describe('the decision asks to be confirmed', () => {
  it('offers the decision form with a button that only checks it', async () => {
    const page = await sarpanch.get(`/resolutions/${ids.passed[0]}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toMatch(/<form method="post" action="[^"]*\/decision"[^>]*>[\s\S]*?निर्णय जाँचें<\/button>/)
    expect(page.body).not.toContain('name="confirm"')
    expect(textOf(page.body)).toContain('अगले पन्ने पर आप निर्णय एक बार फिर देखेंगे')
  })

  it('shows the decision back, escaped and first on the page, with nothing recorded', async () => {
    const before = auditRows()
    const res = await sarpanch.post(url(), accept)
    expect(res.statusCode).toBe(200)
    expect(decisions()).toEqual([])
    expect(auditRows()).toBe(before)
    const main = res.body.slice(res.body.indexOf('<main'))
    expect(main.indexOf('id="confirm-decision"')).toBeLessThan(main.indexOf('class="resolution-head"'))
    const text = textOf(main)
    expect(text).toContain('क्या यही निर्णय दर्ज करें?')
    expect(text).toContain('निर्णय एक ही बार होता है: दर्ज होने के बाद इसे बदला नहीं जा सकता।')
    expect(text).toMatch(/निर्णय स्वीकार/)
    expect(res.body).toContain('A toilet with &lt;b&gt;water&lt;/b&gt;')
    expect(res.body).not.toContain('<b>water</b>')
    const confirm = /<form method="post" action="([^"]*)" class="actions">([\s\S]*?)<\/form>/.exec(res.body)!
    expect(confirm[1]).toBe(url())
    expect(confirm[2]).toContain('name="_csrf"')
    expect(confirm[2]).toMatch(/name="_key" value="[A-Za-z0-9_-]{16,}"/)
    expect(confirm[2]).toContain(`name="targetDate" value="${accept.targetDate}"`)
    expect(confirm[2]).toContain(
      '<button type="submit" name="confirm" value="yes" class="primary">हाँ, यह निर्णय दर्ज करें</button>',
    )
    // The form to change it comes along, folded, with what was typed.
    expect(res.body).toMatch(/<details class="decision-change">\s*<summary>नहीं, कुछ बदलना है<\/summary>/)
    expect(res.body).toContain(
      'A toilet with &lt;b&gt;water&lt;/b&gt;, from the 15th Finance Commission grant</textarea>',
    )
  })

  it('refuses a mistake before asking: 422, the message at its field, no confirmation, nothing recorded', async () => {
    const res = await sarpanch.post(url(), { ...accept, decision: 'declined', reason: '' })
    expect(res.statusCode).toBe(422)
    expect(res.body).toContain('प्रस्ताव कारण बताकर ही अस्वीकार किया जा सकता है।')
    expect(res.body).not.toContain('id="confirm-decision"')
    expect(res.body).toContain('value="declined" checked')
    const past = await sarpanch.post(url(), { ...accept, targetDate: inDays(-1) })
    expect(past.statusCode).toBe(422)
    expect(past.body).toContain('लक्ष्य तारीख बीते समय की नहीं हो सकती।')
    expect(decisions()).toEqual([])
  })

  it('refuses a confirmation carrying a mistake, changing nothing', async () => {
    const res = await sarpanch.post(url(), { ...accept, targetDate: inDays(-1), confirm: 'yes' })
    expect(res.statusCode).toBe(422)
    expect(decisions()).toEqual([])
  })

  it('records the decision once it is confirmed, once for a double tap', async () => {
    const shown = await sarpanch.post(url(), accept)
    const form = /<form method="post" action="[^"]*" class="actions">([\s\S]*?)<\/form>/.exec(shown.body)![1]
    const key = /name="_key" value="([^"]+)"/.exec(form)![1]
    const first = await sarpanch.post(url(), { ...accept, _key: key, confirm: 'yes' })
    expect(first.statusCode).toBe(303)
    expect(first.headers.location).toBe(`/resolutions/${ids.passed[0]}`)
    const again = await sarpanch.post(url(), { ...accept, _key: key, confirm: 'yes' })
    expect([again.statusCode, again.headers.location]).toEqual([303, first.headers.location])
    expect(decisions().map((d) => [d.kind, d.text])).toEqual([['accepted', accept.plan]])
    const page = textOf((await sarpanch.get(`/resolutions/${ids.passed[0]}`)).body)
    expect(page).toContain('निर्णय दर्ज हो गया।')
  })

  it('after a decision, neither asks again nor records a second one', async () => {
    const asked = await sarpanch.post(url(), { ...accept, decision: 'declined', reason: 'No money' })
    expect(asked.statusCode).toBe(409)
    expect(textOf(asked.body)).toContain('निर्णय एक ही बार होता है')
    const confirmed = await sarpanch.post(url(), {
      ...accept,
      decision: 'declined',
      reason: 'No money',
      confirm: 'yes',
    })
    expect(confirmed.statusCode).toBe(409)
    expect(decisions()).toHaveLength(1)
  })

  it('is only for this village’s Gram Panchayat, and only with the form’s token', async () => {
    const rekha = await t.agent().login('rekha')
    expect((await rekha.post(url(1), accept)).statusCode).toBe(403)
    expect((await rekha.post(url(1), { ...accept, confirm: 'yes' })).statusCode).toBe(403)
    await createUser(operatorCtx(t.database), {
      username: 'other-sarpanch',
      displayName: 'Other',
      role: 'panchayat',
      villageId: t.fx.villages.bhangdoli.id,
      password: PASSWORD,
    })
    const other = await t.agent().login('other-sarpanch')
    expect((await other.post(url(1), accept)).statusCode).toBe(404)
    expect((await sarpanch.post(url(1), { ...accept, confirm: 'yes' }, {}, false)).statusCode).toBe(403)
    expect((await sarpanch.post(url(1), accept, {}, false)).statusCode).toBe(403)
    expect(decisions()).toHaveLength(1)
  })

  it('answers the confirmation in English for an English reader', async () => {
    const en = await t.agent().login('sarpanch')
    await en.post('/language', { lang: 'en', back: '/inbox' })
    const res = await en.post(url(1), { ...accept, decision: 'referred', referredTo: 'Block Education Officer' })
    expect(res.statusCode).toBe(200)
    const text = textOf(res.body)
    expect(text).toContain('Record this decision?')
    expect(text).toContain('Referred to a department or officer')
    expect(text).toContain('Block Education Officer')
    expect(text).toContain('Yes, record this decision')
  })
})
