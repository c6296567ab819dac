import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { freshDatabase, seedVillages, ctxFor } from '../helpers/app.ts'
import { contestInput, electionInput, villageChildren } from '../helpers/elections.ts'
import {
  addContest,
  createElection,
  nominate,
  openNominations,
  openPoll,
  type Contest,
} from '../../src/elections/elections.ts'
import { closePoll, countElection } from '../../src/elections/counting.ts'
import {
  BALLOT_TTL_MS,
  addToRoll,
  ballotStatus,
  ballotsHeld,
  castBallot,
  endBallot,
  issueBallot,
  openStation,
  rollAdditions,
  voterRoll,
  type StationState,
} from '../../src/elections/voting.ts'
import { openDatabase } from '../../src/database.ts'
import { clearBox } from '../../src/elections/ballot-box.ts'
import { withdrawConsent } from '../../src/people/children.ts'
import { Conflict, InvalidInput, NotFound } from '../../src/core/errors.ts'

let database: ReturnType<typeof freshDatabase>
let ctx: ReturnType<typeof ctxFor>
let kids: Record<string, number>
let electionId: number
let members: Contest
let leaders: Contest
let cand: Record<string, number>

beforeEach(async () => {
  database = freshDatabase()
  const fx = await seedVillages(database)
  ctx = ctxFor(database, fx.users.facilitator)
  kids = villageChildren(database, fx.users.facilitator, fx.villages.papdi.id, [
    ['Ravi', 'boy', 12],
    ['Meena', 'girl', 12],
    ['Sunita', 'girl', 14],
    ['Gopal', 'boy', 15],
    ['Asha', 'girl', 8],
    ['Baby', 'girl', 4],
    ['Kamal', 'boy', 19],
  ])
  electionId = createElection(ctx, fx.villages.papdi.id, electionInput()).id
  members = addContest(ctx, electionId, contestInput({ seats: '2' }))
  leaders = addContest(ctx, electionId, contestInput({ name: 'Leaders', seats: '1' }))
  openNominations(ctx, electionId)
  cand = {
    Ravi: nominate(ctx, electionId, members.id, { childId: kids.Ravi, symbol: 'sun' }).id,
    Meena: nominate(ctx, electionId, members.id, { childId: kids.Meena, symbol: 'kite' }).id,
    Gopal: nominate(ctx, electionId, members.id, { childId: kids.Gopal, symbol: 'tree' }).id,
    Sunita: nominate(ctx, electionId, leaders.id, { childId: kids.Sunita, symbol: 'star' }).id,
  }
  openPoll(ctx, electionId)
})
afterEach(() => database.close())

async function station(): Promise<StationState> {
  return openStation(ctx, electionId, '4321')
}
const vote = async (state: StationState, childId: number, marks: [number, number[]][]) => {
  const issued = issueBallot(ctx, state, childId)
  return { issued, after: await castBallot(ctx, issued, issued.ballot!.token, new Map(marks)) }
}
const count = (where: string) => database.sqlite.prepare(`SELECT count(*) FROM ${where}`).pluck().get() as number
const ballots = () => count('box_slots WHERE filled')
const checkoffs = () => count('box_checkoffs WHERE voted')
/** The ballots in a contest as the box holds them: the candidate ids marked on each, sorted. */
const ballotsOf = (contestId: number) => {
  const order = JSON.parse(
    database.sqlite
      .prepare('SELECT candidate_ids FROM box_contests WHERE contest_id = ?')
      .pluck()
      .get(contestId) as string,
  ) as number[]
  return (
    database.sqlite
      .prepare('SELECT marks FROM box_slots WHERE contest_id = ? AND filled')
      .pluck()
      .all(contestId) as Buffer[]
  )
    .map((b) => order.filter((_, i) => b[i >> 3] & (1 << (i & 7))))
    .map((ids) => ids.join(','))
    .sort()
}

describe('the voter roll', () => {
  it('is fixed when the poll opens: children of voting age with consent, and who has voted — never how', async () => {
    const names = voterRoll(ctx, electionId).voters.map((v) => v.name)
    expect(names).toEqual(['Asha', 'Gopal', 'Meena', 'Ravi', 'Sunita'])
    // Consent withdrawn, or a new child registered, after opening: the roll stays as it was laid out.
    withdrawConsent(ctx, 1, kids.Asha)
    villageChildren(database, ctx.actor, ctx.actor.villageId!, [['Late', 'girl', 11]])
    expect(voterRoll(ctx, electionId).voters.map((v) => v.name)).toEqual(names)
    const s = await station()
    await vote(s, kids.Meena, [[members.id, [cand.Meena]]])
    const roll = voterRoll(ctx, electionId)
    expect(roll.voters.find((v) => v.name === 'Meena')).toMatchObject({ voted: true })
    expect(roll).toMatchObject({ cast: 1, total: 5, girls: { voted: 1, total: 3 }, boys: { voted: 0, total: 2 } })
    // The roll knows who voted, and nothing of what they chose.
    expect(Object.keys(roll.voters[0]).sort()).toEqual([
      'dateOfBirth',
      'gender',
      'guardianName',
      'id',
      'name',
      'voted',
      'ward',
    ])
  })

  it('takes a child added after opening only by a logged act, with a check-off and a slot laid out as the others', async () => {
    const late = villageChildren(database, ctx.actor, ctx.actor.villageId!, [['Late', 'girl', 11]]).Late
    expect(rollAdditions(ctx, electionId).map((c) => c.name)).toEqual(['Late'])
    const s = await station()
    expect(() => issueBallot(ctx, s, late)).toThrow(NotFound)
    const slotsBefore = count(`box_slots WHERE contest_id = ${members.id}`)
    addToRoll(ctx, electionId, late)
    addToRoll(ctx, electionId, late) // a double tap adds nothing more
    expect(count(`box_checkoffs WHERE election_id = ${electionId}`)).toBe(6)
    expect(count(`box_slots WHERE contest_id = ${members.id}`)).toBe(slotsBefore + 1)
    expect(
      database.sqlite.prepare("SELECT count(*) FROM audit_log WHERE action = 'roll.child_added'").pluck().get(),
    ).toBe(1)
    await vote(s, late, [[members.id, [cand.Meena]]])
    expect(rollAdditions(ctx, electionId)).toEqual([])
    expect(voterRoll(ctx, electionId).cast).toBe(1)
  })
})

describe('casting a ballot', () => {
  it('overwrites a check-off and a slot per contest in place; the box names no child beside a ballot and keeps no time', async () => {
    const slots = count('box_slots')
    const s = await station()
    await vote(s, kids.Ravi, [
      [members.id, [cand.Meena, cand.Gopal]],
      [leaders.id, [cand.Sunita]],
    ])
    await vote(s, kids.Meena, [[members.id, [cand.Meena]]])
    await vote(s, kids.Gopal, [[leaders.id, [cand.Sunita]]])
    expect(checkoffs()).toBe(3)
    expect(ballots()).toBe(6) // one per contest per voter, skipped contests included as blanks
    expect(count('box_slots')).toBe(slots) // nothing inserted: empty slots were filled
    expect(ballotsOf(members.id)).toEqual(
      ['', `${cand.Meena}`, [cand.Meena, cand.Gopal].sort((a, b) => a - b).join(',')].sort(),
    )
    expect(ballotsOf(leaders.id)).toEqual(['', `${cand.Sunita}`, `${cand.Sunita}`])
    const columns = (t: string) =>
      (database.sqlite.prepare(`PRAGMA box.table_info(${t})`).all() as { name: string }[]).map((c) => c.name)
    expect(columns('box_slots')).toEqual(['id', 'contest_id', 'filled', 'marks'])
    expect(columns('box_checkoffs')).toEqual(['id', 'election_id', 'child_id', 'voted'])
    // The main database holds no ballot and no check-off at all.
    const mainTables = database.sqlite
      .prepare("SELECT name FROM main.sqlite_master WHERE type = 'table'")
      .pluck()
      .all() as string[]
    expect(mainTables.filter((n) => /ballot|checkoff|slot/.test(n))).toEqual([])
    expect(
      database.sqlite
        .prepare("SELECT count(*) FROM audit_log WHERE detail LIKE '%ballot%' OR action LIKE 'ballot%'")
        .pluck()
        .get(),
    ).toBe(0)
  })

  it('a child votes once: a second ballot is not even issued, and a replayed or second cast writes nothing', async () => {
    const s = await station()
    const { issued } = await vote(s, kids.Ravi, [[members.id, [cand.Ravi]]])
    expect(() => issueBallot(ctx, s, kids.Ravi)).toThrowError(
      expect.objectContaining({ messageKey: 'voting.alreadyVoted' }),
    )
    // The same ballot sent again (its answer lost) is answered as the first was, with other marks ignored.
    await expect(
      castBallot(ctx, issued, issued.ballot!.token, new Map([[members.id, [cand.Gopal]]])),
    ).resolves.toMatchObject({ ended: 'counted', ballot: undefined })
    expect(ballotsOf(members.id)).toEqual([`${cand.Ravi}`])
    // Meena's ballot handed out on a second tablet cancels the first tablet's: only one can be cast.
    const tablet2 = await station()
    const a = issueBallot(ctx, s, kids.Meena)
    const b = issueBallot(ctx, tablet2, kids.Meena)
    await expect(castBallot(ctx, a, a.ballot!.token, new Map([[members.id, [cand.Meena]]]))).rejects.toMatchObject({
      messageKey: 'voting.noBallot',
    })
    await castBallot(ctx, b, b.ballot!.token, new Map([[members.id, [cand.Gopal]]]))
    expect(checkoffs()).toBe(2)
    expect(ballotsOf(members.id)).toEqual([`${cand.Gopal}`, `${cand.Ravi}`].sort())
  })

  it("keeps in memory only the ballots in children's hands: each is forgotten once cast, given up, handed out again or expired", async () => {
    const s = await station()
    const tablet2 = await station()
    for (const child of [kids.Ravi, kids.Meena]) await vote(s, child, [[members.id, [cand.Ravi]]])
    expect(ballotsHeld(database.db)).toBe(0)
    endBallot(database, issueBallot(ctx, s, kids.Gopal))
    expect(ballotsHeld(database.db)).toBe(0)
    // Handed out again on another tablet: the first is forgotten, not kept beside it, however often.
    for (let i = 0; i < 100; i++) issueBallot(ctx, i % 2 ? s : tablet2, kids.Sunita)
    const second = issueBallot(ctx, tablet2, kids.Sunita)
    expect(ballotsHeld(database.db)).toBe(1)
    // Expired: forgotten when the next ballot is handed out.
    const realNow = Date.now
    try {
      Date.now = () => realNow() + BALLOT_TTL_MS + 1
      issueBallot(ctx, s, kids.Gopal)
    } finally {
      Date.now = realNow
    }
    expect(ballotsHeld(database.db)).toBe(1)
    expect(ballotStatus(database, second)).toBe('lost')
  })

  it('fifty casts of one ballot, sent together, give exactly one ballot, and each is told it counted', async () => {
    const s = await station()
    const issued = issueBallot(ctx, s, kids.Sunita)
    // All fifty arrive together: the first is cast, the others wait for its answer and share it.
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        castBallot(ctx, issued, issued.ballot!.token, new Map([[leaders.id, [cand.Sunita]]])),
      ),
    )
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(50)
    expect(checkoffs()).toBe(1)
    expect(ballots()).toBe(2)
  })

  it('refuses too many marks, a candidate of another contest or a made-up one, writing nothing', async () => {
    const s = await station()
    const issued = issueBallot(ctx, s, kids.Gopal)
    const tryCast = (marks: [number, number[]][]) => castBallot(ctx, issued, issued.ballot!.token, new Map(marks))
    await expect(tryCast([[members.id, [cand.Ravi, cand.Meena, cand.Gopal]]])).rejects.toThrow(InvalidInput)
    await expect(tryCast([[members.id, [cand.Ravi, cand.Ravi]]])).rejects.toThrow(InvalidInput)
    await expect(tryCast([[members.id, [cand.Sunita]]])).rejects.toThrow(InvalidInput)
    await expect(tryCast([[members.id, [99999]]])).rejects.toThrow(InvalidInput)
    await expect(tryCast([[99999, [cand.Ravi]]])).rejects.toThrow(InvalidInput)
    expect(checkoffs() + ballots()).toBe(0)
    await castBallot(ctx, issued, issued.ballot!.token, new Map([[members.id, [cand.Ravi, cand.Meena]]]))
    expect(checkoffs()).toBe(1)
  })

  it('an abandoned, expired or forgotten ballot counts nothing, and a closed poll takes no ballot', async () => {
    const s = await station()
    const issued = issueBallot(ctx, s, kids.Gopal)
    await expect(castBallot(ctx, issued, 'forged-token', new Map())).rejects.toThrow(Conflict)
    const realNow = Date.now
    try {
      Date.now = () => realNow() + BALLOT_TTL_MS + 1
      expect(ballotStatus(database, issued)).toBe('expired')
      await expect(castBallot(ctx, issued, issued.ballot!.token, new Map())).rejects.toMatchObject({
        messageKey: 'voting.noBallot',
      })
    } finally {
      Date.now = realNow
    }
    // The server's memory is all that ties a token to a child: without it (a restart) the ballot is void.
    const again = issueBallot(ctx, { ...s, unlocked: true }, kids.Gopal)
    const restarted = openDatabase(database.sqlite.name)
    try {
      const after = ctxFor(restarted, ctx.actor)
      expect(ballotStatus(restarted, again)).toBe('lost')
      await expect(castBallot(after, again, again.ballot!.token, new Map())).rejects.toMatchObject({
        messageKey: 'voting.noBallot',
      })
    } finally {
      restarted.close()
    }
    closePoll(ctx, electionId, { source: 'random' })
    await expect(castBallot(ctx, again, again.ballot!.token, new Map())).rejects.toMatchObject({
      messageKey: 'voting.pollNotOpen',
    })
    expect(checkoffs()).toBe(0)
  })

  it('tablet ballots and paper counts add up in one count', async () => {
    const s = await station()
    await vote(s, kids.Ravi, [[members.id, [cand.Meena, cand.Gopal]]])
    await vote(s, kids.Meena, [
      [members.id, [cand.Meena]],
      [leaders.id, [cand.Sunita]],
    ])
    const { enterPaperCount } = await import('../../src/elections/counting.ts')
    enterPaperCount(ctx, electionId, members.id, {
      ballots: 10,
      note: '',
      votes: new Map([
        [cand.Ravi, 7],
        [cand.Meena, 3],
        [cand.Gopal, 2],
      ]),
    })
    closePoll(ctx, electionId, { source: 'random' })
    const [m] = countElection(ctx, electionId)
    expect(m.ballots).toBe(12)
    expect(Object.fromEntries(m.candidates.map((c) => [c.name, c.votes]))).toEqual({ Ravi: 7, Meena: 5, Gopal: 3 })
  })
})

describe('the recount', () => {
  it('holds the box against its sealed digest, and an election from before the box (paper only) recounts without one', async () => {
    const s = await station()
    await vote(s, kids.Ravi, [[members.id, [cand.Meena]]])
    const { enterPaperCount, verifyCount } = await import('../../src/elections/counting.ts')
    enterPaperCount(ctx, electionId, members.id, {
      ballots: 3,
      note: '',
      votes: new Map([
        [cand.Ravi, 2],
        [cand.Gopal, 1],
      ]),
    })
    closePoll(ctx, electionId, { source: 'random' })
    expect(verifyCount(ctx, electionId)).toMatchObject({
      digestMatches: true,
      ok: true,
      contests: [
        { ballots: 4, same: true },
        { ballots: 1, same: true },
      ],
    })
    clearBox(database.db, electionId)
    expect(verifyCount(ctx, electionId)).toMatchObject({
      digestOnSheet: null,
      digestNow: null,
      digestMatches: true,
      ok: true,
      contests: [
        { ballots: 3, same: true },
        { ballots: 0, same: true },
      ],
    })
  })
})
