import type { Language } from './actor.ts'

const locales: Record<Language, string> = { hi: 'hi-IN', en: 'en-IN' }
const istDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' })

let today = { day: '', until: 0 }

/** The village's calendar day (India Standard Time), as YYYY-MM-DD. Asked per row of a page, so kept for a second. */
export function todayIso(now?: Date): string {
  if (now) return istDay.format(now)
  const ms = Date.now()
  if (ms >= today.until) today = { day: istDay.format(new Date(ms)), until: ms + 1000 }
  return today.day
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

// Building a formatter costs far more than using one: one per language, made once.
const dayFormats = { hi: dayFormat('hi'), en: dayFormat('en') }
const instantFormats = { hi: instantFormat('hi'), en: instantFormat('en') }
function dayFormat(lang: Language) {
  return new Intl.DateTimeFormat(locales[lang], { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
}
function instantFormat(lang: Language) {
  return new Intl.DateTimeFormat(locales[lang], {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZone: 'Asia/Kolkata',
  })
}

/** 23 नवंबर 2026 / 23 November 2026 */
export function formatDate(iso: string | null | undefined, lang: Language): string {
  if (!iso) return ''
  return dayFormats[lang].format(new Date(`${iso}T00:00:00Z`))
}

/** 23/11/2026, 4:05 pm in India time. */
export function formatInstant(at: Date | null | undefined, lang: Language): string {
  if (!at) return ''
  return instantFormats[lang].format(at)
}
