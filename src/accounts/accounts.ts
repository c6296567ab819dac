import { asc, count, eq } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { users, sessions } from './tables.ts'
import { villages } from '../villages/tables.ts'
import { getVillage } from '../villages/villages.ts'
import { recordAudit, operatorActor } from '../audit/audit.ts'
import { requireRole, type Actor, type Ctx, type StaffCtx } from '../core/actor.ts'
import { Conflict, InvalidInput, NotFound } from '../core/errors.ts'
import { dummyPasswordHash, hashPassword, verifyPassword } from './passwords.ts'
import type { SetupInput, UserInput } from './schemas.ts'

/** Whether the box still waits for its first coordinator (the setup page). */
export function setupNeeded(ctx: Ctx): boolean {
  return !hasAnyUser(ctx.db)
}

/** The first coordinator, made by whoever opens the box first; refused once anyone exists. */
export function setUpFirstCoordinator(ctx: Ctx, input: SetupInput): Promise<Actor> {
  return createFirstCoordinator(ctx.db, input)
}

/** The account a username and password name, or null: the same time taken whether or not the name exists. */
export function logIn(ctx: Ctx, username: string, password: string): Promise<Actor | null> {
  return authenticate(ctx.db, username, password)
}

export function hasAnyUser(db: Db): boolean {
  return (db.select({ n: count() }).from(users).get()?.n ?? 0) > 0
}

/** First run: the very first account is a coordinator, and only while there is none. */
export async function createFirstCoordinator(db: Db, input: SetupInput): Promise<Actor> {
  const passwordHash = await hashPassword(input.password)
  return db.transaction((tx) => {
    if (hasAnyUser(tx as unknown as Db)) throw new Conflict('setup.alreadyDone')
    const row = tx
      .insert(users)
      .values({
        username: input.username,
        displayName: input.displayName,
        role: 'admin',
        villageId: null,
        passwordHash,
        passwordChangedAt: new Date(),
        createdAt: new Date(),
      })
      .returning()
      .get()
    const actor: Actor = {
      id: row.id,
      username: row.username,
      displayName: row.displayName,
      role: 'admin',
      villageId: null,
    }
    recordAudit(tx, actor, {
      action: 'user.created',
      subject: 'user',
      subjectId: row.id,
      detail: { username: row.username, role: 'admin', firstRun: true },
    })
    return actor
  })
}

/** The user with this username and password, or null. Takes as long whether or not the user exists. */
export async function authenticate(db: Db, username: string, password: string): Promise<Actor | null> {
  const row = db.select().from(users).where(eq(users.username, username)).get()
  const ok = await verifyPassword(password, row?.passwordHash ?? (await dummyPasswordHash()))
  if (!row || !ok || row.disabledAt) return null
  return { id: row.id, username: row.username, displayName: row.displayName, role: row.role, villageId: row.villageId }
}

export function listUsers(ctx: StaffCtx) {
  requireRole(ctx, 'admin')
  return ctx.db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      role: users.role,
      villageId: users.villageId,
      villageName: villages.name,
      disabledAt: users.disabledAt,
      createdAt: users.createdAt,
    })
    .from(users)
    .leftJoin(villages, eq(users.villageId, villages.id))
    .orderBy(asc(users.role), asc(users.username))
    .all()
}

export function getUser(ctx: StaffCtx, id: number) {
  requireRole(ctx, 'admin')
  const row = ctx.db.select().from(users).where(eq(users.id, id)).get()
  if (!row) throw new NotFound()
  return row
}

export async function createUser(ctx: StaffCtx, input: UserInput) {
  requireRole(ctx, 'admin')
  const passwordHash = await hashPassword(input.password)
  const villageId = input.role === 'admin' ? null : input.villageId
  return ctx.db.transaction((tx) => {
    if (villageId !== null && !tx.select({ id: villages.id }).from(villages).where(eq(villages.id, villageId)).get()) {
      throw new InvalidInput({ villageId: { key: 'v.choose' } }, { ...input, password: '' })
    }
    if (tx.select({ id: users.id }).from(users).where(eq(users.username, input.username)).get()) {
      throw new InvalidInput({ username: { key: 'v.usernameTaken' } }, { ...input, password: '' })
    }
    const row = tx
      .insert(users)
      .values({
        username: input.username,
        displayName: input.displayName,
        role: input.role,
        villageId,
        passwordHash,
        passwordChangedAt: new Date(),
        createdAt: new Date(),
      })
      .returning()
      .get()
    recordAudit(tx, ctx.actor, {
      action: 'user.created',
      subject: 'user',
      subjectId: row.id,
      villageId,
      detail: { username: row.username, role: row.role },
    })
    return row
  })
}

/**
 * Every session of the person ends, this one too: the route gives the device the change was made
 * on a new one (a session stolen before the change is worth nothing after it).
 */
export async function changeOwnPassword(ctx: StaffCtx, current: string, password: string): Promise<void> {
  const row = ctx.db.select().from(users).where(eq(users.id, ctx.actor.id)).get()
  if (!row || !(await verifyPassword(current, row.passwordHash))) {
    throw new InvalidInput({ current: { key: 'v.wrongPassword' } })
  }
  const passwordHash = await hashPassword(password)
  ctx.db.transaction((tx) => {
    tx.update(users).set({ passwordHash, passwordChangedAt: new Date() }).where(eq(users.id, row.id)).run()
    tx.delete(sessions).where(eq(sessions.userId, row.id)).run()
    recordAudit(tx, ctx.actor, {
      action: 'user.password_changed',
      subject: 'user',
      subjectId: row.id,
      villageId: row.villageId,
    })
  })
}

/** A coordinator sets a new password; every session of that user ends at once. */
export async function resetPassword(ctx: StaffCtx, userId: number, password: string): Promise<void> {
  const user = getUser(ctx, userId)
  const passwordHash = await hashPassword(password)
  ctx.db.transaction((tx) => {
    tx.update(users).set({ passwordHash, passwordChangedAt: new Date() }).where(eq(users.id, user.id)).run()
    tx.delete(sessions).where(eq(sessions.userId, user.id)).run()
    recordAudit(tx, ctx.actor, {
      action: 'user.password_reset',
      subject: 'user',
      subjectId: user.id,
      villageId: user.villageId,
      detail: { username: user.username },
    })
  })
}

/** Turning an account off keeps the row (the audit log names it) and ends its sessions. */
export function setUserActive(ctx: StaffCtx, userId: number, active: boolean): void {
  const user = getUser(ctx, userId)
  if (user.id === ctx.actor.id) throw new Conflict('users.cannotDisableSelf')
  if (active === !user.disabledAt) return
  ctx.db.transaction((tx) => {
    tx.update(users)
      .set({ disabledAt: active ? null : new Date() })
      .where(eq(users.id, user.id))
      .run()
    if (!active) tx.delete(sessions).where(eq(sessions.userId, user.id)).run()
    recordAudit(tx, ctx.actor, {
      action: active ? 'user.enabled' : 'user.disabled',
      subject: 'user',
      subjectId: user.id,
      villageId: user.villageId,
      detail: { username: user.username },
    })
  })
}

export { operatorActor }

/** The village's staff accounts, for its page. */
export function villageStaff(ctx: StaffCtx, villageId: number) {
  getVillage(ctx, villageId)
  return ctx.db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      role: users.role,
      disabledAt: users.disabledAt,
    })
    .from(users)
    .where(eq(users.villageId, villageId))
    .orderBy(asc(users.role), asc(users.displayName))
    .all()
}

/** How many staff accounts each village has. */
export function staffCountByVillage(db: Db): Map<number, number> {
  const rows = db.select({ villageId: users.villageId, n: count() }).from(users).groupBy(users.villageId).all()
  return new Map(rows.filter((r) => r.villageId !== null).map((r) => [r.villageId!, r.n]))
}
