import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ctxFor, freshDatabase, operatorCtx, seedVillages } from '../helpers/app.ts'
import { closedMeetingWithResolutions, commonBalPanchayat, seatBalPanchayat } from '../helpers/meetings.ts'
import { contestInput, electionInput, villageChildren } from '../helpers/elections.ts'
import {
  answerTimes,
  figures,
  median,
  meetingAttendance,
  representation,
  resolutionOutcomes,
  turnout,
} from '../../src/figures/figures.ts'
import { barChart } from '../../src/figures/charts.ts'
import { addContest, createElection, nominate, openNominations, openPoll } from '../../src/elections/elections.ts'
import { castBallot, issueBallot, openStation, unlockStation } from '../../src/elections/voting.ts'
import { acknowledgeResolution, decideResolution, forwardResolution } from '../../src/resolutions/journeys.ts'
import { Forbidden } from '../../src/core/errors.ts'
import type { AppDatabase } from '../../src/db/client.ts'

let database: AppDatabase & { dir: string }
let fx: Awaited<ReturnType<typeof seedVillages>>
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000 + 5.5 * 3_600_000).toISOString().slice(0, 10)

beforeAll(async () => {
  database = freshDatabase()
  fx = await seedVillages(database)
  const rekha = ctxFor(database, fx.users.facilitator)
  const sarpanch = ctxFor(database, fx.users.panchayat)
  const kids = seatBalPanchayat(database, fx.users.facilitator, fx.villages.papdi.id, commonBalPanchayat, daysAgo(60))
  const ids = closedMeetingWithResolutions(database, fx.users.facilitator, fx.villages.papdi.id, kids, 2, daysAgo(30))
  // Answer times: 2 and 6 days to acknowledge, 10 days to decide the first.
  forwardResolution(rekha, ids.passed[0], {
    forwardedOn: daysAgo(20),
    addressedTo: 'Sarpanch',
    way: 'letter',
    note: '',
  })
  forwardResolution(rekha, ids.passed[1], {
    forwardedOn: daysAgo(20),
    addressedTo: 'Sarpanch',
    way: 'letter',
    note: '',
  })
  acknowledgeResolution(sarpanch, ids.passed[0], daysAgo(18))
  acknowledgeResolution(sarpanch, ids.passed[1], daysAgo(14))
  decideResolution(sarpanch, ids.passed[0], {
    decision: 'declined',
    on: daysAgo(10),
    text: 'No land',
    targetDate: null,
  })
  // A by-election on the tablet in Bhangdoli: two of three girls vote, one of two boys.
  const kamla = ctxFor(database, fx.users.otherFacilitator)
  const voters = villageChildren(database, fx.users.otherFacilitator, fx.villages.bhangdoli.id, [
    ['Asha', 'girl'],
    ['Rani', 'girl'],
    ['Leela', 'girl'],
    ['Mohan', 'boy'],
    ['Hari', 'boy'],
  ])
  const election = createElection(kamla, fx.villages.bhangdoli.id, electionInput())
  const contest = addContest(kamla, election.id, contestInput({ seats: '1' }))
  openNominations(kamla, election.id)
  const asha = nominate(kamla, election.id, contest.id, { childId: voters.Asha, symbol: 'sun' }).id
  openPoll(kamla, election.id)
  let state = await openStation(kamla, election.id, '2468')
  for (const name of ['Asha', 'Rani', 'Mohan']) {
    if (!state.unlocked) state = await unlockStation(kamla, state, '2468')
    state = issueBallot(kamla, state, voters[name])
    state = await castBallot(kamla, state, state.ballot!.token, new Map([[contest.id, [asha]]]))
  }
})
afterAll(() => database.close())

describe('the coordinator’s figures', () => {
  it('counts girls among candidates, the elected and the leaders, with the rule’s minimum', () => {
    const [papdi] = representation(database.db, fx.villages.papdi.id)
    expect(papdi).toMatchObject({
      candidates: 10,
      girlCandidates: 6,
      elected: 10,
      girlsElected: 6,
      leaders: 1,
      girlLeaders: 1,
      seats: 10,
      girlsMinimum: 0,
    })
    expect(papdi.electedShare).toBeCloseTo(0.6)
  })

  it('gives turnout of girls and boys from the tablet’s check-offs, never from ballots', () => {
    const [row] = turnout(database.db, fx.villages.bhangdoli.id)
    expect(row).toMatchObject({ girlsVoted: 2, girlsOnRoll: 3, boysVoted: 1, boysOnRoll: 2 })
    expect(turnout(database.db, fx.villages.papdi.id)).toEqual([])
  })

  it('gives meeting attendance by gender at closed meetings', () => {
    expect(meetingAttendance(database.db, fx.villages.papdi.id)).toEqual([
      expect.objectContaining({ meetings: 1, girlsPresent: 2, girlsExpected: 6, boysPresent: 4, boysExpected: 4 }),
    ])
  })

  it('sorts resolutions by category and outcome', () => {
    const sanitation = resolutionOutcomes(database.db).find((r) => r.category === 'sanitation')!
    expect(sanitation).toMatchObject({ not_passed: 1, waiting: 1, declined: 1, total: 3 })
  })

  it('takes the median days from forwarding to acknowledgement and to decision', () => {
    expect(median([])).toBeNull()
    expect(median([5, 1, 3])).toBe(3)
    expect(median([2, 6])).toBe(4)
    expect(answerTimes(database.db, fx.villages.papdi.id)).toEqual([
      expect.objectContaining({
        forwarded: 2,
        acknowledged: 2,
        decided: 1,
        medianDaysToAcknowledge: 4,
        medianDaysToDecide: 10,
      }),
    ])
  })

  it('are the coordinator’s alone', () => {
    expect(() => figures(ctxFor(database, fx.users.facilitator))).toThrow(Forbidden)
    expect(figures(operatorCtx(database)).representation).toHaveLength(1)
  })

  it('draws charts whose labels are escaped text', () => {
    const svg = barChart(
      [{ label: '<script>x</script>', bars: [{ value: 0.5, cls: 'girl', text: '50%' }], marker: 0.4 }],
      'A "chart"',
    )
    expect(svg).not.toContain('<script>')
    expect(svg).toContain('&lt;script&gt;')
    expect(svg).toContain('aria-label="A &quot;chart&quot;"')
    expect(svg).toMatch(/<rect x="4" y="\d+" width="150" height="12" rx="3" class="bar girl"\/>/)
  })
})
