import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm'
import type { Db, Tx } from '../db/client.ts'
import { prepared } from '../db/prepared.ts'
import { readCache } from '../db/read-cache.ts'
import { recordAudit } from '../audit/audit.ts'
import { getVillage, type Village } from '../villages/villages.ts'
import { changes } from '../core/diff.ts'
import { villages } from '../villages/tables.ts'
import { children } from '../people/tables.ts'
import { users } from '../accounts/tables.ts'
import { meetingEvents, meetings } from '../meetings/tables.ts'
import { carryAnswersToNextMeeting } from './answers.ts'
import { inboxSections } from './inbox.ts'
import { requireRole, type Ctx } from '../core/actor.ts'
import { Conflict, InvalidInput, NotFound } from '../core/errors.ts'
import { todayIso } from '../core/dates.ts'
import {
  defaultFollowUpRule,
  journeyStatuses,
  nextSteps,
  overdue,
  statusOf,
  type FollowUpRule,
  type JourneyStatus,
  type Status,
} from './journey.ts'
import { followUpRules, forwardings, resolutions, responses, type ResponseKind } from './tables.ts'
import type { ActionInput, DecisionInput, ForwardingInput } from './schemas.ts'

const ruleOf = prepared((db) =>
  db
    .select()
    .from(followUpRules)
    .where(eq(followUpRules.villageId, sql.placeholder('villageId')))
    .prepare(),
)

/** The village's follow-up rule, for its staff. */
export function villageFollowUpRule(ctx: Ctx, villageId: number): FollowUpRule {
  const staff = requireRole(ctx)
  getVillage(staff, villageId)
  return followUpRuleOf(staff.db, villageId)
}

export function followUpRuleOf(db: Db | Tx, villageId: number): FollowUpRule {
  const row = ruleOf(db as Db).get({ villageId })
  return row
    ? { acknowledgeDays: row.acknowledgeDays, decideDays: row.decideDays, boardShowsProposers: row.boardShowsProposers }
    : defaultFollowUpRule
}

export function setFollowUpRule(ctx: Ctx, villageId: number, rule: FollowUpRule): void {
  const staff = requireRole(ctx, 'admin', 'facilitator')
  getVillage(staff, villageId)
  const before = followUpRuleOf(staff.db, villageId)
  staff.db.transaction((tx) => {
    const row = { ...rule, updatedBy: staff.actor.id, updatedAt: new Date() }
    tx.insert(followUpRules)
      .values({ villageId, ...row })
      .onConflictDoUpdate({ target: followUpRules.villageId, set: row })
      .run()
    recordAudit(tx, staff.actor, {
      action: 'followup.changed',
      subject: 'village',
      subjectId: villageId,
      villageId,
      detail: changes(before, rule),
    })
  })
}

type ResolutionRow = typeof resolutions.$inferSelect
type ResponseRow = typeof responses.$inferSelect & { by: string }
export type Journey = ReturnType<typeof journeyOf>

/** A resolution with where it stands: its forwarding, the answers in order, its status and whether an answer is late. */
function journeyOf(
  r: ResolutionRow,
  forwarding: typeof forwardings.$inferSelect | undefined,
  answers: ResponseRow[],
  rule: FollowUpRule,
  today: string,
) {
  const status = statusOf(r.number !== null, Boolean(forwarding), answers)
  const decision = answers.find((a) => a.kind === 'accepted' || a.kind === 'referred' || a.kind === 'declined') ?? null
  return {
    ...r,
    passed: r.number !== null,
    forwarding: forwarding ?? null,
    answers,
    status,
    decision,
    actions: answers.filter((a) => a.kind === 'action'),
    lastAnswer: answers.at(-1) ?? null,
    overdue: overdue(status, forwarding?.forwardedOn ?? null, today, rule),
    next: nextSteps(status),
  }
}

/** The journeys of some of a village's resolutions (one, or a list of the village's: all its forwardings and answers read at once). */
function journeys(db: Db | Tx, villageId: number, rows: ResolutionRow[]) {
  if (rows.length === 0) return []
  const q = rows.length === 1 ? journeyQueries(db as Db).one : journeyQueries(db as Db).village
  const params = { id: rows[0].id, villageId }
  const sent = new Map(q.sent.all(params).map((f) => [f.resolutionId, f]))
  const answers = new Map<number, ResponseRow[]>()
  for (const { r, by } of q.answers.all(params)) {
    const list = answers.get(r.resolutionId)
    if (list) list.push({ ...r, by })
    else answers.set(r.resolutionId, [{ ...r, by }])
  }
  const rule = followUpRuleOf(db, villageId)
  const today = todayIso()
  return rows.map((r) => journeyOf(r, sent.get(r.id), answers.get(r.id) ?? [], rule, today))
}

/** Forwardings and answers (in the order recorded) of one resolution, or of every resolution of a village. */
const journeyQueries = prepared((db) => {
  const ofVillage = db
    .select({ id: resolutions.id })
    .from(resolutions)
    .where(eq(resolutions.villageId, sql.placeholder('villageId')))
  const answers = (which: SQL) =>
    db
      .select({ r: responses, by: users.displayName })
      .from(responses)
      .innerJoin(users, eq(users.id, responses.recordedBy))
      .where(which)
      .orderBy(asc(responses.id))
      .prepare()
  return {
    one: {
      sent: db
        .select()
        .from(forwardings)
        .where(eq(forwardings.resolutionId, sql.placeholder('id')))
        .prepare(),
      answers: answers(eq(responses.resolutionId, sql.placeholder('id'))),
    },
    village: {
      sent: db.select().from(forwardings).where(inArray(forwardings.resolutionId, ofVillage)).prepare(),
      answers: answers(inArray(responses.resolutionId, ofVillage)),
    },
  }
})

/** Late first, then the most recently forwarded (or passed) first. */
function newestAndLateFirst(a: Journey, b: Journey): number {
  if (Boolean(a.overdue) !== Boolean(b.overdue)) return a.overdue ? -1 : 1
  const day = (j: Journey) => j.forwarding?.forwardedOn ?? ''
  return day(b).localeCompare(day(a)) || b.id - a.id
}

/** Every resolution of the village for its facilitators, optionally only those in one status. */
export function villageResolutions(ctx: Ctx, villageId: number, status?: Status) {
  const staff = requireRole(ctx, 'admin', 'facilitator')
  getVillage(staff, villageId)
  const rows = staff.db
    .select()
    .from(resolutions)
    .where(eq(resolutions.villageId, villageId))
    .orderBy(desc(resolutions.id))
    .all()
  return journeys(staff.db, villageId, rows)
    .filter((j) => !status || j.status === status)
    .sort(newestAndLateFirst)
}

/** The village's resolutions forwarded to its Gram Panchayat (the inbox, the board). */
const forwardedOf = prepared((db) =>
  db
    .select()
    .from(resolutions)
    .where(
      and(
        eq(resolutions.villageId, sql.placeholder('villageId')),
        sql`EXISTS (SELECT 1 FROM ${forwardings} f WHERE f.resolution_id = ${resolutions.id})`,
      ),
    )
    .prepare(),
)

/**
 * A Gram Panchayat member's inbox: what was forwarded to their village's panchayat, what still waits
 * on it first (inbox.ts says in which order), the finished below; `items` is both in that order.
 * Nothing in it depends on which member asks: the receipt and the decision are the Gram Panchayat's.
 */
export function inbox(ctx: Ctx) {
  const staff = requireRole(ctx, 'panchayat')
  if (!staff.actor.villageId) return { village: null, items: [], pending: [], finished: [] }
  const village = getVillage(staff, staff.actor.villageId)
  // What is late is counted from today: the day is part of what was read.
  const lists = inboxes(staff.db, `${village.id}:${todayIso()}`, () => {
    const { pending, finished } = inboxSections(
      journeys(staff.db, village.id, forwardedOf(staff.db).all({ villageId: village.id })),
    )
    return { pending, finished, items: [...pending, ...finished] }
  })
  return { village, ...lists }
}

/** Each village's inbox as last read, while the database is unchanged (db/read-cache.ts). */
const inboxes = readCache<{ pending: Journey[]; finished: Journey[]; items: Journey[] }>()

/**
 * One resolution, for someone who may see it: the village's facilitators and coordinators see every
 * resolution; its Gram Panchayat members only those forwarded to them. Anything else is not found.
 */
export function getJourney(ctx: Ctx, resolutionId: number) {
  const staff = requireRole(ctx)
  const row = staff.db.select().from(resolutions).where(eq(resolutions.id, resolutionId)).get()
  if (!row) throw new NotFound()
  const village = getVillage(staff, row.villageId)
  const [journey] = journeys(staff.db, village.id, [row])
  if (staff.actor.role === 'panchayat' && !journey.forwarding) throw new NotFound()
  const meeting = staff.db.select().from(meetings).where(eq(meetings.id, row.meetingId)).get()!
  const closed =
    staff.db
      .select()
      .from(meetingEvents)
      .where(and(eq(meetingEvents.meetingId, meeting.id), eq(meetingEvents.stage, 'closed')))
      .get() ?? null
  const rule = followUpRuleOf(staff.db, village.id)
  // Children's names leave the facilitators' pages only when the village has chosen so.
  const showNames = staff.actor.role !== 'panchayat' || rule.boardShowsProposers
  const names = showNames ? movers(staff.db, row) : null
  return { journey, village, meeting, meetingClosedAt: closed?.at ?? null, names, rule, staff }
}

function movers(db: Db | Tx, r: ResolutionRow) {
  const name = (id: number) =>
    db.select({ name: children.name }).from(children).where(eq(children.id, id)).get()?.name ?? ''
  return { proposer: name(r.proposerChildId), seconder: name(r.seconderChildId) }
}

/** Forwards a passed resolution of a closed meeting to the Gram Panchayat. Forwarding again changes nothing. */
export function forwardResolution(ctx: Ctx, resolutionId: number, input: ForwardingInput): void {
  requireRole(ctx, 'admin', 'facilitator')
  const { journey, village, meetingClosedAt, meeting, staff } = getJourney(ctx, resolutionId)
  if (journey.forwarding) return
  if (!journey.passed) throw new Conflict('forwarding.notPassed')
  if (!meetingClosedAt) throw new Conflict('forwarding.meetingOpen')
  if (input.forwardedOn > todayIso()) throw new InvalidInput({ forwardedOn: { key: 'v.dateFuture' } }, input)
  if (input.forwardedOn < meeting.date) throw new InvalidInput({ forwardedOn: { key: 'v.beforeMeeting' } }, input)
  staff.db.transaction((tx) => {
    tx.insert(forwardings)
      .values({ resolutionId, ...input, forwardedBy: staff.actor.id, forwardedAt: new Date() })
      .run()
    recordAudit(tx, staff.actor, {
      action: 'resolution.forwarded',
      subject: 'resolution',
      subjectId: resolutionId,
      villageId: village.id,
      detail: { number: journey.number, to: input.addressedTo, way: input.way, on: input.forwardedOn },
    })
  })
}

/**
 * The Gram Panchayat's answers are recorded by its members (a coordinator may help), each when the
 * journey is ready for it. A double tap is told apart by the form's one-time key
 * (audit/form-keys.ts), never by comparing what was said.
 */
function answerable(ctx: Ctx, resolutionId: number, kind: ResponseKind) {
  requireRole(ctx, 'panchayat', 'admin')
  const found = getJourney(ctx, resolutionId)
  const { journey } = found
  if (!journey.forwarding) throw new Conflict('answers.notForwarded')
  if (!journey.next.includes(kind)) {
    if (journey.decision && ['accepted', 'referred', 'declined'].includes(kind)) {
      throw new Conflict('answers.alreadyDecided')
    }
    throw new Conflict(`answers.notNow.${journey.status}`)
  }
  return found
}

/** An answer is dated no later than today, and not before the forwarding or the answer before it. */
function checkDay(journey: Journey, on: string, values: Record<string, unknown>) {
  if (on > todayIso()) throw new InvalidInput({ on: { key: 'v.dateFuture' } }, values)
  if (on < journey.forwarding!.forwardedOn) throw new InvalidInput({ on: { key: 'v.beforeForwarding' } }, values)
  const last = journey.answers.at(-1)
  if (last && on < last.on)
    throw new InvalidInput({ on: { key: 'v.beforeLastAnswer', params: { date: last.on } } }, values)
}

function answer(
  found: NonNullable<ReturnType<typeof answerable>>,
  row: { kind: ResponseKind; on: string; text?: string; targetDate?: string | null; evidence?: string },
) {
  const { journey, village, staff } = found
  staff.db.transaction((tx) => {
    const saved = tx
      .insert(responses)
      .values({ resolutionId: journey.id, ...row, recordedBy: staff.actor.id, recordedAt: new Date() })
      .returning()
      .get()
    recordAudit(tx, staff.actor, {
      action: `resolution.${row.kind}`,
      subject: 'resolution',
      subjectId: journey.id,
      villageId: village.id,
      detail: { number: journey.number, on: row.on, text: row.text ?? '', targetDate: row.targetDate ?? null },
    })
    if (row.kind !== 'acknowledged') carryAnswersToNextMeeting(tx, village.id, staff.actor.id)
    return saved
  })
}

/** Receipt acknowledged, dated. Acknowledging what is already acknowledged changes nothing. */
export function acknowledgeResolution(ctx: Ctx, resolutionId: number, on: string): void {
  const { journey } = getJourney(ctx, resolutionId)
  if (journey.forwarding && journey.status !== 'sent') {
    requireRole(ctx, 'panchayat', 'admin')
    return
  }
  const found = answerable(ctx, resolutionId, 'acknowledged')
  checkDay(found.journey, on, { on })
  answer(found, { kind: 'acknowledged', on })
}

/**
 * Everything deciding would refuse, checked without deciding: a member is asked to confirm only a
 * decision that can be recorded as it stands.
 */
export function checkDecision(ctx: Ctx, resolutionId: number, input: DecisionInput) {
  const found = answerable(ctx, resolutionId, input.decision)
  const values = { ...input, targetDate: input.targetDate ?? '' }
  checkDay(found.journey, input.on, values)
  if (input.targetDate && input.targetDate < todayIso())
    throw new InvalidInput({ targetDate: { key: 'v.targetPast' } }, values)
  return found
}

/** The decision, once: accepted with a plan and a target date, referred to an officer, or declined with a reason. */
export function decideResolution(ctx: Ctx, resolutionId: number, input: DecisionInput): void {
  const found = checkDecision(ctx, resolutionId, input)
  answer(found, { kind: input.decision, on: input.on, text: input.text, targetDate: input.targetDate })
}

/** An action taken on an accepted or referred resolution, with a short note of the evidence. */
export function recordAction(ctx: Ctx, resolutionId: number, input: ActionInput): void {
  const found = answerable(ctx, resolutionId, 'action')
  checkDay(found.journey, input.on, input)
  answer(found, { kind: 'action', on: input.on, text: input.text, evidence: input.evidence })
}

/** The work is done: the last step of the journey. */
export function markDone(ctx: Ctx, resolutionId: number, on: string): void {
  const found = answerable(ctx, resolutionId, 'done')
  checkDay(found.journey, on, { on })
  answer(found, { kind: 'done', on })
}

type PublicAnswer = { kind: ResponseKind; on: string; text: string; targetDate: string | null }
export type BoardCard = {
  id: number
  number: string
  title: string
  request: string
  category: string
  status: JourneyStatus
  forwardedOn: string
  /** Which answer of the Gram Panchayat is late, by the village's rule: the children follow it up. */
  overdue: 'acknowledge' | 'decide' | null
  decision: PublicAnswer | null
  lastAction: PublicAnswer | null
  doneOn: string | null
  proposer: string | null
  seconder: string | null
}
const publicAnswer = (a: ResponseRow | null | undefined): PublicAnswer | null =>
  a ? { kind: a.kind, on: a.on, text: a.text, targetDate: a.targetDate } : null

/**
 * The children's board: every forwarded resolution of the village and where it stands. Public, so
 * it carries only the resolution's own words and the answers — no child's name unless the village
 * turned that on, and no one's account name.
 */
export function board(db: Db, village: Pick<Village, 'id'>, status?: JourneyStatus): BoardCard[] {
  const rows = forwardedOf(db).all({ villageId: village.id })
  const rule = followUpRuleOf(db, village.id)
  return journeys(db, village.id, rows)
    .filter((j) => !status || j.status === status)
    .sort((a, b) => b.forwarding!.forwardedOn.localeCompare(a.forwarding!.forwardedOn) || b.id - a.id)
    .map((j) => {
      const names = rule.boardShowsProposers ? movers(db, j) : null
      return {
        id: j.id,
        number: j.number!,
        title: j.title,
        request: j.request,
        category: j.category,
        status: j.status as JourneyStatus,
        forwardedOn: j.forwarding!.forwardedOn,
        overdue: j.overdue,
        decision: publicAnswer(j.decision),
        lastAction: publicAnswer(j.actions.at(-1)),
        doneOn: j.answers.find((a) => a.kind === 'done')?.on ?? null,
        proposer: names?.proposer ?? null,
        seconder: names?.seconder ?? null,
      }
    })
}

/** The board of a village by its id, for anyone: its cards (in one status, or all) and how many stand in each status. */
/** The children's board of a village: public, read by anyone who has its address. */
export function boardOf(ctx: Ctx, villageId: number, status?: JourneyStatus) {
  return publicBoard(ctx.db, villageId, status)
}

export function publicBoard(db: Db, villageId: number, status?: JourneyStatus) {
  const village = db
    .select({ id: villages.id, name: villages.name, gramPanchayat: villages.gramPanchayat })
    .from(villages)
    .where(eq(villages.id, villageId))
    .get()
  if (!village) throw new NotFound()
  const all = board(db, village)
  const counts = Object.fromEntries(
    journeyStatuses.map((s) => [s, all.filter((c) => c.status === s).length]),
  ) as Record<JourneyStatus, number>
  return { village, counts, cards: status ? all.filter((c) => c.status === status) : all }
}
