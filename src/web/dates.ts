import type { Language } from '../accounts/tables.ts'

/** The village's calendar day (India Standard Time), as YYYY-MM-DD. */
export function todayIso(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' }).format(now)
}

/** Whole years between a date of birth and a day (both YYYY-MM-DD). */
export function ageOn(dateOfBirth: string, day: string = todayIso()): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number)
  const [y, m, d] = day.split('-').map(Number)
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0)
}

/** The date of birth of someone who turns `age` on `day`. */
export function bornYearsBefore(age: number, day: string = todayIso()): string {
  const [y, m, d] = day.split('-').map(Number)
  const date = new Date(Date.UTC(y - age, m - 1, d))
  return date.toISOString().slice(0, 10)
}

const locales: Record<Language, string> = { hi: 'hi-IN', en: 'en-IN' }

/** 23 नवंबर 2026 / 23 November 2026 */
export function formatDate(iso: string | null | undefined, lang: Language): string {
  if (!iso) return ''
  const d = new Date(`${iso}T00:00:00Z`)
  return new Intl.DateTimeFormat(locales[lang], { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(d)
}

/** 23/11/2026, 4:05 pm in India time. */
export function formatInstant(at: Date | null | undefined, lang: Language): string {
  if (!at) return ''
  return new Intl.DateTimeFormat(locales[lang], {
    day: '2-digit', month: '2-digit', year: 'numeric', hour: 'numeric', minute: '2-digit', timeZone: 'Asia/Kolkata',
  }).format(at)
}
