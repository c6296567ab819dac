import { and, asc, desc, eq, gte, sql } from 'drizzle-orm'
import { recordAudit } from '../audit/audit.ts'
import { getVillage } from '../villages/villages.ts'
import { children, departures } from '../people/tables.ts'
import { requireRole, type Ctx } from '../core/actor.ts'
import { Conflict, NotFound } from '../core/errors.ts'
import { todayIso } from '../core/dates.ts'
import { contests, elections, members, results } from './tables.ts'
import type { ContestCount } from './counting.ts'
import { isProtected } from './allocation.ts'
import { seatedOn } from './seated.ts'

/**
 * The Bal Panchayat now: everyone seated by a published election whose term has not ended,
 * grouped by contest, with the seats left vacant shown as such. Readable by the village's staff.
 */
export function balPanchayat(ctx: Ctx, villageId: number) {
  const staff = requireRole(ctx)
  getVillage(staff, villageId)
  const terms = staff.db
    .select()
    .from(elections)
    .where(
      and(
        eq(elections.villageId, villageId),
        gte(elections.termEnd, todayIso()),
        sql`EXISTS (SELECT 1 FROM ${results} r WHERE r.election_id = ${elections.id})`,
      ),
    )
    .orderBy(desc(elections.termStart))
    .all()
  const today = todayIso()
  return terms.map((election) => {
    // Who holds a seat is who is seated (elections/seated.ts: the term, the seat's dates, departures),
    // today, or on the first day of a term still to come.
    const day = election.termStart > today ? election.termStart : today
    const seatedNow = new Set(seatedOn(staff.db, villageId, day).map((m) => m.childId))
    const seated = staff.db
      .select({
        id: members.id,
        childId: members.childId,
        contestId: members.contestId,
        seat: members.seat,
        seatTitle: members.seatTitle,
        since: members.since,
        leftOn: members.leftOn,
        leftReason: members.leftReason,
        replacesMemberId: members.replacesMemberId,
        name: children.name,
        gender: children.gender,
      })
      .from(members)
      .innerJoin(children, eq(children.id, members.childId))
      .where(eq(members.electionId, election.id))
      .orderBy(asc(members.seat), asc(members.id))
      .all()
    const contestsOf = staff.db
      .select()
      .from(contests)
      .where(eq(contests.electionId, election.id))
      .orderBy(asc(contests.position))
      .all()
    return {
      election,
      contests: contestsOf.map((c) => {
        const titles = JSON.parse(c.seatTitles) as string[]
        const seats = Array.from({ length: c.seats }, (_, i) => {
          const holders = seated.filter((m) => m.contestId === c.id && m.seat === i + 1)
          return {
            seat: i + 1,
            title: titles[i] ?? '',
            current: holders.find((m) => seatedNow.has(m.childId)) ?? null,
            past: holders.filter((m) => m.leftOn),
          }
        })
        return { contest: c, seats }
      }),
    }
  })
}

/**
 * A member leaves; the seat goes to the next candidate in the count's ranking who is not seated
 * and still in the village — a girl's seat to the next girl, as the contest's rule asked.
 */
export function memberLeaves(ctx: Ctx, villageId: number, memberId: number, input: { leftOn: string; reason: string }) {
  const staff = requireRole(ctx, 'admin', 'facilitator')
  getVillage(staff, villageId)
  const member = staff.db
    .select()
    .from(members)
    .innerJoin(elections, eq(elections.id, members.electionId))
    .where(and(eq(members.id, memberId), eq(elections.villageId, villageId)))
    .get()?.members
  if (!member) throw new NotFound()
  if (member.leftOn) throw new Conflict('members.alreadyLeft')
  const saved = staff.db.select().from(results).where(eq(results.contestId, member.contestId)).get()
  const count = JSON.parse(saved!.count) as ContestCount
  const genderOf = new Map(count.candidates.map((c) => [String(c.id), c.gender]))
  const protectedCandidate = (id: string) => {
    const gender = genderOf.get(id)
    return gender !== undefined && isProtected(gender, count.contest.protect)
  }
  const everSeated = new Set(
    staff.db
      .select({ c: members.candidateId })
      .from(members)
      .where(eq(members.contestId, member.contestId))
      .all()
      .map((r) => String(r.c)),
  )
  const gone = new Set(
    staff.db
      .select({ id: departures.childId })
      .from(departures)
      .all()
      .map((r) => r.id),
  )
  const girlSeat =
    count.contest.method === 'zipper'
      ? member.seat % 2 === 1
      : count.contest.method === 'minimum' && protectedCandidate(String(member.candidateId))
  const next = count.result.ranking.find((id) => {
    const cand = count.candidates.find((c) => String(c.id) === id)!
    return !everSeated.has(id) && !gone.has(cand.childId) && (!girlSeat || protectedCandidate(id))
  })
  const nextCand = next ? count.candidates.find((c) => String(c.id) === next)! : null
  return staff.db.transaction((tx) => {
    tx.update(members).set({ leftOn: input.leftOn, leftReason: input.reason }).where(eq(members.id, member.id)).run()
    if (nextCand) {
      tx.insert(members)
        .values({
          electionId: member.electionId,
          contestId: member.contestId,
          candidateId: nextCand.id,
          childId: nextCand.childId,
          seat: member.seat,
          seatTitle: member.seatTitle,
          since: input.leftOn,
          replacesMemberId: member.id,
          recordedBy: staff.actor.id,
          recordedAt: new Date(),
        })
        .run()
    }
    recordAudit(tx, staff.actor, {
      action: 'member.left',
      subject: 'election',
      subjectId: member.electionId,
      villageId,
      detail: { seat: member.seat, reason: input.reason, replacedBy: nextCand?.name ?? null },
    })
    return { replacement: nextCand?.name ?? null, girlSeat }
  })
}
