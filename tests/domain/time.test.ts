import { describe, expect, it } from 'vitest'
import { formatDate, formatInstant, formatTime } from '../../src/core/dates.ts'

describe('times as a village says them', () => {
  it('says a clock time with the part of the day in Hindi and am/pm in English', () => {
    const said: [string, string, string][] = [
      ['16:00', 'शाम 4 बजे', '4 pm'],
      ['06:47', 'सुबह 6:47 बजे', '6:47 am'],
      ['11:00', 'सुबह 11 बजे', '11 am'],
      ['12:00', 'दोपहर 12 बजे', '12 pm'],
      ['14:30', 'दोपहर 2:30 बजे', '2:30 pm'],
      ['19:45', 'शाम 7:45 बजे', '7:45 pm'],
      ['21:00', 'रात 9 बजे', '9 pm'],
      ['00:05', 'रात 12:05 बजे', '12:05 am'],
      ['7:05', 'सुबह 7:05 बजे', '7:05 am'],
    ]
    for (const [hhmm, hi, en] of said) {
      expect(formatTime(hhmm, 'hi')).toBe(hi)
      expect(formatTime(hhmm, 'en')).toBe(en)
    }
  })

  it('never writes a 24-hour time or Latin letters in Hindi', () => {
    for (let h = 0; h < 24; h++)
      for (const m of [0, 7, 30, 59]) {
        const hhmm = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`
        const hi = formatTime(hhmm, 'hi')
        expect(hi).not.toMatch(/[A-Za-z]/)
        expect(hi).toMatch(/^(सुबह|दोपहर|शाम|रात) (1[0-2]|[1-9])(:\d\d)? बजे$/)
        expect(formatTime(hhmm, 'en')).toMatch(/^(1[0-2]|[1-9])(:\d\d)? (am|pm)$/)
      }
  })

  it('shows a value that is not a time as it is, and nothing for none', () => {
    expect(formatTime('24:00', 'hi')).toBe('24:00')
    expect(formatTime('soon', 'en')).toBe('soon')
    expect(formatTime(null, 'hi')).toBe('')
    expect(formatTime('', 'en')).toBe('')
  })

  it('writes an instant in India time with the same date and time styles', () => {
    // 11:17 UTC is 4:47 pm in India; 20:00 UTC on the 23rd is 1:30 am on the 24th.
    expect(formatInstant(new Date('2026-11-30T11:17:00Z'), 'hi')).toBe('30 नवंबर 2026, शाम 4:47 बजे')
    expect(formatInstant(new Date('2026-11-30T11:17:00Z'), 'en')).toBe('30 November 2026, 4:47 pm')
    expect(formatInstant(new Date('2026-11-23T20:00:00Z'), 'hi')).toBe(`${formatDate('2026-11-24', 'hi')}, रात 1:30 बजे`)
    expect(formatInstant(null, 'hi')).toBe('')
    expect(formatInstant(new Date(Number.NaN), 'en')).toBe('')
  })
})
