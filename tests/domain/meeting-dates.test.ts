// When a meeting was held, and the meetings that are not: started now (stamped) or typed in from the
// paper register (the day and times as written there), on another day than planned only with a reason;
// postponed and cancelled with their reasons, the Gram Panchayat's answers moving off a cancelled one.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { eq, sql } from 'drizzle-orm'
import { ctxFor, freshDatabase, seedVillages } from '../helpers/app.ts'
import {
  closedMeetingWithResolutions,
  commonBalPanchayat,
  scheduleInput,
  seatBalPanchayat,
} from '../helpers/meetings.ts'
import {
  addAgendaItem,
  agendaOf,
  cancelMeeting,
  closeMeeting,
  getMeeting,
  nextMeetingToHold,
  postponeMeeting,
  rollOf,
  scheduleMeeting,
  startMeeting,
  updateMeeting,
} from '../../src/meetings/meetings.ts'
import { heldOf } from '../../src/meetings/held.ts'
import { startSchema } from '../../src/meetings/schemas.ts'
import {
  attendance,
  meetingCancellations,
  meetingEvents,
  meetingPostponements,
  meetings,
} from '../../src/meetings/tables.ts'
import '../../src/resolutions/answers.ts'
import { acknowledgeResolution, decideResolution, forwardResolution } from '../../src/resolutions/journeys.ts'
import { auditLog } from '../../src/audit/tables.ts'
import { Conflict, InvalidInput, NotFound } from '../../src/core/errors.ts'
import type { AppDatabase } from '../../src/db/client.ts'
import type { StaffCtx } from '../../src/web/context.ts'

// The village's clock stands still at 30 November 2026, 10:30 in the morning (India time).
const NOW = new Date('2026-11-30T10:30:00+05:30')
const TODAY = '2026-11-30'
const day = (offset: number) => {
  const d = new Date(`${TODAY}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + offset)
  return d.toISOString().slice(0, 10)
}

let database: AppDatabase & { dir: string }
let fx: Awaited<ReturnType<typeof seedVillages>>
let rekha: StaffCtx
let kamla: StaffCtx
let kids: Record<string, number>
beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(NOW)
  database = freshDatabase()
  fx = await seedVillages(database)
  rekha = ctxFor(database, fx.users.facilitator)
  kamla = ctxFor(database, fx.users.otherFacilitator)
  // The Bal Panchayat's term began sixty days ago.
  kids = seatBalPanchayat(database, fx.users.facilitator, fx.villages.papdi.id, commonBalPanchayat, day(-60))
})
afterAll(() => {
  vi.useRealTimers()
  database.close()
})

const papdi = () => fx.villages.papdi.id
const schedule = (date: string, time = '16:00') => scheduleMeeting(rekha, papdi(), scheduleInput({ date, time }))
const row = (id: number) => database.db.select().from(meetings).where(eq(meetings.id, id)).get()!
const started = (id: number) =>
  database.db.select().from(meetingEvents).where(eq(meetingEvents.meetingId, id)).all().length > 0
const lastAudit = (action: string) =>
  database.db.select().from(auditLog).where(eq(auditLog.action, action)).orderBy(sql`${auditLog.id} DESC`).get()
const start = (fields: Record<string, string>) => startSchema.parse(fields)
const refusal = (fn: () => unknown) => {
  try {
    fn()
  } catch (e) {
    return e
  }
  throw new Error('was not refused')
}
const fieldOf = (e: unknown) => {
  expect(e).toBeInstanceOf(InvalidInput)
  return Object.fromEntries(Object.entries((e as InvalidInput).fields).map(([f, m]) => [f, m.key]))
}

describe('when a meeting was held, as its page says it', () => {
  it('tells the plan only when the meeting was held on another day', () => {
    const base = { endTime: '17:20', offScheduleReason: null, typedLater: false }
    const asPlanned = { ...base, date: TODAY, time: '16:05', scheduledDate: TODAY, scheduledTime: '16:00' }
    expect(heldOf(asPlanned)).toEqual({
      on: TODAY,
      from: '16:05',
      until: '17:20',
      planned: null,
      reason: '',
      typedLater: false,
    })
    const moved = { ...asPlanned, scheduledDate: day(7), offScheduleReason: 'Exams' }
    expect(heldOf(moved)).toMatchObject({ planned: { date: day(7), time: '16:00' }, reason: 'Exams' })
    // A meeting started before the plan was kept: held as its row says, no plan to tell.
    const older = { ...base, date: TODAY, time: '16:00', scheduledDate: null, scheduledTime: null, typedLater: null }
    expect(heldOf(older)).toMatchObject({ planned: null, typedLater: false })
  })
})

describe('starting a meeting now', () => {
  it('on its planned day stamps the day and time it began, keeping the plan beside it', () => {
    const m = schedule(TODAY, '10:00')
    startMeeting(rekha, m.id)
    expect(row(m.id)).toMatchObject({
      date: TODAY,
      time: '10:30',
      scheduledDate: TODAY,
      scheduledTime: '10:00',
      typedLater: false,
      offScheduleReason: null,
      endTime: null,
    })
    // Closed on the same day, an hour later: its end is stamped.
    vi.setSystemTime(new Date(NOW.getTime() + 65 * 60_000))
    closeMeeting(rekha, m.id)
    vi.setSystemTime(NOW)
    expect(row(m.id).endTime).toBe('11:35')
  })

  it('on another day than planned is refused without a reason, changing nothing', () => {
    const m = schedule(day(7))
    const e = refusal(() => startMeeting(rekha, m.id, start({ way: 'now' })))
    expect(fieldOf(e)).toEqual({ reason: 'meetings.held.reasonRequired' })
    expect(started(m.id)).toBe(false)
    expect(database.db.select().from(attendance).where(eq(attendance.meetingId, m.id)).all()).toEqual([])
    expect(row(m.id)).toMatchObject({ date: day(7), time: '16:00', scheduledDate: null })
  })

  it('on another day with a reason: held today, the plan and the reason kept and logged', () => {
    const m = schedule(day(7))
    startMeeting(rekha, m.id, start({ way: 'now', reason: 'Exams at school next week' }))
    expect(row(m.id)).toMatchObject({
      date: TODAY,
      time: '10:30',
      scheduledDate: day(7),
      scheduledTime: '16:00',
      offScheduleReason: 'Exams at school next week',
    })
    expect(JSON.parse(lastAudit('meeting.in_progress')!.detail)).toMatchObject({
      date: TODAY,
      scheduledDate: day(7),
      reason: 'Exams at school next week',
    })
    // Repeating the start (a double tap) changes nothing.
    startMeeting(rekha, m.id, start({ way: 'now', reason: 'Another reason' }))
    expect(row(m.id).offScheduleReason).toBe('Exams at school next week')
  })
})

describe('a meeting typed in later from the paper register', () => {
  it('refuses a day to come, an end before the start, an end later today, and a day before the term', () => {
    const m = schedule(day(-3))
    const paper = (over: Record<string, string>) =>
      start({ way: 'paper', heldOn: day(-3), from: '16:00', until: '17:00', ...over })
    expect(fieldOf(refusal(() => startMeeting(rekha, m.id, paper({ heldOn: day(1), reason: 'x' }))))).toEqual({
      heldOn: 'v.dateFuture',
    })
    expect(fieldOf(refusal(() => startMeeting(rekha, m.id, paper({ until: '15:30' }))))).toEqual({
      until: 'meetings.held.endBeforeStart',
    })
    expect(
      fieldOf(
        refusal(() => startMeeting(rekha, m.id, paper({ heldOn: TODAY, from: '09:00', until: '11:00', reason: 'x' }))),
      ),
    ).toEqual({ until: 'meetings.held.endInFuture' })
    expect(fieldOf(refusal(() => startMeeting(rekha, m.id, paper({ heldOn: day(-90), reason: 'x' }))))).toEqual({
      heldOn: 'meetings.held.noBalPanchayatThen',
    })
    expect(fieldOf(refusal(() => startMeeting(rekha, m.id, paper({ heldOn: day(-4) }))))).toEqual({
      reason: 'meetings.held.reasonRequired',
    })
    expect(started(m.id)).toBe(false)
    expect(row(m.id)).toMatchObject({ date: day(-3), typedLater: null, endTime: null })
  })

  it('refuses a paper form without its day and times (the schema)', () => {
    const parsed = startSchema.safeParse({ way: 'paper', heldOn: '', from: '25:00', until: '' })
    expect(parsed.success).toBe(false)
    const paths = parsed.error!.issues.map((i) => [i.path[0], i.message])
    expect(paths).toEqual(
      expect.arrayContaining([
        ['from', 'v.time'],
        ['heldOn', 'v.required'],
        ['until', 'v.required'],
      ]),
    )
  })

  it('takes the day and times it was held; closing keeps its end', () => {
    const m = schedule(day(-3))
    startMeeting(rekha, m.id, start({ way: 'paper', heldOn: day(-2), from: '15:30', until: '17:10', reason: 'Rain' }))
    expect(row(m.id)).toMatchObject({
      date: day(-2),
      time: '15:30',
      endTime: '17:10',
      typedLater: true,
      scheduledDate: day(-3),
      offScheduleReason: 'Rain',
    })
    expect(rollOf(database.db, m.id)).toHaveLength(commonBalPanchayat.length)
    closeMeeting(rekha, m.id)
    expect(row(m.id).endTime).toBe('17:10')
  })

  it('earlier today is accepted when it has already ended', () => {
    const m = schedule(TODAY, '08:00')
    startMeeting(rekha, m.id, start({ way: 'paper', heldOn: TODAY, from: '08:00', until: '09:45' }))
    expect(row(m.id)).toMatchObject({ date: TODAY, endTime: '09:45', offScheduleReason: null })
  })
})

describe('postponing a scheduled meeting', () => {
  it('needs a reason and a day from today on, a change, and a Bal Panchayat that day', () => {
    const m = schedule(day(3))
    const move = (over: Record<string, string>) =>
      postponeMeeting(rekha, m.id, { date: day(5), time: '16:00', reason: 'A wedding', ...over })
    expect(fieldOf(refusal(() => move({ reason: '' })))).toEqual({ reason: 'meetings.postponing.reasonRequired' })
    expect(fieldOf(refusal(() => move({ date: day(-1) })))).toEqual({ date: 'meetings.postponing.past' })
    expect(fieldOf(refusal(() => move({ date: day(3) })))).toEqual({ date: 'meetings.postponing.same' })
    expect(fieldOf(refusal(() => move({ date: '2031-01-01' })))).toEqual({ date: 'meetings.postponing.noBalPanchayat' })
    expect(database.db.select().from(meetingPostponements).all()).toEqual([])
    expect(row(m.id).date).toBe(day(3))
  })

  it('moves it, keeping each move with its reason, and logs it; another village cannot', () => {
    const m = schedule(day(3))
    postponeMeeting(rekha, m.id, { date: day(5), time: '11:00', reason: 'A wedding in the village' })
    postponeMeeting(rekha, m.id, { date: day(6), time: '11:00', reason: 'Rain' })
    expect(row(m.id)).toMatchObject({ date: day(6), time: '11:00' })
    expect(
      database.db
        .select()
        .from(meetingPostponements)
        .where(eq(meetingPostponements.meetingId, m.id))
        .all()
        .map((p) => [p.fromDate, p.toDate, p.reason]),
    ).toEqual([
      [day(3), day(5), 'A wedding in the village'],
      [day(5), day(6), 'Rain'],
    ])
    expect(JSON.parse(lastAudit('meeting.postponed')!.detail)).toMatchObject({ date: [day(5), day(6)], reason: 'Rain' })
    expect(refusal(() => postponeMeeting(kamla, m.id, { date: day(8), time: '11:00', reason: 'x' }))).toBeInstanceOf(
      NotFound,
    )
    expect(row(m.id).date).toBe(day(6))
    // It still starts, on its new day (here: today, with a reason).
    startMeeting(rekha, m.id, start({ reason: 'The children asked to meet earlier' }))
    expect(row(m.id)).toMatchObject({ date: TODAY, scheduledDate: day(6) })
  })

  it('refuses a meeting that has started', () => {
    const m = schedule(TODAY, '09:00')
    startMeeting(rekha, m.id)
    const e = refusal(() => postponeMeeting(rekha, m.id, { date: day(2), time: '16:00', reason: 'x' }))
    expect(e).toBeInstanceOf(Conflict)
    expect((e as Conflict).messageKey).toBe('meetings.postponing.started')
  })
})

describe('cancelling a scheduled meeting', () => {
  it('needs a reason; a started meeting cannot be cancelled', () => {
    const m = schedule(day(4))
    expect(fieldOf(refusal(() => cancelMeeting(rekha, m.id, { reason: '' })))).toEqual({
      reason: 'meetings.cancelling.reasonRequired',
    })
    const held = schedule(TODAY, '09:30')
    startMeeting(rekha, held.id)
    expect((refusal(() => cancelMeeting(rekha, held.id, { reason: 'x' })) as Conflict).messageKey).toBe(
      'meetings.cancelling.started',
    )
    expect(database.db.select().from(meetingCancellations).all()).toEqual([])
  })

  it('keeps the reason, logs it once, and refuses starting, moving or editing it afterwards', () => {
    const m = schedule(day(4))
    cancelMeeting(rekha, m.id, { reason: 'Heavy rain' })
    cancelMeeting(rekha, m.id, { reason: 'Heavy rain' })
    expect(
      database.db.select().from(meetingCancellations).where(eq(meetingCancellations.meetingId, m.id)).all(),
    ).toEqual([expect.objectContaining({ reason: 'Heavy rain', by: fx.users.facilitator.id })])
    expect(getMeeting(rekha, m.id).cancelled).toBe(true)
    const key = (fn: () => unknown) => (refusal(fn) as Conflict).messageKey
    expect(key(() => startMeeting(rekha, m.id))).toBe('meetings.cancelledAlready')
    expect(key(() => postponeMeeting(rekha, m.id, { date: day(9), time: '16:00', reason: 'x' }))).toBe(
      'meetings.cancelledAlready',
    )
    expect(key(() => addAgendaItem(rekha, m.id, 'Late item'))).toBe('meetings.cancelledAlready')
    expect(key(() => updateMeeting(rekha, m.id, scheduleInput({ date: day(9) })))).toBe('meetings.cancelledAlready')
    expect(
      database.db
        .select({ n: sql<number>`count(*)` })
        .from(auditLog)
        .where(eq(auditLog.action, 'meeting.cancelled'))
        .get()!.n,
    ).toBe(1)
  })
})

describe("the Gram Panchayat's answers waiting on a cancelled meeting", () => {
  it('move to the next meeting to hold; with none, the next one scheduled takes them', () => {
    // Every meeting scheduled so far is set aside, so that the next to hold is one of this test's.
    for (const m of database.db.select().from(meetings).all())
      if (!started(m.id) && !getMeeting(rekha, m.id).cancelled) cancelMeeting(rekha, m.id, { reason: 'Set aside' })
    const { passed } = closedMeetingWithResolutions(database, fx.users.facilitator, papdi(), kids, 1, day(-10))
    const sarpanch = ctxFor(database, fx.users.panchayat)
    const first = schedule(day(2))
    const second = schedule(day(9))
    forwardResolution(rekha, passed[0], { forwardedOn: day(-9), addressedTo: 'Sarpanch', way: 'gram_sabha', note: '' })
    acknowledgeResolution(sarpanch, passed[0], day(-8))
    decideResolution(sarpanch, passed[0], {
      decision: 'accepted',
      on: day(-7),
      text: 'Will build it',
      targetDate: day(60),
    })
    const answerItems = (id: number) => agendaOf(database.db, id).filter((i) => i.kind === 'answer')
    expect(nextMeetingToHold(database.db, papdi())).toBe(first.id)
    expect(answerItems(first.id).map((i) => i.resolutionId)).toEqual([passed[0]])

    cancelMeeting(rekha, first.id, { reason: 'The school is closed that day' })
    expect(answerItems(first.id)).toEqual([])
    expect(answerItems(second.id).map((i) => i.resolutionId)).toEqual([passed[0]])
    expect(nextMeetingToHold(database.db, papdi())).toBe(second.id)
    expect(JSON.parse(lastAudit('meeting.cancelled')!.detail)).toMatchObject({
      reason: 'The school is closed that day',
      answers: 1,
      movedTo: row(second.id).number,
    })

    cancelMeeting(rekha, second.id, { reason: 'Rain' })
    expect(answerItems(second.id)).toEqual([])
    expect(nextMeetingToHold(database.db, papdi())).toBe(null)
    const third = schedule(day(14))
    expect(answerItems(third.id).map((i) => i.resolutionId)).toEqual([passed[0]])
  })
})
