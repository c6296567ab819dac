import { and, desc, eq, lt, type SQL } from 'drizzle-orm'
import type { Tx, Db } from '../db/client.ts'
import type { Actor, StaffCtx } from '../core/actor.ts'
import { requireRole } from '../core/actor.ts'
import { auditLog } from './tables.ts'
import { claimFormKey } from './form-keys.ts'

export type AuditEntry = {
  action: string
  subject: string
  subjectId?: number | null
  villageId?: number | null
  detail?: Record<string, unknown>
}

/** The operator's command line acts as this coordinator; the log names it as such. */
export const operatorActor: Actor = {
  id: 0,
  username: 'operator',
  displayName: 'operator (command line)',
  role: 'admin',
  villageId: null,
}

/** Written inside the same transaction as the change it records. */
export function recordAudit(tx: Tx | Db, actor: Actor, entry: AuditEntry): void {
  const { lastInsertRowid } = tx
    .insert(auditLog)
    .values({
      at: new Date(),
      actorId: actor.id === 0 ? null : actor.id,
      actorName: actor.displayName,
      villageId: entry.villageId ?? null,
      action: entry.action,
      subject: entry.subject,
      subjectId: entry.subjectId ?? null,
      detail: JSON.stringify(entry.detail ?? {}),
    })
    .run()
  // Under a creating form's one-time key, the key is stored with the first entry of what it made.
  claimFormKey(tx, Number(lastInsertRowid))
}

export const AUDIT_PAGE = 50

/** Newest first, a page at a time (keyset on id), optionally for one village. */
export function listAudit(ctx: StaffCtx, filter: { villageId?: number; before?: number }) {
  requireRole(ctx, 'admin')
  const where: SQL[] = []
  if (filter.villageId) where.push(eq(auditLog.villageId, filter.villageId))
  if (filter.before) where.push(lt(auditLog.id, filter.before))
  const rows = ctx.db
    .select()
    .from(auditLog)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(AUDIT_PAGE + 1)
    .all()
  return {
    entries: rows.slice(0, AUDIT_PAGE).map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> })),
    nextBefore: rows.length > AUDIT_PAGE ? rows[AUDIT_PAGE - 1].id : null,
  }
}
