// The shared tablet through bad Wi-Fi and careless taps: a cast sent again after its answer was lost
// counts once and is answered "counted"; the tablet may ask whether its ballot counted (its own ballots
// only, from memory only); a ballot ends by a vote, the PIN or the idle timeout, and says which.
import fs from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { freshDatabase, seedVillages, ctxFor } from '../helpers/app.ts'
import { contestInput, electionInput, villageChildren } from '../helpers/elections.ts'
import { addContest, createElection, nominate, openNominations, openPoll } from '../../src/elections/elections.ts'
import {
  BALLOT_TTL_MS,
  OUTCOME_MEMORY_MS,
  OUTCOMES_PER_STATION,
  ballotOutcome,
  ballotStatus,
  cancelBallot,
  outcomesRemembered,
  castBallot,
  endBallot,
  issueBallot,
  openStation,
  unlockStation,
} from '../../src/elections/voting.ts'
import { ballotBoxPath } from '../../src/db/client.ts'
import { InvalidInput } from '../../src/core/errors.ts'

let database: ReturnType<typeof freshDatabase>
let ctx: ReturnType<typeof ctxFor>
let kids: Record<string, number>
let electionId: number
let contestId: number
let cand: Record<string, number>

beforeEach(async () => {
  database = freshDatabase()
  const fx = await seedVillages(database)
  ctx = ctxFor(database, fx.users.facilitator)
  kids = villageChildren(database, fx.users.facilitator, fx.villages.papdi.id, [
    ['Ravi', 'boy', 12],
    ['Meena', 'girl', 12],
    ['Sunita', 'girl', 14],
  ])
  electionId = createElection(ctx, fx.villages.papdi.id, electionInput()).id
  contestId = addContest(ctx, electionId, contestInput({ seats: '1' })).id
  openNominations(ctx, electionId)
  cand = {
    Ravi: nominate(ctx, electionId, contestId, { childId: kids.Ravi, symbol: 'sun' }).id,
    Meena: nominate(ctx, electionId, contestId, { childId: kids.Meena, symbol: 'kite' }).id,
  }
  openPoll(ctx, electionId)
})
afterEach(() => database.close())

const count = (where: string) => database.sqlite.prepare(`SELECT count(*) FROM ${where}`).pluck().get() as number
const checkoffs = () => count('box_checkoffs WHERE voted')
const ballots = () => count('box_slots WHERE filled')
const marks = () => new Map([[contestId, [cand.Meena]]])
const station = () => openStation(ctx, electionId, '4321')

describe('a cast sent again', () => {
  it('after its answer was lost: counted once, and the retry is answered "counted"', async () => {
    const s = issueBallot(ctx, await station(), kids.Sunita)
    const token = s.ballot!.token
    const first = await castBallot(ctx, s, token, marks())
    expect(first).toMatchObject({ ended: 'counted', ballot: undefined, unlocked: false })
    // The tablet never heard the answer; its session (saved on the server) already says the ballot is gone.
    const again = await castBallot(ctx, first, token, marks())
    expect(again).toMatchObject({ ended: 'counted', ballot: undefined })
    // Or the tablet's session was not saved either: the same ballot in hand, sent again.
    expect(await castBallot(ctx, s, token, marks())).toMatchObject({ ended: 'counted' })
    expect([checkoffs(), ballots()]).toEqual([1, 1])
  })

  it('late, after the facilitator unlocked the roll for the next child: answered "counted", the roll stays open', async () => {
    const s = issueBallot(ctx, await station(), kids.Sunita)
    const after = await castBallot(ctx, s, s.ballot!.token, marks())
    const next = await unlockStation(ctx, after, '4321')
    expect(await castBallot(ctx, next, s.ballot!.token, marks())).toEqual(next)
    expect(checkoffs()).toBe(1)
  })

  it('while the first is still being written: the retry waits for it and gets its answer', async () => {
    const s = issueBallot(ctx, await station(), kids.Sunita)
    const [a, b] = await Promise.all([
      castBallot(ctx, s, s.ballot!.token, marks()),
      castBallot(ctx, s, s.ballot!.token, marks()),
    ])
    expect([a.ended, b.ended]).toEqual(['counted', 'counted'])
    expect([checkoffs(), ballots()]).toEqual([1, 1])
  })

  it("from another station, or with a ballot that never counted, is not taken for the first one's answer", async () => {
    const s = issueBallot(ctx, await station(), kids.Sunita)
    const other = await station()
    await castBallot(ctx, s, s.ballot!.token, marks())
    await expect(castBallot(ctx, other, s.ballot!.token, marks())).rejects.toMatchObject({
      messageKey: 'voting.noBallot',
    })
    const cancelled = issueBallot(ctx, await station(), kids.Ravi)
    const after = endBallot(database, cancelled, 'timeout')
    await expect(castBallot(ctx, after, cancelled.ballot!.token, marks())).rejects.toMatchObject({
      messageKey: 'voting.noBallot',
    })
    expect(checkoffs()).toBe(1)
  })
})

describe('asking whether a ballot counted', () => {
  it("says counted, open or not counted for this station's own ballots, and nothing of another's", async () => {
    const s = await station()
    const other = await station()
    const issued = issueBallot(ctx, s, kids.Sunita)
    const token = issued.ballot!.token
    expect(ballotOutcome(ctx, issued, token)).toBe('open')
    expect(ballotOutcome(ctx, other, token)).toBe('unknown')
    await castBallot(ctx, issued, token, marks())
    expect(ballotOutcome(ctx, issued, token)).toBe('counted')
    expect(ballotOutcome(ctx, other, token)).toBe('unknown')
    expect(ballotOutcome(ctx, issued, crypto.randomUUID())).toBe('unknown')

    const timedOut = issueBallot(ctx, s, kids.Ravi)
    endBallot(database, timedOut, 'timeout')
    expect(ballotOutcome(ctx, timedOut, timedOut.ballot!.token)).toBe('not_counted')
    // Expired in the tablet's hands: not counted either.
    const late = issueBallot(ctx, s, kids.Meena)
    expect(ballotOutcome(ctx, late, late.ballot!.token, Date.now() + BALLOT_TTL_MS + 1)).toBe('not_counted')
  })

  it('forgets after a while, and keeps nothing of it in the database, the box or their journals', async () => {
    const s = issueBallot(ctx, await station(), kids.Sunita)
    const token = s.ballot!.token
    await castBallot(ctx, s, token, marks())
    expect(ballotOutcome(ctx, s, token, Date.now() + OUTCOME_MEMORY_MS - 1000)).toBe('counted')
    expect(ballotOutcome(ctx, s, token, Date.now() + OUTCOME_MEMORY_MS + 1000)).toBe('unknown')
    expect(ballotOutcome(ctx, s, token)).toBe('unknown')
    const file = database.sqlite.name
    for (const f of [file, `${file}-wal`, ballotBoxPath(file), `${ballotBoxPath(file)}-wal`])
      if (fs.existsSync(f)) expect(fs.readFileSync(f).includes(token), f).toBe(false)
  })
})

describe('what the server remembers of ended ballots on polling day', () => {
  it("keeps only each station's last few: a tablet asks about the ballot it last held, and the memory does not grow with the votes", async () => {
    const a = await station()
    const b = await station()
    const ended = (s: Awaited<ReturnType<typeof station>>, n: number) =>
      Array.from({ length: n }, () => {
        const issued = issueBallot(ctx, s, kids.Ravi)
        endBallot(database, issued, 'cancelled')
        return issued
      })
    const onA = ended(a, OUTCOMES_PER_STATION * 5)
    const onB = ended(b, 2)
    const counted = issueBallot(ctx, a, kids.Sunita)
    await castBallot(ctx, counted, counted.ballot!.token, marks())
    expect(outcomesRemembered(database)).toBe(OUTCOMES_PER_STATION + 2)
    // The tablet's own last ballots are still known, counted or not.
    expect(ballotOutcome(ctx, counted, counted.ballot!.token)).toBe('counted')
    const lastOnA = onA[onA.length - 1]
    expect(ballotOutcome(ctx, lastOnA, lastOnA.ballot!.token)).toBe('not_counted')
    // Another station's few are not pushed out by this one's many.
    for (const s of onB) expect(ballotOutcome(ctx, s, s.ballot!.token)).toBe('not_counted')
    // The oldest on the busy station are forgotten.
    expect(ballotOutcome(ctx, onA[0], onA[0].ballot!.token)).toBe('unknown')
    // A retry of a counted cast still counts once after many more ballots on other tablets.
    expect(await castBallot(ctx, counted, counted.ballot!.token, marks())).toMatchObject({ ended: 'counted' })
    expect(checkoffs()).toBe(1)
  })

  it('forgets a station whose outcomes all aged out', async () => {
    const s = issueBallot(ctx, await station(), kids.Ravi)
    endBallot(database, s, 'cancelled')
    expect(outcomesRemembered(database)).toBe(1)
    const later = issueBallot(ctx, await station(), kids.Meena)
    expect(ballotOutcome(ctx, later, s.ballot!.token, Date.now() + OUTCOME_MEMORY_MS + 1000)).toBe('unknown')
    expect(outcomesRemembered(database)).toBe(0)
  })
})

describe('how a ballot ends, as the next-voter screen says it', () => {
  it('the cancel on the child’s screen needs the PIN: a wrong one leaves the ballot with the child', async () => {
    const s = issueBallot(ctx, await station(), kids.Sunita)
    await expect(cancelBallot(ctx, s, '0000')).rejects.toThrow(InvalidInput)
    expect(ballotStatus(database, s)).toBe('active')
    const cancelled = await cancelBallot(ctx, s, '4321')
    expect(cancelled).toMatchObject({ ended: 'cancelled', ballot: undefined, unlocked: false })
    expect(ballotStatus(database, cancelled)).toBe('none')
    expect(ballotOutcome(ctx, s, s.ballot!.token)).toBe('not_counted')
    // Nothing counted: she gets a ballot again and votes.
    const again = issueBallot(ctx, await unlockStation(ctx, cancelled, '4321'), kids.Sunita)
    expect(again.ended).toBeUndefined()
    await castBallot(ctx, again, again.ballot!.token, marks())
    expect(checkoffs()).toBe(1)
  })

  it('the idle timeout ends it as "timeout"; unlocking for the next child forgets how the last one ended', async () => {
    const s = issueBallot(ctx, await station(), kids.Ravi)
    const timedOut = endBallot(database, s, 'timeout')
    expect(timedOut).toMatchObject({ ended: 'timeout', ballot: undefined })
    // A second timeout sent by a slow tablet after the first does not change what happened.
    expect(endBallot(database, timedOut).ended).toBe('timeout')
    expect((await unlockStation(ctx, timedOut, '4321')).ended).toBeUndefined()
    expect(checkoffs()).toBe(0)
  })
})
