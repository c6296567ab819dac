import { and, asc, count, desc, eq, gt, isNull, lte, or, sql, type SQL } from 'drizzle-orm'
import { children, consents, departures, erasures } from './tables.ts'
import { users } from '../accounts/tables.ts'
import { auditLog } from '../audit/tables.ts'
import { recordAudit } from '../audit/audit.ts'
import { getVillage } from '../villages/villages.ts'
import { changes } from '../core/diff.ts'
import { requireRole, type Ctx, type StaffCtx } from '../core/actor.ts'
import { Conflict, NotFound } from '../core/errors.ts'
import { bornYearsBefore, todayIso } from '../core/dates.ts'
import type { AgeBand, ChildFilter, ChildInput } from './schemas.ts'

export const PAGE_SIZE = 50

/** Only the village's facilitators and the coordinators see its children (DESIGN.md). */
function registerKeeper(ctx: Ctx, villageId: number): StaffCtx {
  const staff = requireRole(ctx, 'admin', 'facilitator')
  getVillage(staff, villageId)
  return staff
}

const activeConsent = sql<number>`EXISTS (SELECT 1 FROM ${consents} k WHERE k.child_id = ${children.id} AND k.withdrawn_at IS NULL)`

export function listChildren(ctx: Ctx, villageId: number, filter: ChildFilter) {
  const staff = registerKeeper(ctx, villageId)
  const where: SQL[] = [eq(children.villageId, villageId)]
  if (filter.q) {
    const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    where.push(
      or(sql`${children.name} LIKE ${pattern} ESCAPE '\\'`, sql`${children.guardianName} LIKE ${pattern} ESCAPE '\\'`)!,
    )
  }
  if (filter.gender) where.push(eq(children.gender, filter.gender))
  if (filter.ward) where.push(eq(children.ward, filter.ward))
  if (filter.school) where.push(eq(children.inSchool, filter.school === 'yes'))
  if (filter.age) where.push(...ageBandWhere(filter.age))
  if (filter.status === 'active') where.push(isNull(departures.childId))
  if (filter.status === 'left') where.push(sql`${departures.childId} IS NOT NULL`)

  const base = staff.db
    .select({
      id: children.id,
      name: children.name,
      gender: children.gender,
      dateOfBirth: children.dateOfBirth,
      ward: children.ward,
      school: children.school,
      schoolClass: children.schoolClass,
      inSchool: children.inSchool,
      outOfSchoolReason: children.outOfSchoolReason,
      guardianName: children.guardianName,
      hasConsent: activeConsent,
      leftOn: departures.leftOn,
    })
    .from(children)
    .leftJoin(departures, eq(departures.childId, children.id))
    .where(and(...where))
  const total =
    staff.db
      .select({ n: count() })
      .from(children)
      .leftJoin(departures, eq(departures.childId, children.id))
      .where(and(...where))
      .get()?.n ?? 0
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE))
  const page = Math.min(filter.page, pages)
  const rows = base
    .orderBy(asc(children.name), asc(children.id))
    .limit(PAGE_SIZE)
    .offset((page - 1) * PAGE_SIZE)
    .all()
  return { rows: rows.map((r) => ({ ...r, hasConsent: Boolean(r.hasConsent) })), total, page, pages }
}

/** Age on today's date falls in the band: born after (today - (hi+1) years) and on/before (today - lo years). */
function ageBandWhere(band: AgeBand): SQL[] {
  const [lo, hi] = band === '19+' ? [19, 200] : band.split('-').map(Number)
  const today = todayIso()
  return [
    lte(children.dateOfBirth, bornYearsBefore(lo, today)),
    gt(children.dateOfBirth, bornYearsBefore(hi + 1, today)),
  ]
}

export function listWards(ctx: Ctx, villageId: number): string[] {
  const staff = registerKeeper(ctx, villageId)
  return staff.db
    .selectDistinct({ ward: children.ward })
    .from(children)
    .where(eq(children.villageId, villageId))
    .orderBy(asc(children.ward))
    .all()
    .map((r) => r.ward)
}

/** Girls, boys and others on the register, and how many lack consent or are out of school. */
export function registerSummary(ctx: Ctx, villageId: number) {
  const staff = registerKeeper(ctx, villageId)
  const row = staff.db
    .select({
      total: count(),
      girls: sql<number>`sum(${children.gender} = 'girl')`,
      boys: sql<number>`sum(${children.gender} = 'boy')`,
      others: sql<number>`sum(${children.gender} = 'other')`,
      outOfSchool: sql<number>`sum(${children.inSchool} = 0)`,
      noConsent: sql<number>`sum(NOT ${activeConsent})`,
    })
    .from(children)
    .leftJoin(departures, eq(departures.childId, children.id))
    .where(and(eq(children.villageId, villageId), isNull(departures.childId)))
    .get()
  return {
    total: row?.total ?? 0,
    girls: row?.girls ?? 0,
    boys: row?.boys ?? 0,
    others: row?.others ?? 0,
    outOfSchool: row?.outOfSchool ?? 0,
    noConsent: row?.noConsent ?? 0,
  }
}

export function getChild(ctx: Ctx, villageId: number, childId: number) {
  const staff = registerKeeper(ctx, villageId)
  const child = staff.db
    .select()
    .from(children)
    .where(and(eq(children.id, childId), eq(children.villageId, villageId)))
    .get()
  if (!child) throw new NotFound()
  const consent =
    staff.db
      .select({
        id: consents.id,
        givenOn: consents.givenOn,
        recordedAt: consents.recordedAt,
        recordedBy: users.displayName,
      })
      .from(consents)
      .innerJoin(users, eq(users.id, consents.recordedBy))
      .where(and(eq(consents.childId, childId), isNull(consents.withdrawnAt)))
      .orderBy(desc(consents.id))
      .get() ?? null
  const departure =
    staff.db
      .select({
        leftOn: departures.leftOn,
        note: departures.note,
        recordedAt: departures.recordedAt,
        recordedBy: users.displayName,
      })
      .from(departures)
      .innerJoin(users, eq(users.id, departures.recordedBy))
      .where(eq(departures.childId, childId))
      .get() ?? null
  const erasure =
    staff.db
      .select({ erasedAt: erasures.erasedAt, by: users.displayName })
      .from(erasures)
      .innerJoin(users, eq(users.id, erasures.erasedBy))
      .where(eq(erasures.childId, childId))
      .get() ?? null
  return { ...child, consent, departure, erasure }
}

/** An erased child's record stays as it is: nothing brings the data back. */
function notErased(child: Child): void {
  if (child.erasure) throw new Conflict('children.erasedAlready')
}

export type Child = ReturnType<typeof getChild>

/** Everything the audit log says about one child, newest first. */
export function childHistory(ctx: Ctx, villageId: number, childId: number) {
  const staff = registerKeeper(ctx, villageId)
  return staff.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.subject, 'child'), eq(auditLog.subjectId, childId), eq(auditLog.villageId, villageId)))
    .orderBy(desc(auditLog.id))
    .limit(100)
    .all()
}

export function addChild(ctx: Ctx, villageId: number, input: ChildInput, consentOn: string | null) {
  const staff = registerKeeper(ctx, villageId)
  return staff.db.transaction((tx) => {
    const now = new Date()
    const child = tx
      .insert(children)
      .values({ ...input, villageId, createdAt: now, updatedAt: now })
      .returning()
      .get()
    recordAudit(tx, staff.actor, {
      action: 'child.added',
      subject: 'child',
      subjectId: child.id,
      villageId,
      detail: { name: child.name },
    })
    if (consentOn) {
      tx.insert(consents)
        .values({ childId: child.id, givenOn: consentOn, recordedBy: staff.actor.id, recordedAt: now })
        .run()
      recordAudit(tx, staff.actor, {
        action: 'child.consent_recorded',
        subject: 'child',
        subjectId: child.id,
        villageId,
        detail: { givenOn: consentOn },
      })
    }
    return child
  })
}

export function editChild(ctx: Ctx, villageId: number, childId: number, input: ChildInput) {
  const staff = registerKeeper(ctx, villageId)
  const before = getChild(staff, villageId, childId)
  notErased(before)
  const changed = changes(before, input)
  if (Object.keys(changed).length === 0) return before
  staff.db.transaction((tx) => {
    tx.update(children)
      .set({ ...input, updatedAt: new Date() })
      .where(eq(children.id, childId))
      .run()
    recordAudit(tx, staff.actor, {
      action: 'child.edited',
      subject: 'child',
      subjectId: childId,
      villageId,
      detail: changed,
    })
  })
  return getChild(staff, villageId, childId)
}

/** Safe to repeat: a child with consent on record keeps the first record. */
export function recordConsent(ctx: Ctx, villageId: number, childId: number, givenOn: string): void {
  const staff = registerKeeper(ctx, villageId)
  const child = getChild(staff, villageId, childId)
  notErased(child)
  if (child.consent) return
  staff.db.transaction((tx) => {
    tx.insert(consents).values({ childId, givenOn, recordedBy: staff.actor.id, recordedAt: new Date() }).run()
    recordAudit(tx, staff.actor, {
      action: 'child.consent_recorded',
      subject: 'child',
      subjectId: childId,
      villageId,
      detail: { givenOn },
    })
  })
}

export function withdrawConsent(ctx: Ctx, villageId: number, childId: number): void {
  const staff = registerKeeper(ctx, villageId)
  const child = getChild(staff, villageId, childId)
  if (!child.consent) return
  staff.db.transaction((tx) => {
    tx.update(consents)
      .set({ withdrawnAt: new Date(), withdrawnBy: staff.actor.id })
      .where(eq(consents.id, child.consent!.id))
      .run()
    recordAudit(tx, staff.actor, { action: 'child.consent_withdrawn', subject: 'child', subjectId: childId, villageId })
  })
}

/** The child stays in the register, marked as gone; nothing is deleted. */
export function markLeftVillage(ctx: Ctx, villageId: number, childId: number, leftOn: string, note: string): void {
  const staff = registerKeeper(ctx, villageId)
  const child = getChild(staff, villageId, childId)
  if (child.departure) return
  staff.db.transaction((tx) => {
    tx.insert(departures).values({ childId, leftOn, note, recordedBy: staff.actor.id, recordedAt: new Date() }).run()
    recordAudit(tx, staff.actor, {
      action: 'child.left_village',
      subject: 'child',
      subjectId: childId,
      villageId,
      detail: { leftOn, note },
    })
  })
}

export function markReturned(ctx: Ctx, villageId: number, childId: number): void {
  const staff = registerKeeper(ctx, villageId)
  const child = getChild(staff, villageId, childId)
  notErased(child)
  if (!child.departure) return
  staff.db.transaction((tx) => {
    tx.delete(departures).where(eq(departures.childId, childId)).run()
    recordAudit(tx, staff.actor, {
      action: 'child.returned',
      subject: 'child',
      subjectId: childId,
      villageId,
      detail: { leftOn: child.departure!.leftOn },
    })
  })
}

/** How many children each village has on its register (those who left not counted). */
export function childCountByVillage(db: Ctx['db']): Map<number, number> {
  const rows = db
    .select({ villageId: children.villageId, n: count() })
    .from(children)
    .where(sql`NOT EXISTS (SELECT 1 FROM ${departures} d WHERE d.child_id = ${children.id})`)
    .groupBy(children.villageId)
    .all()
  return new Map(rows.map((r) => [r.villageId, r.n]))
}
