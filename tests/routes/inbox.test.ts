// The Gram Panchayat member's inbox over HTTP: what waits on them first, in their words, the finished below.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { operatorCtx, testApp, textOf, ctxFor, PASSWORD, type TestApp, type Agent } from '../helpers/app.ts'
import { closedMeetingWithResolutions, commonBalPanchayat, seatBalPanchayat } from '../helpers/meetings.ts'
import { createUser } from '../../src/accounts/accounts.ts'
import {
  acknowledgeResolution,
  decideResolution,
  forwardResolution,
  markDone,
  recordAction,
} from '../../src/resolutions/journeys.ts'
import { todayIso } from '../../src/core/dates.ts'

let t: TestApp
let sarpanch: Agent
let ward: Agent
let ids: { passed: number[]; failed: number }
const titles = {
  toilet: 'A girls toilet at the primary school',
  pump: 'Repair the hand pump in ward 2',
  marriage: 'Stop the marriage of a 14-year-old girl',
  playground: 'A playground',
}
function daysAgo(n: number) {
  return new Date(Date.now() - n * 86_400_000 + 5.5 * 3_600_000).toISOString().slice(0, 10)
}

beforeAll(async () => {
  t = await testApp()
  const papdi = t.fx.villages.papdi.id
  await createUser(operatorCtx(t.database), {
    username: 'ward-member',
    displayName: 'Ward member',
    role: 'panchayat',
    villageId: papdi,
    password: PASSWORD,
  })
  sarpanch = await t.agent().login('sarpanch')
  ward = await t.agent().login('ward-member')
  const kids = seatBalPanchayat(t.database, t.fx.users.facilitator, papdi, commonBalPanchayat, daysAgo(90))
  ids = closedMeetingWithResolutions(t.database, t.fx.users.facilitator, papdi, kids, 4, daysAgo(40))
  const rekha = ctxFor(t.database, t.fx.users.facilitator)
  const gp = ctxFor(t.database, t.fx.users.panchayat)
  const forward = (id: number, on: string) =>
    forwardResolution(rekha, id, { forwardedOn: on, addressedTo: 'Sarpanch', way: 'gram_sabha', note: '' })
  const [toilet, pump, marriage, playground] = ids.passed
  // The toilet: sent today. The pump: sent 20 days ago, never acknowledged (late). The marriage:
  // acknowledged, waiting for a decision. The playground: accepted, worked on and done.
  forward(toilet, todayIso())
  forward(pump, daysAgo(20))
  forward(marriage, daysAgo(10))
  acknowledgeResolution(gp, marriage, daysAgo(9))
  forward(playground, daysAgo(30))
  acknowledgeResolution(gp, playground, daysAgo(29))
  decideResolution(gp, playground, {
    decision: 'accepted',
    on: daysAgo(28),
    text: 'Level the ground',
    targetDate: todayIso(),
  })
  recordAction(gp, playground, { on: daysAgo(5), text: 'Levelled', evidence: '' })
  markDone(gp, playground, daysAgo(2))
})
afterAll(async () => {
  await t.close()
})

/** The inbox's own part of the page (the layout around it carries the person's name and tokens). */
const inboxOf = (html: string) => html.slice(html.indexOf('<h1>'), html.indexOf('</main>'))

describe('the inbox', () => {
  it('lists what waits on the Gram Panchayat first, late first, then the finished in a section below', async () => {
    const res = await sarpanch.get('/inbox')
    expect(res.statusCode).toBe(200)
    const text = textOf(inboxOf(res.body))
    const at = (s: string) => text.indexOf(s)
    expect(at('आपका जवाब बाकी')).toBeGreaterThan(-1)
    expect(at(titles.pump)).toBeGreaterThan(at('आपका जवाब बाकी'))
    expect(at(titles.toilet)).toBeGreaterThan(at(titles.pump))
    expect(at(titles.marriage)).toBeGreaterThan(at(titles.toilet))
    expect(at('पूरे हो चुके')).toBeGreaterThan(at(titles.marriage))
    expect(at(titles.playground)).toBeGreaterThan(at('पूरे हो चुके'))
    const pending = inboxOf(res.body).split('id="inbox-finished"')[0]
    expect(pending).not.toContain(titles.playground)
  })

  it('speaks from the member’s side: “your acknowledgement is due”, never “sent”, and names the next step', async () => {
    const html = inboxOf((await sarpanch.get('/inbox')).body)
    const card = (title: string) => textOf(html.split('<li').find((li) => li.includes(title))!)
    expect(card(titles.toilet)).toContain('आपकी पावती बाकी')
    expect(card(titles.toilet)).toContain('अगला काम: पावती दें कि प्रस्ताव मिल गया')
    expect(card(titles.pump)).toContain('आपकी पावती बाकी')
    expect(card(titles.pump)).toContain('पावती में देर')
    expect(card(titles.marriage)).toContain('आपका निर्णय बाकी')
    expect(card(titles.marriage)).toContain('अगला काम: निर्णय लें')
    expect(card(titles.playground)).toContain('काम पूरा हुआ')
    expect(card(titles.playground)).not.toContain('अगला काम')
    expect(textOf(html)).not.toContain('भेजा गया')
    expect(html).toContain(`href="/resolutions/${ids.passed[0]}#answer"`)
  })

  it('is the same for every member of the Gram Panchayat, and follows an answer at once', async () => {
    expect(inboxOf((await ward.get('/inbox')).body)).toBe(inboxOf((await sarpanch.get('/inbox')).body))
    expect((await sarpanch.post(`/resolutions/${ids.passed[0]}/acknowledgement`, { on: todayIso() })).statusCode).toBe(
      303,
    )
    for (const member of [ward, sarpanch]) {
      const html = inboxOf((await member.get('/inbox')).body)
      const toilet = textOf(html.split('<li').find((li) => li.includes(titles.toilet))!)
      expect(toilet).toContain('आपका निर्णय बाकी')
      expect(toilet).not.toContain('आपकी पावती बाकी')
    }
  })

  it('says the same in English', async () => {
    const en = await t.agent().login('ward-member')
    await en.post('/language', { lang: 'en', back: '/inbox' })
    const text = textOf(inboxOf((await en.get('/inbox')).body))
    expect(text).toContain('Waiting for your answer')
    expect(text).toContain('Your acknowledgement is due')
    expect(text).toContain('Acknowledgement overdue')
    expect(text).toContain('Finished')
    expect(text).not.toContain('आपकी')
  })

  it('is for Gram Panchayat members only', async () => {
    const rekha = await t.agent().login('rekha')
    expect((await rekha.get('/inbox')).statusCode).toBe(403)
    const anonymous = await t.app.inject({ method: 'GET', url: '/inbox', headers: { accept: 'text/html' } })
    expect(anonymous.statusCode).toBe(303)
    expect(anonymous.headers.location).toMatch(/^\/login/)
  })
})
