import { and, asc, desc, eq, inArray, isNull } from 'drizzle-orm'
import { users } from '../accounts/tables.ts'
import { recordAudit } from '../audit/audit.ts'
import { requireRole, type Ctx, type StaffCtx } from '../core/actor.ts'
import { todayIso } from '../core/dates.ts'
import type { Db, Tx } from '../core/db.ts'
import { Conflict, Forbidden, InvalidInput, NotFound, type FieldErrors } from '../core/errors.ts'
import { balPanchayatOn, getMeeting } from '../meetings/meetings.ts'
import { agendaItems, meetings } from '../meetings/tables.ts'
import { editChild, getChild, type Child } from '../people/children.ts'
import { children, departures, erasures, type OutOfSchoolReason } from '../people/tables.ts'
import { getJourney, villageResolutions } from '../resolutions/journeys.ts'
import { getVillage } from '../villages/villages.ts'
import { caseStatus, checkOverdue, nextStepRefusal, type StepRefusal, stepsOffered } from './machine.ts'
import type { CaseInput, MeetingStepInput, StepInput } from './schemas.ts'
import { type CaseReason, caseSteps, cases } from './tables.ts'
import { readCache } from '../db/read-cache.ts'

/**
 * Cases are the most sensitive records here (child labour, marriage): the village's own facilitators and
 * coordinators only. A coordinator bound to another village, a Gram Panchayat member, anyone else: not found.
 */
function caseKeeper(ctx: Ctx, villageId: number): StaffCtx {
  const staff = requireRole(ctx, 'admin', 'facilitator')
  const own = staff.actor.villageId === villageId
  const everyVillage = staff.actor.role === 'admin' && staff.actor.villageId === null
  if (!own && !everyVillage) throw new NotFound()
  getVillage(staff, villageId)
  return staff
}

/** The keeper's context, or null for whoever may not see cases (the register's pages show them no case). */
function caseKeeperOrNull(ctx: Ctx, villageId: number): StaffCtx | null {
  try {
    return caseKeeper(ctx, villageId)
  } catch (e) {
    if (e instanceof NotFound || e instanceof Forbidden) return null
    throw e
  }
}

type CaseRow = typeof cases.$inferSelect
type StepRow = typeof caseSteps.$inferSelect

function caseOf(db: Db | Tx, villageId: number, caseId: number): CaseRow {
  const row = db
    .select()
    .from(cases)
    .where(and(eq(cases.id, caseId), eq(cases.villageId, villageId)))
    .get()
  if (!row) throw new NotFound()
  return row
}

function stepsOf(db: Db | Tx, caseId: number): StepRow[] {
  return db.select().from(caseSteps).where(eq(caseSteps.caseId, caseId)).orderBy(asc(caseSteps.id)).all()
}

/** Opens a case for a child of the village. A child has one case followed at a time. */
export function openCase(ctx: Ctx, villageId: number, childId: number, input: CaseInput): CaseRow {
  const staff = caseKeeper(ctx, villageId)
  const child = getChild(staff, villageId, childId)
  if (child.erasure) throw new Conflict('children.erasedAlready')
  if (openCaseOf(staff.db, childId)) throw new Conflict('cases.alreadyOpen')
  if (input.foundByChildId !== null) memberOf(staff.db, villageId, input.foundByChildId)
  return staff.db.transaction((tx) => {
    const row = tx
      .insert(cases)
      .values({ ...input, villageId, childId, openedBy: staff.actor.id, openedAt: new Date() })
      .returning()
      .get()
    recordAudit(tx, staff.actor, {
      action: 'case.opened',
      subject: 'child',
      subjectId: childId,
      villageId,
      detail: { on: input.foundOn },
    })
    return row
  })
}

/** The child who found it must be a child of the same village. */
function memberOf(db: Db, villageId: number, childId: number): void {
  const found = db
    .select({ id: children.id })
    .from(children)
    .where(and(eq(children.id, childId), eq(children.villageId, villageId)))
    .get()
  if (!found) throw new InvalidInput({ foundByChildId: { key: 'v.choose' } })
}

/** The child's case still being followed (not closed), if any. */
function openCaseOf(db: Db | Tx, childId: number): CaseRow | null {
  for (const row of db.select().from(cases).where(eq(cases.childId, childId)).orderBy(desc(cases.id)).all())
    if (caseStatus(stepsOf(db, row.id)).status !== 'closed') return row
  return null
}

/** Which field each refusal of the machine is about, so the message stands next to it. */
const refusalField: Readonly<Record<StepRefusal, string>> = {
  bad_date: 'on',
  future: 'on',
  before_found: 'on',
  before_previous: 'on',
  check_too_early: 'on',
  closed: '_form',
  not_closed: '_form',
  already_enrolled: '_form',
  not_enrolled: '_form',
  check_30_first: 'checkDay',
  check_30_done: 'checkDay',
  check_90_done: 'checkDay',
  bad_check_day: 'checkDay',
  attending_unknown: 'attending',
  not_checked_90: 'closeReason',
  reason_needed: 'note',
}

/**
 * Records one dated, signed step. The machine says whether it may come next; a link must be to the village's
 * own agenda item or resolution. Enrolment writes the school into the register, a failed check marks the child
 * out of school again: the register stays true.
 */
export function addStep(ctx: Ctx, villageId: number, caseId: number, input: StepInput): StepRow {
  const staff = caseKeeper(ctx, villageId)
  const kase = caseOf(staff.db, villageId, caseId)
  const steps = stepsOf(staff.db, caseId)
  const refusal = nextStepRefusal(kase, steps, input, todayIso())
  if (refusal) throw new InvalidInput({ [refusalField[refusal]]: { key: `cases.refusal.${refusal}` } })
  linksOfVillage(staff, villageId, input)
  const child = getChild(staff, villageId, kase.childId)
  if (child.erasure) throw new Conflict('children.erasedAlready')
  return staff.db.transaction((tx) => {
    const step = tx
      .insert(caseSteps)
      .values({ ...input, caseId, recordedBy: staff.actor.id, recordedAt: new Date() })
      .returning()
      .get()
    recordAudit(tx, staff.actor, {
      action: `case.${input.kind}`,
      subject: 'child',
      subjectId: kase.childId,
      villageId,
      detail: { on: input.on },
    })
    keepRegisterTrue(staff, child, kase.reason, input)
    return step
  })
}

function linksOfVillage(staff: StaffCtx, villageId: number, input: StepInput): void {
  const errors: FieldErrors = {}
  if (input.agendaItemId !== null && !agendaItemsOf(staff.db, villageId).some((i) => i.id === input.agendaItemId))
    errors.agendaItemId = { key: 'v.choose' }
  if (input.resolutionId !== null && !resolutionsToLink(staff, villageId).some((r) => r.id === input.resolutionId))
    errors.resolutionId = { key: 'v.choose' }
  if (Object.keys(errors).length) throw new InvalidInput(errors)
}

/** The register's out-of-school reasons are fewer than a case's: the rest are 'other'. */
const registerReason: Readonly<Record<CaseReason, OutOfSchoolReason>> = {
  working: 'working',
  married: 'married',
  migrated: 'migrated',
  disability: 'other',
  no_documents: 'other',
  school_far: 'other',
  other: 'other',
}

function keepRegisterTrue(staff: StaffCtx, child: Child, reason: CaseReason, step: StepInput): void {
  const entry = {
    name: child.name,
    gender: child.gender,
    dateOfBirth: child.dateOfBirth,
    ward: child.ward,
    school: child.school,
    schoolClass: child.schoolClass,
    inSchool: child.inSchool,
    outOfSchoolReason: child.outOfSchoolReason,
    guardianName: child.guardianName,
    guardianPhone: child.guardianPhone,
  }
  if (step.kind === 'enrolled')
    editChild(staff, child.villageId, child.id, {
      ...entry,
      school: step.school,
      schoolClass: step.schoolClass,
      inSchool: true,
      outOfSchoolReason: null,
    })
  else if (step.kind === 'attendance_check' && step.attending === false)
    editChild(staff, child.villageId, child.id, {
      ...entry,
      inSchool: false,
      outOfSchoolReason: registerReason[reason],
    })
}

// ---------------------------------------------------------------------------------------------------
// Read-models

/** The agenda items of the village's meetings a case can be raised under, newest meeting first. */
function agendaItemsOf(db: Db, villageId: number) {
  return db
    .select({
      id: agendaItems.id,
      title: agendaItems.title,
      /** 'out_of_school': its stored title is Hindi; the page names it in the reader's language. */
      kind: agendaItems.kind,
      meetingId: meetings.id,
      number: meetings.number,
      date: meetings.date,
    })
    .from(agendaItems)
    .innerJoin(meetings, eq(meetings.id, agendaItems.meetingId))
    .where(and(eq(meetings.villageId, villageId), inArray(agendaItems.kind, ['item', 'out_of_school'])))
    .orderBy(desc(meetings.date), desc(meetings.id), asc(agendaItems.position))
    .all()
}

/** The village's passed resolutions, which a case can be raised with the Gram Panchayat under. */
function resolutionsToLink(staff: StaffCtx, villageId: number) {
  return villageResolutions(staff, villageId)
    .filter((r) => r.passed)
    .map((r) => ({ id: r.id, number: r.number, title: r.title, status: r.status }))
}

/** What the step forms offer to link: the village's agenda items and passed resolutions. */
export function stepChoices(ctx: Ctx, villageId: number) {
  const staff = caseKeeper(ctx, villageId)
  return { agendaItems: agendaItemsOf(staff.db, villageId), resolutions: resolutionsToLink(staff, villageId) }
}

/**
 * The village's cases, those with an overdue check first, then the open ones (newest found first), the closed
 * last; and the children marked out of school whom no case follows ("no one following up yet").
 */
export function villageCases(ctx: Ctx, villageId: number) {
  const staff = caseKeeper(ctx, villageId)
  const today = todayIso()
  const rows = staff.db
    .select({ kase: cases, name: children.name, ward: children.ward, gender: children.gender })
    .from(cases)
    .innerJoin(children, eq(children.id, cases.childId))
    .where(eq(cases.villageId, villageId))
    .orderBy(desc(cases.foundOn), desc(cases.id))
    .all()
  const steps = stepsByCase(
    staff.db,
    rows.map((r) => r.kase.id),
  )
  const list = rows.map(({ kase, name, ward, gender }) => {
    const state = caseStatus(steps.get(kase.id) ?? [])
    return { ...kase, child: { id: kase.childId, name, ward, gender }, state, overdue: checkOverdue(state, today) }
  })
  const rank = (c: (typeof list)[number]) => (c.overdue ? 0 : c.state.status === 'closed' ? 2 : 1)
  list.sort((a, b) => rank(a) - rank(b))
  const followed = new Set(list.filter((c) => c.state.status !== 'closed').map((c) => c.childId))
  return { cases: list, unfollowed: outOfSchool(staff.db, villageId).filter((c) => !followed.has(c.id)) }
}

function stepsByCase(db: Db, caseIds: number[]): Map<number, StepRow[]> {
  const out = new Map<number, StepRow[]>()
  if (caseIds.length === 0) return out
  for (const s of db
    .select()
    .from(caseSteps)
    .where(inArray(caseSteps.caseId, caseIds))
    .orderBy(asc(caseSteps.id))
    .all()) {
    const list = out.get(s.caseId)
    if (list) list.push(s)
    else out.set(s.caseId, [s])
  }
  return out
}

/** Children on the register (not gone, not erased) marked out of school. */
function outOfSchool(db: Db, villageId: number) {
  return db
    .select({ id: children.id, name: children.name, ward: children.ward, reason: children.outOfSchoolReason })
    .from(children)
    .leftJoin(departures, eq(departures.childId, children.id))
    .leftJoin(erasures, eq(erasures.childId, children.id))
    .where(
      and(
        eq(children.villageId, villageId),
        eq(children.inSchool, false),
        isNull(departures.childId),
        isNull(erasures.childId),
      ),
    )
    .orderBy(asc(children.name))
    .all()
}

/** For the register: each child of the village followed by a case, and that case's id; null for whoever may not see cases. */
export function followedChildren(ctx: Ctx, villageId: number): ReadonlyMap<number, number> | null {
  const staff = caseKeeperOrNull(ctx, villageId)
  if (!staff) return null
  return followedByVillage(staff.db, String(villageId), () => readFollowed(staff, villageId))
}

/** Read on every view of the register: kept while the database is unchanged (db/read-cache.ts). */
const followedByVillage = readCache<ReadonlyMap<number, number>>()

function readFollowed(staff: StaffCtx, villageId: number): Map<number, number> {
  const rows = staff.db
    .select({ id: cases.id, childId: cases.childId })
    .from(cases)
    .where(eq(cases.villageId, villageId))
    .orderBy(asc(cases.id))
    .all()
  const steps = stepsByCase(
    staff.db,
    rows.map((r) => r.id),
  )
  const out = new Map<number, number>()
  for (const r of rows) if (caseStatus(steps.get(r.id) ?? []).status !== 'closed') out.set(r.childId, r.id)
  return out
}

/** One child's cases, newest first, for the child's register page; null for whoever may not see cases. */
export function casesOfChild(ctx: Ctx, villageId: number, childId: number) {
  const staff = caseKeeperOrNull(ctx, villageId)
  if (!staff) return null
  return staff.db
    .select()
    .from(cases)
    .where(and(eq(cases.villageId, villageId), eq(cases.childId, childId)))
    .orderBy(desc(cases.id))
    .all()
    .map((c) => ({ ...c, state: caseStatus(stepsOf(staff.db, c.id)) }))
}

/**
 * One case's page: the child, the steps in order with who recorded them, each link read through its own
 * domain (the agenda item's meeting; the resolution's journey, with the Gram Panchayat's answers), where it
 * stands, an overdue check, and the steps it takes next.
 */
export function casePage(ctx: Ctx, villageId: number, caseId: number) {
  const staff = caseKeeper(ctx, villageId)
  const kase = caseOf(staff.db, villageId, caseId)
  const child = getChild(staff, villageId, kase.childId)
  const rows = staff.db
    .select({ step: caseSteps, by: users.displayName })
    .from(caseSteps)
    .innerJoin(users, eq(users.id, caseSteps.recordedBy))
    .where(eq(caseSteps.caseId, caseId))
    .orderBy(asc(caseSteps.id))
    .all()
  const items = new Map(agendaItemsOf(staff.db, villageId).map((i) => [i.id, i]))
  const steps = rows.map(({ step, by }) => ({
    ...step,
    by,
    agendaItem: step.agendaItemId === null ? null : (items.get(step.agendaItemId) ?? null),
    resolution: step.resolutionId === null ? null : linkedResolution(staff, step.resolutionId),
  }))
  const state = caseStatus(rows.map((r) => r.step))
  const foundBy =
    kase.foundByChildId === null
      ? null
      : (staff.db.select({ name: children.name }).from(children).where(eq(children.id, kase.foundByChildId)).get()
          ?.name ?? null)
  const openedBy = staff.db.select({ name: users.displayName }).from(users).where(eq(users.id, kase.openedBy)).get()
  return {
    kase,
    child,
    foundBy,
    openedBy: openedBy?.name ?? '',
    steps,
    state,
    overdue: checkOverdue(state, todayIso()),
    offered: child.erasure ? [] : stepsOffered(state),
  }
}

function linkedResolution(staff: StaffCtx, resolutionId: number) {
  const { journey } = getJourney(staff, resolutionId)
  return {
    id: journey.id,
    number: journey.number,
    title: journey.title,
    status: journey.status,
    forwardedOn: journey.forwarding?.forwardedOn ?? null,
    answers: journey.answers.map((a) => ({ kind: a.kind, on: a.on, text: a.text, by: a.by })),
    overdue: journey.overdue,
  }
}

/** For the case form: the child, and the Bal Panchayat's members today, one of whom may have found it. */
export function newCaseForm(ctx: Ctx, villageId: number, childId: number) {
  const staff = caseKeeper(ctx, villageId)
  const child = getChild(staff, villageId, childId)
  if (child.erasure) throw new Conflict('children.erasedAlready')
  return { child, members: balPanchayatOn(staff.db, villageId, todayIso()) }
}

/** For the step forms: the case as it stands (refused forms are drawn again from this). */
export function stepForm(ctx: Ctx, villageId: number, caseId: number) {
  const page = casePage(ctx, villageId, caseId)
  return { ...page, ...stepChoices(ctx, villageId) }
}

// ---------------------------------------------------------------------------------------------------
// At the meeting: the agenda item "children not in school"

/** A child's first name: all of the name the meeting's list shows. */
export function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? ''
}

/** The village's "children not in school" item, with its meeting; not found for any other item. */
function outOfSchoolItem(staff: StaffCtx, villageId: number, agendaItemId: number) {
  const item = staff.db
    .select({ id: agendaItems.id, meetingId: meetings.id, date: meetings.date })
    .from(agendaItems)
    .innerJoin(meetings, eq(meetings.id, agendaItems.meetingId))
    .where(
      and(eq(agendaItems.id, agendaItemId), eq(agendaItems.kind, 'out_of_school'), eq(meetings.villageId, villageId)),
    )
    .get()
  if (!item) throw new NotFound()
  return item
}

/**
 * For the meeting's item "children not in school": the village's open cases (the child out of school: found, not
 * or no longer enrolled) found by the meeting's day, by first name and ward only (no surname, no reason, no
 * guardian: the members say what they know), each with what was written of it at this item; a case enrolled or
 * closed since it was spoken of stays, with what was said. Null for whoever may not see cases: the meeting's
 * page then shows the item's title alone.
 */
export function casesForMeeting(ctx: Ctx, villageId: number, agendaItemId: number) {
  const staff = caseKeeperOrNull(ctx, villageId)
  if (!staff) return null
  const item = outOfSchoolItem(staff, villageId, agendaItemId)
  const rows = staff.db
    .select({ id: cases.id, foundOn: cases.foundOn, name: children.name, ward: children.ward })
    .from(cases)
    .innerJoin(children, eq(children.id, cases.childId))
    .leftJoin(erasures, eq(erasures.childId, cases.childId))
    .where(and(eq(cases.villageId, villageId), isNull(erasures.childId)))
    .orderBy(asc(cases.id))
    .all()
  const steps = stepsByCase(
    staff.db,
    rows.map((r) => r.id),
  )
  const list = rows.flatMap((r) => {
    const all = steps.get(r.id) ?? []
    const said = all
      .filter((s) => s.kind === 'raised_bal_panchayat' && s.agendaItemId === item.id)
      .map((s) => ({ id: s.id, on: s.on, note: s.note }))
    const open = caseStatus(all).status === 'open' && r.foundOn <= item.date
    return open || said.length ? [{ caseId: r.id, firstName: firstName(r.name), ward: r.ward, open, said }] : []
  })
  const byWard = (a: (typeof list)[number], b: (typeof list)[number]) =>
    a.ward.localeCompare(b.ward, 'hi', { numeric: true }) || a.firstName.localeCompare(b.firstName, 'hi')
  return { item, cases: list.sort(byWard) }
}

/** One listed child of the item, for its form drawn again (a refused note); not found when not listed. */
export function meetingCase(ctx: Ctx, villageId: number, caseId: number, agendaItemId: number) {
  const listed = casesForMeeting(caseKeeper(ctx, villageId), villageId, agendaItemId)
  const row = listed?.cases.find((c) => c.caseId === caseId)
  if (!listed || !row) throw new NotFound()
  return { item: listed.item, row }
}

/**
 * What the members said of a child at the item "children not in school": a step 'raised with the Bal
 * Panchayat', linked to the item and dated the day the meeting was held. The meeting must have started. A
 * refusal about the day (the case's later steps) is the form's, as the form has no day to change.
 */
export function raiseAtMeeting(
  ctx: Ctx,
  villageId: number,
  caseId: number,
  agendaItemId: number,
  input: MeetingStepInput,
): StepRow {
  const staff = caseKeeper(ctx, villageId)
  const item = outOfSchoolItem(staff, villageId, agendaItemId)
  if (getMeeting(staff, item.meetingId).stage === 'draft') throw new Conflict('cases.meetingNotStarted')
  try {
    return addStep(staff, villageId, caseId, {
      kind: 'raised_bal_panchayat',
      on: item.date,
      note: input.note,
      agendaItemId: item.id,
      resolutionId: null,
      school: '',
      schoolClass: '',
      rteAdmission: null,
      checkDay: null,
      attending: null,
      closeReason: null,
    })
  } catch (e) {
    if (!(e instanceof InvalidInput) || !e.fields.on) throw e
    const { on, ...rest } = e.fields
    throw new InvalidInput({ ...rest, _form: on })
  }
}
