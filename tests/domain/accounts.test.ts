import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { freshDatabase, seedVillages, ctxFor, operatorCtx, PASSWORD } from '../helpers/app.ts'
import {
  authenticate,
  changeOwnPassword,
  createFirstCoordinator,
  createUser,
  resetPassword,
  setUserActive,
} from '../../src/accounts/accounts.ts'
import { sessions, users } from '../../src/accounts/tables.ts'
import { Conflict, Forbidden, InvalidInput } from '../../src/core/errors.ts'

let database: ReturnType<typeof freshDatabase>
beforeEach(() => {
  database = freshDatabase()
})
afterEach(() => database.close())

describe('accounts', () => {
  it('the first coordinator can be created once, on an empty database only', async () => {
    const input = { displayName: 'Suman', username: 'suman', password: PASSWORD, confirm: PASSWORD }
    const first = await createFirstCoordinator(database.db, input)
    expect(first.role).toBe('admin')
    await expect(createFirstCoordinator(database.db, { ...input, username: 'second' })).rejects.toThrow(Conflict)
    expect(database.db.select().from(users).all()).toHaveLength(1)
  })

  it('a password is stored only as a salted scrypt hash and checked against it', async () => {
    const { users: u } = await seedVillages(database)
    const row = database.db.select().from(users).where(eq(users.id, u.facilitator.id)).get()!
    expect(row.passwordHash).toMatch(/^scrypt\$/)
    expect(row.passwordHash).not.toContain(PASSWORD)
    expect(await authenticate(database.db, 'rekha', PASSWORD)).toMatchObject({
      id: u.facilitator.id,
      role: 'facilitator',
    })
    expect(await authenticate(database.db, 'rekha', 'wrong-password')).toBeNull()
    expect(await authenticate(database.db, 'nobody', PASSWORD)).toBeNull()
  })

  it('usernames are unique, and facilitators must belong to a village', async () => {
    const { villages } = await seedVillages(database)
    const op = operatorCtx(database)
    await expect(
      createUser(op, {
        username: 'rekha',
        displayName: 'Another Rekha',
        role: 'facilitator',
        villageId: villages.papdi.id,
        password: PASSWORD,
      }),
    ).rejects.toMatchObject({ fields: { username: { key: 'v.usernameTaken' } } })
    await expect(
      createUser(op, {
        username: 'ghost',
        displayName: 'Ghost',
        role: 'facilitator',
        villageId: 9999,
        password: PASSWORD,
      }),
    ).rejects.toBeInstanceOf(InvalidInput)
  })

  it('only a coordinator creates accounts', async () => {
    const { villages, users: u } = await seedVillages(database)
    await expect(
      createUser(ctxFor(database, u.facilitator), {
        username: 'x-user',
        displayName: 'X',
        role: 'admin',
        villageId: villages.papdi.id,
        password: PASSWORD,
      }),
    ).rejects.toThrow(Forbidden)
  })

  it("a coordinator's password reset ends every session of that user", async () => {
    const { users: u } = await seedVillages(database)
    database.db
      .insert(sessions)
      .values({ id: 's1', userId: u.facilitator.id, data: '{}', expiresAt: new Date(Date.now() + 1e6) })
      .run()
    database.db
      .insert(sessions)
      .values({ id: 's2', userId: u.admin.id, data: '{}', expiresAt: new Date(Date.now() + 1e6) })
      .run()
    await resetPassword(ctxFor(database, u.admin), u.facilitator.id, 'brand-new-pass')
    expect(
      database.db
        .select()
        .from(sessions)
        .all()
        .map((s) => s.id),
    ).toEqual(['s2'])
    expect(await authenticate(database.db, 'rekha', 'brand-new-pass')).not.toBeNull()
  })

  it('a user changes their own password only by giving the current one', async () => {
    const { users: u } = await seedVillages(database)
    const ctx = ctxFor(database, u.facilitator)
    await expect(changeOwnPassword(ctx, 'not-it', 'neem-ki-chhaon-9')).rejects.toMatchObject({
      fields: { current: { key: 'v.wrongPassword' } },
    })
    await changeOwnPassword(ctx, PASSWORD, 'neem-ki-chhaon-9')
    expect(await authenticate(database.db, 'rekha', 'neem-ki-chhaon-9')).not.toBeNull()
  })

  it("changing one's own password ends every session of that user (the route gives the device a new one), and no one else's", async () => {
    const { users: u } = await seedVillages(database)
    const session = (id: string, userId: number) =>
      database.db
        .insert(sessions)
        .values({ id, userId, data: '{}', expiresAt: new Date(Date.now() + 1e6) })
        .run()
    session('laptop', u.facilitator.id)
    session('phone', u.facilitator.id)
    session('admin', u.admin.id)
    await expect(
      changeOwnPassword(ctxFor(database, u.facilitator), 'not-it', 'neem-ki-chhaon-9'),
    ).rejects.toBeInstanceOf(InvalidInput)
    expect(database.db.select().from(sessions).all()).toHaveLength(3)
    await changeOwnPassword(ctxFor(database, u.facilitator), PASSWORD, 'neem-ki-chhaon-9')
    expect(
      database.db
        .select()
        .from(sessions)
        .all()
        .map((s) => s.id),
    ).toEqual(['admin'])
  })

  it('a turned-off account cannot log in, and a coordinator cannot turn off their own', async () => {
    const { users: u } = await seedVillages(database)
    const admin = ctxFor(database, u.admin)
    setUserActive(admin, u.facilitator.id, false)
    expect(await authenticate(database.db, 'rekha', PASSWORD)).toBeNull()
    setUserActive(admin, u.facilitator.id, true)
    expect(await authenticate(database.db, 'rekha', PASSWORD)).not.toBeNull()
    expect(() => setUserActive(admin, u.admin.id, false)).toThrow(Conflict)
  })
})
