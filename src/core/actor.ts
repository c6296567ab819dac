import type { Db } from './db.ts'
import { Forbidden } from './errors.ts'

/** Coordinator (admin), facilitator, Gram Panchayat member. Declared once, used everywhere. */
export const roles = ['admin', 'facilitator', 'panchayat'] as const
export type Role = (typeof roles)[number]

export const languages = ['hi', 'en'] as const
export type Language = (typeof languages)[number]

export type Actor = { id: number; username: string; displayName: string; role: Role; villageId: number | null }

/** Who acts, on which database, reading which language: built once per request, passed to every verb. */
export type Ctx = { db: Db; actor: Actor | null; lang: Language }
export type StaffCtx = Ctx & { actor: Actor }

/** Throws unless someone is logged in with one of the roles. */
export function requireRole(ctx: Ctx, ...allowed: Role[]): StaffCtx {
  if (!ctx.actor || (allowed.length > 0 && !allowed.includes(ctx.actor.role))) throw new Forbidden()
  return ctx as StaffCtx
}

/** Coordinators reach every village; everyone else only their own. */
export function canReachVillage(actor: Actor, villageId: number): boolean {
  return actor.role === 'admin' || actor.villageId === villageId
}
