import { and, asc, count, desc, eq, gt, isNull, lte, sql, type SQL } from 'drizzle-orm'
import { children, consents, departures, erasures } from './tables.ts'
import { users } from '../accounts/tables.ts'
import { auditLog } from '../audit/tables.ts'
import { recordAudit } from '../audit/audit.ts'
import { getVillage } from '../villages/villages.ts'
import { changes } from '../core/diff.ts'
import { requireRole, type Ctx, type StaffCtx } from '../core/actor.ts'
import { Conflict, NotFound } from '../core/errors.ts'
import { bornYearsBefore, todayIso } from '../core/dates.ts'
import { prepared, preparedByKey } from '../db/prepared.ts'
import { readCache } from '../db/read-cache.ts'
import type { AgeBand, ChildFilter, ChildInput } from './schemas.ts'
import { nameMatcher } from './name-search.ts'

export const PAGE_SIZE = 50

/** Only the village's facilitators and the coordinators see its children (DESIGN.md). */
function registerKeeper(ctx: Ctx, villageId: number): StaffCtx {
  const staff = requireRole(ctx, 'admin', 'facilitator')
  getVillage(staff, villageId)
  return staff
}

const activeConsent = sql<number>`EXISTS (SELECT 1 FROM ${consents} k WHERE k.child_id = ${children.id} AND k.withdrawn_at IS NULL)`

export function listChildren(ctx: Ctx, villageId: number, filter: ChildFilter) {
  registerKeeper(ctx, villageId)
  // An age band is counted from today: the day is part of what was read.
  const key = `${villageId}:${filter.age ? todayIso() : ''}:${JSON.stringify(filter)}`
  return registerPages(ctx.db, key, () => readRegister(ctx.db, villageId, filter))
}

function readRegister(db: Ctx['db'], villageId: number, filter: ChildFilter) {
  const { count: counted, rows: listed } = registerQueries(db, filterShape(filter))
  const params = filterParams(villageId, filter, filter.q ? foundByName(db, villageId, filter.q) : [])
  const total = counted.get(params)?.n ?? 0
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE))
  const page = Math.min(filter.page, pages)
  const rows = listed.all({ ...params, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })
  return { rows: rows.map((r) => ({ ...r, hasConsent: Boolean(r.hasConsent) })), total, page, pages }
}

/** The register as last read, while the database is unchanged (db/read-cache.ts). */
const registerPages = readCache<ReturnType<typeof readRegister>>()
const wardLists = readCache<string[]>()
const summaries = readCache<ReturnType<typeof summaryRow>>()

/** Which of the filters are set: each combination is its own query, built once per database (db/prepared.ts). */
type FilterShape = {
  q: boolean
  gender: boolean
  ward: boolean
  school: boolean
  age: boolean
  status: ChildFilter['status']
}

function filterShape(filter: ChildFilter): FilterShape {
  return {
    q: Boolean(filter.q),
    gender: Boolean(filter.gender),
    ward: Boolean(filter.ward),
    school: Boolean(filter.school),
    age: Boolean(filter.age),
    status: filter.status,
  }
}

/** The values of the filters that are set, for the placeholders of their shape's queries. */
function filterParams(villageId: number, filter: ChildFilter, named: number[]) {
  const band = filter.age ? ageBandDates(filter.age) : null
  return {
    villageId,
    named: JSON.stringify(named),
    gender: filter.gender ?? '',
    ward: filter.ward ?? '',
    inSchool: filter.school === 'yes' ? 1 : 0,
    bornBy: band?.bornBy ?? '',
    bornAfter: band?.bornAfter ?? '',
  }
}

const registerQueries = preparedByKey(
  (shape: FilterShape) => JSON.stringify(shape),
  (db, shape: FilterShape) => {
    const where: SQL[] = [eq(children.villageId, sql.placeholder('villageId'))]
    // The children the name search found (foundByName), as a JSON array of ids.
    if (shape.q) where.push(sql`${children.id} IN (SELECT value FROM json_each(${sql.placeholder('named')}))`)
    if (shape.gender) where.push(eq(children.gender, sql.placeholder('gender')))
    if (shape.ward) where.push(eq(children.ward, sql.placeholder('ward')))
    if (shape.school) where.push(eq(children.inSchool, sql.placeholder('inSchool')))
    if (shape.age)
      where.push(
        lte(children.dateOfBirth, sql.placeholder('bornBy')),
        gt(children.dateOfBirth, sql.placeholder('bornAfter')),
      )
    if (shape.status === 'active') where.push(isNull(departures.childId))
    if (shape.status === 'left') where.push(sql`${departures.childId} IS NOT NULL`)
    return {
      count: db
        .select({ n: count() })
        .from(children)
        .leftJoin(departures, eq(departures.childId, children.id))
        .where(and(...where))
        .prepare(),
      rows: db
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
        .orderBy(asc(children.name), asc(children.id))
        .limit(sql.placeholder('limit'))
        .offset(sql.placeholder('offset'))
        .prepare(),
    }
  },
)

/**
 * The village's children whose name or guardian's name the search finds, however it is spelled
 * (people/name-search.ts): "meena" finds मीणा. Read as names and ids only, and matched here.
 */
function foundByName(db: Ctx['db'], villageId: number, q: string): number[] {
  const matches = nameMatcher(q)
  return namesOf(db)
    .all({ villageId })
    .filter((c) => matches(c.name, c.guardianName))
    .map((c) => c.id)
}

const namesOf = prepared((db) =>
  db
    .select({ id: children.id, name: children.name, guardianName: children.guardianName })
    .from(children)
    .where(eq(children.villageId, sql.placeholder('villageId')))
    .prepare(),
)

/** Age on today's date falls in the band: born after (today - (hi+1) years) and on/before (today - lo years). */
function ageBandDates(band: AgeBand): { bornBy: string; bornAfter: string } {
  const [lo, hi] = band === '19+' ? [19, 200] : band.split('-').map(Number)
  const today = todayIso()
  return { bornBy: bornYearsBefore(lo, today), bornAfter: bornYearsBefore(hi + 1, today) }
}

export function listWards(ctx: Ctx, villageId: number): string[] {
  registerKeeper(ctx, villageId)
  return wardLists(ctx.db, String(villageId), () =>
    wardsOf(ctx.db)
      .all({ villageId })
      .map((r) => r.ward),
  )
}

const wardsOf = prepared((db) =>
  db
    .selectDistinct({ ward: children.ward })
    .from(children)
    .where(eq(children.villageId, sql.placeholder('villageId')))
    .orderBy(asc(children.ward))
    .prepare(),
)

/** Girls, boys and others on the register, and how many lack consent or are out of school. */
export function registerSummary(ctx: Ctx, villageId: number) {
  registerKeeper(ctx, villageId)
  return summaries(ctx.db, String(villageId), () => summaryRow(ctx.db, villageId))
}

function summaryRow(db: Ctx['db'], villageId: number) {
  const row = summaryOf(db).get({ villageId })
  return {
    total: row?.total ?? 0,
    girls: row?.girls ?? 0,
    boys: row?.boys ?? 0,
    others: row?.others ?? 0,
    outOfSchool: row?.outOfSchool ?? 0,
    noConsent: row?.noConsent ?? 0,
  }
}

const summaryOf = prepared((db) =>
  db
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
    .where(and(eq(children.villageId, sql.placeholder('villageId')), isNull(departures.childId)))
    .prepare(),
)

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
