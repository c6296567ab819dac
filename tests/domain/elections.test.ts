import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { freshDatabase, seedVillages, ctxFor } from '../helpers/app.ts'
import { contestInput, electionInput, villageChildren } from '../helpers/elections.ts'
import {
  addContest,
  createElection,
  eligibleToStand,
  getElection,
  nominate,
  openNominations,
  openPoll,
  removeContest,
  updateContest,
  withdrawCandidate,
} from '../../src/elections/elections.ts'
import {
  closePoll,
  countElection,
  enterPaperCount,
  publishResult,
  voidPaperCount,
} from '../../src/elections/counting.ts'
import { balPanchayat, memberLeaves } from '../../src/elections/bal-panchayat.ts'
import { nextStage, stageOf } from '../../src/elections/stages.ts'
import { auditLog } from '../../src/audit/tables.ts'
import { members } from '../../src/elections/tables.ts'
import { withdrawConsent } from '../../src/people/children.ts'
import { Conflict, InvalidInput, NotFound } from '../../src/core/errors.ts'

let database: ReturnType<typeof freshDatabase>
let fx: Awaited<ReturnType<typeof seedVillages>>
let ctx: ReturnType<typeof ctxFor>
let kids: Record<string, number>
beforeEach(async () => {
  database = freshDatabase()
  fx = await seedVillages(database)
  ctx = ctxFor(database, fx.users.facilitator)
  kids = villageChildren(database, fx.users.facilitator, fx.villages.papdi.id, [
    ['Ravi', 'boy'],
    ['Sunil', 'boy'],
    ['Mukesh', 'boy'],
    ['Meena', 'girl'],
    ['Sunita', 'girl'],
    ['Pooja', 'girl'],
    ['Tiny', 'girl', 7],
  ])
})
afterEach(() => database.close())

const votes = (cands: { id: number; name: string }[], byName: Record<string, number>) =>
  new Map(cands.map((c) => [c.id, byName[c.name] ?? 0]))

describe('the stages of an election', () => {
  it('move forward one at a time, and the stage is the furthest reached', () => {
    expect(nextStage('draft')).toBe('nominations')
    expect(nextStage('poll_closed')).toBe('result_published')
    expect(nextStage('result_published')).toBeNull()
    expect(stageOf([])).toBe('draft')
    expect(stageOf([{ stage: 'nominations' }, { stage: 'poll_open' }])).toBe('poll_open')
  })
})

describe('running an election', () => {
  function setUp() {
    const election = createElection(ctx, fx.villages.papdi.id, electionInput())
    const contest = addContest(ctx, election.id, contestInput())
    openNominations(ctx, election.id)
    const symbolsFor: Record<string, string> = {
      Ravi: 'sun',
      Sunil: 'kite',
      Mukesh: 'tree',
      Meena: 'flower',
      Sunita: 'star',
      Pooja: 'book',
    }
    for (const [name, symbol] of Object.entries(symbolsFor))
      nominate(ctx, election.id, contest.id, { childId: kids[name], symbol })
    return { election, contest }
  }

  it('only children of age, in the village and with consent may stand, once per election', () => {
    const election = createElection(ctx, fx.villages.papdi.id, electionInput())
    const contest = addContest(ctx, election.id, contestInput())
    const leaders = addContest(
      ctx,
      election.id,
      contestInput({ name: 'Leaders', seats: '2', seatTitles: 'Pradhan\nUp-Pradhan' }),
    )
    openNominations(ctx, election.id)
    withdrawConsent(ctx, fx.villages.papdi.id, kids.Pooja)
    const names = eligibleToStand(ctx, election.id).map((c) => c.name)
    expect(names).toEqual(['Meena', 'Mukesh', 'Ravi', 'Sunil', 'Sunita'])
    expect(() => nominate(ctx, election.id, contest.id, { childId: kids.Tiny, symbol: 'sun' })).toThrow(InvalidInput)
    expect(() => nominate(ctx, election.id, contest.id, { childId: kids.Pooja, symbol: 'sun' })).toThrow(InvalidInput)
    nominate(ctx, election.id, contest.id, { childId: kids.Meena, symbol: 'sun' })
    expect(() => nominate(ctx, election.id, leaders.id, { childId: kids.Meena, symbol: 'kite' })).toThrow(InvalidInput)
    expect(() => nominate(ctx, election.id, contest.id, { childId: kids.Ravi, symbol: 'sun' })).toThrowError(
      expect.objectContaining({ fields: { symbol: { key: 'v.symbolTaken' } } }),
    )
    expect(() => nominate(ctx, election.id, contest.id, { childId: kids.Ravi, symbol: 'lotus' })).toThrow(InvalidInput)
  })

  it('the poll does not open with an empty contest, and nothing about contests changes once it is open', () => {
    const { election, contest } = setUp()
    const empty = addContest(ctx, election.id, contestInput({ name: 'Leaders', seats: '1' }))
    expect(() => openPoll(ctx, election.id)).toThrowError(
      expect.objectContaining({ messageKey: 'elections.emptyContest', params: { contests: 'Leaders' } }),
    )
    removeContest(ctx, election.id, empty.id)
    openPoll(ctx, election.id)
    expect(getElection(ctx, election.id).stage).toBe('poll_open')
    expect(() => updateContest(ctx, election.id, contest.id, contestInput({ seats: '5' }))).toThrow(Conflict)
    expect(() => addContest(ctx, election.id, contestInput())).toThrow(Conflict)
    expect(() => nominate(ctx, election.id, contest.id, { childId: kids.Tiny, symbol: 'bell' })).toThrow(Conflict)
    expect(() => withdrawCandidate(ctx, election.id, 1)).toThrow(Conflict)
    openPoll(ctx, election.id) // a double tap is harmless
  })

  it('paper counts add up, a wrong one can be struck out, and impossible totals are refused', () => {
    const { election, contest } = setUp()
    openPoll(ctx, election.id)
    const cands = countless(election.id)
    expect(() =>
      enterPaperCount(ctx, election.id, contest.id, { ballots: 5, note: '', votes: votes(cands, { Ravi: 6 }) }),
    ).toThrow(InvalidInput)
    expect(() =>
      enterPaperCount(ctx, election.id, contest.id, {
        ballots: 2,
        note: '',
        votes: votes(cands, { Ravi: 2, Sunil: 2, Meena: 2, Pooja: 1 }),
      }),
    ).toThrowError(expect.objectContaining({ fields: { ballots: { key: 'v.tooManyMarks', params: { n: 3 } } } }))
    enterPaperCount(ctx, election.id, contest.id, {
      ballots: 20,
      note: 'booth 1',
      votes: votes(cands, { Ravi: 12, Sunil: 11, Mukesh: 10, Meena: 9, Sunita: 5, Pooja: 4 }),
    })
    const wrong = enterPaperCount(ctx, election.id, contest.id, {
      ballots: 5,
      note: 'typo',
      votes: votes(cands, { Pooja: 5 }),
    })
    voidPaperCount(ctx, election.id, wrong.id)
    closePoll(ctx, election.id, { source: 'random' })
    const [count] = countElection(ctx, election.id)
    expect(count.ballots).toBe(20)
    expect(Object.fromEntries(count.candidates.map((c) => [c.name, c.votes]))).toMatchObject({ Ravi: 12, Pooja: 4 })
    // Half of 3 seats, rounded up: 2 girls. Mukesh gives way to Meena, then Sunil to Sunita.
    const name = (id: string | null) => count.candidates.find((c) => String(c.id) === id)?.name
    expect(count.result.elected.map(name)).toEqual(['Ravi', 'Meena', 'Sunita'])
    expect(count.plain.elected.map(name)).toEqual(['Ravi', 'Sunil', 'Mukesh'])
  })

  it("lots from a draw of chits must number each contest's candidates 1..n once", () => {
    const { election } = setUp()
    openPoll(ctx, election.id)
    const cands = countless(election.id)
    const chits = new Map(cands.map((c, i) => [c.id, i + 1]))
    chits.set(cands[1].id, 1)
    expect(() => closePoll(ctx, election.id, { source: 'chits', lots: chits })).toThrow(InvalidInput)
    expect(getElection(ctx, election.id).stage).toBe('poll_open')
    closePoll(ctx, election.id, { source: 'chits', lots: new Map(cands.map((c, i) => [c.id, cands.length - i])) })
    expect(
      countElection(ctx, election.id)[0]
        .candidates.map((c) => c.lot)
        .sort(),
    ).toEqual([1, 2, 3, 4, 5, 6])
  })

  it('publishing freezes the count and seats the elected, with seat titles, as the Bal Panchayat', () => {
    const election = createElection(ctx, fx.villages.papdi.id, electionInput())
    const leaders = addContest(
      ctx,
      election.id,
      contestInput({
        name: 'Leaders',
        seats: '2',
        seatTitles: 'Pradhan\nUp-Pradhan',
        share: 'number',
        girlsMinimum: '1',
      }),
    )
    openNominations(ctx, election.id)
    for (const [n, s] of [
      ['Ravi', 'sun'],
      ['Sunil', 'kite'],
      ['Meena', 'flower'],
      ['Sunita', 'star'],
    ] as const)
      nominate(ctx, election.id, leaders.id, { childId: kids[n], symbol: s })
    openPoll(ctx, election.id)
    const cands = countless(election.id)
    enterPaperCount(ctx, election.id, leaders.id, {
      ballots: 70,
      note: '',
      votes: votes(cands, { Ravi: 40, Sunil: 35, Meena: 30, Sunita: 20 }),
    })
    closePoll(ctx, election.id, { source: 'random' })
    publishResult(ctx, election.id)
    publishResult(ctx, election.id)
    const seated = balPanchayat(ctx, fx.villages.papdi.id)[0].contests[0].seats
    expect(seated.map((s) => [s.title, s.current?.name])).toEqual([
      ['Pradhan', 'Ravi'],
      ['Up-Pradhan', 'Meena'],
    ])
    // Later paper counts cannot change a published result.
    expect(() =>
      enterPaperCount(ctx, election.id, leaders.id, { ballots: 1, note: '', votes: votes(cands, { Sunil: 1 }) }),
    ).toThrow(Conflict)
    const actions = database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.subject, 'election'))
      .all()
      .map((a) => a.action)
    expect(actions).toEqual(
      expect.arrayContaining([
        'election.created',
        'contest.added',
        'election.nominations',
        'candidate.nominated',
        'election.poll_open',
        'paper_count.entered',
        'election.poll_closed',
        'election.result_published',
      ]),
    )
  })

  it('a girl who leaves is replaced by the next girl in the count; a boy by the next candidate', () => {
    const { election, contest } = setUp()
    openPoll(ctx, election.id)
    const cands = countless(election.id)
    enterPaperCount(ctx, election.id, contest.id, {
      ballots: 30,
      note: '',
      votes: votes(cands, { Ravi: 12, Sunil: 11, Mukesh: 10, Meena: 9, Sunita: 5, Pooja: 4 }),
    })
    closePoll(ctx, election.id, { source: 'random' })
    publishResult(ctx, election.id)
    const seatOf = (name: string) => database.db.select().from(members).where(eq(members.childId, kids[name])).get()!
    const r1 = memberLeaves(ctx, fx.villages.papdi.id, seatOf('Meena').id, {
      leftOn: '2026-12-01',
      reason: 'moved away',
    })
    expect(r1).toEqual({ replacement: 'Pooja', girlSeat: true })
    const r2 = memberLeaves(ctx, fx.villages.papdi.id, seatOf('Ravi').id, { leftOn: '2026-12-02', reason: 'studies' })
    expect(r2.replacement).toBe('Sunil')
    expect(() =>
      memberLeaves(ctx, fx.villages.papdi.id, seatOf('Ravi').id, { leftOn: '2026-12-02', reason: 'again' }),
    ).toThrow(Conflict)
    expect(() =>
      memberLeaves(ctxFor(database, fx.users.otherFacilitator), fx.villages.bhangdoli.id, seatOf('Sunil').id, {
        leftOn: '2026-12-02',
        reason: 'x',
      }),
    ).toThrow(NotFound)
  })

  it('a facilitator of another village cannot see or touch the election', () => {
    const { election } = setUp()
    const other = ctxFor(database, fx.users.otherFacilitator)
    expect(() => getElection(other, election.id)).toThrow(NotFound)
    expect(() => openPoll(other, election.id)).toThrow(NotFound)
  })

  function countless(electionId: number) {
    return database.sqlite
      .prepare('SELECT c.id, ch.name FROM candidates c JOIN children ch ON ch.id = c.child_id WHERE c.election_id = ?')
      .all(electionId) as { id: number; name: string }[]
  }
})
