// The polling station's PIN against a real database: opening the roll again, the doubling lockout
// (with its own clock: no waiting), the audit entry each lockout writes, tries sent at once, a station
// opened before the PIN was kept with scrypt, and the station's life ending with its poll.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PASSWORD, freshDatabase, seedVillages, ctxFor } from '../helpers/app.ts'
import { contestInput, electionInput, villageChildren } from '../helpers/elections.ts'
import { addContest, createElection, nominate, openNominations, openPoll } from '../../src/elections/elections.ts'
import { closePoll } from '../../src/elections/counting.ts'
import {
  issueBallot,
  lockoutMinutes,
  openStation,
  reopenStation,
  stationLockouts,
  stationPollOpen,
  unlockStation,
  type StationState,
} from '../../src/elections/voting.ts'
import { Conflict, InvalidInput } from '../../src/core/errors.ts'

let database: ReturnType<typeof freshDatabase>
let ctx: ReturnType<typeof ctxFor>
let electionId: number
let kids: Record<string, number>

beforeEach(async () => {
  database = freshDatabase()
  const fx = await seedVillages(database)
  ctx = ctxFor(database, fx.users.facilitator)
  kids = villageChildren(database, fx.users.facilitator, fx.villages.papdi.id, [
    ['Ravi', 'boy'],
    ['Meena', 'girl'],
  ])
  electionId = createElection(ctx, fx.villages.papdi.id, electionInput()).id
  const contest = addContest(ctx, electionId, contestInput({ seats: '1' }))
  openNominations(ctx, electionId)
  nominate(ctx, electionId, contest.id, { childId: kids.Meena, symbol: 'kite' })
  openPoll(ctx, electionId)
})
afterEach(() => database.close())

const MIN = 60_000
/** The station as it is when a child has the tablet: the roll locked, as after a vote. */
const lockedStation = async (pin = '4321'): Promise<StationState> => ({
  ...(await openStation(ctx, electionId, pin)),
  unlocked: false,
})
const pinHash = (id: number) =>
  database.sqlite.prepare('SELECT pin_hash FROM stations WHERE id = ?').pluck().get(id) as string
const lockouts = () =>
  database.sqlite
    .prepare(
      "SELECT actor_name, village_id, subject, subject_id, detail FROM audit_log WHERE action = 'station.locked_out' ORDER BY id",
    )
    .all() as { actor_name: string; village_id: number; subject: string; subject_id: number; detail: string }[]
/** A wrong try: the message key and minutes shown, and the state the session keeps. */
async function refused(attempt: Promise<unknown>) {
  const err = await attempt.then(
    () => {
      throw new Error('the try was accepted')
    },
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(InvalidInput)
  const { fields, state } = err as InvalidInput & { state: StationState }
  const [field, message] = Object.entries(fields)[0]
  return { field, key: message.key, minutes: (message.params as { count?: number } | undefined)?.count, state }
}

describe('opening the roll again with the station PIN', () => {
  it('only the right PIN opens it; the PIN is stored as a salted scrypt hash', async () => {
    const s = await lockedStation()
    expect(() => issueBallot(ctx, s, kids.Ravi)).toThrow(Conflict)
    expect(pinHash(s.id)).toMatch(/^scrypt\$32768\$8\$1\$/)
    expect(await refused(unlockStation(ctx, s, '0000'))).toMatchObject({
      field: 'pin',
      key: 'v.pinWrong',
      state: { failedPins: 1 },
    })
    const open = await unlockStation(ctx, s, '4321')
    expect(open).toMatchObject({ unlocked: true, failedPins: 0 })
  })

  it('five wrong tries lock it for a minute, ten for two: while locked not even the right PIN is checked', async () => {
    const s = await lockedStation()
    const t0 = Date.now()
    for (let i = 1; i <= 4; i++)
      expect(await refused(unlockStation(ctx, s, '0000', t0))).toMatchObject({
        key: 'v.pinWrong',
        state: { failedPins: i },
      })
    const fifth = await refused(unlockStation(ctx, s, '0000', t0))
    expect(fifth).toMatchObject({ key: 'v.pinWait', minutes: 1, state: { failedPins: 5, lockedUntil: t0 + MIN } })
    expect(await refused(unlockStation(ctx, s, '4321', t0 + MIN - 1))).toMatchObject({
      key: 'v.pinWait',
      minutes: 1,
      state: { failedPins: 5 },
    })
    expect(lockoutMinutes(database, s, t0 + 30_000)).toBe(1)

    // The minute is over: five more wrong tries lock it for two.
    const t1 = t0 + MIN
    for (let i = 6; i <= 9; i++)
      expect(await refused(unlockStation(ctx, s, '1111', t1))).toMatchObject({
        key: 'v.pinWrong',
        state: { failedPins: i },
      })
    expect(await refused(unlockStation(ctx, s, '1111', t1))).toMatchObject({
      key: 'v.pinWait',
      minutes: 2,
      state: { failedPins: 10, lockedUntil: t1 + 2 * MIN },
    })
    expect(await refused(unlockStation(ctx, s, '4321', t1 + 2 * MIN - 1))).toMatchObject({
      key: 'v.pinWait',
      minutes: 1,
    })
    expect(lockoutMinutes(database, s, t1 + 1)).toBe(2)
    expect(lockoutMinutes(database, s, t1 + 2 * MIN)).toBe(0)

    // After it, the right PIN opens the roll and the count starts again.
    expect(await unlockStation(ctx, s, '4321', t1 + 2 * MIN)).toMatchObject({ unlocked: true, failedPins: 0 })
    expect(await refused(unlockStation(ctx, s, '0000', t1 + 2 * MIN))).toMatchObject({
      key: 'v.pinWrong',
      state: { failedPins: 1 },
    })
  }, 30_000)

  it("every lockout is in the audit log — whose station, which election, how many wrong tries, how long — and on the election's page", async () => {
    const s = await lockedStation()
    const t0 = Date.now()
    for (let i = 0; i < 5; i++) await refused(unlockStation(ctx, s, '0000', t0))
    for (let i = 0; i < 5; i++) await refused(unlockStation(ctx, s, '0000', t0 + MIN))
    // Tries during a lockout are not counted: they were never checked.
    await refused(unlockStation(ctx, s, '0000', t0 + MIN + 1))
    expect(lockouts().map((l) => ({ ...l, detail: JSON.parse(l.detail) }))).toEqual([
      {
        actor_name: 'rekha',
        village_id: ctx.actor.villageId,
        subject: 'election',
        subject_id: electionId,
        detail: { station: s.id, openedBy: 'rekha', wrongTries: 5, lockedMinutes: 1 },
      },
      {
        actor_name: 'rekha',
        village_id: ctx.actor.villageId,
        subject: 'election',
        subject_id: electionId,
        detail: { station: s.id, openedBy: 'rekha', wrongTries: 10, lockedMinutes: 2 },
      },
    ])
    expect(stationLockouts(ctx, electionId)).toEqual([
      { at: expect.any(Date), wrongTries: 5, minutes: 1, openedBy: 'rekha' },
      { at: expect.any(Date), wrongTries: 10, minutes: 2, openedBy: 'rekha' },
    ])
  }, 30_000)

  it('tries sent all at once are checked one after another: five, then the lockout refuses the rest unchecked', async () => {
    const s = await lockedStation()
    const now = Date.now()
    // The right PIN is among them, after the fifth wrong one: refused like the rest.
    const tries = Array.from({ length: 12 }, (_, i) => unlockStation(ctx, s, i === 8 ? '4321' : String(1000 + i), now))
    const outcomes = await Promise.all(tries.map((t) => refused(t)))
    expect(outcomes.map((o) => o.key)).toEqual([...Array(4).fill('v.pinWrong'), ...Array(8).fill('v.pinWait')])
    expect(lockouts()).toHaveLength(1)
    expect(JSON.parse(lockouts()[0].detail)).toMatchObject({ wrongTries: 5 })
  }, 30_000)

  it('a station opened before the upgrade (PIN kept as salted SHA-256) still opens with its PIN, and is then kept with scrypt', async () => {
    const { createHash } = await import('node:crypto')
    const s = await lockedStation()
    const salt = '00112233445566778899aabbccddeeff'
    database.sqlite
      .prepare('UPDATE stations SET pin_hash = ? WHERE id = ?')
      .run(`sha256$${salt}$${createHash('sha256').update(`${salt}:2580`).digest('hex')}`, s.id)
    expect(await refused(unlockStation(ctx, s, '4321'))).toMatchObject({ key: 'v.pinWrong' })
    expect(await unlockStation(ctx, s, '2580')).toMatchObject({ unlocked: true })
    expect(pinHash(s.id)).toMatch(/^scrypt\$/)
    expect(await unlockStation(ctx, { ...s, unlocked: false }, '2580')).toMatchObject({ unlocked: true })
  })
})

describe('a forgotten PIN', () => {
  it("is replaced only with the account's password", async () => {
    const s = await lockedStation()
    expect(await refused(reopenStation(ctx, s, 'wrong-password', '5555'))).toMatchObject({
      field: 'password',
      key: 'voting.reopenWrongPassword',
      state: { failedPins: 1 },
    })
    const fresh = await reopenStation(ctx, s, PASSWORD, '5555')
    expect(fresh).toMatchObject({ electionId, unlocked: true, failedPins: 0 })
    expect(fresh.id).not.toBe(s.id)
    expect((await unlockStation(ctx, { ...fresh, unlocked: false }, '5555')).unlocked).toBe(true)
  })

  it("wrong passwords count as wrong tries: the tablet cannot be used to guess the account's password", async () => {
    const s = await lockedStation()
    const now = Date.now()
    for (let i = 0; i < 4; i++) await refused(unlockStation(ctx, s, '0000', now))
    expect(await refused(reopenStation(ctx, s, 'guess-1', '5555', now))).toMatchObject({
      field: 'password',
      key: 'v.pinWait',
      minutes: 1,
    })
    expect(await refused(reopenStation(ctx, s, PASSWORD, '5555', now + 1000))).toMatchObject({
      field: 'password',
      key: 'v.pinWait',
      minutes: 1,
    })
    expect(await reopenStation(ctx, s, PASSWORD, '5555', now + MIN)).toMatchObject({ unlocked: true })
  }, 30_000)
})

describe('the station and its poll', () => {
  it('lives while the poll is open, and no longer once it is closed', async () => {
    const s = await openStation(ctx, electionId, '4321')
    expect(stationPollOpen(database, s)).toBe(true)
    closePoll(ctx, electionId, { source: 'random' })
    expect(stationPollOpen(database, s)).toBe(false)
  })
})
