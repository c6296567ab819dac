import { and, eq, sql } from 'drizzle-orm'
import { backupsMadeBefore } from '../backups/backup-log.ts'
import { blankCasesOf, casePartOf } from '../cases/child-record.ts'
import { blankChildEntries, childEntriesOf, valuesInChildEntries } from '../audit/child-entries.ts'
import { recordAudit } from '../audit/audit.ts'
import { requireRole, type Ctx, type StaffCtx } from '../core/actor.ts'
import type { Tx } from '../core/db.ts'
import { NotFound } from '../core/errors.ts'
import { strikeOut } from '../db/privacy.ts'
import { electionPartOf, namesInFrozenCounts, unnameInFrozenCounts } from '../elections/child-record.ts'
import { meetingPartOf } from '../meetings/child-record.ts'
import { type Child, eraseFromRegister, erasureOf, registerPartOf } from '../people/child-record.ts'
import { erasedName, isErasedName } from '../people/erased.ts'
import { children } from '../people/tables.ts'
import { resolutionPartOf } from '../resolutions/child-record.ts'
import { getVillage } from '../villages/villages.ts'
import { textDeclarations } from './text-declarations.ts'

/** Exports and erasure are the coordinator's, for a child of a village they reach. */
function coordinatorOf(ctx: Ctx, villageId: number, childId: number) {
  const staff = requireRole(ctx, 'admin')
  const village = getVillage(staff, villageId)
  const child = staff.db
    .select()
    .from(children)
    .where(and(eq(children.id, childId), eq(children.villageId, villageId)))
    .get()
  if (!child) throw new NotFound()
  return { staff, village, child }
}

export { erasureOf }

/**
 * Everything held about one child, as JSON: the register entry, consents, residence, candidacies,
 * seats, the elections they voted in (never how — nothing links a ballot to a child), meetings they
 * were expected at, resolutions they moved or seconded, their own out-of-school cases, and the audit
 * log's entries about them.
 */
export function exportChild(ctx: Ctx, villageId: number, childId: number) {
  const { staff, village, child } = coordinatorOf(ctx, villageId, childId)
  const db = staff.db
  const data = {
    exportedAt: new Date().toISOString(),
    exportedBy: staff.actor.displayName,
    village: { id: village.id, name: village.name },
    child: { ...child, createdAt: child.createdAt.toISOString(), updatedAt: child.updatedAt.toISOString() },
    erased: erasureOf(db, childId) !== null,
    ...registerPartOf(db, childId),
    ...electionPartOf(db, childId),
    meetings: meetingPartOf(db, childId),
    resolutions: resolutionPartOf(db, childId),
    cases: casePartOf(db, childId),
    auditLog: childEntriesOf(db, childId),
  }
  recordAudit(db, staff.actor, { action: 'child.exported', subject: 'child', subjectId: childId, villageId })
  return data
}

/**
 * Every name the child went by and every guardian's name and phone on record: the register's
 * current values and what the child's own log entries recorded before (added as, renamed from).
 */
function namesToStrike(tx: Tx, child: Child): string[] {
  const found = new Set([
    child.name,
    child.guardianName,
    child.guardianPhone,
    ...valuesInChildEntries(tx, child.id, ['name', 'guardianName', 'guardianPhone']),
    ...namesInFrozenCounts(tx, child.id),
  ])
  return [...found].map((s) => s.trim()).filter((s) => s.length >= 2 && !isErasedName(s))
}

/**
 * Strikes the names out of every column declared as free text (typed, or JSON the app wrote), in
 * the rows of the child's village: the declarations beside the tables say which columns and rows.
 */
function strikeFromFreeText(tx: Tx, villageId: number, names: string[]): void {
  if (names.length === 0) return
  for (const declaration of textDeclarations) {
    for (const [column, kind] of Object.entries(declaration.columns)) {
      if ((kind !== 'typed' && kind !== 'json') || !declaration.village) continue
      const table = sql.identifier(declaration.name)
      const col = sql.identifier(column)
      const spelled = names.map((n) => (kind === 'json' ? JSON.stringify(n).slice(1, -1) : n))
      const mentions = sql.join(
        spelled.map((n) => sql`instr(lower(${col}), lower(${n})) > 0`),
        sql` OR `,
      )
      const rows = tx.all<{ id: number; value: string }>(
        sql`SELECT rowid AS id, ${col} AS value FROM ${table} WHERE ${declaration.village(villageId)} AND (${mentions})`,
      )
      for (const row of rows) {
        const next = strikeOut(row.value, names, kind === 'json')
        if (next !== row.value) tx.run(sql`UPDATE ${table} SET ${col} = ${next} WHERE rowid = ${row.id}`)
      }
    }
  }
}

export { erasedName }

/**
 * Erases a child's personal data: the name and every detail are replaced (only gender and year of
 * birth stay, for the girls' figures), consent is withdrawn and the child leaves the register, so
 * no roll takes them again. Ballots, check-offs (now of "a voter") and counts are kept; a result
 * names "a candidate (erased)". The audit log keeps that it happened but no longer the details,
 * and every name the child or the guardian went by, and the phone, are struck from every column of
 * free text in the village (declared beside the tables). Freed space is zeroed (secure_delete) and
 * the WAL is checkpointed and truncated, so the old bytes are in no file of the box. Erasing twice
 * changes nothing. Backups made before still hold the data: `backupsBefore` lists them.
 */
export function eraseChild(ctx: Ctx, villageId: number, childId: number): void {
  const { staff, child } = coordinatorOf(ctx, villageId, childId)
  if (erasureOf(staff.db, childId)) return
  const now = new Date()
  staff.db.transaction((tx) => {
    const names = namesToStrike(tx, child)
    eraseFromRegister(tx, child, staff.actor.id, now)
    // The log's own entries about the child lose their details; elsewhere the names are struck out.
    blankChildEntries(tx, childId)
    blankCasesOf(tx, childId)
    unnameInFrozenCounts(tx, childId)
    strikeFromFreeText(tx, villageId, names)
    recordAudit(tx, staff.actor, { action: 'child.erased', subject: 'child', subjectId: childId, villageId })
  })
  forgetOldBytes(staff.db)
}

/**
 * The old values may still sit in the WAL's copies of pages, and in bytes of pages SQLite rebuilt
 * (secure_delete zeroes freed cells, not every leftover): the file is rewritten from its live rows
 * and the WAL checkpointed and truncated to nothing. An erasure is rare: the rewrite's cost, in
 * proportion to the file's size, is paid then and never on a page load.
 */
function forgetOldBytes(db: StaffCtx['db']): void {
  // VACUUM needs room for a copy of the file: on a full disk the zeroed cells and the checkpoint still hold.
  try {
    db.run(sql`VACUUM main`)
  } catch {
    /* the erasure itself is committed */
  }
  db.all(sql`PRAGMA main.wal_checkpoint(TRUNCATE)`)
}

/**
 * Backups made before the child was erased: they still hold the child's data. Automatic ones the
 * box has since deleted (its rotation records each) hold nothing any more and are left out.
 */
export function backupsBefore(
  ctx: Ctx,
  villageId: number,
  childId: number,
): { file: string; encrypted: boolean; at: Date }[] {
  const { staff } = coordinatorOf(ctx, villageId, childId)
  const erasure = erasureOf(staff.db, childId)
  if (!erasure) return []
  return backupsMadeBefore(staff.db, erasure.erasedAt)
}
