import type { AppDatabase } from '../src/db/client.ts'
import { openDatabase } from '../src/database.ts'
import { createUser, operatorActor } from '../src/accounts/accounts.ts'
import { createVillage } from '../src/villages/villages.ts'
import { addChild } from '../src/people/children.ts'
import { addContest, createElection, nominate, openNominations, openPoll } from '../src/elections/elections.ts'
import { contestSchema, electionSchema } from '../src/elections/schemas.ts'
import { symbols } from '../src/elections/symbols.ts'
import { bornYearsBefore, todayIso } from '../src/core/dates.ts'
import type { StaffCtx } from '../src/web/context.ts'

export function freshDatabaseAt(file: string): AppDatabase {
  return openDatabase(file)
}

/**
 * A village, a facilitator, and an open poll with one contest of `candidates` children (each with
 * consent, so on the roll too). Opening the poll lays out the ballot box for the roll as it is
 * then: with `openPoll: false` the poll is left in nominations, so that voters can be added first
 * and the poll opened afterwards with the real `openPoll` (see bench/voting.ts).
 */
export async function benchFixture(
  database: AppDatabase,
  options: { seats: number; candidates: number; openPoll?: boolean },
) {
  const op: StaffCtx = { db: database.db, actor: operatorActor, lang: 'en' }
  const village = createVillage(op, {
    name: 'Bench',
    gramPanchayat: 'Bench',
    block: 'Bench',
    district: 'Bench',
    state: 'Bench',
  })
  const user = await createUser(op, {
    username: 'bench',
    displayName: 'Bench',
    role: 'facilitator',
    villageId: village.id,
    password: 'bench-password',
  })
  const ctx: StaffCtx = {
    ...op,
    actor: {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      role: 'facilitator',
      villageId: village.id,
    },
  }
  const election = createElection(
    ctx,
    village.id,
    electionSchema.parse({
      title: 'Bench',
      termStart: todayIso(),
      termEnd: `${Number(todayIso().slice(0, 4)) + 1}-12-31`,
      voterAgeMin: '6',
      voterAgeMax: '18',
      candidateAgeMin: '10',
      candidateAgeMax: '18',
      candidacy: 'age',
    }),
  )
  const contest = addContest(
    ctx,
    election.id,
    contestSchema.parse({
      name: 'Members',
      seats: String(options.seats),
      seatTitles: '',
      maxChoices: '',
      method: 'minimum',
      share: '1/2',
      girlsMinimum: '',
      rounding: 'up',
      protect: 'girls',
      tieBreak: 'girl-first',
      shortfall: 'release',
    }),
  )
  openNominations(ctx, election.id)
  const candidateIds: number[] = []
  for (let i = 0; i < options.candidates; i++) {
    const child = addChild(
      ctx,
      village.id,
      {
        name: `Child ${i}`,
        gender: i % 2 ? 'boy' : 'girl',
        dateOfBirth: bornYearsBefore(12),
        ward: '1',
        school: '',
        schoolClass: '',
        inSchool: true,
        outOfSchoolReason: null,
        guardianName: 'Guardian',
        guardianPhone: '',
      },
      todayIso(),
    )
    candidateIds.push(
      nominate(ctx, election.id, contest.id, { childId: child.id, symbol: symbols[i % symbols.length] }).id,
    )
  }
  if (options.openPoll ?? true) openPoll(ctx, election.id)
  return { ctx, villageId: village.id, electionId: election.id, contestId: contest.id, candidateIds }
}
