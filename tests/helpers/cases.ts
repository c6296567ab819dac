import type { Db } from '../../src/core/db.ts'
import { addDays, type StepFacts } from '../../src/cases/machine.ts'
import { caseSteps, cases, type CaseReason, type Finder } from '../../src/cases/tables.ts'

/**
 * A case planted straight into the tables, as the cases' own verbs would write it, for tests of what only
 * reads cases (the report card): `by` opened it and signed each of `steps`.
 */
export function plantCase(
  db: Db,
  at: { villageId: number; by: number; foundBy?: Finder },
  childId: number,
  reason: CaseReason,
  foundOn: string,
  steps: StepFacts[],
) {
  const now = new Date()
  const { id } = db
    .insert(cases)
    .values({
      villageId: at.villageId,
      childId,
      reason,
      foundBy: at.foundBy ?? 'teacher',
      foundOn,
      openedBy: at.by,
      openedAt: now,
    })
    .returning({ id: cases.id })
    .get()
  for (const s of steps)
    db.insert(caseSteps)
      .values({
        caseId: id,
        kind: s.kind,
        on: s.on,
        checkDay: s.checkDay ?? null,
        attending: s.attending ?? null,
        closeReason: s.closeReason ?? null,
        recordedBy: at.by,
        recordedAt: now,
      })
      .run()
}

/** The steps of a child enrolled on `enrolled`, attending at 30 and 90 days, closed back in school on `closed`. */
export const backInSchool = (enrolled: string, closed: string): StepFacts[] => [
  { kind: 'enrolled', on: enrolled },
  { kind: 'attendance_check', on: addDays(enrolled, 30), checkDay: 30, attending: true },
  { kind: 'attendance_check', on: addDays(enrolled, 90), checkDay: 90, attending: true },
  { kind: 'closed', on: closed, closeReason: 'back_in_school' },
]
