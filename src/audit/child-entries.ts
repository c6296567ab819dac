import { and, asc, eq } from 'drizzle-orm'
import type { Db, Tx } from '../core/db.ts'
import { auditLog } from './tables.ts'

const aboutChild = (childId: number) => and(eq(auditLog.subject, 'child'), eq(auditLog.subjectId, childId))

/** The log's part of a child's export: its entries about the child. */
export function childEntriesOf(db: Db | Tx, childId: number) {
  return db
    .select({ at: auditLog.at, by: auditLog.actorName, action: auditLog.action, detail: auditLog.detail })
    .from(auditLog)
    .where(aboutChild(childId))
    .orderBy(asc(auditLog.id))
    .all()
    .map((e) => ({ ...e, detail: JSON.parse(e.detail) as unknown }))
}

/** Every value the log's entries about the child recorded under these fields (added as, renamed from). */
export function valuesInChildEntries(db: Db | Tx, childId: number, fields: readonly string[]): string[] {
  const found: string[] = []
  for (const { detail } of db.select({ detail: auditLog.detail }).from(auditLog).where(aboutChild(childId)).all()) {
    const parsed = JSON.parse(detail) as Record<string, unknown>
    for (const key of fields) for (const value of [parsed[key]].flat()) if (typeof value === 'string') found.push(value)
  }
  return found
}

/** The log keeps that things happened to the child, no longer what they were. */
export function blankChildEntries(tx: Tx, childId: number): void {
  tx.update(auditLog).set({ detail: '{}' }).where(aboutChild(childId)).run()
}
