import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq, sql } from 'drizzle-orm'
import { ctxFor, freshDatabase, seedVillages } from '../helpers/app.ts'
import {
  closedMeetingWithResolutions,
  commonBalPanchayat,
  resolutionForm,
  scheduleInput,
  seatBalPanchayat,
} from '../helpers/meetings.ts'
import {
  acknowledgeResolution,
  board,
  decideResolution,
  forwardResolution,
  getJourney,
  inbox,
  markDone,
  recordAction,
  setFollowUpRule,
  villageResolutions,
} from '../../src/resolutions/journeys.ts'
import { agendaOf, recordAttendance, scheduleMeeting, startMeeting } from '../../src/meetings/meetings.ts'
import { recordResolution } from '../../src/resolutions/resolutions.ts'
import { answersOnAgenda } from '../../src/resolutions/answers.ts'
import { resolutionSchema } from '../../src/resolutions/schemas.ts'
import { responses, forwardings } from '../../src/resolutions/tables.ts'
import { auditLog } from '../../src/audit/tables.ts'
import { Conflict, type InvalidInput, NotFound } from '../../src/core/errors.ts'
import { todayIso } from '../../src/core/dates.ts'
import type { AppDatabase } from '../../src/db/client.ts'
import type { StaffCtx } from '../../src/web/context.ts'

let database: AppDatabase & { dir: string }
let fx: Awaited<ReturnType<typeof seedVillages>>
let rekha: StaffCtx
let sarpanch: StaffCtx
let kids: Record<string, number>
let ids: { passed: number[]; failed: number }
beforeAll(async () => {
  database = freshDatabase()
  fx = await seedVillages(database)
  rekha = ctxFor(database, fx.users.facilitator)
  sarpanch = ctxFor(database, fx.users.panchayat)
  kids = seatBalPanchayat(database, fx.users.facilitator, fx.villages.papdi.id, commonBalPanchayat, daysAgo(60))
  ids = closedMeetingWithResolutions(database, fx.users.facilitator, fx.villages.papdi.id, kids, 4, daysAgo(30))
})
afterAll(() => database.close())

const today = todayIso()
function daysAgo(n: number) {
  return new Date(Date.now() - n * 86_400_000 + 5.5 * 3_600_000).toISOString().slice(0, 10)
}
const inDays = (n: number) => daysAgo(-n)
const refusal = (fn: () => unknown) => {
  try {
    fn()
  } catch (e) {
    return e
  }
  throw new Error('was not refused')
}
const forward = (id: number, on = today) =>
  forwardResolution(rekha, id, { forwardedOn: on, addressedTo: 'Sarpanch, GP Sothana', way: 'gram_sabha', note: '' })
const answersOf = (id: number) =>
  database.db.select({ n: sql<number>`count(*)` }).from(responses).where(eq(responses.resolutionId, id)).get()!.n

describe('forwarding a resolution', () => {
  it('forwards a passed resolution once; a second forwarding changes nothing', () => {
    forward(ids.passed[0])
    forward(ids.passed[0])
    expect(database.db.select().from(forwardings).all()).toHaveLength(1)
    expect(getJourney(rekha, ids.passed[0]).journey.status).toBe('sent')
  })

  it('refuses a resolution that did not pass, and a date in the future', () => {
    expect(refusal(() => forward(ids.failed))).toBeInstanceOf(Conflict)
    expect((refusal(() => forward(ids.passed[1], inDays(3))) as InvalidInput).fields.forwardedOn?.key).toBe(
      'v.dateFuture',
    )
  })

  it('refuses a resolution of a meeting that is still open', () => {
    const m = scheduleMeeting(rekha, fx.villages.papdi.id, scheduleInput())
    startMeeting(rekha, m.id)
    for (const name of ['Meena', 'Sunita', 'Ravi', 'Sunil', 'Gopal', 'Mukesh'])
      recordAttendance(rekha, m.id, kids[name], true)
    const open = recordResolution(
      rekha,
      m.id,
      resolutionSchema.parse(
        resolutionForm({
          proposerChildId: String(kids.Meena),
          seconderChildId: String(kids.Ravi),
          votesFor: '6',
          votesAgainst: '0',
        }),
      ),
    )
    expect((refusal(() => forward(open.id)) as Conflict).messageKey).toBe('forwarding.meetingOpen')
  })
})

describe('the Gram Panchayat answers', () => {
  it('shows a panchayat member only what was forwarded to their village', () => {
    expect(inbox(sarpanch).items.map((i) => i.id)).toEqual([ids.passed[0]])
    expect(refusal(() => getJourney(sarpanch, ids.passed[1]))).toBeInstanceOf(NotFound)
    expect(getJourney(sarpanch, ids.passed[0]).names).toBeNull()
  })

  it('acknowledges (twice is once), then decides once; a second decision is refused', () => {
    const id = ids.passed[0]
    expect(
      refusal(() =>
        decideResolution(sarpanch, id, { decision: 'accepted', on: today, text: 'Build it', targetDate: inDays(60) }),
      ),
    ).toBeInstanceOf(Conflict)
    acknowledgeResolution(sarpanch, id, today)
    acknowledgeResolution(sarpanch, id, today)
    expect(answersOf(id)).toBe(1)
    expect(
      (
        refusal(() =>
          decideResolution(sarpanch, id, { decision: 'accepted', on: today, text: 'Build it', targetDate: daysAgo(1) }),
        ) as InvalidInput
      ).fields.targetDate?.key,
    ).toBe('v.targetPast')
    decideResolution(sarpanch, id, {
      decision: 'accepted',
      on: today,
      text: 'Build a toilet with water',
      targetDate: inDays(60),
    })
    const again = refusal(() =>
      decideResolution(sarpanch, id, { decision: 'declined', on: today, text: 'No money', targetDate: null }),
    ) as Conflict
    expect(again.messageKey).toBe('answers.alreadyDecided')
    expect(answersOf(id)).toBe(2)
  })

  it('records actions, then done; nothing after done', () => {
    const id = ids.passed[0]
    expect(refusal(() => markDone(sarpanch, id, today))).toBeInstanceOf(Conflict)
    // Two genuine actions in the same words are two (a double tap is caught by the form's key, not here).
    recordAction(sarpanch, id, { on: today, text: 'Bricks and a door bought', evidence: 'bill no. 42' })
    recordAction(sarpanch, id, { on: today, text: 'Bricks and a door bought', evidence: 'bill no. 42' })
    recordAction(sarpanch, id, { on: today, text: 'Toilet built', evidence: '' })
    markDone(sarpanch, id, today)
    expect(refusal(() => markDone(sarpanch, id, today))).toBeInstanceOf(Conflict)
    expect(getJourney(rekha, id).journey.actions.map((a) => a.text)).toEqual([
      'Bricks and a door bought',
      'Bricks and a door bought',
      'Toilet built',
    ])
    expect(getJourney(rekha, id).journey.status).toBe('done')
    expect(refusal(() => recordAction(sarpanch, id, { on: today, text: 'more', evidence: '' }))).toBeInstanceOf(
      Conflict,
    )
    expect(
      database.db
        .select({ n: sql<number>`count(*)` })
        .from(auditLog)
        .where(sql`${auditLog.action} LIKE 'resolution.%'`)
        .get()!.n,
    ).toBeGreaterThanOrEqual(6)
  })

  it('is refused to another village’s panchayat and to a facilitator', async () => {
    forward(ids.passed[1])
    const other = ctxFor(database, {
      ...fx.users.panchayat,
      id: fx.users.otherFacilitator.id,
      villageId: fx.villages.bhangdoli.id,
    })
    expect(refusal(() => acknowledgeResolution(other, ids.passed[1], today))).toBeInstanceOf(NotFound)
    expect(refusal(() => acknowledgeResolution(rekha, ids.passed[1], today))).toBeInstanceOf(Error)
    expect(answersOf(ids.passed[1])).toBe(0)
  })

  it('declines only with a reason (the schema asks) and puts each answer on the next meeting’s agenda', () => {
    const id = ids.passed[1]
    const next = scheduleMeeting(rekha, fx.villages.papdi.id, scheduleInput({ date: inDays(7), agenda: 'Games' }))
    acknowledgeResolution(sarpanch, id, today)
    decideResolution(sarpanch, id, {
      decision: 'declined',
      on: today,
      text: 'The land belongs to the forest department',
      targetDate: null,
    })
    const items = agendaOf(database.db, next.id)
    // One item per resolution: the first one's answers (accepted, two actions, done) were waiting; this decline joins them.
    const answerItems = items.filter((i) => i.kind === 'answer')
    expect(answerItems.map((i) => i.resolutionId)).toEqual([ids.passed[0], id])
    expect(
      answersOnAgenda(database.db, next.id)
        .get(answerItems[0].id)!
        .map((a) => a.kind),
    ).toEqual(['accepted', 'action', 'action', 'action', 'done'])
    expect(
      answersOnAgenda(database.db, next.id)
        .get(answerItems[1].id)!
        .map((a) => a.text),
    ).toEqual(['The land belongs to the forest department'])
    // An answer already placed is not placed again on a later meeting.
    const later = scheduleMeeting(rekha, fx.villages.papdi.id, scheduleInput({ date: inDays(30), agenda: '' }))
    expect(agendaOf(database.db, later.id).filter((i) => i.kind === 'answer')).toHaveLength(0)
  })
})

describe('the dates of the answers', () => {
  it('refuses a step dated before the step it follows', () => {
    const id = ids.passed[3]
    forward(id, daysAgo(10))
    expect((refusal(() => acknowledgeResolution(sarpanch, id, daysAgo(11))) as InvalidInput).fields.on?.key).toBe(
      'v.beforeForwarding',
    )
    acknowledgeResolution(sarpanch, id, daysAgo(5))
    const early = refusal(() =>
      decideResolution(sarpanch, id, {
        decision: 'referred',
        on: daysAgo(7),
        text: 'Block Education Officer',
        targetDate: null,
      }),
    ) as InvalidInput
    expect(early.fields.on).toEqual({ key: 'v.beforeLastAnswer', params: { date: daysAgo(5) } })
    decideResolution(sarpanch, id, {
      decision: 'referred',
      on: daysAgo(4),
      text: 'Block Education Officer',
      targetDate: null,
    })
    expect(getJourney(rekha, id).journey.status).toBe('referred')
  })
})

describe('overdue answers and the board', () => {
  it('flags a resolution not acknowledged in time, first in the inbox, by the village’s own rule', () => {
    forward(ids.passed[2], daysAgo(20))
    const first = inbox(sarpanch).items[0]
    expect(first).toMatchObject({ id: ids.passed[2], overdue: 'acknowledge' })
    setFollowUpRule(rekha, fx.villages.papdi.id, { acknowledgeDays: 30, decideDays: 45, boardShowsProposers: false })
    expect(inbox(sarpanch).items.find((i) => i.id === ids.passed[2])!.overdue).toBeNull()
    setFollowUpRule(rekha, fx.villages.papdi.id, { acknowledgeDays: 14, decideDays: 30, boardShowsProposers: false })
    expect(villageResolutions(rekha, fx.villages.papdi.id, 'sent').map((r) => r.id)).toEqual([ids.passed[2]])
  })

  it('shows forwarded resolutions on the board without children’s names unless the village turns them on', () => {
    const cards = board(database.db, fx.villages.papdi)
    expect(cards.map((c) => c.status).sort()).toEqual(['declined', 'done', 'referred', 'sent'])
    expect(JSON.stringify(cards)).not.toContain('rekha')
    expect(cards.every((c) => c.proposer === null)).toBe(true)
    expect(board(database.db, fx.villages.papdi, 'done')).toHaveLength(1)
    setFollowUpRule(rekha, fx.villages.papdi.id, { acknowledgeDays: 14, decideDays: 30, boardShowsProposers: true })
    expect(board(database.db, fx.villages.papdi)[0].proposer).toBe('Meena')
    setFollowUpRule(rekha, fx.villages.papdi.id, { acknowledgeDays: 14, decideDays: 30, boardShowsProposers: false })
  })
})
