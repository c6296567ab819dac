// The minutes and the result sheet as printed: the minutes' attendance list has a column to sign or
// put a thumbprint in; the result sheet names the village in full with labels ("पंचायत समिति", not
// "ब्लॉक"), says when the result was published, and is certified by those who sign it. Both have a
// print button, and the Hindi sheets carry no English word but what people typed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { ctxFor, testApp, textOf, type Agent, type TestApp } from '../helpers/app.ts'
import {
  closedMeetingWithResolutions,
  commonBalPanchayat,
  scheduleInput,
  seatBalPanchayat,
} from '../helpers/meetings.ts'
import { scheduleMeeting } from '../../src/meetings/meetings.ts'
import { contestInput, electionInput, villageChildren } from '../helpers/elections.ts'
import { addContest, createElection, nominate, openNominations, openPoll } from '../../src/elections/elections.ts'
import { closePoll, enterPaperCount } from '../../src/elections/counting.ts'
import { elections } from '../../src/elections/tables.ts'
import { formatDate, todayIso } from '../../src/core/dates.ts'

let t: TestApp
let rekha: Agent
let kamla: Agent
let sarpanch: Agent
let meetingId: number
let published: number
let counted: number

beforeAll(async () => {
  t = await testApp()
  rekha = await t.agent().login('rekha')
  kamla = await t.agent().login('kamla')
  sarpanch = await t.agent().login('sarpanch')
  const { facilitator, otherFacilitator } = t.fx.users
  const kids = seatBalPanchayat(t.database, facilitator, t.fx.villages.papdi.id, commonBalPanchayat)
  published = t.db.select().from(elections).where(eq(elections.villageId, t.fx.villages.papdi.id)).get()!.id
  ;({ meetingId } = closedMeetingWithResolutions(t.database, facilitator, t.fx.villages.papdi.id, kids, 1))
  counted = countedNotPublished(otherFacilitator)
})
afterAll(async () => {
  await t.close()
})

/** Bhangdoli's election, counted (poll closed) but not yet published. */
function countedNotPublished(actor: TestApp['fx']['users']['otherFacilitator']): number {
  const ctx = ctxFor(t.database, actor)
  const villageId = t.fx.villages.bhangdoli.id
  const kids = villageChildren(t.database, actor, villageId, [
    ['Asha', 'girl'],
    ['Mohan', 'boy'],
  ])
  const election = createElection(ctx, villageId, electionInput())
  const contest = addContest(ctx, election.id, contestInput({ seats: '1', method: 'plain' }))
  openNominations(ctx, election.id)
  const asha = nominate(ctx, election.id, contest.id, { childId: kids.Asha, symbol: 'sun' }).id
  const mohan = nominate(ctx, election.id, contest.id, { childId: kids.Mohan, symbol: 'kite' }).id
  openPoll(ctx, election.id)
  const votes = new Map([
    [asha, 7],
    [mohan, 5],
  ])
  enterPaperCount(ctx, election.id, contest.id, { ballots: 12, note: '', votes })
  closePoll(ctx, election.id, { source: 'random' })
  return election.id
}

/** What is left of a sheet's text once the data typed by people (names, places, titles) is taken out. */
function wordsOfTheSheet(text: string, typed: string[]): string {
  let rest = text
  for (const s of [...typed].sort((a, b) => b.length - a.length)) rest = rest.split(s).join(' ')
  return rest
}
const children = commonBalPanchayat.map(([name]) => name)
const village = ['Papdi', 'Sothana', 'Viratnagar', 'Jaipur', 'Rajasthan']

describe('the printed minutes', () => {
  it('list those present with a column to sign or put a thumbprint in', async () => {
    const res = await rekha.get(`/meetings/${meetingId}/minutes`)
    expect(res.statusCode).toBe(200)
    const table = /<table class="list keep attended">([\s\S]*?)<\/table>/.exec(res.body)?.[1] ?? ''
    expect(textOf(table)).toContain('क्रम सदस्य (पद) हस्ताक्षर या अँगूठा निशान')
    expect(table.match(/<td class="sign"><\/td>/g)).toHaveLength(6)
    expect(textOf(table)).toContain('1 Meena (Pradhan) — लड़की')
    expect(textOf(table)).not.toContain('Pooja') // absent: named below, not asked to sign
    const text = textOf(res.body)
    expect(text).toContain('गाँव Papdi, ग्राम पंचायत Sothana, पंचायत समिति Viratnagar, ज़िला Jaipur')
    expect(text).toContain('विषयवार चर्चा और निर्णय')
    expect(text).not.toContain('ब्लॉक')
  })

  it('have a print button and no English word but what people typed; in English, no Hindi word', async () => {
    const res = await rekha.get(`/meetings/${meetingId}/minutes`)
    expect(res.body).toContain('data-print')
    const typed = [
      ...children,
      ...village,
      'Pradhan',
      'Members',
      'Hand pump in ward 2',
      'Girls toilet at the school',
      'Panchayat bhavan, room 1',
      'A girls toilet at the primary school',
      'The school has one toilet and it has no door.',
      'Build a separate toilet for girls before the monsoon.',
      'Sarpanch, Gram Panchayat Sothana',
      'Close the shop',
    ]
    expect(wordsOfTheSheet(textOf(res.body), typed).match(/[A-Za-z]+/g)).toBeNull()
    const english = textOf((await rekha.get(`/meetings/${meetingId}/minutes?lang=en`)).body)
    expect(english).toContain('No. Member (seat) Signature or thumbprint')
    expect(english).toContain('Panchayat Samiti (block) Viratnagar')
    expect(english).not.toMatch(/[\u0900-\u097F]/)
  })

  it('of a meeting not yet closed say that they may still change', async () => {
    const ctx = ctxFor(t.database, t.fx.users.facilitator)
    const draft = scheduleMeeting(ctx, t.fx.villages.papdi.id, scheduleInput({ place: 'Library' }))
    const text = textOf((await rekha.get(`/meetings/${draft.id}/minutes`)).body)
    expect(text).toContain('यह बैठक अभी समाप्त नहीं हुई है: यह कार्यवाही विवरण अभी बदल सकता है।')
    expect(textOf((await rekha.get(`/meetings/${meetingId}/minutes`)).body)).not.toContain('अभी बदल सकता है')
  })

  it('are for the village’s keepers only', async () => {
    expect((await sarpanch.get(`/meetings/${meetingId}/minutes`)).statusCode).toBe(403)
    expect((await kamla.get(`/meetings/${meetingId}/minutes`)).statusCode).toBe(404)
    expect((await rekha.get('/meetings/x1/minutes')).statusCode).toBe(404)
  })
})

describe('the printed result sheet', () => {
  it('names the village with labels, says when the result was published, and is certified', async () => {
    const res = await rekha.get(`/elections/${published}/result/print`)
    expect(res.statusCode).toBe(200)
    const text = textOf(res.body)
    expect(text).toContain('गाँव Papdi, ग्राम पंचायत Sothana, पंचायत समिति Viratnagar, ज़िला Jaipur, Rajasthan')
    expect(text).toContain(`परिणाम घोषित: ${formatDate(todayIso(), 'hi')}`)
    expect(text).not.toContain('अभी घोषित नहीं')
    expect(text).toContain(
      'हम प्रमाणित करते हैं कि मतगणना हमारे सामने हुई और ऊपर लिखा परिणाम उसी गिनती के अनुसार सही है। मतदान का स्थान और तारीख़:',
    )
    expect(text).not.toContain('ब्लॉक')
    expect(res.body).toContain('data-print')
    // The box's fingerprint and the recount's command are marked as English code, for the screen reader too.
    const words = textOf(res.body.replace(/<code lang="en">[^<]*<\/code>/g, ''))
    expect(words).toContain('कंप्यूटर पर यह आदेश चलाकर:')
    expect(wordsOfTheSheet(words, [...children, ...village, 'Pradhan', 'Members', 'Bal Panchayat 2026'])).not.toMatch(
      /[A-Za-z]+/,
    )
  })

  it('says a count not yet published may change, and gives no publication date', async () => {
    const text = textOf((await kamla.get(`/elections/${counted}/result/print`)).body)
    expect(text).toContain('अभी घोषित नहीं')
    expect(text).not.toContain('परिणाम घोषित:')
  })

  it('is in English for a reader who chose English', async () => {
    const english = t.agent()
    english.cookies.set('lang', 'en')
    await english.login('rekha')
    const text = textOf((await english.get(`/elections/${published}/result/print`)).body)
    expect(text).toContain(
      'Village Papdi, Gram Panchayat Sothana, Panchayat Samiti (block) Viratnagar, district Jaipur',
    )
    expect(text).toContain(`Result published on ${formatDate(todayIso(), 'en')}`)
    expect(text).toContain('We certify that the votes were counted in our presence')
  })

  it('is for the village’s organisers only', async () => {
    expect((await sarpanch.get(`/elections/${published}/result/print`)).statusCode).toBe(403)
    expect((await kamla.get(`/elections/${published}/result/print`)).statusCode).toBe(404)
    expect((await rekha.get('/elections/0/result/print')).statusCode).toBe(404)
  })
})
