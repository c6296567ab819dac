import {
  addContest,
  createElection,
  eligibleToStand,
  nominate,
  openNominations,
  openPoll,
} from '../elections/elections.ts'
import { closePoll, enterPaperCount, publishResult } from '../elections/counting.ts'
import { contestSchema, electionSchema } from '../elections/schemas.ts'
import { symbols } from '../elections/symbols.ts'
import { castBallot, issueBallot, openStation, unlockStation, voterRoll } from '../elections/voting.ts'
import type { StaffCtx } from '../core/actor.ts'

/**
 * A finished election for the demo village, counted from paper: the members' count needs swaps
 * for the girls' minimum, and the leaders' count has two girls on equal votes, decided by the draw.
 */
export function seedDemoElection(ctx: StaffCtx, villageId: number, termStart: string, termEnd: string): number {
  const election = createElection(
    ctx,
    villageId,
    electionSchema.parse({
      title: `बाल पंचायत चुनाव ${termStart.slice(0, 4)}`,
      termStart,
      termEnd,
      voterAgeMin: '6',
      voterAgeMax: '18',
      candidateAgeMin: '10',
      candidateAgeMax: '18',
      candidacy: 'age',
    }),
  )
  const contest = (over: Record<string, string>) =>
    addContest(
      ctx,
      election.id,
      contestSchema.parse({
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
      }),
    )
  const members = contest({ name: 'सदस्य', seats: '10' })
  const leaders = contest({
    name: 'पदाधिकारी',
    seats: '2',
    seatTitles: 'प्रधान\nउप-प्रधान',
    share: 'number',
    girlsMinimum: '1',
  })
  openNominations(ctx, election.id)

  const eligible = eligibleToStand(ctx, election.id)
  const girls = eligible.filter((c) => c.gender === 'girl')
  const boys = eligible.filter((c) => c.gender === 'boy')
  // Members: eight boys ahead of most girls, so the rule must seat girls in place of boys.
  const memberVotes: [(typeof eligible)[number], number][] = [
    [boys[0], 50],
    [boys[1], 46],
    [girls[0], 44],
    [boys[2], 41],
    [boys[3], 39],
    [boys[4], 37],
    [girls[1], 35],
    [boys[5], 33],
    [boys[6], 30],
    [boys[7], 29],
    [girls[2], 28],
    [girls[3], 25],
    [girls[4], 20],
    [girls[5], 18],
  ]
  // Leaders: one boy first, then two girls on equal votes.
  const leaderVotes: [(typeof eligible)[number], number][] = [
    [boys[8], 40],
    [girls[6], 31],
    [girls[7], 31],
    [boys[9], 22],
  ]
  const nominated = new Map<number, number>()
  for (const [list, c] of [
    [memberVotes, members],
    [leaderVotes, leaders],
  ] as const) {
    list.forEach(([child], i) =>
      nominated.set(child.id, nominate(ctx, election.id, c.id, { childId: child.id, symbol: symbols[i] }).id),
    )
  }
  openPoll(ctx, election.id)
  const totals = (list: typeof memberVotes) => new Map(list.map(([child, v]) => [nominated.get(child.id)!, v]))
  enterPaperCount(ctx, election.id, members.id, { ballots: 60, note: 'बूथ 1, स्कूल', votes: totals(memberVotes) })
  enterPaperCount(ctx, election.id, leaders.id, { ballots: 62, note: 'बूथ 1, स्कूल', votes: totals(leaderVotes) })
  // The chits were drawn in public: the second girl of the leaders drew the lower number.
  const chits = new Map<number, number>()
  memberVotes.forEach(([child], i) => chits.set(nominated.get(child.id)!, i + 1))
  leaderVotes.forEach(([child], i) => chits.set(nominated.get(child.id)!, [3, 2, 1, 4][i]))
  closePoll(ctx, election.id, { source: 'chits', lots: chits })
  publishResult(ctx, election.id)
  return election.id
}

/**
 * A by-election whose poll is open, to try voting on the tablet with the demo logins. A third of
 * the roll has already voted on the tablet (so the station and the figures show turnout); the rest
 * are left to try.
 */
export async function seedDemoOpenPoll(
  ctx: StaffCtx,
  villageId: number,
  termStart: string,
  termEnd: string,
): Promise<number> {
  const election = createElection(
    ctx,
    villageId,
    electionSchema.parse({
      title: 'बाल पंचायत उप-चुनाव (टैबलेट पर आज़माएँ)',
      termStart,
      termEnd,
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
      name: 'सदस्य',
      seats: '2',
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
  const eligible = eligibleToStand(ctx, election.id)
  const picks = [
    ...eligible.filter((c) => c.gender === 'girl').slice(-3),
    ...eligible.filter((c) => c.gender === 'boy').slice(-2),
  ]
  const standing = picks.map(
    (child, i) =>
      nominate(ctx, election.id, contest.id, { childId: child.id, symbol: symbols[(i * 5 + 3) % symbols.length] }).id,
  )
  openPoll(ctx, election.id)
  const roll = voterRoll(ctx, election.id).voters
  let station = await openStation(ctx, election.id, '1234')
  for (const [i, voter] of roll.filter((_, i) => i % 3 === 0).entries()) {
    if (!station.unlocked) station = await unlockStation(ctx, station, '1234')
    station = issueBallot(ctx, station, voter.id)
    station = await castBallot(
      ctx,
      station,
      station.ballot!.token,
      new Map([[contest.id, [standing[i % standing.length], standing[(i + 1 + (i % 4)) % standing.length]]]]),
    )
  }
  return election.id
}
