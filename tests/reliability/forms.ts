import type Sqlite from 'better-sqlite3'
import { randomUUID } from 'node:crypto'
import { symbols } from '../../src/elections/symbols.ts'
import {
  candidacyRules,
  methods,
  protections,
  roundings,
  shareChoices,
  shortfalls,
  tieBreaks,
} from '../../src/elections/tables.ts'
import { girlsQuorumShares, quorumShares } from '../../src/meetings/tables.ts'
import { categories, decisions, forwardingWays } from '../../src/resolutions/tables.ts'
import { genders, outOfSchoolReasons } from '../../src/people/tables.ts'
import { caseReasons, closeReasons, finders, stepKinds, workPlaces } from '../../src/cases/tables.ts'
import { roles } from '../../src/accounts/tables.ts'
import { todayIso } from '../../src/core/dates.ts'
import { PASSWORD } from '../helpers/app.ts'
import type { Rng } from './random.ts'

export type Form = Record<string, string | string[]>

/** What a form generator may know: the URL's parameters as sent, and the database to pick real ids from. */
export type FormContext = { rng: Rng; db: Sqlite.Database; params: Record<string, string>; villageId: number }

export function shiftDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

const today = () => todayIso()
const recentDay = (rng: Rng) => shiftDays(today(), -rng.int(30))
const param = (c: FormContext, name = 'id') => Number(c.params[name])
const ids = (c: FormContext, sql: string, ...args: unknown[]) =>
  c.db
    .prepare(sql)
    .pluck()
    .all(...args) as number[]
const someId = (c: FormContext, sql: string, ...args: unknown[]) => {
  const pool = ids(c, sql, ...args)
  return String(pool.length ? c.rng.pick(pool) : 999_999)
}
/** The village the URL names, directly or through its record; else the one the request was aimed at. */
function villageOf(c: FormContext): number {
  const v = Number(c.params.villageId)
  return Number.isInteger(v) ? v : c.villageId
}
const childOfVillage = (c: FormContext) => someId(c, 'SELECT id FROM children WHERE village_id = ?', villageOf(c))
const presentAt = (c: FormContext) =>
  ids(c, 'SELECT child_id FROM attendance WHERE meeting_id = ? AND present_at IS NOT NULL', param(c))

const villageForm = (c: FormContext): Form => ({
  name: c.rng.pick(['Papdi', 'पापड़ी', 'Nayi Basti']),
  gramPanchayat: 'Sothana',
  block: 'Viratnagar',
  district: 'Jaipur',
  state: 'Rajasthan',
})

const childForm = (c: FormContext): Form => {
  const inSchool = c.rng.chance(0.7)
  return {
    name: c.rng.pick(['Meena', 'मीना कुमारी', 'Ravi Gurjar']),
    gender: c.rng.pick(genders),
    dateOfBirth: shiftDays(today(), -(365 * (6 + c.rng.int(12)))),
    ward: String(1 + c.rng.int(9)),
    school: inSchool ? 'GSS Papdi' : '',
    schoolClass: inSchool ? String(1 + c.rng.int(12)) : '',
    inSchool: inSchool ? 'yes' : 'no',
    outOfSchoolReason: inSchool ? '' : c.rng.pick(outOfSchoolReasons),
    guardianName: 'Ramesh',
    guardianPhone: c.rng.pick(['', '9876543210', '+91 98765-43210']),
  }
}

const electionForm = (c: FormContext): Form => ({
  title: 'Bal Panchayat election',
  termStart: today(),
  termEnd: `${Number(today().slice(0, 4)) + 1}-12-31`,
  voterAgeMin: '6',
  voterAgeMax: '18',
  candidateAgeMin: '10',
  candidateAgeMax: '18',
  candidacy: c.rng.pick(candidacyRules),
})

const contestForm = (c: FormContext): Form => {
  const seats = 1 + c.rng.int(5)
  return {
    name: c.rng.pick(['Members', 'Pradhan', 'सदस्य']),
    seats: String(seats),
    seatTitles: c.rng.chance(0.3) ? Array.from({ length: seats }, (_, i) => `Seat ${i + 1}`).join('\n') : '',
    maxChoices: c.rng.pick(['', String(seats)]),
    method: c.rng.pick(methods),
    share: c.rng.pick(shareChoices),
    girlsMinimum: String(c.rng.int(seats + 1)),
    rounding: c.rng.pick(roundings),
    protect: c.rng.pick(protections),
    tieBreak: c.rng.pick(tieBreaks),
    shortfall: c.rng.pick(shortfalls),
  }
}

const meetingForm = (c: FormContext): Form => ({
  date: shiftDays(today(), c.rng.int(10)),
  time: c.rng.pick(['16:00', '09:30', '23:59']),
  place: 'School verandah',
  chairChildId: c.rng.chance(0.5)
    ? ''
    : someId(
        c,
        `SELECT m.child_id FROM members m JOIN elections e ON e.id = m.election_id WHERE e.village_id = ?`,
        villageOf(c),
      ),
})

/** A day for an answer: today, mostly (the journey refuses a day before the previous answer). */
const answerDay = (c: FormContext) => (c.rng.chance(0.8) ? today() : recentDay(c.rng))

/**
 * For each POST route, a form as a person would fill it in correctly (or nearly: a generator may
 * pick a value the verb refuses, as people do). The fuzz bends these; the CSRF suite sends them as they are.
 */
export const validForms: Record<string, (c: FormContext) => Form> = {
  'POST /setup': () => ({
    displayName: 'Second coordinator',
    username: 'second',
    password: PASSWORD,
    confirm: PASSWORD,
  }),
  'POST /login': (c) => ({
    username: c.rng.pick(['rekha', 'nobody', 'REKHA ']),
    password: c.rng.pick([PASSWORD, 'wrong-password']),
    next: c.rng.pick(['/', '/inbox', '//evil.example', 'https://evil.example/']),
  }),
  'POST /logout': () => ({}),
  'POST /language': (c) => ({
    lang: c.rng.pick(['hi', 'en']),
    back: c.rng.pick(['/', '/villages', '//evil.example', '/\\evil.example', 'javascript:alert(1)']),
  }),
  // The same password again, so the suites can still log in afterwards.
  'POST /account/password': () => ({ current: PASSWORD, password: PASSWORD, confirm: PASSWORD }),
  'POST /users': (c) => ({
    displayName: 'Fuzzed user',
    username: `fuzz-${c.rng.int(1e9)}`,
    role: c.rng.pick(roles),
    villageId: c.rng.pick(['', someId(c, 'SELECT id FROM villages')]),
    password: 'long-enough-password',
  }),
  'POST /users/:id/password': () => ({ password: PASSWORD }),
  'POST /users/:id/activation': (c) => ({ active: c.rng.pick(['yes', 'no']) }),
  'POST /villages': villageForm,
  'POST /villages/:id': villageForm,

  'POST /villages/:villageId/children': (c) => ({
    ...childForm(c),
    consent: c.rng.pick(['', 'on']),
    consentOn: c.rng.pick(['', recentDay(c.rng)]),
  }),
  'POST /villages/:villageId/children/:id': childForm,
  'POST /villages/:villageId/children/:id/consent': (c) => ({ givenOn: recentDay(c.rng) }),
  'POST /villages/:villageId/children/:id/consent/withdrawal': () => ({}),
  'POST /villages/:villageId/children/:id/departure': (c) => ({ leftOn: recentDay(c.rng), note: 'Family moved' }),
  'POST /villages/:villageId/children/:id/return': () => ({}),
  'POST /villages/:villageId/children/:id/erasure': () => ({}),
  'POST /villages/:villageId/children/:id/cases': (c) => ({
    reason: c.rng.pick(caseReasons),
    workPlace: c.rng.pick(workPlaces),
    foundBy: c.rng.pick(finders),
    foundByChildId: c.rng.pick(['', childOfVillage(c)]),
    foundOn: recentDay(c.rng),
    note: 'Seen carrying bricks at the kiln',
  }),
  'POST /villages/:villageId/cases/:id/meeting-steps/:itemId': (c) => ({
    note: c.rng.pick(['Her friend says she wants to come back', 'वह भट्ठे पर काम करती है']),
  }),
  'POST /villages/:villageId/cases/:id/steps': (c) => ({
    kind: c.rng.pick(stepKinds),
    on: today(),
    note: 'Met the family',
    agendaItemId: someId(
      c,
      'SELECT a.id FROM agenda_items a JOIN meetings m ON m.id = a.meeting_id WHERE m.village_id = ?',
      villageOf(c),
    ),
    resolutionId: someId(c, 'SELECT id FROM resolutions WHERE village_id = ? AND number IS NOT NULL', villageOf(c)),
    school: 'GUPS Papdi',
    schoolClass: '5',
    checkDay: c.rng.pick(['30', '90']),
    attending: c.rng.pick(['yes', 'no']),
    closeReason: c.rng.pick(closeReasons),
  }),

  'POST /villages/:villageId/elections': electionForm,
  'POST /elections/:id': electionForm,
  'POST /elections/:id/contests': contestForm,
  'POST /elections/:id/contests/:contestId': contestForm,
  'POST /elections/:id/contests/:contestId/removal': () => ({}),
  'POST /elections/:id/contests/:contestId/candidates': (c) => ({
    childId: someId(
      c,
      'SELECT c.id FROM children c JOIN elections e ON e.village_id = c.village_id WHERE e.id = ?',
      param(c),
    ),
    symbol: c.rng.pick(symbols),
  }),
  'POST /elections/:id/candidates/:candidateId/withdrawal': () => ({}),
  'POST /elections/:id/nominations': () => ({}),
  'POST /elections/:id/poll': () => ({}),
  'POST /elections/:id/closing': (c) => {
    if (c.rng.chance(0.6)) return { source: 'random' }
    const form: Form = { source: 'chits' }
    for (const contest of ids(c, 'SELECT id FROM contests WHERE election_id = ?', param(c))) {
      const cands = ids(c, 'SELECT id FROM candidates WHERE contest_id = ?', contest)
      c.rng.shuffle(cands.map((_, i) => i + 1)).forEach((lot, i) => {
        form[`lot_${cands[i]}`] = String(lot)
      })
    }
    return form
  },
  'POST /elections/:id/paper-counts': (c) => {
    const contest = someId(c, 'SELECT id FROM contests WHERE election_id = ?', param(c))
    const ballots = c.rng.int(40)
    const form: Form = { contestId: contest, ballots: String(ballots), note: c.rng.pick(['', 'box 2']) }
    for (const cand of ids(c, 'SELECT id FROM candidates WHERE contest_id = ?', Number(contest)))
      form[`votes_${cand}`] = String(c.rng.int(ballots + 1))
    return form
  },
  'POST /elections/:id/paper-counts/:paperCountId/voiding': () => ({}),
  'POST /elections/:id/publication': () => ({}),
  'POST /villages/:villageId/bal-panchayat/members/:memberId/departure': (c) => ({
    leftOn: recentDay(c.rng),
    reason: 'Moved to Jaipur',
  }),

  'POST /elections/:id/station': (c) => {
    const pin = c.rng.pick(['1234', '24680', '13572468'])
    return { pin, confirm: pin }
  },
  'POST /elections/:id/station/unlock': (c) => ({ pin: c.rng.pick(['1234', '24680', '0000']) }),
  'POST /elections/:id/station/closing': () => ({}),
  'POST /elections/:id/station/ballot': (c) => ({ childId: childOfVillage({ ...c, villageId: villageOfElection(c) }) }),
  'POST /elections/:id/roll': (c) => ({ childId: childOfVillage({ ...c, villageId: villageOfElection(c) }) }),
  'POST /elections/:id/ballot': (c) => {
    const form: Form = { token: randomUUID() }
    for (const contest of ids(c, 'SELECT id FROM contests WHERE election_id = ?', param(c))) {
      const cands = ids(c, 'SELECT id FROM candidates WHERE contest_id = ?', contest)
      if (cands.length) form[`c_${contest}`] = String(c.rng.pick(cands))
    }
    return form
  },
  'POST /elections/:id/ballot/abandonment': () => ({}),
  'POST /elections/:id/ballot/presence': () => ({}),

  'POST /villages/:villageId/meetings': (c) => ({
    ...meetingForm(c),
    agenda: c.rng.pick(['', 'Hand pump\nSchool toilet', 'Playground']),
  }),
  'POST /villages/:villageId/quorum': (c) => ({
    members: c.rng.pick(quorumShares),
    girls: c.rng.pick(girlsQuorumShares),
  }),
  'POST /meetings/:id': (c) => meetingForm({ ...c, villageId: villageOfMeeting(c) }),
  'POST /meetings/:id/agenda': (c) => ({ title: c.rng.pick(['Library books', 'खेल का मैदान']) }),
  'POST /meetings/:id/agenda/out-of-school': () => ({}),
  'POST /meetings/:id/agenda/:itemId': (_c) => ({ title: 'Renamed item' }),
  'POST /meetings/:id/agenda/:itemId/removal': () => ({}),
  'POST /meetings/:id/agenda/:itemId/move': (c) => ({ direction: c.rng.pick(['up', 'down']) }),
  'POST /meetings/:id/start': (c): Form =>
    c.rng.chance(0.5)
      ? { way: 'now', reason: 'The school had exams that day' }
      : { way: 'paper', heldOn: recentDay(c.rng), from: '16:00', until: '17:10', reason: 'Rain on the planned day' },
  'POST /meetings/:id/postponement': (c) => ({
    date: shiftDays(today(), 1 + c.rng.int(20)),
    time: c.rng.pick(['10:00', '16:30']),
    reason: c.rng.pick(['A wedding in the village', 'बारिश']),
  }),
  'POST /meetings/:id/cancellation': (c) => ({ reason: c.rng.pick(['Heavy rain', 'गाँव में शोक']) }),
  'POST /meetings/:id/attendance/:childId': (c): Form => (c.rng.chance(0.5) ? { present: 'on' } : {}),
  'POST /meetings/:id/guests': (c) => ({
    otherChildren: String(c.rng.int(20)),
    adults: String(c.rng.int(5)),
    guests: 'Head teacher',
  }),
  'POST /meetings/:id/items/:itemId/minutes': (c) => ({
    discussion: 'We talked.',
    decisions: c.rng.pick(['', 'Write to the Sarpanch.']),
    ...(c.rng.chance(0.5) ? { revision: String(c.rng.int(3)) } : {}),
  }),
  'POST /meetings/:id/items/:itemId/actions': (c) => ({
    what: 'Visit the school',
    who: 'Meena',
    byDate: c.rng.pick(['', shiftDays(today(), 7)]),
  }),
  'POST /meetings/:id/actions/:actionId/removal': () => ({}),
  'POST /meetings/:id/resolutions': (c) => {
    const present = presentAt(c)
    const [proposer, seconder] = present.length >= 2 ? c.rng.shuffle(present) : [999_999, 999_998]
    return {
      agendaItemId: c.rng.chance(0.5) ? '' : someId(c, 'SELECT id FROM agenda_items WHERE meeting_id = ?', param(c)),
      title: 'Repair the hand pump',
      problem: 'It has been broken for a month.',
      request: 'Repair it this week.',
      addressedTo: 'Sarpanch',
      category: c.rng.pick(categories),
      proposerChildId: String(proposer),
      seconderChildId: String(seconder),
      votesFor: String(c.rng.int(5)),
      votesAgainst: String(c.rng.int(3)),
      votesAbstain: String(c.rng.int(2)),
    }
  },
  'POST /meetings/:id/closing': () => ({}),
  'POST /meetings/:id/amendments': (c) => ({
    agendaItemId: c.rng.chance(0.5) ? '' : someId(c, 'SELECT id FROM agenda_items WHERE meeting_id = ?', param(c)),
    text: 'The meeting ended at five, not six.',
  }),

  'POST /resolutions/:id/forwarding': (c) => ({
    forwardedOn: today(),
    addressedTo: 'Sarpanch, Gram Panchayat',
    way: c.rng.pick(forwardingWays),
    note: '',
  }),
  'POST /resolutions/:id/acknowledgement': (c) => ({ on: answerDay(c) }),
  'POST /resolutions/:id/decision': (c) => ({
    decision: c.rng.pick(decisions),
    on: answerDay(c),
    plan: 'Build it',
    targetDate: shiftDays(today(), 60),
    referredTo: 'Block officer',
    reason: 'No money this year',
    // Mostly the post that confirms the decision; sometimes the first one, which only asks.
    confirm: c.rng.pick(['yes', 'yes', '']),
  }),
  'POST /resolutions/:id/actions': (c) => ({
    on: answerDay(c),
    text: 'Work started',
    evidence: c.rng.pick(['', 'photo']),
  }),
  'POST /resolutions/:id/completion': (c) => ({ on: answerDay(c) }),
  'POST /villages/:villageId/follow-up': (c) => {
    const ack = 1 + c.rng.int(30)
    return {
      acknowledgeDays: String(ack),
      decideDays: String(ack + c.rng.int(60)),
      ...(c.rng.chance(0.3) ? { boardShowsProposers: 'on' } : {}),
    }
  },
}

function villageOfElection(c: FormContext): number {
  return (
    (c.db.prepare('SELECT village_id FROM elections WHERE id = ?').pluck().get(param(c)) as number | undefined) ??
    c.villageId
  )
}

function villageOfMeeting(c: FormContext): number {
  return (
    (c.db.prepare('SELECT village_id FROM meetings WHERE id = ?').pluck().get(param(c)) as number | undefined) ??
    c.villageId
  )
}
