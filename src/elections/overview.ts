import type { Ctx } from '../core/actor.ts'
import { isProtected } from './allocation.ts'
import { paperCountsOf } from './counting.ts'
import { contestsOf, electionCandidatesOf, getElection, timelineOf } from './elections.ts'
import { girlsNeeded } from './result-view.ts'
import { stages } from './tables.ts'
import { stationLockouts } from './voting.ts'

/**
 * Everything an election's page shows (and the pages built on it: closing the poll, a paper count):
 * the election checked once for the reader, then its contests, candidates, stages, paper counts and
 * the polling station's lockouts.
 */
export function electionOverview(ctx: Ctx, electionId: number) {
  const { election, stage, staff } = getElection(ctx, electionId)
  const db = staff.db
  const contests = contestsOf(db, electionId)
  const candidates = electionCandidatesOf(db, electionId)
  return {
    election,
    stage,
    stages,
    contests,
    candidates,
    timeline: timelineOf(db, electionId),
    paperCounts: paperCountsOf(db, electionId),
    stationLockouts: stationLockouts(staff, electionId),
    girlsNeeded,
    /** How many of a contest's candidates the girls' rule protects. */
    protectedStanding: (c: (typeof contests)[number]) =>
      candidates.filter((x) => x.contestId === c.id && isProtected(x.gender, c.protect)).length,
  }
}
