import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { villages } from '../villages/tables.ts'
import { children } from '../people/tables.ts'
import { candidates, contests, elections, members, results } from '../elections/tables.ts'
import { boxCheckoffs } from '../elections/ballot-box-tables.ts'
import { girlsNeeded } from '../elections/result-view.ts'
import type { Contest } from '../elections/elections.ts'
import { attendance, meetingEvents, meetings } from '../meetings/tables.ts'
import { categories, forwardings, resolutions, responses } from '../resolutions/tables.ts'
import { daysBetween, statusOf } from '../resolutions/journey.ts'
import { requireRole, type Ctx, type StaffCtx } from '../core/actor.ts'
import { listVillages } from '../villages/villages.ts'
import { childCountByVillage } from '../people/children.ts'
import { staffCountByVillage } from '../accounts/accounts.ts'
import { reportCardRows } from './report-card.ts'

/** Figures are the coordinator's: across every village, or one. */
function coordinator(ctx: Ctx) {
  return requireRole(ctx, 'admin')
}

const share = (part: number, whole: number) => (whole > 0 ? part / whole : null)

/** Girls among candidates, among the elected and among the leaders (titled seats), against the rule's minimum, per published election. */
export function representation(db: Db, villageId?: number) {
  const rows = db
    .select({ id: elections.id, title: elections.title, termStart: elections.termStart, village: villages.name })
    .from(elections)
    .innerJoin(villages, eq(villages.id, elections.villageId))
    .where(
      and(
        villageId ? eq(elections.villageId, villageId) : undefined,
        sql`EXISTS (SELECT 1 FROM ${results} r WHERE r.election_id = ${elections.id})`,
      ),
    )
    .orderBy(asc(villages.name), asc(elections.termStart))
    .all()
  return rows.map((e) => {
    const cands = db
      .select({ gender: children.gender })
      .from(candidates)
      .innerJoin(children, eq(children.id, candidates.childId))
      .where(eq(candidates.electionId, e.id))
      .all()
    const elected = db
      .select({ gender: children.gender, seatTitle: members.seatTitle })
      .from(members)
      .innerJoin(children, eq(children.id, members.childId))
      .where(and(eq(members.electionId, e.id), isNull(members.replacesMemberId)))
      .all()
    const contestRows = db.select().from(contests).where(eq(contests.electionId, e.id)).all()
    const seats = contestRows.reduce((n, c) => n + c.seats, 0)
    const minimum = contestRows.reduce(
      (n, c) => n + girlsNeeded({ ...c, seatTitles: JSON.parse(c.seatTitles) as string[] } as Contest),
      0,
    )
    const leaders = elected.filter((m) => m.seatTitle !== '')
    const girls = (xs: { gender: string }[]) => xs.filter((x) => x.gender === 'girl').length
    return {
      village: e.village,
      election: e.title,
      termStart: e.termStart,
      candidates: cands.length,
      girlCandidates: girls(cands),
      elected: elected.length,
      girlsElected: girls(elected),
      leaders: leaders.length,
      girlLeaders: girls(leaders),
      seats,
      girlsMinimum: minimum,
      candidateShare: share(girls(cands), cands.length),
      electedShare: share(girls(elected), elected.length),
      leaderShare: share(girls(leaders), leaders.length),
      minimumShare: share(minimum, seats),
    }
  })
}

/**
 * Turnout on the tablet by gender, per election with votes on the tablet: children checked off
 * against the roll fixed when its poll opened. Paper ballots carry no gender.
 */
export function turnout(db: Db, villageId?: number) {
  const rows = db
    .select({ id: elections.id, title: elections.title, village: villages.name })
    .from(elections)
    .innerJoin(villages, eq(villages.id, elections.villageId))
    .where(
      and(
        villageId ? eq(elections.villageId, villageId) : undefined,
        sql`EXISTS (SELECT 1 FROM ${boxCheckoffs} v WHERE v.election_id = ${elections.id} AND v.voted)`,
      ),
    )
    .orderBy(asc(villages.name), asc(elections.termStart))
    .all()
  return rows.map((e) => {
    const byGender = db
      .select({ gender: children.gender, n: sql<number>`count(*)`, voted: sql<number>`sum(${boxCheckoffs.voted})` })
      .from(boxCheckoffs)
      .innerJoin(children, eq(children.id, boxCheckoffs.childId))
      .where(eq(boxCheckoffs.electionId, e.id))
      .groupBy(children.gender)
      .all()
    const of = (g: string, k: 'n' | 'voted') => byGender.find((x) => x.gender === g)?.[k] ?? 0
    return {
      village: e.village,
      election: e.title,
      girlsVoted: of('girl', 'voted'),
      girlsOnRoll: of('girl', 'n'),
      boysVoted: of('boy', 'voted'),
      boysOnRoll: of('boy', 'n'),
      girlTurnout: share(of('girl', 'voted'), of('girl', 'n')),
      boyTurnout: share(of('boy', 'voted'), of('boy', 'n')),
    }
  })
}

/** Attendance at closed meetings by gender, per village: members present against members expected. */
export function meetingAttendance(db: Db, villageId?: number) {
  const rows = db
    .select({
      village: villages.name,
      meetings: sql<number>`count(DISTINCT ${meetings.id})`,
      girlsExpected: sql<number>`sum(${children.gender} = 'girl')`,
      girlsPresent: sql<number>`sum(${children.gender} = 'girl' AND ${attendance.presentAt} IS NOT NULL)`,
      boysExpected: sql<number>`sum(${children.gender} = 'boy')`,
      boysPresent: sql<number>`sum(${children.gender} = 'boy' AND ${attendance.presentAt} IS NOT NULL)`,
    })
    .from(attendance)
    .innerJoin(meetings, eq(meetings.id, attendance.meetingId))
    .innerJoin(villages, eq(villages.id, meetings.villageId))
    .innerJoin(children, eq(children.id, attendance.childId))
    .where(
      and(
        villageId ? eq(meetings.villageId, villageId) : undefined,
        sql`EXISTS (SELECT 1 FROM ${meetingEvents} e WHERE e.meeting_id = ${meetings.id} AND e.stage = 'closed')`,
      ),
    )
    .groupBy(villages.id)
    .orderBy(asc(villages.name))
    .all()
  return rows.map((r) => ({
    ...r,
    girlShare: share(r.girlsPresent, r.girlsExpected),
    boyShare: share(r.boysPresent, r.boysExpected),
  }))
}

export const outcomes = ['not_passed', 'waiting', 'acting', 'done', 'declined'] as const
export type Outcome = (typeof outcomes)[number]

/** Resolutions by category and how they ended up: not passed, waiting for the Gram Panchayat, being acted on, done, declined. */
export function resolutionOutcomes(db: Db, villageId?: number) {
  const rows = db
    .select({ id: resolutions.id, category: resolutions.category, number: resolutions.number })
    .from(resolutions)
    .where(villageId ? eq(resolutions.villageId, villageId) : undefined)
    .all()
  const ids = rows.map((r) => r.id)
  const sent = new Set(
    ids.length
      ? db
          .select({ id: forwardings.resolutionId })
          .from(forwardings)
          .where(inArray(forwardings.resolutionId, ids))
          .all()
          .map((f) => f.id)
      : [],
  )
  const answers = ids.length
    ? db
        .select({ resolutionId: responses.resolutionId, kind: responses.kind })
        .from(responses)
        .where(inArray(responses.resolutionId, ids))
        .orderBy(asc(responses.id))
        .all()
    : []
  const table = categories.map((category) => ({
    category,
    ...(Object.fromEntries(outcomes.map((o) => [o, 0])) as Record<Outcome, number>),
    total: 0,
  }))
  for (const r of rows) {
    const status = statusOf(
      r.number !== null,
      sent.has(r.id),
      answers.filter((a) => a.resolutionId === r.id),
    )
    const outcome: Outcome =
      status === 'not_passed'
        ? 'not_passed'
        : status === 'done'
          ? 'done'
          : status === 'declined'
            ? 'declined'
            : status === 'accepted' || status === 'referred' || status === 'in_action'
              ? 'acting'
              : 'waiting'
    const line = table.find((t) => t.category === r.category)!
    line[outcome]++
    line.total++
  }
  return table
}

/** The middle of a list of numbers (the mean of the two middle ones when even), or null when empty. */
export function median(xs: number[]): number | null {
  if (xs.length === 0) return null
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

/** Days from forwarding to the Gram Panchayat's acknowledgement and to its decision, per village: the median and how many. */
export function answerTimes(db: Db, villageId?: number) {
  const rows = db
    .select({
      village: villages.name,
      villageId: villages.id,
      forwardedOn: forwardings.forwardedOn,
      resolutionId: forwardings.resolutionId,
    })
    .from(forwardings)
    .innerJoin(resolutions, eq(resolutions.id, forwardings.resolutionId))
    .innerJoin(villages, eq(villages.id, resolutions.villageId))
    .where(villageId ? eq(resolutions.villageId, villageId) : undefined)
    .all()
  const firsts = rows.length
    ? db
        .select({ resolutionId: responses.resolutionId, kind: responses.kind, on: sql<string>`min(${responses.on})` })
        .from(responses)
        .where(
          inArray(
            responses.resolutionId,
            rows.map((r) => r.resolutionId),
          ),
        )
        .groupBy(responses.resolutionId, responses.kind)
        .all()
    : []
  const byVillage = new Map<
    string,
    { village: string; forwarded: number; toAcknowledge: number[]; toDecide: number[] }
  >()
  for (const r of rows) {
    const v = byVillage.get(r.village) ?? { village: r.village, forwarded: 0, toAcknowledge: [], toDecide: [] }
    v.forwarded++
    const ack = firsts.find((f) => f.resolutionId === r.resolutionId && f.kind === 'acknowledged')
    const decided = firsts.filter(
      (f) => f.resolutionId === r.resolutionId && ['accepted', 'referred', 'declined'].includes(f.kind),
    )
    if (ack) v.toAcknowledge.push(daysBetween(r.forwardedOn, ack.on))
    if (decided.length) v.toDecide.push(daysBetween(r.forwardedOn, decided[0].on))
    byVillage.set(r.village, v)
  }
  return [...byVillage.values()]
    .sort((a, b) => a.village.localeCompare(b.village))
    .map((v) => ({
      village: v.village,
      forwarded: v.forwarded,
      acknowledged: v.toAcknowledge.length,
      decided: v.toDecide.length,
      medianDaysToAcknowledge: median(v.toAcknowledge),
      medianDaysToDecide: median(v.toDecide),
    }))
}

export const figureTables = ['representation', 'turnout', 'attendance', 'resolutions', 'answers', 'reportCard'] as const
export type FigureTable = (typeof figureTables)[number]

export function figures(ctx: Ctx, villageId?: number) {
  const staff = coordinator(ctx)
  return {
    representation: representation(staff.db, villageId),
    turnout: turnout(staff.db, villageId),
    attendance: meetingAttendance(staff.db, villageId),
    resolutions: resolutionOutcomes(staff.db, villageId),
    answers: answerTimes(staff.db, villageId),
    reportCard: reportCardRows(staff, villageId),
  }
}

/** The coordinators' list of villages, each with how many children are on its register and how many staff it has. */
export function villageDirectory(ctx: StaffCtx) {
  const childCounts = childCountByVillage(ctx.db)
  const staffCounts = staffCountByVillage(ctx.db)
  return listVillages(ctx).map((v) => ({
    ...v,
    children: childCounts.get(v.id) ?? 0,
    staff: staffCounts.get(v.id) ?? 0,
  }))
}
