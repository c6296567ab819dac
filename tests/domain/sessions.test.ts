import fs from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import type { Session } from 'fastify'
import {
  ABSOLUTE_LIMIT_MS,
  IDLE_LIMIT_MS,
  isPollingStation,
  sessionDeadline,
  sessionEnd,
} from '../../src/web/session-policy.ts'
import { SqliteSessionStore } from '../../src/web/session-store.ts'
import { freshDatabase, seedVillages } from '../helpers/app.ts'

const T0 = Date.UTC(2026, 0, 15, 9, 0)
const MIN = 60_000
const staff = (over: Record<string, unknown> = {}) => ({ userId: 7, startedAt: T0, lastSeenAt: T0, ...over })

describe('how long a session lasts', () => {
  it('a staff session ends 30 minutes after it was last seen', () => {
    expect(sessionEnd(staff(), T0 + 29 * MIN)).toBeNull()
    expect(sessionEnd(staff(), T0 + IDLE_LIMIT_MS)).toBe('idle')
    expect(sessionEnd(staff({ lastSeenAt: T0 + 25 * MIN }), T0 + 50 * MIN)).toBeNull()
  })

  it('and 12 hours after logging in, however busy', () => {
    const busy = staff({ lastSeenAt: T0 + 12 * 60 * MIN - MIN })
    expect(sessionEnd(busy, T0 + ABSOLUTE_LIMIT_MS - 1)).toBeNull()
    expect(sessionEnd(busy, T0 + ABSOLUTE_LIMIT_MS)).toBe('absolute')
    // A session from before these limits has no start: it has ended.
    expect(sessionEnd({ userId: 7 }, T0)).toBe('absolute')
  })

  it('a polling station is not ended by either limit; a visitor has nothing to end', () => {
    const station = staff({ station: { electionId: 1 } })
    expect(isPollingStation(station)).toBe(true)
    expect(sessionEnd(station, T0 + 3 * ABSOLUTE_LIMIT_MS)).toBeNull()
    expect(sessionEnd({}, T0)).toBeNull()
  })

  it("the store may forget a session at its end: the earlier of the two limits, or the cookie's for a station", () => {
    const cookie = T0 + 7 * 24 * 60 * MIN
    expect(sessionDeadline(staff({ lastSeenAt: T0 + 10 * MIN }), cookie)).toBe(T0 + 40 * MIN)
    expect(sessionDeadline(staff({ lastSeenAt: T0 + 11.8 * 60 * MIN }), cookie)).toBe(T0 + ABSOLUTE_LIMIT_MS)
    expect(sessionDeadline(staff({ station: { electionId: 1 } }), cookie)).toBe(cookie)
  })
})

describe('the session store', () => {
  let database: ReturnType<typeof freshDatabase>
  afterEach(() => {
    database?.close()
    fs.rmSync(database.dir, { recursive: true, force: true })
  })
  const rows = () =>
    database.sessions
      .prepare('SELECT id, user_id AS userId, expires_at AS expiresAt FROM sessions ORDER BY rowid')
      .all() as { id: string; userId: number | null; expiresAt: number }[]
  const call = <T>(f: (cb: (err: unknown, v?: T) => void) => void) =>
    new Promise<T | undefined>((resolve, reject) => f((err, v) => (err ? reject(err) : resolve(v))))
  const as = (data: Record<string, unknown>) =>
    ({ cookie: { expires: new Date(T0 + 7 * 24 * 60 * MIN) }, ...data }) as unknown as Session

  async function storeWithUsers(options: ConstructorParameters<typeof SqliteSessionStore>[1] = {}) {
    database = freshDatabase()
    const { users } = await seedVillages(database)
    let now = T0
    const store = new SqliteSessionStore(database.sessions, { now: () => now, ...options })
    return {
      store,
      users,
      at: (t: number) => {
        now = t
      },
    }
  }

  it('keeps nothing for someone not logged in, and forgets a session that logs out', async () => {
    const { store, users } = await storeWithUsers()
    await call((cb) => store.set('visitor', as({ flash: 'x' }), cb))
    expect(rows()).toEqual([])
    await call((cb) => store.set('s1', as(staff({ userId: users.facilitator.id })), cb))
    expect(rows().map((r) => r.id)).toEqual(['s1'])
    await call((cb) => store.set('s1', as({}), cb))
    expect(rows()).toEqual([])
  })

  it('never gives back a session past its end, and deletes it: only why it ended is said', async () => {
    const { store, users, at } = await storeWithUsers()
    await call((cb) => store.set('s1', as(staff({ userId: users.facilitator.id })), cb))
    expect(rows()[0].expiresAt).toBe(T0 + IDLE_LIMIT_MS)
    at(T0 + 29 * MIN)
    expect(await call<Session | null>((cb) => store.get('s1', cb))).toMatchObject({ userId: users.facilitator.id })
    at(T0 + 30 * MIN)
    expect(await call<Session | null>((cb) => store.get('s1', cb))).toEqual({ endedFor: 'idle' })
    expect(rows()).toEqual([])
    expect(await call<Session | null>((cb) => store.get('s1', cb))).toBeNull()
  })

  it('sweeps expired rows at most once an hour, on a write', async () => {
    const { store, users, at } = await storeWithUsers()
    await call((cb) => store.set('old', as(staff({ userId: users.admin.id })), cb))
    at(T0 + 2 * 60 * MIN)
    await call((cb) =>
      store.set(
        'new',
        as(staff({ userId: users.facilitator.id, startedAt: T0 + 2 * 60 * MIN, lastSeenAt: T0 + 2 * 60 * MIN })),
        cb,
      ),
    )
    expect(rows().map((r) => r.id)).toEqual(['new'])
  })

  it('keeps at most N sessions per person, and at most M in all: the oldest go first', async () => {
    const { store, users } = await storeWithUsers({ perUser: 3, total: 5 })
    for (const id of ['a1', 'a2', 'a3', 'a4'])
      await call((cb) => store.set(id, as(staff({ userId: users.facilitator.id })), cb))
    expect(rows().map((r) => r.id)).toEqual(['a2', 'a3', 'a4'])
    // Saving an existing session again is not a new one: nothing is dropped.
    await call((cb) => store.set('a2', as(staff({ userId: users.facilitator.id, lastSeenAt: T0 + MIN })), cb))
    expect(rows().map((r) => r.id)).toEqual(['a2', 'a3', 'a4'])
    for (const id of ['b1', 'b2', 'b3']) await call((cb) => store.set(id, as(staff({ userId: users.admin.id })), cb))
    expect(rows().map((r) => r.id)).toEqual(['a3', 'a4', 'b1', 'b2', 'b3'])
  })

  it('clears the rows older releases stored for visitors when it starts', async () => {
    database = freshDatabase()
    database.sessions
      .prepare("INSERT INTO sessions (id, user_id, data, expires_at) VALUES ('visitor', NULL, '{}', ?)")
      .run(T0 + 1e9)
    new SqliteSessionStore(database.sessions)
    expect(rows()).toEqual([])
  })
})
