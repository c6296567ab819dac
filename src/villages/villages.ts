import { asc, count, eq, sql } from 'drizzle-orm'
import { villages } from './tables.ts'
import { recordAudit } from '../audit/audit.ts'
import { prepared } from '../db/prepared.ts'
import { readCache } from '../db/read-cache.ts'
import { canReachVillage, requireRole, type StaffCtx } from '../core/actor.ts'
import { NotFound } from '../core/errors.ts'
import type { VillageInput } from './schemas.ts'
import { changes } from '../core/diff.ts'

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

/** Asked several times by every page of a village: kept while the database is unchanged (db/read-cache.ts). */
const villagesById = readCache<Village | null>()

export function getVillage(ctx: StaffCtx, id: number): Village {
  requireRole(ctx)
  const village = villagesById(ctx.db, String(id), () => villageById(ctx.db).get({ id }) ?? null)
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

export function countVillages(ctx: StaffCtx): number {
  return ctx.db.select({ n: count() }).from(villages).get()?.n ?? 0
}
