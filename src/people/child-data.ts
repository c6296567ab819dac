import { and, asc, eq, isNull, or, sql } from 'drizzle-orm'
import { children, consents, departures, erasures } from './tables.ts'
import { auditLog } from '../audit/tables.ts'
import { recordAudit } from '../audit/audit.ts'
import { getVillage } from '../villages/villages.ts'
import { candidates, contests, elections, members } from '../elections/tables.ts'
import { boxCheckoffs } from '../elections/ballot-box-tables.ts'
import { attendance, meetings } from '../meetings/tables.ts'
import { resolutions } from '../resolutions/tables.ts'
import { requireRole, type Ctx, type StaffCtx } from '../web/context.ts'
import { NotFound } from '../web/errors.ts'
import { todayIso } from '../web/dates.ts'

/** Exports and erasure are the coordinator's, for a child of a village they reach. */
function coordinatorOf(ctx: Ctx, villageId: number, childId: number) {
  const staff = requireRole(ctx, 'admin')
  const village = getVillage(staff, villageId)
  const child = staff.db.select().from(children).where(and(eq(children.id, childId), eq(children.villageId, villageId))).get()
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
    consents: db.select({ givenOn: consents.givenOn, recordedAt: consents.recordedAt, withdrawnAt: consents.withdrawnAt }).from(consents).where(eq(consents.childId, childId)).orderBy(asc(consents.id)).all(),
    departure: db.select({ leftOn: departures.leftOn, note: departures.note }).from(departures).where(eq(departures.childId, childId)).get() ?? null,
    candidacies: db.select({ election: elections.title, contest: contests.name, symbol: candidates.symbol, nominatedAt: candidates.nominatedAt })
      .from(candidates).innerJoin(elections, eq(elections.id, candidates.electionId)).innerJoin(contests, eq(contests.id, candidates.contestId))
      .where(eq(candidates.childId, childId)).orderBy(asc(candidates.id)).all(),
    seats: db.select({ election: elections.title, seat: members.seat, seatTitle: members.seatTitle, since: members.since, leftOn: members.leftOn, leftReason: members.leftReason })
      .from(members).innerJoin(elections, eq(elections.id, members.electionId)).where(eq(members.childId, childId)).orderBy(asc(members.id)).all(),
    votedIn: db.select({ election: elections.title }).from(boxCheckoffs).innerJoin(elections, eq(elections.id, boxCheckoffs.electionId))
      .where(and(eq(boxCheckoffs.childId, childId), eq(boxCheckoffs.voted, true))).all().map((r) => r.election),
    meetings: db.select({ number: meetings.number, date: meetings.date, present: sql<number>`${attendance.presentAt} IS NOT NULL` })
      .from(attendance).innerJoin(meetings, eq(meetings.id, attendance.meetingId)).where(eq(attendance.childId, childId)).orderBy(asc(meetings.date)).all()
      .map((m) => ({ ...m, present: Boolean(m.present) })),
    resolutions: db.select({ number: resolutions.number, title: resolutions.title, proposer: sql<number>`${resolutions.proposerChildId} = ${childId}` })
      .from(resolutions).where(or(eq(resolutions.proposerChildId, childId), eq(resolutions.seconderChildId, childId))).orderBy(asc(resolutions.id)).all()
      .map((r) => ({ number: r.number, title: r.title, role: r.proposer ? 'proposer' : 'seconder' })),
    auditLog: db.select({ at: auditLog.at, by: auditLog.actorName, action: auditLog.action, detail: auditLog.detail }).from(auditLog)
      .where(and(eq(auditLog.subject, 'child'), eq(auditLog.subjectId, childId))).orderBy(asc(auditLog.id)).all()
      .map((e) => ({ ...e, detail: JSON.parse(e.detail) as unknown })),
  }
  recordAudit(db, staff.actor, { action: 'child.exported', subject: 'child', subjectId: childId, villageId })
  return data
}

/** Text people typed about the village's children (minutes, resolutions, notes): the name struck out there too. */
function strikeFromFreeText(tx: Parameters<Parameters<StaffCtx['db']['transaction']>[0]>[0], villageId: number, text: string): void {
  const meetingsOfVillage = sql`(SELECT id FROM meetings WHERE village_id = ${villageId})`
  const itemsOfVillage = sql`(SELECT id FROM agenda_items WHERE meeting_id IN ${meetingsOfVillage})`
  const columns: [string, string, ReturnType<typeof sql>][] = [
    ['resolutions', 'problem', sql`village_id = ${villageId}`], ['resolutions', 'request', sql`village_id = ${villageId}`],
    ['meetings', 'guests', sql`village_id = ${villageId}`], ['amendments', 'text', sql`meeting_id IN ${meetingsOfVillage}`],
    ['minutes', 'discussion', sql`agenda_item_id IN ${itemsOfVillage}`], ['minutes', 'decisions', sql`agenda_item_id IN ${itemsOfVillage}`],
    ['action_points', 'what', sql`agenda_item_id IN ${itemsOfVillage}`], ['action_points', 'who', sql`agenda_item_id IN ${itemsOfVillage}`],
    ['members', 'left_reason', sql`election_id IN (SELECT id FROM elections WHERE village_id = ${villageId})`],
    ['departures', 'note', sql`child_id IN (SELECT id FROM children WHERE village_id = ${villageId})`],
  ]
  for (const [table, column, where] of columns) {
    tx.run(sql`UPDATE ${sql.identifier(table)} SET ${sql.identifier(column)} = replace(${sql.identifier(column)}, ${text}, ${'[—]'}) WHERE ${where} AND instr(${sql.identifier(column)}, ${text}) > 0`)
  }
}

/** What an erased child is called everywhere it still appears (results, rolls, minutes' lists). */
export const erasedName = (childId: number) => `— #${childId}`

/**
 * Erases a child's personal data: the name and every detail are replaced (only gender and year of
 * birth stay, for the girls' figures), consent is withdrawn and the child leaves the register, so
 * no roll takes them again. Ballots, check-offs (now of "a voter") and counts are kept. The audit
 * log keeps that it happened but no longer the name, and the name is struck from text typed about
 * the village (minutes, resolutions, notes). Erasing twice changes nothing.
 */
export function eraseChild(ctx: Ctx, villageId: number, childId: number): void {
  const { staff, child } = coordinatorOf(ctx, villageId, childId)
  if (erasureOf(staff.db, childId)) return
  const now = new Date()
  staff.db.transaction((tx) => {
    tx.update(children).set({
      name: erasedName(childId), dateOfBirth: `${child.dateOfBirth.slice(0, 4)}-07-01`, ward: '', school: '', schoolClass: '',
      inSchool: true, outOfSchoolReason: null, guardianName: '', guardianPhone: '', updatedAt: now,
    }).where(eq(children.id, childId)).run()
    tx.update(consents).set({ withdrawnAt: now, withdrawnBy: staff.actor.id }).where(and(eq(consents.childId, childId), isNull(consents.withdrawnAt))).run()
    tx.insert(departures).values({ childId, leftOn: todayIso(), note: '', recordedBy: staff.actor.id, recordedAt: now }).onConflictDoUpdate({ target: departures.childId, set: { note: '' } }).run()
    tx.insert(erasures).values({ childId, erasedBy: staff.actor.id, erasedAt: now }).run()
    // The log's own entries about the child lose their details; elsewhere the name is struck out.
    tx.update(auditLog).set({ detail: '{}' }).where(and(eq(auditLog.subject, 'child'), eq(auditLog.subjectId, childId))).run()
    for (const text of [child.name, child.guardianName, child.guardianPhone].filter((s) => s.trim().length >= 2)) {
      const asJson = JSON.stringify(text).slice(1, -1)
      tx.run(sql`UPDATE ${auditLog} SET detail = replace(detail, ${asJson}, ${'[—]'}) WHERE village_id = ${villageId} AND instr(detail, ${asJson}) > 0`)
      strikeFromFreeText(tx, villageId, text)
    }
    recordAudit(tx, staff.actor, { action: 'child.erased', subject: 'child', subjectId: childId, villageId })
  })
}
