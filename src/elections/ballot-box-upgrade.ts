import { randomInt } from 'node:crypto'
import { and, asc, eq } from 'drizzle-orm'
import type Sqlite from 'better-sqlite3'
import type { Db } from '../db/client.ts'
import { todayIso } from '../core/dates.ts'
import { boxContestsOf, encodeMarks, layOutBox, sealBox } from './ballot-box.ts'
import { boxCheckoffs, boxSlots } from './ballot-box-tables.ts'
import { eligibleVoters } from './roll.ts'
import { stageOf } from './stages.ts'
import { candidates, contests, electionEvents, elections } from './tables.ts'

/**
 * A database from before the ballot box kept its ballots and check-offs in tables whose layout
 * recorded the order of voting (set aside as legacy_* by migration 0007). Each election's are laid
 * out in the box as if its poll had opened with them (an open poll keeps taking votes, its roll
 * being today's roll and everyone who already voted), and the old tables are dropped. Returns
 * whether anything was moved, so the caller rewrites the file.
 */
export function adoptLegacyBallots(db: Db, sqlite: Sqlite.Database): boolean {
  const legacy = ['legacy_ballot_marks', 'legacy_ballots', 'legacy_checkoffs'].filter((t) =>
    sqlite.prepare("SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = ?").get(t),
  )
  if (legacy.length === 0) return false
  // The box first, then the old tables go: interrupted in between, the next start does it again.
  db.transaction((tx) => {
    const checked = sqlite
      .prepare('SELECT election_id AS electionId, child_id AS childId FROM legacy_checkoffs')
      .all() as { electionId: number; childId: number }[]
    const marks = sqlite
      .prepare(
        'SELECT b.id AS ballotId, b.contest_id AS contestId, m.candidate_id AS candidateId FROM legacy_ballots b LEFT JOIN legacy_ballot_marks m ON m.ballot_id = b.id ORDER BY b.id',
      )
      .all() as { ballotId: string; contestId: number; candidateId: number | null }[]
    const ballotsByContest = new Map<number, Map<string, number[]>>()
    for (const m of marks) {
      const byBallot = ballotsByContest.get(m.contestId) ?? new Map<string, number[]>()
      ballotsByContest.set(m.contestId, byBallot)
      const list = byBallot.get(m.ballotId) ?? []
      byBallot.set(m.ballotId, list)
      if (m.candidateId !== null) list.push(m.candidateId)
    }
    const electionIds = new Set(checked.map((c) => c.electionId))
    for (const contestId of ballotsByContest.keys()) {
      const c = tx.select({ electionId: contests.electionId }).from(contests).where(eq(contests.id, contestId)).get()
      if (c) electionIds.add(c.electionId)
    }
    for (const electionId of electionIds) {
      const election = tx.select().from(elections).where(eq(elections.id, electionId)).get()
      if (!election) continue
      const stage = stageOf(
        tx
          .select({ stage: electionEvents.stage })
          .from(electionEvents)
          .where(eq(electionEvents.electionId, electionId))
          .all(),
      )
      const voted = new Set(checked.filter((c) => c.electionId === electionId).map((c) => c.childId))
      const roll = new Set(voted)
      if (stage === 'poll_open') for (const child of eligibleVoters(tx, election, todayIso())) roll.add(child.id)
      const contestRows = tx
        .select({ id: contests.id })
        .from(contests)
        .where(eq(contests.electionId, electionId))
        .orderBy(asc(contests.id))
        .all()
      const boxContests = contestRows.map((c) => ({
        contestId: c.id,
        candidateIds: tx
          .select({ id: candidates.id })
          .from(candidates)
          .where(eq(candidates.contestId, c.id))
          .orderBy(asc(candidates.id))
          .all()
          .map((r) => r.id),
      }))
      // Every ballot needs a slot, even where the old tables held more ballots than check-offs.
      const slots = Math.max(roll.size, ...boxContests.map((c) => ballotsByContest.get(c.contestId)?.size ?? 0))
      layOutBox(tx, electionId, boxContests, [...roll], slots)
      for (const childId of voted)
        tx.update(boxCheckoffs)
          .set({ voted: true })
          .where(and(eq(boxCheckoffs.electionId, electionId), eq(boxCheckoffs.childId, childId)))
          .run()
      for (const c of boxContestsOf(tx, electionId)) {
        const free = tx
          .select({ id: boxSlots.id })
          .from(boxSlots)
          .where(eq(boxSlots.contestId, c.contestId))
          .all()
          .map((r) => r.id)
        for (const chosen of ballotsByContest.get(c.contestId)?.values() ?? []) {
          const i = randomInt(free.length)
          const slot = free.splice(i, 1)[0]
          tx.update(boxSlots)
            .set({
              filled: true,
              marks: encodeMarks(
                c.candidateIds,
                chosen.filter((id) => c.candidateIds.includes(id)),
              ),
            })
            .where(eq(boxSlots.id, slot))
            .run()
        }
      }
      if (stage === 'poll_closed' || stage === 'result_published') sealBox(tx, electionId, new Date())
    }
  })
  db.transaction(() => {
    for (const t of legacy) sqlite.exec(`DROP TABLE main.${t}`)
  })
  return true
}
