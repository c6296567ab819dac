import { and, asc, eq, lt } from 'drizzle-orm'
import { auditLog } from '../audit/tables.ts'
import type { Db, Tx } from '../core/db.ts'

/**
 * The backups made before a moment that may still be on disk, read from the log (`database.backed_up`),
 * leaving out those automatic rotation has since deleted (`database.backup_removed`).
 */
export function backupsMadeBefore(db: Db | Tx, before: Date): { file: string; encrypted: boolean; at: Date }[] {
  const fileOf = (detail: string) => String((JSON.parse(detail) as { file?: unknown }).file ?? '')
  const removed = new Set(
    db
      .select({ detail: auditLog.detail })
      .from(auditLog)
      .where(eq(auditLog.action, 'database.backup_removed'))
      .all()
      .map((e) => fileOf(e.detail)),
  )
  return db
    .select({ at: auditLog.at, detail: auditLog.detail })
    .from(auditLog)
    .where(and(eq(auditLog.action, 'database.backed_up'), lt(auditLog.at, before)))
    .orderBy(asc(auditLog.id))
    .all()
    .map((e) => {
      const detail = JSON.parse(e.detail) as { file?: unknown; encrypted?: unknown }
      return { file: String(detail.file ?? ''), encrypted: detail.encrypted === true, at: e.at }
    })
    .filter((b) => !removed.has(b.file))
}
