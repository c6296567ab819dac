import { describe, expect, it } from 'vitest'
import { childSchema, newChildSchema } from '../../src/people/schemas.ts'
import { fieldErrors } from '../../src/web/forms.ts'
import { bornYearsBefore, todayIso } from '../../src/core/dates.ts'

const good = {
  name: 'Meena',
  gender: 'girl',
  dateOfBirth: bornYearsBefore(11),
  ward: '3',
  school: '',
  schoolClass: '',
  inSchool: 'yes',
  outOfSchoolReason: '',
  guardianName: 'Ramesh',
  guardianPhone: '98765 43210',
}
const errorsOf = (input: Record<string, unknown>) => {
  const r = childSchema.safeParse(input)
  return r.success ? {} : Object.fromEntries(Object.entries(fieldErrors(r.error)).map(([k, m]) => [k, m.key]))
}

describe('what the register accepts', () => {
  it('accepts a well-formed child and tidies the phone number', () => {
    const r = childSchema.parse(good)
    expect(r).toMatchObject({ name: 'Meena', inSchool: true, outOfSchoolReason: null, guardianPhone: '9876543210' })
  })

  it('refuses an empty name, a future birth date, an unknown gender and a huge field, each at its field', () => {
    const tomorrow = new Date(Date.now() + 2 * 86400_000).toISOString().slice(0, 10)
    expect(errorsOf({ ...good, name: '   ' })).toEqual({ name: 'v.required' })
    expect(errorsOf({ ...good, dateOfBirth: tomorrow })).toEqual({ dateOfBirth: 'v.dateFuture' })
    expect(errorsOf({ ...good, dateOfBirth: '2020-02-30' })).toEqual({ dateOfBirth: 'v.date' })
    expect(errorsOf({ ...good, gender: 'unknown' })).toEqual({ gender: 'v.choose' })
    expect(errorsOf({ ...good, ward: 'x'.repeat(10_000) })).toEqual({ ward: 'v.tooLong' })
    expect(errorsOf({ ...good, name: ['a', 'b'] })).toEqual({ name: 'v.required' })
  })

  it('asks why a child is out of school, and forgets the reason once the child is back in school', () => {
    expect(errorsOf({ ...good, inSchool: 'no' })).toEqual({ outOfSchoolReason: 'v.reasonRequired' })
    expect(childSchema.parse({ ...good, inSchool: 'yes', outOfSchoolReason: 'working' }).outOfSchoolReason).toBeNull()
    expect(childSchema.parse({ ...good, inSchool: 'no', outOfSchoolReason: 'working' }).outOfSchoolReason).toBe(
      'working',
    )
  })

  it('refuses a phone number that is not ten digits, and someone far older than a child', () => {
    expect(errorsOf({ ...good, guardianPhone: '12345' })).toEqual({ guardianPhone: 'v.phone' })
    expect(errorsOf({ ...good, dateOfBirth: '1950-01-01' })).toEqual({ dateOfBirth: 'v.tooOld' })
  })

  it('records consent on the day it was given, today when no date is typed', () => {
    expect(newChildSchema.parse({ ...good, consent: 'yes', consentOn: '' }).consentOn).toBe(todayIso())
    expect(newChildSchema.parse({ ...good, consent: 'yes', consentOn: '2026-01-02' }).consentOn).toBe('2026-01-02')
    expect(newChildSchema.parse({ ...good }).consentOn).toBeNull()
    expect(newChildSchema.safeParse({ ...good, consent: 'yes', consentOn: '2999-01-01' }).success).toBe(false)
  })
})
