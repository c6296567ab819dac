import { and, asc, eq, gt, gte, isNull, lte, or, sql } from 'drizzle-orm'
import type { Db, Tx } from '../core/db.ts'
import { children, departures, type Gender } from '../people/tables.ts'
import { contests, elections, members, results } from './tables.ts'

export type SeatedMember = { childId: number; name: string; gender: Gender; seatTitle: string }

/**
 * The Bal Panchayat on a day — the one rule every part uses: every child seated by a published
 * election of the village whose term includes that day, seated by then, not yet gone from the seat,
 * and not gone from the village by then. A child on two seats (a member elected Pradhan too) counts
 * once, under the titled seat.
 */
export function seatedOn(db: Db | Tx, villageId: number, day: string): SeatedMember[] {
  const rows = db
    .select({
      childId: members.childId,
      name: children.name,
      gender: children.gender,
      seatTitle: members.seatTitle,
    })
    .from(members)
    .innerJoin(elections, eq(elections.id, members.electionId))
    .innerJoin(contests, eq(contests.id, members.contestId))
    .innerJoin(children, eq(children.id, members.childId))
    .where(
      and(
        eq(elections.villageId, villageId),
        lte(elections.termStart, day),
        gte(elections.termEnd, day),
        lte(members.since, day),
        or(isNull(members.leftOn), gt(members.leftOn, day)),
        sql`EXISTS (SELECT 1 FROM ${results} r WHERE r.election_id = ${elections.id})`,
        sql`NOT EXISTS (SELECT 1 FROM ${departures} d WHERE d.child_id = ${members.childId} AND d.left_on <= ${day})`,
      ),
    )
    .orderBy(sql`${members.seatTitle} = ''`, asc(contests.position), asc(members.seat), asc(children.name))
    .all()
  const seen = new Map<number, SeatedMember>()
  for (const r of rows) if (!seen.has(r.childId)) seen.set(r.childId, r)
  return [...seen.values()]
}
