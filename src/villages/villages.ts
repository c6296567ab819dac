import { asc, count, eq, sql } from 'drizzle-orm'
import { villages } from './tables.ts'
import { children, departures } from '../people/tables.ts'
import { users } from '../accounts/tables.ts'
import { recordAudit } from '../audit/audit.ts'
import { prepared } from '../db/prepared.ts'
import { canReachVillage, requireRole, type StaffCtx } from '../web/context.ts'
import { NotFound } from '../web/errors.ts'
import type { VillageInput } from './schemas.ts'

export type Village = typeof villages.$inferSelect

/** Coordinators see every village; facilitators and panchayat members their own. */
export function listVillages(ctx: StaffCtx) {
  requireRole(ctx)
  const rows = ctx.db
    .select({
      id: villages.id,
      name: villages.name,
      gramPanchayat: villages.gramPanchayat,
      block: villages.block,
      district: villages.district,
      state: villages.state,
      createdAt: villages.createdAt,
      children: sql<number>`(SELECT count(*) FROM ${children} c WHERE c.village_id = ${villages.id}
      AND NOT EXISTS (SELECT 1 FROM ${departures} d WHERE d.child_id = c.id))`,
      staff: sql<number>`(SELECT count(*) FROM ${users} u WHERE u.village_id = ${villages.id})`,
    })
    .from(villages)
    .orderBy(asc(villages.name))
    .all()
  return rows.filter((v) => canReachVillage(ctx.actor, v.id))
}

/** A village the actor may reach; any other id reads as not found, so ids leak nothing. */
const villageById = prepared((db) =>
  db
    .select()
    .from(villages)
    .where(eq(villages.id, sql.placeholder('id')))
    .prepare(),
)

export function getVillage(ctx: StaffCtx, id: number): Village {
  requireRole(ctx)
  const village = villageById(ctx.db).get({ id })
  if (!village || !canReachVillage(ctx.actor, village.id)) throw new NotFound()
  return village
}

export function createVillage(ctx: StaffCtx, input: VillageInput): Village {
  requireRole(ctx, 'admin')
  return ctx.db.transaction((tx) => {
    const village = tx
      .insert(villages)
      .values({ ...input, createdAt: new Date() })
      .returning()
      .get()
    recordAudit(tx, ctx.actor, {
      action: 'village.created',
      subject: 'village',
      subjectId: village.id,
      villageId: village.id,
      detail: { ...input },
    })
    return village
  })
}

export function updateVillage(ctx: StaffCtx, id: number, input: VillageInput): Village {
  requireRole(ctx, 'admin')
  const before = getVillage(ctx, id)
  return ctx.db.transaction((tx) => {
    const village = tx.update(villages).set(input).where(eq(villages.id, id)).returning().get()
    recordAudit(tx, ctx.actor, {
      action: 'village.updated',
      subject: 'village',
      subjectId: id,
      villageId: id,
      detail: changes(before, input),
    })
    return village
  })
}

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

export function countVillages(ctx: StaffCtx): number {
  return ctx.db.select({ n: count() }).from(villages).get()?.n ?? 0
}

/** Field by field, what a change did: { field: [before, after] }. */
export function changes<T extends Record<string, unknown>>(
  before: T,
  after: Partial<T>,
): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {}
  for (const [k, v] of Object.entries(after)) if (before[k] !== v) out[k] = [before[k], v]
  return out
}
