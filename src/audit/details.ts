import type { Language } from '../core/actor.ts'
import { formatDate, formatInstant, formatTime } from '../core/dates.ts'
import type { Translate } from '../core/translate.ts'
import { operatorActor } from './audit.ts'

/**
 * How each field an audit entry's detail may hold is read: its words are `audit.field.<field>` in the
 * dictionaries (tests/domain/dictionaries.test.ts builds every one), and its value is one of these kinds. A field not listed here is user data (a paper count
 * lists each candidate's name with the votes) and is shown as it is.
 */
/** A value's kind; `words` is an enum's: its value's words are `<words>.<value>`; `arrow` a move up or down. */
type Kind = 'text' | 'count' | 'date' | 'time' | 'yesNo' | 'id' | 'arrow' | { words: string }

const text = 'text'
const count = 'count'
const date = 'date'
const time = 'time'
const yesNo = 'yesNo'
const id = 'id'
const arrow = 'arrow'
const words = (prefix: string): Kind => ({ words: prefix })

export const auditFields: Readonly<Record<string, Kind>> = {
  // People, villages, accounts
  name: text,
  child: text,
  children: count,
  dateOfBirth: date,
  gender: words('gender'),
  ward: text,
  school: text,
  schoolClass: text,
  inSchool: yesNo,
  outOfSchoolReason: words('reason'),
  guardianName: text,
  guardianPhone: text,
  consent: yesNo,
  consentOn: date,
  givenOn: date,
  leftOn: date,
  note: text,
  block: text,
  district: text,
  gramPanchayat: text,
  state: text,
  username: text,
  role: words('role'),
  firstRun: yesNo,
  // Elections
  title: text,
  electionId: id,
  termStart: date,
  termEnd: date,
  voterAgeMin: count,
  voterAgeMax: count,
  candidateAgeMin: count,
  candidateAgeMax: count,
  candidacy: words('candidacy'),
  contest: text,
  seats: count,
  seatTitles: text,
  method: words('method'),
  girlsShare: words('contestShare'),
  girlsMinimum: count,
  rounding: words('rounding'),
  protect: words('protect'),
  tieBreak: words('tieBreak'),
  shortfall: words('shortfall'),
  maxChoices: count,
  candidates: count,
  symbol: words('symbol'),
  ballots: count,
  source: words('lotSource'),
  seat: text,
  replacedBy: text,
  station: id,
  openedBy: text,
  wrongTries: count,
  lockedMinutes: count,
  // Meetings
  number: id,
  date: date,
  time: time,
  endTime: time,
  place: text,
  agenda: count,
  chairChildId: id,
  scheduledDate: date,
  typedLater: yesNo,
  reason: text,
  answers: count,
  movedTo: id,
  item: text,
  direction: arrow,
  revision: count,
  members: words('quorumShare'),
  girls: words('quorumShare'),
  otherChildren: count,
  adults: count,
  guests: text,
  discussion: text,
  decisions: text,
  what: text,
  who: text,
  byDate: date,
  // Resolutions
  category: words('category'),
  problem: text,
  request: text,
  agendaItemId: id,
  proposerChildId: id,
  seconderChildId: id,
  for: count,
  against: count,
  abstain: count,
  to: text,
  addressedTo: text,
  way: words('way'),
  on: date,
  forwardedOn: date,
  decision: words('decision'),
  plan: text,
  targetDate: date,
  referredTo: text,
  text: text,
  evidence: text,
  acknowledgeDays: count,
  decideDays: count,
  boardShowsProposers: yesNo,
  // Backups
  file: text,
  encrypted: yesNo,
  keptAside: text,
}

export type AuditDetailLine = { field: string; value: string }

/**
 * An entry's detail as a reader sees it: each field by its name in the reader's language, enums in words,
 * dates and times in the page's style, a change as "before → after", and nothing as "—".
 */
export function auditDetailLines(detail: Record<string, unknown>, t: Translate, lang: Language): AuditDetailLine[] {
  return Object.entries(detail).map(([field, value]) => {
    const kind = Object.hasOwn(auditFields, field) ? auditFields[field] : undefined
    const shown = Array.isArray(value)
      ? value.map((v) => shownValue(v, kind, t, lang)).join(' → ')
      : shownValue(value, kind, t, lang)
    return { field: kind ? t(`audit.field.${field}`) : field, value: shown }
  })
}

function shownValue(v: unknown, kind: Kind | undefined, t: Translate, lang: Language): string {
  if (v === null || v === undefined || v === '') return '—'
  if (typeof v === 'boolean') return t(v ? 'common.yes' : 'common.no')
  if (typeof v === 'object') return JSON.stringify(v)
  const s = String(v)
  if (kind === date && /^\d{4}-\d{2}-\d{2}$/.test(s)) return formatDate(s, lang)
  if (kind === time) return formatTime(s, lang)
  if (kind === id) return `#${s}`
  if (kind === arrow) return s === 'up' ? '↑' : s === 'down' ? '↓' : s
  if (typeof kind === 'object') {
    const key = `${kind.words}.${s}`
    const said = t(key)
    return said === key ? s : said
  }
  // An instant written as ISO text (a stamp inside a detail) is shown as every other instant.
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(s) && !Number.isNaN(Date.parse(s))) return formatInstant(new Date(s), lang)
  return s
}

/** Who acted, as the reader calls them: a person by their name, the operator's command line in words. */
export function auditActorName(entry: { actorId: number | null; actorName: string }, t: Translate): string {
  return entry.actorId === null && entry.actorName === operatorActor.displayName ? t('audit.operator') : entry.actorName
}
