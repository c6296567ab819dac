import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { freshDatabase, seedVillages, ctxFor } from '../helpers/app.ts'
import { contestInput, electionInput, villageChildren } from '../helpers/elections.ts'
import { addContest, createElection, nominate, openNominations, openPoll, type Contest } from '../../src/elections/elections.ts'
import { closePoll, countElection } from '../../src/elections/counting.ts'
import { BALLOT_TTL_MS, castBallot, issueBallot, openStation, unlockStation, voterRoll, type StationState } from '../../src/elections/voting.ts'
import { withdrawConsent } from '../../src/people/children.ts'
import { Conflict, InvalidInput } from '../../src/web/errors.ts'

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
    ['Ravi', 'boy', 12], ['Meena', 'girl', 12], ['Sunita', 'girl', 14], ['Gopal', 'boy', 15], ['Asha', 'girl', 8], ['Baby', 'girl', 4], ['Kamal', 'boy', 19],
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

async function station(): Promise<StationState> { return openStation(ctx, electionId, '4321') }
const vote = async (state: StationState, childId: number, marks: [number, number[]][]) => {
  const issued = issueBallot(ctx, state, childId)
  return { issued, after: await castBallot(ctx, issued, issued.ballot!.token, new Map(marks)) }
}
const rows = (table: string) => database.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number

describe('the voter roll', () => {
  it('lists children of voting age with consent, and who has voted — never how', async () => {
    withdrawConsent(ctx, 1, kids.Asha)
    const names = voterRoll(ctx, electionId).voters.map((v) => v.name)
    expect(names).toEqual(['Gopal', 'Meena', 'Ravi', 'Sunita'])
    const s = await station()
    await vote(s, kids.Meena, [[members.id, [cand.Meena]]])
    const roll = voterRoll(ctx, electionId)
    expect(roll.voters.find((v) => v.name === 'Meena')).toMatchObject({ voted: true })
    expect(roll).toMatchObject({ cast: 1, total: 4, girls: { voted: 1, total: 2 }, boys: { voted: 0, total: 2 } })
    // The roll knows who voted, and nothing of what they chose.
    expect(Object.keys(roll.voters[0]).sort()).toEqual(['dateOfBirth', 'gender', 'guardianName', 'id', 'name', 'voted', 'ward'])
  })
})

describe('casting a ballot', () => {
  it('writes the check-off and the ballot in separate tables; the ballot names no child and keeps no time or order', async () => {
    const s = await station()
    await vote(s, kids.Ravi, [[members.id, [cand.Meena, cand.Gopal]], [leaders.id, [cand.Sunita]]])
    await vote(s, kids.Meena, [[members.id, [cand.Meena]]])
    await vote(s, kids.Gopal, [[leaders.id, [cand.Sunita]]])
    expect(rows('checkoffs')).toBe(3)
    expect(rows('ballots')).toBe(6) // one per contest per voter, skipped contests included
    expect(rows('ballot_marks')).toBe(5)
    const columns = (t: string) => (database.sqlite.prepare(`PRAGMA table_info(${t})`).all() as { name: string }[]).map((c) => c.name)
    expect(columns('ballots')).toEqual(['id', 'contest_id'])
    expect(columns('ballot_marks')).toEqual(['ballot_id', 'contest_id', 'candidate_id'])
    expect(columns('checkoffs')).toEqual(['election_id', 'child_id'])
    for (const t of ['ballots', 'ballot_marks', 'checkoffs']) {
      expect(database.sqlite.prepare("SELECT sql FROM sqlite_master WHERE name = ?").pluck().get(t)).toMatch(/WITHOUT ROWID$/)
      expect(() => database.sqlite.prepare(`SELECT rowid FROM ${t}`).all()).toThrow(/no such column: rowid/)
    }
    // Ballot ids are random: stored in id order, which says nothing of the order they were cast.
    const ids = database.sqlite.prepare('SELECT id FROM ballots').pluck().all() as string[]
    expect(ids.every((id) => /^[A-Za-z0-9_-]{22}$/.test(id))).toBe(true)
    expect(database.sqlite.prepare("SELECT count(*) FROM audit_log WHERE detail LIKE '%ballot%' OR action LIKE 'ballot%'").pluck().get()).toBe(0)
  })

  it('a child votes once: a second ballot is not even issued, and a replayed or second cast writes nothing', async () => {
    const s = await station()
    const { issued } = await vote(s, kids.Ravi, [[members.id, [cand.Ravi]]])
    expect(() => issueBallot(ctx, s, kids.Ravi)).toThrowError(expect.objectContaining({ messageKey: 'voting.alreadyVoted' }))
    await expect(castBallot(ctx, issued, issued.ballot!.token, new Map([[members.id, [cand.Gopal]]]))).rejects.toThrow(Conflict)
    // Two tablets each issued a ballot to Meena before either was cast: only the first counts.
    const tablet2 = await station()
    const a = issueBallot(ctx, s, kids.Meena)
    const b = issueBallot(ctx, tablet2, kids.Meena)
    await castBallot(ctx, a, a.ballot!.token, new Map([[members.id, [cand.Meena]]]))
    await expect(castBallot(ctx, b, b.ballot!.token, new Map([[members.id, [cand.Gopal]]]))).rejects.toMatchObject({ messageKey: 'voting.alreadyVoted' })
    expect(rows('checkoffs')).toBe(2)
    expect(rows('ballot_marks')).toBe(2)
  })

  it('fifty casts for one child, from five tablets, give exactly one ballot', async () => {
    const states = await Promise.all(Array.from({ length: 5 }, () => station()))
    const issued = Array.from({ length: 50 }, (_, i) => issueBallot(ctx, states[i % 5], kids.Sunita))
    // All fifty arrive together and go into one group commit: only one survives.
    const outcomes = await Promise.allSettled(issued.map((st) => castBallot(ctx, st, st.ballot!.token, new Map([[leaders.id, [cand.Sunita]]]))))
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1)
    expect(rows('checkoffs')).toBe(1)
    expect(rows('ballots')).toBe(2)
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
    expect(rows('checkoffs') + rows('ballots')).toBe(0)
    await castBallot(ctx, issued, issued.ballot!.token, new Map([[members.id, [cand.Ravi, cand.Meena]]]))
    expect(rows('checkoffs')).toBe(1)
  })

  it('an abandoned or expired ballot counts nothing, and a closed poll takes no ballot', async () => {
    const s = await station()
    const issued = issueBallot(ctx, s, kids.Gopal)
    const stale = { ...issued, ballot: { ...issued.ballot!, issuedAt: Date.now() - BALLOT_TTL_MS - 1 } }
    await expect(castBallot(ctx, stale, stale.ballot.token, new Map())).rejects.toMatchObject({ messageKey: 'voting.noBallot' })
    await expect(castBallot(ctx, issued, 'forged-token', new Map())).rejects.toThrow(Conflict)
    closePoll(ctx, electionId, { source: 'random' })
    await expect(castBallot(ctx, issued, issued.ballot!.token, new Map())).rejects.toMatchObject({ messageKey: 'voting.pollNotOpen' })
    expect(rows('checkoffs')).toBe(0)
  })

  it('tablet ballots and paper counts add up in one count', async () => {
    const s = await station()
    await vote(s, kids.Ravi, [[members.id, [cand.Meena, cand.Gopal]]])
    await vote(s, kids.Meena, [[members.id, [cand.Meena]], [leaders.id, [cand.Sunita]]])
    const { enterPaperCount } = await import('../../src/elections/counting.ts')
    enterPaperCount(ctx, electionId, members.id, { ballots: 10, note: '', votes: new Map([[cand.Ravi, 7], [cand.Meena, 3], [cand.Gopal, 2]]) })
    closePoll(ctx, electionId, { source: 'random' })
    const [m] = countElection(ctx, electionId)
    expect(m.ballots).toBe(12)
    expect(Object.fromEntries(m.candidates.map((c) => [c.name, c.votes]))).toEqual({ Ravi: 7, Meena: 5, Gopal: 3 })
  })
})

describe('the station PIN', () => {
  it('opens the roll again only with the right PIN, and pauses after five wrong ones', async () => {
    const s = await station()
    const locked = { ...s, unlocked: false }
    expect(() => issueBallot(ctx, locked, kids.Ravi)).toThrow(Conflict)
    let state: StationState = locked
    for (let i = 0; i < 5; i++) {
      const err = await unlockStation(ctx, state, '0000').catch((e) => e)
      expect(err).toBeInstanceOf(InvalidInput)
      state = err.state
    }
    await expect(unlockStation(ctx, state, '4321')).rejects.toMatchObject({ fields: { pin: { key: 'v.pinWait' } } })
    expect((await unlockStation(ctx, { ...state, lockedUntil: Date.now() - 1 }, '4321')).unlocked).toBe(true)
  })
})
