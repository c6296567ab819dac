import type { FastifyReply, FastifyRequest } from 'fastify'
import { eq, sql } from 'drizzle-orm'
import { prepared } from '../db/prepared.ts'
import { readCache } from '../db/read-cache.ts'
import type { Db } from '../db/client.ts'
import { users } from '../accounts/tables.ts'
import type { Actor, Ctx as DomainCtx, Role } from '../core/actor.ts'
import type { Translate } from '../i18n/translator.ts'

export { type Actor, canReachVillage, requireRole, type StaffCtx } from '../core/actor.ts'

/** A request's context: what every verb takes (core/actor.ts), and the translator for the page. */
export type Ctx = DomainCtx & { t: Translate }

declare module 'fastify' {
  interface FastifyRequest {
    ctx: Ctx
  }
  /** @fastify/view merges these into every template's data. */
  interface FastifyReply {
    locals?: Record<string, unknown>
  }
  interface FastifyContextConfig {
    /** Reachable without logging in. Everything else needs a session. */
    public?: boolean
    /** Roles allowed; omitted means any logged-in user. */
    roles?: readonly Role[]
  }
  interface Session {
    userId?: number
    flash?: string
  }
}

const actorById = prepared((db) =>
  db
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      role: users.role,
      villageId: users.villageId,
      disabledAt: users.disabledAt,
    })
    .from(users)
    .where(eq(users.id, sql.placeholder('id')))
    .prepare(),
)

/** Who is logged in, read on every request: kept while the database is unchanged (db/read-cache.ts). */
const actors = readCache<Actor | null>()

export function loadActor(db: Db, userId: number | undefined): Actor | null {
  if (!userId) return null
  return actors(db, String(userId), () => {
    const row = actorById(db).get({ id: userId })
    if (!row || row.disabledAt) return null
    const { disabledAt: _, ...actor } = row
    return actor
  })
}

/** htmx asks for a fragment unless the request is boosted or restores history. */
export function wantsFragment(request: FastifyRequest): boolean {
  return (
    request.headers['hx-request'] === 'true' &&
    request.headers['hx-boosted'] !== 'true' &&
    request.headers['hx-history-restore-request'] !== 'true' &&
    request.headers['hx-request-type'] !== 'full'
  )
}

export function seeOther(reply: FastifyReply, url: string) {
  return reply.redirect(url, 303)
}
