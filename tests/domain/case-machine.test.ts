import { describe, expect, it } from 'vitest'
import {
  addDays,
  caseStatus,
  checkOverdue,
  isIsoDay,
  nextStepRefusal,
  type StepFacts,
  stepsOffered,
} from '../../src/cases/machine.ts'

const kase = { foundOn: '2026-01-05' }
const today = '2026-12-31'

// A child found at the brick kiln on 5 January, brought back step by step.
const visit: StepFacts = { kind: 'family_visit', on: '2026-01-06', note: 'Mother agrees' }
const employer: StepFacts = { kind: 'employer_talk', on: '2026-01-08' }
const raised: StepFacts = { kind: 'raised_gram_panchayat', on: '2026-01-10' }
const enrolled: StepFacts = { kind: 'enrolled', on: '2026-02-01' }
const at30: StepFacts = { kind: 'attendance_check', on: '2026-03-03', checkDay: 30, attending: true }
const at90: StepFacts = { kind: 'attendance_check', on: '2026-05-02', checkDay: 90, attending: true }
const backInSchool: StepFacts = { kind: 'closed', on: '2026-05-03', closeReason: 'back_in_school' }

/** Each step checked against the ones before it, as the verb does, then all of them read. */
function walk(steps: StepFacts[]) {
  steps.forEach((s, i) => expect(nextStepRefusal(kase, steps.slice(0, i), s, today), `step ${i}`).toBeNull())
  return caseStatus(steps)
}

describe('where a case stands', () => {
  it('is open when found, and stays open through visits, talks and raising it', () => {
    expect(caseStatus([])).toEqual({
      status: 'open',
      closedAs: null,
      closedOn: null,
      enrolledOn: null,
      passed90: false,
      nextCheck: null,
    })
    expect(walk([visit, employer, raised]).status).toBe('open')
  })

  it('is enrolled with the 30-day check due 30 days after enrolment', () => {
    const s = walk([visit, enrolled])
    expect(s.status).toBe('enrolled')
    expect(s.enrolledOn).toBe('2026-02-01')
    expect(s.nextCheck).toEqual({ day: 30, due: '2026-03-03' })
  })

  it('after attending at 30 days, has the 90-day check due 90 days after enrolment', () => {
    const s = walk([visit, enrolled, at30])
    expect(s.status).toBe('checked_30')
    expect(s.passed90).toBe(false)
    expect(s.nextCheck).toEqual({ day: 90, due: '2026-05-02' })
  })

  it('after attending at 90 days, has no check left and may close as back in school', () => {
    const s = walk([visit, enrolled, at30, at90])
    expect(s).toMatchObject({ status: 'checked_30', passed90: true, nextCheck: null })
    const closed = walk([visit, enrolled, at30, at90, backInSchool])
    expect(closed).toMatchObject({ status: 'closed', closedAs: 'back_in_school', closedOn: '2026-05-03' })
    expect(closed.nextCheck).toBeNull()
  })

  it('goes back to open after a failed check: a new enrolment restarts both checks', () => {
    const failed: StepFacts = { kind: 'attendance_check', on: '2026-03-05', checkDay: 30, attending: false }
    const s = walk([enrolled, failed])
    expect(s).toMatchObject({ status: 'open', enrolledOn: null, nextCheck: null })
    const again = walk([enrolled, failed, { ...visit, on: '2026-03-06' }, { kind: 'enrolled', on: '2026-03-10' }])
    expect(again).toMatchObject({ status: 'enrolled', nextCheck: { day: 30, due: '2026-04-09' } })
    // A failed 90-day check too.
    const failed90: StepFacts = { kind: 'attendance_check', on: '2026-05-02', checkDay: 90, attending: false }
    expect(walk([enrolled, at30, failed90])).toMatchObject({ status: 'open', passed90: false, nextCheck: null })
  })

  it('closes for another stated reason at any stage, and reopens to open with no enrolment', () => {
    const moved: StepFacts = {
      kind: 'closed',
      on: '2026-02-10',
      closeReason: 'moved_away',
      note: 'Family left for Surat',
    }
    expect(walk([enrolled, moved])).toMatchObject({ status: 'closed', closedAs: 'moved_away', closedOn: '2026-02-10' })
    const reopened: StepFacts = { kind: 'reopened', on: '2026-04-01', note: 'Back in the village' }
    expect(walk([enrolled, moved, reopened])).toEqual(caseStatus([]))
  })
})

describe('an overdue check', () => {
  it('is flagged the day after its due day, not on it', () => {
    const s = caseStatus([enrolled])
    expect(checkOverdue(s, '2026-03-02')).toBeNull()
    expect(checkOverdue(s, '2026-03-03')).toBeNull()
    expect(checkOverdue(s, '2026-03-04')).toBe(30)
    expect(checkOverdue(caseStatus([enrolled, at30]), '2026-05-03')).toBe(90)
  })

  it('is never flagged on an open, a fully checked or a closed case', () => {
    expect(checkOverdue(caseStatus([visit]), today)).toBeNull()
    expect(checkOverdue(caseStatus([enrolled, at30, at90]), today)).toBeNull()
    expect(checkOverdue(caseStatus([enrolled, at30, at90, backInSchool]), today)).toBeNull()
  })
})

describe('a step that may not come next', () => {
  const refusal = (steps: StepFacts[], step: StepFacts, on = today) => nextStepRefusal(kase, steps, step, on)

  it('needs a real day, not in the future, not before the case was found nor before the step before', () => {
    expect(refusal([], { ...visit, on: '2026-02-30' })).toBe('bad_date')
    expect(refusal([], { ...visit, on: '6 Jan' })).toBe('bad_date')
    expect(refusal([], { ...visit, on: '2026-01-07' }, '2026-01-06')).toBe('future')
    expect(refusal([], { ...visit, on: '2026-01-06' }, '2026-01-06')).toBeNull()
    expect(refusal([], { ...visit, on: '2026-01-04' })).toBe('before_found')
    expect(refusal([], { ...visit, on: '2026-01-05' })).toBeNull()
    expect(refusal([employer], { ...visit, on: '2026-01-07' })).toBe('before_previous')
    expect(refusal([employer], { ...visit, on: '2026-01-08' })).toBeNull()
  })

  it('refuses every step after closing but a reopening, and a reopening of a case that is not closed', () => {
    const closed: StepFacts = {
      kind: 'closed',
      on: '2026-01-09',
      closeReason: 'turned_18',
      note: 'Turned 18 in January',
    }
    for (const step of [visit, employer, raised, enrolled, at30, backInSchool])
      expect(refusal([closed], { ...step, on: '2026-06-01' }), step.kind).toBe('closed')
    expect(refusal([closed], { kind: 'reopened', on: '2026-01-20' })).toBeNull()
    expect(refusal([], { kind: 'reopened', on: '2026-01-20' })).toBe('not_closed')
    expect(refusal([enrolled], { kind: 'reopened', on: '2026-02-20' })).toBe('not_closed')
  })

  it('refuses a second enrolment while enrolled', () => {
    expect(refusal([enrolled], { kind: 'enrolled', on: '2026-02-02' })).toBe('already_enrolled')
    expect(refusal([enrolled, at30], { kind: 'enrolled', on: '2026-03-04' })).toBe('already_enrolled')
  })

  it('takes attendance checks only after enrolment, 30 before 90, each once and not before its day', () => {
    expect(refusal([visit], at30)).toBe('not_enrolled')
    expect(refusal([enrolled], at90)).toBe('check_30_first')
    expect(refusal([enrolled], { ...at30, on: '2026-03-02' })).toBe('check_too_early')
    expect(refusal([enrolled, at30], { ...at30, on: '2026-03-04' })).toBe('check_30_done')
    expect(refusal([enrolled, at30], { ...at90, on: '2026-05-01' })).toBe('check_too_early')
    expect(refusal([enrolled, at30, at90], { ...at90, on: '2026-05-03' })).toBe('check_90_done')
    expect(refusal([enrolled], { ...at30, checkDay: 60 })).toBe('bad_check_day')
    expect(refusal([enrolled], { ...at30, attending: null })).toBe('attending_unknown')
    expect(refusal([enrolled], at30)).toBeNull()
  })

  it('closes as back in school only after attending at 90 days; other reasons need the reason written', () => {
    expect(refusal([enrolled, at30], { ...backInSchool, on: '2026-04-01' })).toBe('not_checked_90')
    const failed90: StepFacts = { ...at90, attending: false }
    expect(refusal([enrolled, at30, failed90], backInSchool)).toBe('not_checked_90')
    expect(refusal([enrolled, at30, at90], backInSchool)).toBeNull()
    const other: StepFacts = { kind: 'closed', on: '2026-01-09', closeReason: 'other' }
    expect(refusal([], other)).toBe('reason_needed')
    expect(refusal([], { ...other, note: '   ' })).toBe('reason_needed')
    expect(refusal([], { ...other, closeReason: 'moved_away', note: '' })).toBe('reason_needed')
    expect(refusal([], { ...other, closeReason: null, note: 'why' })).toBe('reason_needed')
    expect(refusal([], { ...other, note: 'Works in the city now' })).toBeNull()
  })

  it('allows a talk with an employer on any case, not only a working one', () => {
    expect(refusal([], employer)).toBeNull()
    expect(refusal([enrolled], { ...employer, on: '2026-02-05' })).toBeNull()
  })
})

describe('days', () => {
  it('adds days across months and leap years, and knows a real day', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29')
    expect(addDays('2026-12-15', 30)).toBe('2027-01-14')
    expect(isIsoDay('2028-02-29')).toBe(true)
    expect(isIsoDay('2026-02-29')).toBe(false)
    expect(isIsoDay('2026-1-05')).toBe(false)
  })
})

describe('the steps a case offers next', () => {
  it('offers enrolment first on an open case, the due check once enrolled, closing after 90 days, reopening once closed', () => {
    expect(stepsOffered(caseStatus([visit]))[0]).toBe('enrolled')
    expect(stepsOffered(caseStatus([enrolled]))[0]).toBe('attendance_check')
    expect(stepsOffered(caseStatus([enrolled, at30]))[0]).toBe('attendance_check')
    expect(stepsOffered(caseStatus([enrolled, at30, at90]))[0]).toBe('closed')
    expect(stepsOffered(caseStatus([enrolled, at30, at90]))).not.toContain('attendance_check')
    expect(stepsOffered(caseStatus([enrolled, at30, at90, backInSchool]))).toEqual(['reopened'])
  })

  it('offers only steps the machine would take at their due day', () => {
    const cases: StepFacts[][] = [[], [enrolled], [enrolled, at30], [enrolled, at30, at90]]
    for (const steps of cases) {
      const state = caseStatus(steps)
      for (const kind of stepsOffered(state)) {
        const step: StepFacts = {
          kind,
          on: state.nextCheck?.due ?? '2026-06-01',
          checkDay: state.nextCheck?.day,
          attending: true,
          closeReason: state.passed90 ? 'back_in_school' : 'other',
          note: 'seen',
        }
        expect(nextStepRefusal(kase, steps, step, today), `${kind} after ${steps.length} steps`).toBeNull()
      }
    }
  })
})
