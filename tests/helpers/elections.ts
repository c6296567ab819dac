import { ctxFor } from './app.ts'
import type { AppDatabase } from '../../src/db/client.ts'
import { openDatabase } from '../../src/database.ts'
import { addContest, createElection, nominate, openNominations, openPoll } from '../../src/elections/elections.ts'
import { seedVillages } from './app.ts'
import type { Actor } from '../../src/web/context.ts'
import { addChild } from '../../src/people/children.ts'
import { bornYearsBefore, todayIso } from '../../src/core/dates.ts'
import type { Gender } from '../../src/people/tables.ts'
import { contestSchema, electionSchema } from '../../src/elections/schemas.ts'

/** Children of the village for an election: name → id. All consented and of age unless told. */
export function villageChildren(
  database: AppDatabase,
  actor: Actor,
  villageId: number,
  kids: [string, Gender, number?][],
) {
  const ctx = ctxFor(database, actor)
  const ids: Record<string, number> = {}
  for (const [name, gender, age] of kids) {
    ids[name] = addChild(
      ctx,
      villageId,
      {
        name,
        gender,
        dateOfBirth: bornYearsBefore(age ?? 12),
        ward: '1',
        school: '',
        schoolClass: '',
        inSchool: true,
        outOfSchoolReason: null,
        guardianName: `Guardian of ${name}`,
        guardianPhone: '',
      },
      todayIso(),
    ).id
  }
  return ids
}

export const electionInput = (over: Record<string, string> = {}) =>
  electionSchema.parse({
    title: 'Bal Panchayat 2026',
    termStart: todayIso(),
    termEnd: `${Number(todayIso().slice(0, 4)) + 1}-12-31`,
    voterAgeMin: '6',
    voterAgeMax: '18',
    candidateAgeMin: '10',
    candidateAgeMax: '18',
    candidacy: 'age',
    ...over,
  })

export const contestInput = (over: Record<string, string> = {}) =>
  contestSchema.parse({
    name: 'Members',
    seats: '3',
    seatTitles: '',
    maxChoices: '',
    method: 'minimum',
    share: '1/2',
    girlsMinimum: '',
    rounding: 'up',
    protect: 'girls',
    tieBreak: 'girl-first',
    shortfall: 'release',
    ...over,
  })

/**
 * A database file for a server to be started on: the two villages and their accounts, `voters`
 * children of Papdi ("Child 0" …), and an election with its poll open, one contest of two seats
 * and two candidates (Child 0 and Child 1). Closed again before returning.
 */
export async function openPollOnDisk(file: string, voters: number) {
  const database = openDatabase(file)
  try {
    const fx = await seedVillages(database)
    const ctx = ctxFor(database, fx.users.facilitator)
    const kids = villageChildren(
      database,
      fx.users.facilitator,
      fx.villages.papdi.id,
      Array.from({ length: voters }, (_, i) => [`Child ${i}`, i % 2 ? 'boy' : 'girl'] as [string, Gender]),
    )
    const election = createElection(ctx, fx.villages.papdi.id, electionInput())
    const contest = addContest(ctx, election.id, contestInput({ seats: '2' }))
    openNominations(ctx, election.id)
    const candidates = [
      nominate(ctx, election.id, contest.id, { childId: kids['Child 0'], symbol: 'sun' }).id,
      nominate(ctx, election.id, contest.id, { childId: kids['Child 1'], symbol: 'kite' }).id,
    ]
    openPoll(ctx, election.id)
    return { election, contest, candidates, kids }
  } finally {
    database.close()
  }
}
