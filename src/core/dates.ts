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
  // Asked for every row of the register: dates of the usual shape are read without splitting them.
  if (isPlainDate(dateOfBirth) && isPlainDate(day)) {
    const by = digits(dateOfBirth, 0, 4)
    const bmd = digits(dateOfBirth, 5, 7) * 100 + digits(dateOfBirth, 8, 10)
    const md = digits(day, 5, 7) * 100 + digits(day, 8, 10)
    return digits(day, 0, 4) - by - (md < bmd ? 1 : 0)
  }
  const [by, bm, bd] = dateOfBirth.split('-').map(Number)
  const [y, m, d] = day.split('-').map(Number)
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0)
}

/** YYYY-MM-DD, ten ASCII digits and dashes. */
function isPlainDate(s: string): boolean {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false
  for (const i of DIGIT_AT) {
    const c = s.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}
const DIGIT_AT = [0, 1, 2, 3, 5, 6, 8, 9]

/** The number written by the digits s[from..to). */
function digits(s: string, from: number, to: number): number {
  let n = 0
  for (let i = from; i < to; i++) n = n * 10 + (s.charCodeAt(i) - 48)
  return n
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
  return remembered(formattedDays[lang], iso, () => dayFormats[lang].format(new Date(`${iso}T00:00:00Z`)))
}

/** 23/11/2026, 4:05 pm in India time. */
export function formatInstant(at: Date | null | undefined, lang: Language): string {
  if (!at) return ''
  return remembered(formattedInstants[lang], at.getTime(), () => instantFormats[lang].format(at))
}

// Formatting a date is dear too (Intl), and a list shows the same few days on every row and page:
// each formatted one is kept, per language, up to a bound.
const formattedDays = { hi: new Map<string, string>(), en: new Map<string, string>() }
const formattedInstants = { hi: new Map<number, string>(), en: new Map<number, string>() }
function remembered<K>(known: Map<K, string>, key: K, format: () => string): string {
  let text = known.get(key)
  if (text === undefined) {
    text = format()
    if (known.size >= 5000) known.clear()
    known.set(key, text)
  }
  return text
}
