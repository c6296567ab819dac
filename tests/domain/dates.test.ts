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

  it('counts age the same read fast or split (dates of any shape)', () => {
    const split = (dob: string, day: string) => {
      const [by, bm, bd] = dob.split('-').map(Number)
      const [y, m, d] = day.split('-').map(Number)
      return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0)
    }
    const days = ['2014-11-23', '2026-11-22', '2026-11-23', '2012-02-29', '2026-02-28', '2026-03-01', '2000-01-01']
    const odd = ['2014-1-23', '', '2014-11-2x', '12014-11-23', '2014/11/23']
    for (const a of [...days, ...odd]) for (const b of [...days, ...odd]) expect(ageOn(a, b)).toStrictEqual(split(a, b))
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
