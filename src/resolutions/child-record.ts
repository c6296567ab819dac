import { asc, eq, or, sql } from 'drizzle-orm'
import type { Db, Tx } from '../core/db.ts'
import { resolutions } from './tables.ts'

/** Resolutions' part of a child's export: those they moved or seconded. */
export function resolutionPartOf(db: Db | Tx, childId: number) {
  return db
    .select({
      number: resolutions.number,
      title: resolutions.title,
      proposer: sql<number>`${resolutions.proposerChildId} = ${childId}`,
    })
    .from(resolutions)
    .where(or(eq(resolutions.proposerChildId, childId), eq(resolutions.seconderChildId, childId)))
    .orderBy(asc(resolutions.id))
    .all()
    .map((r) => ({ number: r.number, title: r.title, role: r.proposer ? 'proposer' : 'seconder' }))
}
