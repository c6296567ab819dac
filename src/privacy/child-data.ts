import { and, asc, eq, isNull, lt, or, sql } from 'drizzle-orm'
import { children, consents, departures, erasures } from '../people/tables.ts'
import { auditLog } from '../audit/tables.ts'
import { recordAudit } from '../audit/audit.ts'
import { getVillage } from '../villages/villages.ts'
import { candidates, contests, elections, members, results } from '../elections/tables.ts'
import type { Tx } from '../db/client.ts'
import { strikeOut } from '../db/privacy.ts'
import { textDeclarations } from './text-declarations.ts'
import { erasedName, isErasedName } from '../people/erased.ts'
import { boxCheckoffs } from '../elections/ballot-box-tables.ts'
import { attendance, meetings } from '../meetings/tables.ts'
import { resolutions } from '../resolutions/tables.ts'
import { requireRole, type Ctx, type StaffCtx } from '../core/actor.ts'
import { NotFound } from '../core/errors.ts'
import { todayIso } from '../core/dates.ts'

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

export function erasureOf(db: StaffCtx['db'], childId: number) {
  return db.select().from(erasures).where(eq(erasures.childId, childId)).get() ?? null
}

/**
 * Everything held about one child, as JSON: the register entry, consents, residence, candidacies,
 * seats, the elections they voted in (never how — nothing links a ballot to a child), meetings they
 * were expected at, resolutions they moved or seconded, and the audit log's entries about them.
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
    consents: db
      .select({ givenOn: consents.givenOn, recordedAt: consents.recordedAt, withdrawnAt: consents.withdrawnAt })
      .from(consents)
      .where(eq(consents.childId, childId))
      .orderBy(asc(consents.id))
      .all(),
    departure:
      db
        .select({ leftOn: departures.leftOn, note: departures.note })
        .from(departures)
        .where(eq(departures.childId, childId))
        .get() ?? null,
    candidacies: db
      .select({
        election: elections.title,
        contest: contests.name,
        symbol: candidates.symbol,
        nominatedAt: candidates.nominatedAt,
      })
      .from(candidates)
      .innerJoin(elections, eq(elections.id, candidates.electionId))
      .innerJoin(contests, eq(contests.id, candidates.contestId))
      .where(eq(candidates.childId, childId))
      .orderBy(asc(candidates.id))
      .all(),
    seats: db
      .select({
        election: elections.title,
        seat: members.seat,
        seatTitle: members.seatTitle,
        since: members.since,
        leftOn: members.leftOn,
        leftReason: members.leftReason,
      })
      .from(members)
      .innerJoin(elections, eq(elections.id, members.electionId))
      .where(eq(members.childId, childId))
      .orderBy(asc(members.id))
      .all(),
    votedIn: db
      .select({ election: elections.title })
      .from(boxCheckoffs)
      .innerJoin(elections, eq(elections.id, boxCheckoffs.electionId))
      .where(and(eq(boxCheckoffs.childId, childId), eq(boxCheckoffs.voted, true)))
      .all()
      .map((r) => r.election),
    meetings: db
      .select({
        number: meetings.number,
        date: meetings.date,
        present: sql<number>`${attendance.presentAt} IS NOT NULL`,
      })
      .from(attendance)
      .innerJoin(meetings, eq(meetings.id, attendance.meetingId))
      .where(eq(attendance.childId, childId))
      .orderBy(asc(meetings.date))
      .all()
      .map((m) => ({ ...m, present: Boolean(m.present) })),
    resolutions: db
      .select({
        number: resolutions.number,
        title: resolutions.title,
        proposer: sql<number>`${resolutions.proposerChildId} = ${childId}`,
      })
      .from(resolutions)
      .where(or(eq(resolutions.proposerChildId, childId), eq(resolutions.seconderChildId, childId)))
      .orderBy(asc(resolutions.id))
      .all()
      .map((r) => ({ number: r.number, title: r.title, role: r.proposer ? 'proposer' : 'seconder' })),
    auditLog: db
      .select({ at: auditLog.at, by: auditLog.actorName, action: auditLog.action, detail: auditLog.detail })
      .from(auditLog)
      .where(and(eq(auditLog.subject, 'child'), eq(auditLog.subjectId, childId)))
      .orderBy(asc(auditLog.id))
      .all()
      .map((e) => ({ ...e, detail: JSON.parse(e.detail) as unknown })),
  }
  recordAudit(db, staff.actor, { action: 'child.exported', subject: 'child', subjectId: childId, villageId })
  return data
}

/**
 * Every name the child went by and every guardian's name and phone on record: the register's
 * current values and what the child's own log entries recorded before (added as, renamed from).
 */
function namesToStrike(tx: Tx, child: typeof children.$inferSelect): string[] {
  const found = new Set([child.name, child.guardianName, child.guardianPhone])
  const entries = tx
    .select({ detail: auditLog.detail })
    .from(auditLog)
    .where(and(eq(auditLog.subject, 'child'), eq(auditLog.subjectId, child.id)))
    .all()
  for (const { detail } of entries) {
    const parsed = JSON.parse(detail) as Record<string, unknown>
    for (const key of ['name', 'guardianName', 'guardianPhone']) {
      for (const value of [parsed[key]].flat()) if (typeof value === 'string') found.add(value)
    }
  }
  // A frozen count keeps the name the child had when the result was published.
  for (const { count } of tx
    .select({ count: results.count })
    .from(results)
    .innerJoin(candidates, eq(candidates.electionId, results.electionId))
    .where(eq(candidates.childId, child.id))
    .all()) {
    for (const c of (JSON.parse(count) as { candidates: { childId: number; name: string }[] }).candidates)
      if (c.childId === child.id) found.add(c.name)
  }
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

/** A published result keeps its counts; the erased child's entry in it no longer has a name. */
function unnameInFrozenCounts(tx: Tx, childId: number): void {
  const rows = tx
    .select({ contestId: results.contestId, count: results.count })
    .from(results)
    .where(
      sql`${results.electionId} IN (SELECT ${candidates.electionId} FROM ${candidates} WHERE ${candidates.childId} = ${childId})`,
    )
    .all()
  for (const row of rows) {
    const count = JSON.parse(row.count) as { candidates: { childId: number; name: string }[] }
    if (!count.candidates.some((c) => c.childId === childId)) continue
    count.candidates = count.candidates.map((c) => (c.childId === childId ? { ...c, name: erasedName(childId) } : c))
    tx.update(results)
      .set({ count: JSON.stringify(count) })
      .where(eq(results.contestId, row.contestId))
      .run()
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
    tx.update(children)
      .set({
        name: erasedName(childId),
        dateOfBirth: `${child.dateOfBirth.slice(0, 4)}-07-01`,
        ward: '',
        school: '',
        schoolClass: '',
        inSchool: true,
        outOfSchoolReason: null,
        guardianName: '',
        guardianPhone: '',
        updatedAt: now,
      })
      .where(eq(children.id, childId))
      .run()
    tx.update(consents)
      .set({ withdrawnAt: now, withdrawnBy: staff.actor.id })
      .where(and(eq(consents.childId, childId), isNull(consents.withdrawnAt)))
      .run()
    tx.insert(departures)
      .values({ childId, leftOn: todayIso(), note: '', recordedBy: staff.actor.id, recordedAt: now })
      .onConflictDoUpdate({ target: departures.childId, set: { note: '' } })
      .run()
    tx.insert(erasures).values({ childId, erasedBy: staff.actor.id, erasedAt: now }).run()
    // The log's own entries about the child lose their details; elsewhere the names are struck out.
    tx.update(auditLog)
      .set({ detail: '{}' })
      .where(and(eq(auditLog.subject, 'child'), eq(auditLog.subjectId, childId)))
      .run()
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
  const fileOf = (detail: string) => String((JSON.parse(detail) as { file?: unknown }).file ?? '')
  const removed = new Set(
    staff.db
      .select({ detail: auditLog.detail })
      .from(auditLog)
      .where(eq(auditLog.action, 'database.backup_removed'))
      .all()
      .map((e) => fileOf(e.detail)),
  )
  return staff.db
    .select({ at: auditLog.at, detail: auditLog.detail })
    .from(auditLog)
    .where(and(eq(auditLog.action, 'database.backed_up'), lt(auditLog.at, erasure.erasedAt)))
    .orderBy(asc(auditLog.id))
    .all()
    .map((e) => {
      const detail = JSON.parse(e.detail) as { file?: unknown; encrypted?: unknown }
      return { file: String(detail.file ?? ''), encrypted: detail.encrypted === true, at: e.at }
    })
    .filter((b) => !removed.has(b.file))
}
