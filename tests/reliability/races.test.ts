import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client } from './client.ts'
import { invariantViolations } from './invariants.ts'
import { buildWorld, LOGINS, type World } from './world.ts'

/**
 * What two people do at the same moment. A cast waits for the group commit (a few ms) after its
 * checks; whatever lands in between must not let a ballot into a poll that has closed.
 */
let world: World
beforeAll(async () => {
  world = await buildWorld()
  // A ballot slot filled while its election stands closed is noted here (a test-only trigger, kept
  // in the connection's temporary schema: the box's file holds no time).
  world.t.database.sqlite.exec(`
    CREATE TEMP TABLE late_ballots (contest_id INTEGER NOT NULL);
    CREATE TEMP TRIGGER late_ballot AFTER UPDATE OF filled ON box.box_slots WHEN NEW.filled AND EXISTS (
      SELECT 1 FROM election_events e JOIN contests c ON c.election_id = e.election_id WHERE c.id = NEW.contest_id AND e.stage = 'poll_closed')
    BEGIN INSERT INTO late_ballots VALUES (NEW.contest_id); END;`)
}, 120_000)
afterAll(async () => {
  await world?.t.close()
})

/** A tablet with a ballot issued to a voter, and the ballot's token. */
async function tabletWithBallot(username: string, electionId: number, childId: number) {
  const tablet = await new Client(world.t.app).login(username)
  await tablet.get(`/elections/${electionId}/station`)
  expect((await tablet.post(`/elections/${electionId}/station`, { pin: '1357', confirm: '1357' })).statusCode).toBe(303)
  await tablet.get(`/elections/${electionId}/station`)
  expect(
    (await tablet.post(`/elections/${electionId}/station/ballot`, { childId: String(childId) })).headers.location,
  ).toBe(`/elections/${electionId}/ballot`)
  const token =
    /name="token" value="([^"]+)"/.exec((await tablet.get(`/elections/${electionId}/ballot`)).body)?.[1] ?? ''
  return { tablet, token }
}

const count = (sql: string, ...args: unknown[]) =>
  world.t.database.sqlite
    .prepare(sql)
    .pluck()
    .get(...args) as number

describe('two people at once', () => {
  it('a double tap on the ballot casts it once (before the polls close, below)', async () => {
    const electionId = world.bhangdoli.elections.tablet
    const { tablet, token } = await tabletWithBallot(LOGINS.admin, electionId, world.bhangdoli.voters[1])
    const form = Object.fromEntries(
      Object.entries(world.bhangdoli.candidates.tablet).map(([contest, cands]) => [`c_${contest}`, String(cands[0])]),
    )
    const before = count('SELECT count(*) FROM box_slots WHERE filled')
    const answers = await Promise.all([
      tablet.post(`/elections/${electionId}/ballot`, { token, ...form }),
      tablet.post(`/elections/${electionId}/ballot`, { token, ...form }),
    ])
    // Both taps carry the same ballot: each is answered as its one cast was (thanked), never counted twice.
    const thanked = answers.filter((a) => a.headers.location === `/elections/${electionId}/ballot/thanks`).length
    expect(answers.every((a) => a.statusCode < 500)).toBe(true)
    const cast = count('SELECT count(*) FROM box_checkoffs WHERE election_id = ? AND voted', electionId)
    const voter = world.bhangdoli.voters[1]
    expect(
      count('SELECT count(*) FROM box_checkoffs WHERE election_id = ? AND child_id = ? AND voted', electionId, voter),
      answers.map((a) => a.statusCode).join(),
    ).toBe(thanked > 0 ? 1 : 0)
    expect(count('SELECT count(*) FROM box_slots WHERE filled') - before).toBe(
      cast > 0 ? world.bhangdoli.contests.tablet.length : 0,
    )
    expect(invariantViolations(world.t.database.sqlite)).toEqual([])
  })

  it('a ballot cast as the poll closes is counted before the close or refused, never after', async () => {
    for (const [v, username] of [
      [world.papdi, LOGINS.facilitator],
      [world.bhangdoli, LOGINS.otherFacilitator],
    ] as const) {
      for (const electionId of [v.elections.tablet, v.elections.open]) {
        const { tablet, token } = await tabletWithBallot(username, electionId, v.voters[0])
        const closer = await new Client(world.t.app).login(LOGINS.admin)
        await closer.get(`/elections/${electionId}/closing`)
        const [cast, close] = await Promise.all([
          tablet.post(`/elections/${electionId}/ballot`, { token }),
          closer.post(`/elections/${electionId}/closing`, { source: 'random' }),
        ])
        expect(close.headers.location).toBe(`/elections/${electionId}/result`)
        expect([303, 409]).toContain(cast.statusCode)
        const counted = count(
          'SELECT count(*) FROM box_checkoffs WHERE election_id = ? AND child_id = ? AND voted',
          electionId,
          v.voters[0],
        )
        expect(counted, 'the child is checked off exactly when the tablet said thank you').toBe(
          cast.statusCode === 303 ? 1 : 0,
        )
      }
    }
    expect(count('SELECT count(*) FROM late_ballots')).toBe(0)
    expect(invariantViolations(world.t.database.sqlite)).toEqual([])
  })
})
