import { asc, eq, inArray } from 'drizzle-orm'
import type { Db, Tx } from '../core/db.ts'
import { caseSteps, cases } from './tables.ts'

/**
 * Cases' part of a child's export: the child's own cases with every step. Never a case the child only found
 * as a Bal Panchayat member: that case is another child's.
 */
export function casePartOf(db: Db | Tx, childId: number) {
  const own = db.select().from(cases).where(eq(cases.childId, childId)).orderBy(asc(cases.id)).all()
  return own.map((c) => ({
    reason: c.reason,
    workPlace: c.workPlace,
    note: c.note,
    foundBy: c.foundBy,
    foundOn: c.foundOn,
    openedAt: c.openedAt.toISOString(),
    steps: db
      .select()
      .from(caseSteps)
      .where(eq(caseSteps.caseId, c.id))
      .orderBy(asc(caseSteps.id))
      .all()
      .map((s) => ({
        kind: s.kind,
        on: s.on,
        note: s.note,
        school: s.school,
        schoolClass: s.schoolClass,
        rteAdmission: s.rteAdmission,
        checkDay: s.checkDay,
        attending: s.attending,
        closeReason: s.closeReason,
        recordedAt: s.recordedAt.toISOString(),
      })),
  }))
}

/**
 * A case is about one child: the child's erasure blanks all of its text (what the finder said, each step's
 * outcome, the school and class), as it does the register entry. Kinds, days and reasons stay, for the figures.
 */
export function blankCasesOf(tx: Tx, childId: number): void {
  const own = tx.select({ id: cases.id }).from(cases).where(eq(cases.childId, childId)).all()
  if (own.length === 0) return
  tx.update(cases).set({ note: '' }).where(eq(cases.childId, childId)).run()
  tx.update(caseSteps)
    .set({ note: '', school: '', schoolClass: '' })
    .where(
      inArray(
        caseSteps.caseId,
        own.map((c) => c.id),
      ),
    )
    .run()
}
