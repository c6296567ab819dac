import { and, asc, eq, sql } from 'drizzle-orm'
import type { Db, Tx } from '../core/db.ts'
import { erasedName } from '../people/erased.ts'
import { boxCheckoffs } from './ballot-box-tables.ts'
import { candidates, contests, elections, members, results } from './tables.ts'

/** Elections' part of a child's export: where they stood, the seats they held, the polls they voted in (never how). */
export function electionPartOf(db: Db | Tx, childId: number) {
  return {
    candidacies: db
      .select({
        election: elections.title,
        contest: contests.name,
        symbol: candidates.symbol,
        nominatedAt: candidates.nominatedAt,
      })
      .from(candidates)
      .innerJoin(elections, eq(elections.id, candidates.electionId))
      .innerJoin(contests, eq(contests.id, candidates.contestId))
      .where(eq(candidates.childId, childId))
      .orderBy(asc(candidates.id))
      .all(),
    seats: db
      .select({
        election: elections.title,
        seat: members.seat,
        seatTitle: members.seatTitle,
        since: members.since,
        leftOn: members.leftOn,
        leftReason: members.leftReason,
      })
      .from(members)
      .innerJoin(elections, eq(elections.id, members.electionId))
      .where(eq(members.childId, childId))
      .orderBy(asc(members.id))
      .all(),
    votedIn: db
      .select({ election: elections.title })
      .from(boxCheckoffs)
      .innerJoin(elections, eq(elections.id, boxCheckoffs.electionId))
      .where(and(eq(boxCheckoffs.childId, childId), eq(boxCheckoffs.voted, true)))
      .all()
      .map((r) => r.election),
  }
}

/** The names a published result froze for the child (the name they had then). */
export function namesInFrozenCounts(db: Db | Tx, childId: number): string[] {
  const found: string[] = []
  for (const { count } of db
    .select({ count: results.count })
    .from(results)
    .innerJoin(candidates, eq(candidates.electionId, results.electionId))
    .where(eq(candidates.childId, childId))
    .all()) {
    for (const c of (JSON.parse(count) as { candidates: { childId: number; name: string }[] }).candidates)
      if (c.childId === childId) found.push(c.name)
  }
  return found
}

/** A published result keeps its counts; the erased child's entry in it no longer has a name. */
export function unnameInFrozenCounts(tx: Tx, childId: number): void {
  const rows = tx
    .select({ contestId: results.contestId, count: results.count })
    .from(results)
    .where(
      sql`${results.electionId} IN (SELECT ${candidates.electionId} FROM ${candidates} WHERE ${candidates.childId} = ${childId})`,
    )
    .all()
  for (const row of rows) {
    const count = JSON.parse(row.count) as { candidates: { childId: number; name: string }[] }
    if (!count.candidates.some((c) => c.childId === childId)) continue
    count.candidates = count.candidates.map((c) => (c.childId === childId ? { ...c, name: erasedName(childId) } : c))
    tx.update(results)
      .set({ count: JSON.stringify(count) })
      .where(eq(results.contestId, row.contestId))
      .run()
  }
}
