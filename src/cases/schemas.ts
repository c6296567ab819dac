import { z } from 'zod'
import { todayIso } from '../core/dates.ts'
import { field } from '../core/fields.ts'
import { caseReasons, closeReasons, finders, type StepKind, stepKinds, workPlaces } from './tables.ts'

const optionalId = () =>
  z
    .union([z.literal(''), field.id()])
    .optional()
    .transform((v) => (v === '' || v === undefined ? null : v))

const optionalChoice = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .union([z.literal(''), field.choice(values)])
    .optional()
    .transform((v) => (v ? v : null))

const required = (ctx: z.RefinementCtx, path: string) =>
  ctx.addIssue({ code: 'custom', message: 'v.required', path: [path] })

/** Opening a case: why the child is out of school (for a working child, where), who found it and when. */
export const caseSchema = z
  .object({
    reason: field.choice(caseReasons),
    workPlace: optionalChoice(workPlaces),
    foundBy: field.choice(finders),
    foundByChildId: optionalId(),
    foundOn: field.date().refine((d) => d <= todayIso(), 'v.dateFuture'),
    note: field.optionalText(1000),
  })
  .superRefine((v, ctx) => {
    if (v.reason === 'working' && !v.workPlace) required(ctx, 'workPlace')
  })
  .transform((v) => ({
    ...v,
    workPlace: v.reason === 'working' ? v.workPlace : null,
    foundByChildId: v.foundBy === 'member' ? v.foundByChildId : null,
  }))
export type CaseInput = z.output<typeof caseSchema>

/** What each kind of step must say besides its day. */
const needs: Readonly<Record<StepKind, readonly string[]>> = {
  family_visit: ['note'],
  employer_talk: ['note'],
  raised_bal_panchayat: ['agendaItemId'],
  raised_gram_panchayat: ['resolutionId'],
  enrolled: ['school', 'schoolClass'],
  attendance_check: ['checkDay', 'attending'],
  closed: ['closeReason'],
  reopened: [],
}

/** One step of a case. Fields another kind uses are dropped, so a step holds only what its kind says. */
export const stepSchema = z
  .object({
    kind: field.choice(stepKinds),
    on: field.date(),
    note: field.optionalText(1000),
    agendaItemId: optionalId(),
    resolutionId: optionalId(),
    school: field.optionalName(150),
    schoolClass: field.optionalText(40),
    rteAdmission: field.checkbox(),
    checkDay: optionalChoice(['30', '90'] as const).transform((v) => (v === null ? null : (Number(v) as 30 | 90))),
    attending: optionalChoice(['yes', 'no'] as const).transform((v) => (v === null ? null : v === 'yes')),
    closeReason: optionalChoice(closeReasons),
  })
  .superRefine((v, ctx) => {
    for (const name of needs[v.kind]) {
      const value = v[name as keyof typeof v]
      if (value === null || value === '') required(ctx, name)
    }
  })
  .transform((v) => {
    const uses = (name: string) => needs[v.kind].includes(name)
    return {
      kind: v.kind,
      on: v.on,
      note: v.note,
      agendaItemId: uses('agendaItemId') ? v.agendaItemId : null,
      resolutionId: uses('resolutionId') ? v.resolutionId : null,
      school: uses('school') ? v.school : '',
      schoolClass: uses('schoolClass') ? v.schoolClass : '',
      rteAdmission: v.kind === 'enrolled' ? v.rteAdmission : null,
      checkDay: uses('checkDay') ? v.checkDay : null,
      attending: uses('attending') ? v.attending : null,
      closeReason: uses('closeReason') ? v.closeReason : null,
    }
  })
export type StepInput = z.output<typeof stepSchema>

/** What the members said of a child at the meeting's item "children not in school" (the day is the meeting's). */
export const meetingStepSchema = z.object({
  note: field.text(1000),
})
export type MeetingStepInput = z.output<typeof meetingStepSchema>
