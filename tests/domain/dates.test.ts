import { describe, expect, it } from 'vitest'
import { ageOn, bornYearsBefore, formatDate, todayIso } from '../../src/core/dates.ts'

describe('dates as a village reads them', () => {
  it('counts age in whole years, changing on the birthday', () => {
    expect(ageOn('2014-11-23', '2026-11-22')).toBe(11)
    expect(ageOn('2014-11-23', '2026-11-23')).toBe(12)
    expect(ageOn('2012-02-29', '2026-02-28')).toBe(13)
    expect(ageOn('2012-02-29', '2026-03-01')).toBe(14)
    expect(ageOn(bornYearsBefore(9))).toBe(9)
  })

  it('writes dates the Indian way, in Hindi or English', () => {
    expect(formatDate('2026-11-23', 'hi')).toBe('23 नवंबर 2026')
    expect(formatDate('2026-11-23', 'en')).toBe('23 November 2026')
  })

  it('takes today from India Standard Time, not the server clock', () => {
    // 20:00 UTC on 23 November is already 24 November in India.
    expect(todayIso(new Date('2026-11-23T20:00:00Z'))).toBe('2026-11-24')
  })
})
