import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm'
import type { Db, Tx } from '../db/client.ts'
import { recordAudit } from '../audit/audit.ts'
import { getVillage } from '../villages/villages.ts'
import { changes } from '../core/diff.ts'
import { children } from '../people/tables.ts'
import { users } from '../accounts/tables.ts'
import { requireRole, type Ctx, type StaffCtx } from '../core/actor.ts'
import { Conflict, InvalidInput, NotFound } from '../core/errors.ts'
import { todayIso } from '../core/dates.ts'
import {
  canEditAgenda,
  defaultQuorumRule,
  isClosed,
  isHeld,
  meetingStageOf,
  quorumOf,
  type QuorumRule,
} from './quorum.ts'
import {
  actionPoints,
  agendaItems,
  amendments,
  attendance,
  meetingCancellations,
  meetingEvents,
  meetingPostponements,
  meetings,
  minutes,
  quorumRules,
  type MeetingStage,
} from './tables.ts'
import { type SeatedMember, seatedOn } from '../elections/seated.ts'
import type {
  ActionPointInput,
  AmendmentInput,
  CancelInput,
  GuestsInput,
  MeetingInput,
  MinutesInput,
  PostponeInput,
  ScheduleInput,
  StartInput,
} from './schemas.ts'
import { villageClock } from './held.ts'

export type Meeting = typeof meetings.$inferSelect
export type BalPanchayatMember = SeatedMember

/** Meetings are kept by the village's facilitators; coordinators may help anywhere. */
function keeper(ctx: Ctx, villageId: number): StaffCtx {
  const staff = requireRole(ctx, 'admin', 'facilitator')
  getVillage(staff, villageId)
  return staff
}

/** The Bal Panchayat on a day, by the one rule in elections/seated.ts. */
export function balPanchayatOn(db: Db | Tx, villageId: number, day: string): BalPanchayatMember[] {
  return seatedOn(db, villageId, day)
}

/** The village's quorum rule, for its keepers. */
export function villageQuorumRule(ctx: Ctx, villageId: number): QuorumRule {
  return quorumRuleOf(keeper(ctx, villageId).db, villageId)
}

/** The village's Bal Panchayat on a day, for its keepers (the roll of a meeting to schedule). */
export function balPanchayatFor(ctx: Ctx, villageId: number, day: string): BalPanchayatMember[] {
  return balPanchayatOn(keeper(ctx, villageId).db, villageId, day)
}

export function quorumRuleOf(db: Db | Tx, villageId: number): QuorumRule {
  const row = db.select().from(quorumRules).where(eq(quorumRules.villageId, villageId)).get()
  return row ? { members: row.members, girls: row.girls } : defaultQuorumRule
}

export function setQuorumRule(ctx: Ctx, villageId: number, rule: QuorumRule): void {
  const staff = keeper(ctx, villageId)
  const before = quorumRuleOf(staff.db, villageId)
  staff.db.transaction((tx) => {
    tx.insert(quorumRules)
      .values({ villageId, ...rule, updatedBy: staff.actor.id, updatedAt: new Date() })
      .onConflictDoUpdate({
        target: quorumRules.villageId,
        set: { ...rule, updatedBy: staff.actor.id, updatedAt: new Date() },
      })
      .run()
    recordAudit(tx, staff.actor, {
      action: 'quorum.changed',
      subject: 'village',
      subjectId: villageId,
      villageId,
      detail: changes(before, rule),
    })
  })
}

export function getMeeting(ctx: Ctx, meetingId: number) {
  const staff = requireRole(ctx, 'admin', 'facilitator')
  const meeting = staff.db.select().from(meetings).where(eq(meetings.id, meetingId)).get()
  if (!meeting) throw new NotFound()
  keeper(staff, meeting.villageId)
  const events = staff.db.select().from(meetingEvents).where(eq(meetingEvents.meetingId, meetingId)).all()
  const cancellation = cancellationOf(staff.db, meetingId)
  return { meeting, stage: meetingStageOf(events), cancelled: cancellation !== null, staff }
}

/** Why and by whom a meeting was cancelled, or null while it is not. */
export function cancellationOf(db: Db | Tx, meetingId: number) {
  return (
    db
      .select({ reason: meetingCancellations.reason, at: meetingCancellations.at, by: users.displayName })
      .from(meetingCancellations)
      .innerJoin(users, eq(users.id, meetingCancellations.by))
      .where(eq(meetingCancellations.meetingId, meetingId))
      .get() ?? null
  )
}

/** Each time the meeting was moved: from when, to when, why, by whom. */
export function postponementsOf(db: Db | Tx, meetingId: number) {
  return db
    .select({
      fromDate: meetingPostponements.fromDate,
      fromTime: meetingPostponements.fromTime,
      toDate: meetingPostponements.toDate,
      toTime: meetingPostponements.toTime,
      reason: meetingPostponements.reason,
      at: meetingPostponements.at,
      by: users.displayName,
    })
    .from(meetingPostponements)
    .innerJoin(users, eq(users.id, meetingPostponements.by))
    .where(eq(meetingPostponements.meetingId, meetingId))
    .orderBy(asc(meetingPostponements.id))
    .all()
}

export function listMeetings(ctx: Ctx, villageId: number) {
  const staff = keeper(ctx, villageId)
  const rows = staff.db
    .select()
    .from(meetings)
    .where(eq(meetings.villageId, villageId))
    .orderBy(desc(meetings.date), desc(meetings.time), desc(meetings.id))
    .all()
  const ids = rows.map((r) => r.id)
  const events = ids.length
    ? staff.db.select().from(meetingEvents).where(inArray(meetingEvents.meetingId, ids)).all()
    : []
  const counts = ids.length
    ? staff.db
        .select({
          meetingId: attendance.meetingId,
          members: sql<number>`count(*)`,
          present: sql<number>`count(${attendance.presentAt})`,
        })
        .from(attendance)
        .where(inArray(attendance.meetingId, ids))
        .groupBy(attendance.meetingId)
        .all()
    : []
  const cancelled = new Set(
    ids.length
      ? staff.db
          .select({ id: meetingCancellations.meetingId })
          .from(meetingCancellations)
          .where(inArray(meetingCancellations.meetingId, ids))
          .all()
          .map((c) => c.id)
      : [],
  )
  const moved = new Set(
    ids.length
      ? staff.db
          .selectDistinct({ id: meetingPostponements.meetingId })
          .from(meetingPostponements)
          .where(inArray(meetingPostponements.meetingId, ids))
          .all()
          .map((p) => p.id)
      : [],
  )
  return rows.map((m) => ({
    ...m,
    stage: meetingStageOf(events.filter((e) => e.meetingId === m.id)),
    cancelled: cancelled.has(m.id),
    postponed: moved.has(m.id),
    attendance: counts.find((c) => c.meetingId === m.id) ?? null,
  }))
}

/** Who moved the meeting to each stage, and when. */
export function meetingTimeline(ctx: Ctx, meetingId: number) {
  const { staff } = getMeeting(ctx, meetingId)
  return staff.db
    .select({ stage: meetingEvents.stage, at: meetingEvents.at, by: users.displayName })
    .from(meetingEvents)
    .innerJoin(users, eq(users.id, meetingEvents.by))
    .where(eq(meetingEvents.meetingId, meetingId))
    .orderBy(asc(meetingEvents.id))
    .all()
}

/** The Pradhan chairs unless someone else is named: the first titled seat of the Bal Panchayat. */
function checkChair(
  db: Db,
  villageId: number,
  day: string,
  chairChildId: number | null,
  values: Record<string, unknown>,
): number | null {
  const bp = balPanchayatOn(db, villageId, day)
  if (chairChildId === null) return bp.find((m) => m.seatTitle)?.childId ?? bp[0]?.childId ?? null
  if (!bp.some((m) => m.childId === chairChildId))
    throw new InvalidInput({ chairChildId: { key: 'v.notMember' } }, values)
  return chairChildId
}

export function scheduleMeeting(ctx: Ctx, villageId: number, input: ScheduleInput): Meeting {
  const staff = keeper(ctx, villageId)
  const values = { ...input, agenda: input.agenda.join('\n'), chairChildId: input.chairChildId ?? '' }
  if (balPanchayatOn(staff.db, villageId, input.date).length === 0)
    throw new InvalidInput({ _form: { key: 'meetings.noBalPanchayat' } }, values)
  const chairChildId = checkChair(staff.db, villageId, input.date, input.chairChildId, values)
  return staff.db.transaction((tx) => {
    const number =
      (tx
        .select({ n: sql<number>`coalesce(max(number), 0)` })
        .from(meetings)
        .where(eq(meetings.villageId, villageId))
        .get()?.n ?? 0) + 1
    const meeting = tx
      .insert(meetings)
      .values({
        villageId,
        number,
        date: input.date,
        time: input.time,
        place: input.place,
        chairChildId,
        createdBy: staff.actor.id,
        createdAt: new Date(),
      })
      .returning()
      .get()
    input.agenda.forEach((title, i) =>
      tx
        .insert(agendaItems)
        .values({ meetingId: meeting.id, position: i + 1, title, addedBy: staff.actor.id, addedAt: new Date() })
        .run(),
    )
    for (const hook of whenScheduled) hook(tx, meeting, staff.actor.id)
    recordAudit(tx, staff.actor, {
      action: 'meeting.scheduled',
      subject: 'meeting',
      subjectId: meeting.id,
      villageId,
      detail: { number, date: input.date, time: input.time, place: input.place, agenda: input.agenda.length },
    })
    return meeting
  })
}

type ScheduledHook = (tx: Db | Tx, meeting: { id: number; villageId: number }, userId: number) => void
const whenScheduled: ScheduledHook[] = []

/**
 * A domain above this one adds to a new meeting's agenda inside the transaction that schedules it
 * (Resolutions: the Gram Panchayat's answers not yet read out, in resolutions/answers.ts).
 */
export function onMeetingScheduled(hook: ScheduledHook): void {
  if (!whenScheduled.includes(hook)) whenScheduled.push(hook)
}

/**
 * The meeting to hold next in a village (one not yet started nor cancelled, today or later; else the
 * earliest not started), or null when none is scheduled.
 */
export function nextMeetingToHold(tx: Db | Tx, villageId: number): number | null {
  const next = tx
    .select({ id: meetings.id })
    .from(meetings)
    .where(
      and(
        eq(meetings.villageId, villageId),
        sql`NOT EXISTS (SELECT 1 FROM ${meetingEvents} e WHERE e.meeting_id = ${meetings.id})`,
        sql`NOT EXISTS (SELECT 1 FROM ${meetingCancellations} c WHERE c.meeting_id = ${meetings.id})`,
      ),
    )
    .orderBy(sql`${meetings.date} < ${todayIso()}`, asc(meetings.date), asc(meetings.time), asc(meetings.id))
    .get()
  return next?.id ?? null
}

/**
 * The agenda item that reads out a resolution's answers at this meeting, up to `responseId`: moves
 * the mark of the item already there, or adds one at the end.
 */
export function placeAnswerItem(
  tx: Db | Tx,
  meetingId: number,
  item: { resolutionId: number; responseId: number; title: string },
  userId: number,
): void {
  const here = tx
    .select({ id: agendaItems.id })
    .from(agendaItems)
    .where(
      and(
        eq(agendaItems.meetingId, meetingId),
        eq(agendaItems.resolutionId, item.resolutionId),
        eq(agendaItems.kind, 'answer'),
      ),
    )
    .get()
  if (here) {
    tx.update(agendaItems).set({ responseId: item.responseId }).where(eq(agendaItems.id, here.id)).run()
    return
  }
  const last =
    tx
      .select({ n: sql<number>`coalesce(max(position), 0)` })
      .from(agendaItems)
      .where(eq(agendaItems.meetingId, meetingId))
      .get()?.n ?? 0
  tx.insert(agendaItems)
    .values({
      meetingId,
      position: last + 1,
      title: item.title,
      kind: 'answer',
      resolutionId: item.resolutionId,
      responseId: item.responseId,
      addedBy: userId,
      addedAt: new Date(),
    })
    .run()
}

function draftOnly(ctx: Ctx, meetingId: number) {
  const found = getMeeting(ctx, meetingId)
  if (!canEditAgenda(found.stage))
    throw new Conflict(isClosed(found.stage) ? 'meetings.closedAlready' : 'meetings.agendaFixed')
  if (found.cancelled) throw new Conflict('meetings.cancelledAlready')
  return found
}

function heldOnly(ctx: Ctx, meetingId: number) {
  const found = getMeeting(ctx, meetingId)
  if (!isHeld(found.stage)) throw new Conflict(isClosed(found.stage) ? 'meetings.closedAlready' : 'meetings.notStarted')
  return found
}

export function updateMeeting(ctx: Ctx, meetingId: number, input: MeetingInput): void {
  const { meeting, staff } = draftOnly(ctx, meetingId)
  const chairChildId = checkChair(staff.db, meeting.villageId, input.date, input.chairChildId, {
    ...input,
    chairChildId: input.chairChildId ?? '',
  })
  staff.db.transaction((tx) => {
    tx.update(meetings)
      .set({ ...input, chairChildId })
      .where(eq(meetings.id, meetingId))
      .run()
    recordAudit(tx, staff.actor, {
      action: 'meeting.updated',
      subject: 'meeting',
      subjectId: meetingId,
      villageId: meeting.villageId,
      detail: changes(meeting, { ...input, chairChildId }),
    })
  })
}

export function agendaOf(db: Db | Tx, meetingId: number) {
  return db
    .select()
    .from(agendaItems)
    .where(eq(agendaItems.meetingId, meetingId))
    .orderBy(asc(agendaItems.position), asc(agendaItems.id))
    .all()
}

function itemOf(db: Db, meetingId: number, itemId: number) {
  const item = agendaOf(db, meetingId).find((i) => i.id === itemId)
  if (!item) throw new NotFound()
  return item
}

export function addAgendaItem(ctx: Ctx, meetingId: number, title: string): void {
  const { meeting, staff } = draftOnly(ctx, meetingId)
  const items = agendaOf(staff.db, meetingId)
  if (items.length >= 30) throw new InvalidInput({ title: { key: 'v.tooManyItems', params: { n: 30 } } }, { title })
  staff.db.transaction((tx) => {
    tx.insert(agendaItems)
      .values({
        meetingId,
        position: (items.at(-1)?.position ?? 0) + 1,
        title,
        addedBy: staff.actor.id,
        addedAt: new Date(),
      })
      .run()
    recordAudit(tx, staff.actor, {
      action: 'agenda.added',
      subject: 'meeting',
      subjectId: meetingId,
      villageId: meeting.villageId,
      detail: { title },
    })
  })
}

/**
 * Adds the item "children not in school" (its title in the village's words, given by the caller). A meeting
 * takes it once: asked again, nothing more is added. Which children it lists is read above this domain.
 */
export function addOutOfSchoolItem(ctx: Ctx, meetingId: number, title: string): void {
  const { meeting, staff } = draftOnly(ctx, meetingId)
  const items = agendaOf(staff.db, meetingId)
  if (items.some((i) => i.kind === 'out_of_school')) return
  if (items.length >= 30) throw new InvalidInput({ _form: { key: 'v.tooManyItems', params: { n: 30 } } })
  staff.db.transaction((tx) => {
    tx.insert(agendaItems)
      .values({
        meetingId,
        position: (items.at(-1)?.position ?? 0) + 1,
        title,
        kind: 'out_of_school',
        addedBy: staff.actor.id,
        addedAt: new Date(),
      })
      .run()
    recordAudit(tx, staff.actor, {
      action: 'agenda.added',
      subject: 'meeting',
      subjectId: meetingId,
      villageId: meeting.villageId,
      detail: { title },
    })
  })
}

export function renameAgendaItem(ctx: Ctx, meetingId: number, itemId: number, title: string): void {
  const { meeting, staff } = draftOnly(ctx, meetingId)
  const item = itemOf(staff.db, meetingId, itemId)
  if (item.kind === 'answer') throw new Conflict('agenda.answerFixed')
  if (item.kind === 'out_of_school') throw new Conflict('agenda.outOfSchoolFixed')
  staff.db.transaction((tx) => {
    tx.update(agendaItems).set({ title }).where(eq(agendaItems.id, itemId)).run()
    recordAudit(tx, staff.actor, {
      action: 'agenda.renamed',
      subject: 'meeting',
      subjectId: meetingId,
      villageId: meeting.villageId,
      detail: { title: [item.title, title] },
    })
  })
}

export function removeAgendaItem(ctx: Ctx, meetingId: number, itemId: number): void {
  const { meeting, staff } = draftOnly(ctx, meetingId)
  const item = agendaOf(staff.db, meetingId).find((i) => i.id === itemId)
  if (!item) return
  staff.db.transaction((tx) => {
    tx.delete(agendaItems).where(eq(agendaItems.id, itemId)).run()
    recordAudit(tx, staff.actor, {
      action: 'agenda.removed',
      subject: 'meeting',
      subjectId: meetingId,
      villageId: meeting.villageId,
      detail: { title: item.title },
    })
  })
}

/** Swaps an item with its neighbour; at either end nothing moves. */
export function moveAgendaItem(ctx: Ctx, meetingId: number, itemId: number, direction: 'up' | 'down'): void {
  const { meeting, staff } = draftOnly(ctx, meetingId)
  const items = agendaOf(staff.db, meetingId)
  const i = items.findIndex((x) => x.id === itemId)
  if (i < 0) throw new NotFound()
  const j = direction === 'up' ? i - 1 : i + 1
  if (j < 0 || j >= items.length) return
  staff.db.transaction((tx) => {
    items.forEach((x, k) => {
      const position = k === i ? j + 1 : k === j ? i + 1 : k + 1
      if (x.position !== position) tx.update(agendaItems).set({ position }).where(eq(agendaItems.id, x.id)).run()
    })
    recordAudit(tx, staff.actor, {
      action: 'agenda.moved',
      subject: 'meeting',
      subjectId: meetingId,
      villageId: meeting.villageId,
      detail: { title: items[i].title, direction },
    })
  })
}

function moveTo(tx: Tx, staff: StaffCtx, meeting: Meeting, stage: MeetingStage): void {
  tx.insert(meetingEvents).values({ meetingId: meeting.id, stage, at: new Date(), by: staff.actor.id }).run()
  recordAudit(tx, staff.actor, {
    action: `meeting.${stage}`,
    subject: 'meeting',
    subjectId: meeting.id,
    villageId: meeting.villageId,
    detail: { number: meeting.number, date: meeting.date },
  })
}

const startingNow: StartInput = { way: 'now', heldOn: '', from: '', until: '', reason: '' }

/**
 * The meeting begins: now (the day and time stamped), or as typed in later from the paper register (the
 * day and times it was held, none in the future). Held on another day than planned needs a reason. The
 * Bal Panchayat of the day it was held becomes its roll (nobody ticked yet), the village's quorum rule
 * is fixed for it, and the plan is kept beside what happened. Safe to repeat.
 */
export function startMeeting(ctx: Ctx, meetingId: number, input: StartInput = startingNow): void {
  const { meeting, stage, cancelled, staff } = getMeeting(ctx, meetingId)
  if (stage === 'in_progress') return
  if (stage !== 'draft') throw new Conflict('meetings.closedAlready')
  if (cancelled) throw new Conflict('meetings.cancelledAlready')
  const held = heldAsSaid(staff.db, meeting, input)
  const roll = balPanchayatOn(staff.db, meeting.villageId, held.on)
  const rule = quorumRuleOf(staff.db, meeting.villageId)
  const chairChildId = roll.some((m) => m.childId === meeting.chairChildId)
    ? meeting.chairChildId
    : (roll.find((m) => m.seatTitle)?.childId ?? roll[0].childId)
  staff.db.transaction((tx) => {
    for (const m of roll) tx.insert(attendance).values({ meetingId, childId: m.childId, seatTitle: m.seatTitle }).run()
    tx.update(meetings)
      .set({
        date: held.on,
        time: held.from,
        endTime: held.until,
        scheduledDate: meeting.date,
        scheduledTime: meeting.time,
        typedLater: input.way === 'paper',
        offScheduleReason: held.on === meeting.date ? null : input.reason,
        chairChildId,
        quorumMembers: rule.members,
        quorumGirls: rule.girls,
      })
      .where(eq(meetings.id, meetingId))
      .run()
    tx.insert(meetingEvents).values({ meetingId, stage: 'in_progress', at: new Date(), by: staff.actor.id }).run()
    recordAudit(tx, staff.actor, {
      action: 'meeting.in_progress',
      subject: 'meeting',
      subjectId: meetingId,
      villageId: meeting.villageId,
      detail: {
        number: meeting.number,
        date: held.on,
        time: held.from,
        ...(held.until ? { endTime: held.until } : {}),
        ...(input.way === 'paper' ? { typedLater: true } : {}),
        ...(held.on === meeting.date ? {} : { scheduledDate: meeting.date, reason: input.reason }),
      },
    })
  })
}

/**
 * The day and times a meeting was held, from the start form, checked: typed from paper, not in the
 * future, ending after it began, on a day the Bal Panchayat was seated; on another day than planned,
 * with a reason. Every refusal names its field.
 */
function heldAsSaid(db: Db, meeting: Meeting, input: StartInput): { on: string; from: string; until: string | null } {
  const now = villageClock()
  const values = { ...input }
  const refuse = (field: string, key: string, params?: Record<string, string | number>) => {
    throw new InvalidInput({ [field]: { key, params } }, values)
  }
  const held =
    input.way === 'paper'
      ? { on: input.heldOn, from: input.from, until: input.until as string | null }
      : { on: now.day, from: now.time, until: null }
  if (input.way === 'paper') {
    if (held.on > now.day) refuse('heldOn', 'v.dateFuture')
    if (held.until! <= held.from) refuse('until', 'meetings.held.endBeforeStart')
    if (held.on === now.day && held.until! > now.time) refuse('until', 'meetings.held.endInFuture')
  }
  if (balPanchayatOn(db, meeting.villageId, held.on).length === 0) {
    if (input.way === 'paper') refuse('heldOn', 'meetings.held.noBalPanchayatThen')
    throw new Conflict('meetings.noBalPanchayat')
  }
  if (held.on !== meeting.date && input.reason === '') refuse('reason', 'meetings.held.reasonRequired')
  return held
}

export function rollOf(db: Db | Tx, meetingId: number) {
  return db
    .select({
      childId: attendance.childId,
      name: children.name,
      gender: children.gender,
      seatTitle: attendance.seatTitle,
      presentAt: attendance.presentAt,
    })
    .from(attendance)
    .innerJoin(children, eq(children.id, attendance.childId))
    .where(eq(attendance.meetingId, meetingId))
    .orderBy(sql`${attendance.seatTitle} = ''`, asc(children.name))
    .all()
    .map((r) => ({ ...r, present: r.presentAt !== null }))
}

export function meetingQuorum(db: Db | Tx, meeting: Meeting) {
  const rule: QuorumRule =
    meeting.quorumMembers && meeting.quorumGirls
      ? { members: meeting.quorumMembers, girls: meeting.quorumGirls }
      : quorumRuleOf(db, meeting.villageId)
  return { rule, ...quorumOf(rule, rollOf(db, meeting.id)) }
}

/** Ticks a member present or absent. Setting what is already set changes nothing. */
export function recordAttendance(ctx: Ctx, meetingId: number, childId: number, present: boolean) {
  const { meeting, staff } = heldOnly(ctx, meetingId)
  const entry = rollOf(staff.db, meetingId).find((r) => r.childId === childId)
  if (!entry) throw new NotFound()
  if (entry.present !== present) {
    staff.db.transaction((tx) => {
      tx.update(attendance)
        .set({ presentAt: present ? new Date() : null, markedBy: staff.actor.id })
        .where(and(eq(attendance.meetingId, meetingId), eq(attendance.childId, childId)))
        .run()
      recordAudit(tx, staff.actor, {
        action: present ? 'attendance.present' : 'attendance.absent',
        subject: 'meeting',
        subjectId: meetingId,
        villageId: meeting.villageId,
        detail: { child: entry.name },
      })
    })
  }
  return { entry: { ...entry, present }, quorum: meetingQuorum(staff.db, meeting) }
}

export function recordGuests(ctx: Ctx, meetingId: number, input: GuestsInput): void {
  const { meeting, staff } = heldOnly(ctx, meetingId)
  staff.db.transaction((tx) => {
    tx.update(meetings).set(input).where(eq(meetings.id, meetingId)).run()
    recordAudit(tx, staff.actor, {
      action: 'attendance.guests',
      subject: 'meeting',
      subjectId: meetingId,
      villageId: meeting.villageId,
      detail: changes(meeting, input),
    })
  })
}

export function minutesOf(db: Db | Tx, meetingId: number) {
  return db
    .select({
      agendaItemId: minutes.agendaItemId,
      discussion: minutes.discussion,
      decisions: minutes.decisions,
      revision: minutes.revision,
      updatedAt: minutes.updatedAt,
    })
    .from(minutes)
    .innerJoin(agendaItems, eq(agendaItems.id, minutes.agendaItemId))
    .where(eq(agendaItems.meetingId, meetingId))
    .all()
}

/**
 * Saves an item's minutes as typed. The writer says which revision they started from: a save
 * made from an older revision (another phone saved in between) is refused rather than written over.
 * The same text saved twice is one revision.
 */
export function saveMinutes(ctx: Ctx, meetingId: number, itemId: number, input: MinutesInput) {
  const { meeting, staff } = heldOnly(ctx, meetingId)
  const item = itemOf(staff.db, meetingId, itemId)
  return staff.db.transaction((tx) => {
    const current = tx.select().from(minutes).where(eq(minutes.agendaItemId, itemId)).get()
    if (current && current.discussion === input.discussion && current.decisions === input.decisions)
      return { revision: current.revision, updatedAt: current.updatedAt }
    const base = current?.revision ?? 0
    if (input.revision !== undefined && input.revision !== base) throw new Conflict('minutes.changedElsewhere')
    const row = {
      discussion: input.discussion,
      decisions: input.decisions,
      revision: base + 1,
      updatedBy: staff.actor.id,
      updatedAt: new Date(),
    }
    tx.insert(minutes)
      .values({ agendaItemId: itemId, ...row })
      .onConflictDoUpdate({ target: minutes.agendaItemId, set: row })
      .run()
    recordAudit(tx, staff.actor, {
      action: 'minutes.saved',
      subject: 'meeting',
      subjectId: meetingId,
      villageId: meeting.villageId,
      detail: { item: item.title, revision: row.revision },
    })
    return { revision: row.revision, updatedAt: row.updatedAt }
  })
}

export function actionPointsOf(db: Db | Tx, meetingId: number) {
  return db
    .select({
      id: actionPoints.id,
      agendaItemId: actionPoints.agendaItemId,
      what: actionPoints.what,
      who: actionPoints.who,
      byDate: actionPoints.byDate,
    })
    .from(actionPoints)
    .innerJoin(agendaItems, eq(agendaItems.id, actionPoints.agendaItemId))
    .where(eq(agendaItems.meetingId, meetingId))
    .orderBy(asc(actionPoints.id))
    .all()
}

export function addActionPoint(ctx: Ctx, meetingId: number, itemId: number, input: ActionPointInput): void {
  const { meeting, staff } = heldOnly(ctx, meetingId)
  const item = itemOf(staff.db, meetingId, itemId)
  if (input.byDate !== null && input.byDate < meeting.date)
    throw new InvalidInput({ byDate: { key: 'v.beforeMeeting' } }, { ...input, byDate: input.byDate })
  staff.db.transaction((tx) => {
    tx.insert(actionPoints)
      .values({ agendaItemId: itemId, ...input, addedBy: staff.actor.id, addedAt: new Date() })
      .run()
    recordAudit(tx, staff.actor, {
      action: 'action.added',
      subject: 'meeting',
      subjectId: meetingId,
      villageId: meeting.villageId,
      detail: { item: item.title, ...input },
    })
  })
}

export function removeActionPoint(ctx: Ctx, meetingId: number, actionId: number): void {
  const { meeting, staff } = heldOnly(ctx, meetingId)
  const point = actionPointsOf(staff.db, meetingId).find((a) => a.id === actionId)
  if (!point) return
  staff.db.transaction((tx) => {
    tx.delete(actionPoints).where(eq(actionPoints.id, actionId)).run()
    recordAudit(tx, staff.actor, {
      action: 'action.removed',
      subject: 'meeting',
      subjectId: meetingId,
      villageId: meeting.villageId,
      detail: { what: point.what },
    })
  })
}

/**
 * Closing freezes the minutes; what is found wrong later is added as a dated amendment. Closed on the day
 * it was held, the time stamps its end (a meeting closed days later, or typed from paper, keeps what it
 * has). Safe to repeat.
 */
export function closeMeeting(ctx: Ctx, meetingId: number): void {
  const { meeting, stage, staff } = getMeeting(ctx, meetingId)
  if (stage === 'closed') return
  if (stage !== 'in_progress') throw new Conflict('meetings.notStarted')
  const now = villageClock()
  staff.db.transaction((tx) => {
    if (meeting.endTime === null && now.day === meeting.date && now.time >= meeting.time)
      tx.update(meetings).set({ endTime: now.time }).where(eq(meetings.id, meetingId)).run()
    moveTo(tx, staff, meeting, 'closed')
  })
}

/**
 * A scheduled meeting moves to another day or time, for a reason: the move is kept, the agenda goes with
 * it. The chair stays when seated on the new day, else that day's Pradhan chairs.
 */
export function postponeMeeting(ctx: Ctx, meetingId: number, input: PostponeInput): void {
  const found = getMeeting(ctx, meetingId)
  if (found.stage !== 'draft')
    throw new Conflict(isClosed(found.stage) ? 'meetings.closedAlready' : 'meetings.postponing.started')
  if (found.cancelled) throw new Conflict('meetings.cancelledAlready')
  const { meeting, staff } = found
  const refuse = (field: string, key: string) => {
    throw new InvalidInput({ [field]: { key } }, { ...input })
  }
  if (input.reason === '') refuse('reason', 'meetings.postponing.reasonRequired')
  if (input.date < todayIso()) refuse('date', 'meetings.postponing.past')
  if (input.date === meeting.date && input.time === meeting.time) refuse('date', 'meetings.postponing.same')
  const members = balPanchayatOn(staff.db, meeting.villageId, input.date)
  if (members.length === 0) refuse('date', 'meetings.postponing.noBalPanchayat')
  const chairChildId = members.some((m) => m.childId === meeting.chairChildId)
    ? meeting.chairChildId
    : (members.find((m) => m.seatTitle)?.childId ?? members[0].childId)
  staff.db.transaction((tx) => {
    tx.insert(meetingPostponements)
      .values({
        meetingId,
        fromDate: meeting.date,
        fromTime: meeting.time,
        toDate: input.date,
        toTime: input.time,
        reason: input.reason,
        by: staff.actor.id,
        at: new Date(),
      })
      .run()
    tx.update(meetings)
      .set({ date: input.date, time: input.time, chairChildId })
      .where(eq(meetings.id, meetingId))
      .run()
    recordAudit(tx, staff.actor, {
      action: 'meeting.postponed',
      subject: 'meeting',
      subjectId: meetingId,
      villageId: meeting.villageId,
      detail: {
        number: meeting.number,
        date: [meeting.date, input.date],
        time: [meeting.time, input.time],
        reason: input.reason,
        ...(chairChildId === meeting.chairChildId ? {} : { chairChildId: [meeting.chairChildId, chairChildId] }),
      },
    })
  })
}

type CancelledHook = (tx: Db | Tx, meeting: { id: number; villageId: number }, userId: number) => void
const whenCancelled: CancelledHook[] = []

/**
 * A domain above this one takes its items off a cancelled meeting's agenda, inside the transaction that
 * cancels it (Resolutions: the Gram Panchayat's answers move to the next meeting, in resolutions/answers.ts).
 */
export function onMeetingCancelled(hook: CancelledHook): void {
  if (!whenCancelled.includes(hook)) whenCancelled.push(hook)
}

/** A scheduled meeting will not be held, for a reason. Safe to repeat. */
export function cancelMeeting(ctx: Ctx, meetingId: number, input: CancelInput): void {
  const found = getMeeting(ctx, meetingId)
  if (found.cancelled) return
  if (found.stage !== 'draft')
    throw new Conflict(isClosed(found.stage) ? 'meetings.closedAlready' : 'meetings.cancelling.started')
  if (input.reason === '')
    throw new InvalidInput({ reason: { key: 'meetings.cancelling.reasonRequired' } }, { ...input })
  const { meeting, staff } = found
  staff.db.transaction((tx) => {
    tx.insert(meetingCancellations)
      .values({ meetingId, reason: input.reason, by: staff.actor.id, at: new Date() })
      .run()
    const answers = agendaOf(tx, meetingId).filter((i) => i.kind === 'answer').length
    for (const hook of whenCancelled) hook(tx, meeting, staff.actor.id)
    const next = answers ? nextMeetingToHold(tx, meeting.villageId) : null
    recordAudit(tx, staff.actor, {
      action: 'meeting.cancelled',
      subject: 'meeting',
      subjectId: meetingId,
      villageId: meeting.villageId,
      detail: {
        number: meeting.number,
        date: meeting.date,
        reason: input.reason,
        ...(answers ? { answers, movedTo: next === null ? null : numberOf(tx, next) } : {}),
      },
    })
  })
}

function numberOf(db: Db | Tx, meetingId: number): number | null {
  return db.select({ n: meetings.number }).from(meetings).where(eq(meetings.id, meetingId)).get()?.n ?? null
}

export function amendmentsOf(db: Db | Tx, meetingId: number) {
  return db
    .select({
      id: amendments.id,
      agendaItemId: amendments.agendaItemId,
      text: amendments.text,
      addedAt: amendments.addedAt,
      by: users.displayName,
    })
    .from(amendments)
    .innerJoin(users, eq(users.id, amendments.addedBy))
    .where(eq(amendments.meetingId, meetingId))
    .orderBy(asc(amendments.id))
    .all()
}

export function addAmendment(ctx: Ctx, meetingId: number, input: AmendmentInput): void {
  const { meeting, stage, staff } = getMeeting(ctx, meetingId)
  if (!isClosed(stage)) throw new Conflict('amendments.onlyWhenClosed')
  const item =
    input.agendaItemId === null ? null : agendaOf(staff.db, meetingId).find((i) => i.id === input.agendaItemId)
  if (item === undefined) throw new InvalidInput({ agendaItemId: { key: 'v.choose' } }, { text: input.text })
  staff.db.transaction((tx) => {
    tx.insert(amendments)
      .values({
        meetingId,
        agendaItemId: input.agendaItemId,
        text: input.text,
        addedBy: staff.actor.id,
        addedAt: new Date(),
      })
      .run()
    recordAudit(tx, staff.actor, {
      action: 'minutes.amended',
      subject: 'meeting',
      subjectId: meetingId,
      villageId: meeting.villageId,
      detail: { item: item?.title ?? null, text: input.text },
    })
  })
}

/** Each member of the Bal Panchayat now, and how many of the closed meetings on their roll they came to. */
export function attendanceRecord(ctx: Ctx, villageId: number) {
  const staff = keeper(ctx, villageId)
  const current = balPanchayatOn(staff.db, villageId, todayIso())
  if (current.length === 0) return []
  const closed = sql`EXISTS (SELECT 1 FROM ${meetingEvents} e WHERE e.meeting_id = ${attendance.meetingId} AND e.stage = 'closed')`
  const rows = staff.db
    .select({
      childId: attendance.childId,
      meetings: sql<number>`count(*)`,
      present: sql<number>`count(${attendance.presentAt})`,
    })
    .from(attendance)
    .innerJoin(meetings, eq(meetings.id, attendance.meetingId))
    .where(
      and(
        eq(meetings.villageId, villageId),
        inArray(
          attendance.childId,
          current.map((m) => m.childId),
        ),
        closed,
      ),
    )
    .groupBy(attendance.childId)
    .all()
  return current.map((m) => {
    const r = rows.find((x) => x.childId === m.childId)
    return { ...m, meetings: r?.meetings ?? 0, present: r?.present ?? 0 }
  })
}
