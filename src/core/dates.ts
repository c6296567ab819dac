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
function dayFormat(lang: Language) {
  return new Intl.DateTimeFormat(locales[lang], { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
}
// The clock in India time, as 24-hour figures ("16:05"), which formatTime then says in words.
const istClock = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'Asia/Kolkata',
})
// Hindi names the part of the day (सुबह, दोपहर, शाम, रात), as CLDR's day periods do; English says am/pm.
const dayPeriods = new Intl.DateTimeFormat('hi-IN', { hour: 'numeric', dayPeriod: 'long', timeZone: 'UTC' })

/** 23 नवंबर 2026 / 23 November 2026: the one date style of every page and paper. */
export function formatDate(iso: string | null | undefined, lang: Language): string {
  if (!iso) return ''
  return remembered(formattedDays[lang], iso, () => dayFormats[lang].format(new Date(`${iso}T00:00:00Z`)))
}

/**
 * A clock time as it is said, from a 24-hour "16:30": "शाम 4:30 बजे", "सुबह 6:47 बजे", "शाम 4 बजे" in
 * Hindi; "4:30 pm", "6:47 am", "4 pm" in English. The one time style of every page and paper; a value that
 * is not a time is shown as it is.
 */
export function formatTime(hhmm: string | null | undefined, lang: Language): string {
  if (!hhmm) return ''
  const m = /^(\d{1,2}):(\d{2})(?::\d{2})?$/.exec(hhmm)
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) return hhmm
  return remembered(formattedTimes[lang], hhmm, () => sayClock(Number(m[1]), Number(m[2]), lang))
}

function sayClock(h: number, minute: number, lang: Language): string {
  const twelve = h % 12 === 0 ? 12 : h % 12
  const figures = minute === 0 ? String(twelve) : `${twelve}:${String(minute).padStart(2, '0')}`
  if (lang === 'en') return `${figures} ${h < 12 ? 'am' : 'pm'}`
  const part = dayPeriods
    .formatToParts(new Date(Date.UTC(2026, 0, 1, h, minute)))
    .find((p) => p.type === 'dayPeriod')?.value
  return `${part ? `${part} ` : ''}${figures} बजे`
}

/** 23 नवंबर 2026, शाम 4:05 बजे / 23 November 2026, 4:05 pm, in India time. */
export function formatInstant(at: Date | null | undefined, lang: Language): string {
  if (!at || Number.isNaN(at.getTime())) return ''
  return remembered(
    formattedInstants[lang],
    at.getTime(),
    () => `${formatDate(todayIso(at), lang)}, ${formatTime(istClock.format(at), lang)}`,
  )
}

// Formatting a date is dear too (Intl), and a list shows the same few days on every row and page:
// each formatted one is kept, per language, up to a bound.
const formattedDays = { hi: new Map<string, string>(), en: new Map<string, string>() }
const formattedInstants = { hi: new Map<number, string>(), en: new Map<number, string>() }
const formattedTimes = { hi: new Map<string, string>(), en: new Map<string, string>() }
function remembered<K>(known: Map<K, string>, key: K, format: () => string): string {
  let text = known.get(key)
  if (text === undefined) {
    text = format()
    if (known.size >= 5000) known.clear()
    known.set(key, text)
  }
  return text
}
