import type { CheckDay, CloseReason, StepKind } from './tables.ts'

/**
 * Where an out-of-school case stands, read from its steps in order. Pure: no database, no clock.
 *
 * - open: found, not (or no longer) enrolled.
 * - enrolled: enrolled in a school, the 30-day check not yet passed.
 * - checked_30: attending at 30 days; the 90-day check to go, or passed (`passed90`) and only the closing left.
 * - closed: closed, with why (`closedAs`).
 *
 * Decisions, written down once here:
 * - A failed check (not attending) sends the case back to 'open': the child has stopped going, so the
 *   follow-up starts again (visits, talks) until a new enrolment, which restarts the 30- and 90-day clock.
 * - 'reopened' also sends the case back to 'open' with no enrolment: the child left school again, or came back
 *   to the village; a new enrolment is needed before any check.
 * - 'employer_talk' is allowed on every case, not only a working one: a married or migrated child may still be
 *   working for someone, and the facilitator knows best whom to talk to.
 * - A check is recorded on or after its due day (30 or 90 days after enrolment), not before: a check says the
 *   child has kept going that long.
 */
export const caseStatuses = ['open', 'enrolled', 'checked_30', 'closed'] as const
export type CaseStatus = (typeof caseStatuses)[number]

/** One step as the machine reads it: its kind, its day, and the fields its kind uses. */
export type StepFacts = {
  kind: StepKind
  /** YYYY-MM-DD */
  on: string
  checkDay?: number | null
  attending?: boolean | null
  closeReason?: CloseReason | null
  note?: string | null
}

export type NextCheck = { day: CheckDay; due: string }

export type CaseState = {
  status: CaseStatus
  closedAs: CloseReason | null
  closedOn: string | null
  /** The day of the current enrolment (cleared by a failed check or a reopening). */
  enrolledOn: string | null
  /** Attending at the 90-day check: the case may now be closed as back in school. */
  passed90: boolean
  /** The check due next, or null when none is (not enrolled, 90 days passed, or closed). */
  nextCheck: NextCheck | null
}

/** The days after enrolment of each check. */
const checkAfter: Record<CheckDay, number> = { 30: 30, 90: 90 }

/** The day `days` after an ISO day. */
export function addDays(iso: string, days: number): string {
  const ms = Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000
  return new Date(ms).toISOString().slice(0, 10)
}

/** Where a case stands after its steps, in the order they were recorded. */
export function caseStatus(steps: readonly StepFacts[]): CaseState {
  let state: CaseState = opened()
  for (const step of steps) state = after(state, step)
  return state
}

function opened(): CaseState {
  return { status: 'open', closedAs: null, closedOn: null, enrolledOn: null, passed90: false, nextCheck: null }
}

/** The state after one more step (assumed allowed: nextStepRefusal is asked first). */
function after(state: CaseState, step: StepFacts): CaseState {
  switch (step.kind) {
    case 'enrolled':
      return { ...opened(), status: 'enrolled', enrolledOn: step.on, nextCheck: checkOf(30, step.on) }
    case 'attendance_check':
      if (!step.attending || !state.enrolledOn) return opened()
      if (step.checkDay === 30) return { ...state, status: 'checked_30', nextCheck: checkOf(90, state.enrolledOn) }
      return { ...state, status: 'checked_30', passed90: true, nextCheck: null }
    case 'closed':
      return { ...state, status: 'closed', closedAs: step.closeReason ?? 'other', closedOn: step.on, nextCheck: null }
    case 'reopened':
      return opened()
    default:
      return state
  }
}

function checkOf(day: CheckDay, enrolledOn: string): NextCheck {
  return { day, due: addDays(enrolledOn, checkAfter[day]) }
}

/**
 * The check that is overdue on `today` (past its due day and not recorded), or null; flagged as an overdue
 * answer of the Gram Panchayat is.
 */
export function checkOverdue(state: Pick<CaseState, 'status' | 'nextCheck'>, today: string): CheckDay | null {
  if (state.status === 'closed' || !state.nextCheck) return null
  return today > state.nextCheck.due ? state.nextCheck.day : null
}

/** Why a step may not be recorded next; each has its words under `cases.refusal.<reason>`. */
export const stepRefusals = [
  'bad_date',
  'future',
  'before_found',
  'before_previous',
  'closed',
  'not_closed',
  'already_enrolled',
  'not_enrolled',
  'check_30_first',
  'check_30_done',
  'check_90_done',
  'check_too_early',
  'bad_check_day',
  'attending_unknown',
  'not_checked_90',
  'reason_needed',
] as const
export type StepRefusal = (typeof stepRefusals)[number]

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/

/** A real calendar day written YYYY-MM-DD (not 2026-02-30). */
export function isIsoDay(s: string): boolean {
  return ISO_DAY.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && addDays(s, 0) === s
}

/**
 * Null when `step` may follow `steps` on a case found on `foundOn`, else why not. Dates first (a real day, not
 * in the future, not before the case was found or the step before), then the order of the follow-up.
 */
export function nextStepRefusal(
  kase: { foundOn: string },
  steps: readonly StepFacts[],
  step: StepFacts,
  today: string,
): StepRefusal | null {
  if (!isIsoDay(step.on)) return 'bad_date'
  if (step.on > today) return 'future'
  if (step.on < kase.foundOn) return 'before_found'
  const previous = steps.at(-1)
  if (previous && step.on < previous.on) return 'before_previous'
  const state = caseStatus(steps)
  if (step.kind === 'reopened') return state.status === 'closed' ? null : 'not_closed'
  if (state.status === 'closed') return 'closed'
  switch (step.kind) {
    case 'enrolled':
      return state.status === 'open' ? null : 'already_enrolled'
    case 'attendance_check':
      return checkRefusal(state, step)
    case 'closed':
      if (!step.closeReason) return 'reason_needed'
      if (step.closeReason === 'back_in_school') return state.passed90 ? null : 'not_checked_90'
      return step.note?.trim() ? null : 'reason_needed'
    default:
      return null
  }
}

function checkRefusal(state: CaseState, step: StepFacts): StepRefusal | null {
  if (state.status === 'open' || !state.enrolledOn) return 'not_enrolled'
  if (step.checkDay === 30) {
    if (state.status !== 'enrolled') return 'check_30_done'
  } else if (step.checkDay === 90) {
    if (state.status === 'enrolled') return 'check_30_first'
    if (state.passed90) return 'check_90_done'
  } else return 'bad_check_day'
  if (step.on < addDays(state.enrolledOn, checkAfter[step.checkDay])) return 'check_too_early'
  return typeof step.attending === 'boolean' ? null : 'attending_unknown'
}

const followUps: readonly StepKind[] = [
  'family_visit',
  'employer_talk',
  'raised_bal_panchayat',
  'raised_gram_panchayat',
]

/** The steps the case page offers next, the likeliest first: what nextStepRefusal would take today. */
export function stepsOffered(state: CaseState): StepKind[] {
  if (state.status === 'closed') return ['reopened']
  if (state.status === 'open') return ['enrolled', ...followUps, 'closed']
  if (state.passed90) return ['closed', ...followUps]
  return ['attendance_check', ...followUps, 'closed']
}
