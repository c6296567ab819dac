/**
 * The village report card (issue 16): how close a village is to being child-friendly, for the Gram Sabha.
 * Pure functions over plain facts first, each with its worked examples in tests/domain/report-card.test.ts;
 * then the read-models that gather those facts, which let only counts out, never a case's child.
 */
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { requireRole, type Ctx } from '../core/actor.ts'
import { InvalidInput } from '../core/errors.ts'
import { ageOn, todayIso } from '../core/dates.ts'
import { getVillage, listVillages, type Village } from '../villages/villages.ts'
import { children, departures, type Gender } from '../people/tables.ts'
import { elections, results } from '../elections/tables.ts'
import { seatedOn, type SeatedMember } from '../elections/seated.ts'
import { meetingEvents, meetings } from '../meetings/tables.ts'
import { meetingQuorum } from '../meetings/meetings.ts'
import { forwardings, resolutions, responses } from '../resolutions/tables.ts'
import { daysBetween } from '../resolutions/journey.ts'
import { followUpRuleOf } from '../resolutions/journeys.ts'
import { caseSteps, cases, type CaseReason } from '../cases/tables.ts'
import { addDays, caseStatus, isIsoDay, type StepFacts } from '../cases/machine.ts'

/** So many of so many: girls in school of the girls of that age, members who are girls of all members. */
export type Tally = { count: number; of: number }
const tally = (count = 0, of = 0): Tally => ({ count, of })
/** The share a tally makes, or null when there is nothing to divide. */
export const shareOf = (t: Tally): number | null => (t.of > 0 ? t.count / t.of : null)

/** The ages of the card's two school lines, both ends included: the age of free and compulsory schooling (RTE), and after it. */
export const schoolAges = { compulsory: [6, 14], older: [15, 18] } as const
export type SchoolAges = keyof typeof schoolAges
/** A meeting a month is the goal: so many in the card's last three months. */
export const MEETING_MONTHS = 3

// ——— Dates ———

/** The same day `n` months before (the month's last day when it has fewer days: 31 May less 3 months is 28 February). */
export function monthsBefore(iso: string, n: number): string {
  const [y, m, d] = iso.split('-').map(Number)
  const first = new Date(Date.UTC(y, m - 1 - n, 1))
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate()
  first.setUTCDate(Math.min(d, last))
  return first.toISOString().slice(0, 10)
}

/** The card looks back a year: from the day after the same date a year before, to its date, both included. */
export function yearUpTo(on: string): { from: string; to: string } {
  return { from: addDays(monthsBefore(on, 12), 1), to: on }
}

/** The card's date from a query: today when none is given; a real day, not in the future, else a message for the field. */
export function cardDate(raw: unknown, today: string = todayIso()): string {
  if (raw === undefined || raw === '') return today
  if (typeof raw !== 'string' || !isIsoDay(raw)) throw new InvalidInput({ _form: { key: 'reportCard.badDate' } })
  if (raw > today) throw new InvalidInput({ _form: { key: 'reportCard.futureDate' } })
  return raw
}

// ——— The lines, pure ———

/** A child on the register as the school line reads it: who left the village by the card's date is not counted. */
export type RegisterChild = { gender: Gender; dateOfBirth: string; inSchool: boolean; leftOn: string | null }
export type SchoolLine = { girls: Tally; boys: Tally; all: Tally }

/**
 * Children of an age (as of the card's date) in school, girls and boys apart; `all` counts every child of that
 * age, a child of another gender too. In school is what the register says now (it keeps no history of it).
 */
export function schoolLine(register: readonly RegisterChild[], on: string, ages: SchoolAges): SchoolLine {
  const [youngest, oldest] = schoolAges[ages]
  const line = { girls: tally(), boys: tally(), all: tally() }
  for (const child of register) {
    if (child.leftOn !== null && child.leftOn <= on) continue
    const age = ageOn(child.dateOfBirth, on)
    if (!(age >= youngest && age <= oldest)) continue
    const into = [line.all, child.gender === 'girl' ? line.girls : child.gender === 'boy' ? line.boys : null]
    for (const t of into) {
      if (!t) continue
      t.of++
      if (child.inSchool) t.count++
    }
  }
  return line
}

/** A case as the card reads it: whose (a key only, to count a child once), why, when found, and its steps in order. */
export type CaseFacts = { childId: number; reason: CaseReason; foundOn: string; steps: readonly StepFacts[] }

/** The state of a case on a day: its steps up to that day, read by the one state machine (cases/machine.ts). */
function stateOn(kase: CaseFacts, on: string) {
  return caseStatus(kase.steps.filter((s) => s.on <= on))
}

const backInSchool = (state: ReturnType<typeof caseStatus>) =>
  state.status === 'closed' && state.closedAs === 'back_in_school'

export type WorkingLine = { found: number; backInSchool: number; notYet: number }

/**
 * Children found working, and how many of them are back in school, in the card's year: every child with a
 * 'working' case found by the card's date and still open at the start of the year (or closed during it). A
 * child with two such cases counts once, by the latest found. `notYet`: neither back in school nor closed
 * otherwise (moved away, turned 18): the children the village still has to bring back.
 */
export function workingLine(all: readonly CaseFacts[], on: string): WorkingLine {
  const { from } = yearUpTo(on)
  const latest = new Map<number, ReturnType<typeof caseStatus>>()
  const sorted = [...all].sort((a, b) => a.foundOn.localeCompare(b.foundOn))
  for (const kase of sorted) {
    if (kase.reason !== 'working' || kase.foundOn > on) continue
    const state = stateOn(kase, on)
    if (state.status === 'closed' && state.closedOn! < from) continue
    latest.set(kase.childId, state)
  }
  const states = [...latest.values()]
  return {
    found: states.length,
    backInSchool: states.filter(backInSchool).length,
    notYet: states.filter((s) => s.status !== 'closed').length,
  }
}

/**
 * Marriages of children prevented in the card's year: children whose case of marriage ('married', which
 * covers "to be married") was closed as back in school during it — back in class and attending at the 90-day
 * check, so not married off. The card's footnote says so in the same words.
 */
export function marriagesPrevented(all: readonly CaseFacts[], on: string): number {
  return closedBackInSchool(
    all.filter((c) => c.reason === 'married'),
    yearUpTo(on).from,
    on,
  )
}

/** Children whose case (of any reason) stands closed as back in school on `to`, closed on a day from `from` on. */
export function closedBackInSchool(all: readonly CaseFacts[], from: string, to: string): number {
  const kids = new Set<number>()
  for (const kase of all) {
    const state = stateOn(kase, to)
    if (backInSchool(state) && state.closedOn! >= from) kids.add(kase.childId)
  }
  return kids.size
}

/** The children's board: children whose case closed back in school this calendar year (up to `today`). */
export function backInSchoolThisYear(all: readonly CaseFacts[], today: string): number {
  return closedBackInSchool(all, `${today.slice(0, 4)}-01-01`, today)
}

export type HeldMeeting = { on: string; quorumMet: boolean }
export type MeetingsLine = { withQuorum: number; held: number; goal: number; from: string }

/** Bal Panchayat meetings held (closed) in the three months up to the card's date, and how many had their quorum; the goal is one a month. */
export function meetingsLine(held: readonly HeldMeeting[], on: string): MeetingsLine {
  const after = monthsBefore(on, MEETING_MONTHS)
  const within = held.filter((m) => m.on > after && m.on <= on)
  return {
    withQuorum: within.filter((m) => m.quorumMet).length,
    held: within.length,
    goal: MEETING_MONTHS,
    from: addDays(after, 1),
  }
}

export type Forwarded = { forwardedOn: string; decidedOn: string | null }
export type AnswersLine = { inTime: number; due: number; waiting: number; days: number }

/**
 * Resolutions forwarded in the card's year and answered by the Gram Panchayat in time: answered is decided
 * (accepted, referred or declined), as the inbox and its overdue flag mean it; in time is within the
 * village's days for a decision (30 unless its follow-up rule says otherwise). `due`: those decided, or past
 * their days; `waiting`: not decided and still within them, which count neither way.
 */
export function answersLine(forwarded: readonly Forwarded[], on: string, days: number): AnswersLine {
  const { from } = yearUpTo(on)
  const line = { inTime: 0, due: 0, waiting: 0, days }
  for (const f of forwarded) {
    if (f.forwardedOn < from || f.forwardedOn > on) continue
    const decided = f.decidedOn !== null && f.decidedOn <= on ? f.decidedOn : null
    if (decided !== null && daysBetween(f.forwardedOn, decided) <= days) {
      line.inTime++
      line.due++
    } else if (decided !== null || daysBetween(f.forwardedOn, on) > days) line.due++
    else line.waiting++
  }
  return line
}

export type GirlsLine = { members: Tally; leaders: Tally }

/** Girls among the Bal Panchayat seated on the card's date (elections/seated.ts), and among its leaders (the titled seats). */
export function girlsLine(seated: readonly Pick<SeatedMember, 'gender' | 'seatTitle'>[]): GirlsLine {
  const girls = (xs: readonly { gender: Gender }[]) => xs.filter((m) => m.gender === 'girl').length
  const leaders = seated.filter((m) => m.seatTitle !== '')
  return { members: tally(girls(seated), seated.length), leaders: tally(girls(leaders), leaders.length) }
}

export type CardFacts = {
  register: readonly RegisterChild[]
  cases: readonly CaseFacts[]
  meetings: readonly HeldMeeting[]
  forwarded: readonly Forwarded[]
  decideDays: number
  seated: readonly Pick<SeatedMember, 'gender' | 'seatTitle'>[]
}

/** Every line of the card on a day: counts only. */
export function cardOf(facts: CardFacts, on: string) {
  return {
    on,
    year: yearUpTo(on),
    school: {
      compulsory: schoolLine(facts.register, on, 'compulsory'),
      older: schoolLine(facts.register, on, 'older'),
    },
    working: workingLine(facts.cases, on),
    marriagesPrevented: marriagesPrevented(facts.cases, on),
    meetings: meetingsLine(facts.meetings, on),
    answers: answersLine(facts.forwarded, on, facts.decideDays),
    girls: girlsLine(facts.seated),
  }
}
export type ReportCard = ReturnType<typeof cardOf>

/**
 * Each line against its goal, as a share from 0 to 1 (null when there is nothing to measure): all children
 * in school, every child found working back in school (none working), a meeting with quorum every month,
 * every answer within its days. The chart draws these, with the goal at the end of each bar.
 */
export function towardGoals(card: ReportCard) {
  return {
    school: shareOf(card.school.compulsory.all),
    working: shareOf(tally(card.working.backInSchool, card.working.found)),
    meetings: Math.min(1, card.meetings.withQuorum / card.meetings.goal),
    answers: shareOf(tally(card.answers.inTime, card.answers.due)),
  }
}

// ——— Read-models ———

/**
 * The card of one village on a day (as asked: `cardDate` reads it, once the village is known to be theirs): its
 * facilitators and the coordinators. Only counts leave it.
 */
export function villageReportCard(ctx: Ctx, villageId: number, date?: unknown): { village: Village; card: ReportCard } {
  const staff = requireRole(ctx, 'admin', 'facilitator')
  const village = getVillage(staff, villageId)
  const on = cardDate(date)
  return { village, card: cardOf(cardFacts(staff.db, village.id, on), on) }
}

/**
 * The figures page's report cards, for the coordinators: one line per village and term — each term of a
 * published election as of its last day (today while it runs), or as of today for a village with none.
 */
export function reportCardsByTerm(ctx: Ctx, villageId?: number) {
  const staff = requireRole(ctx, 'admin')
  const today = todayIso()
  const rows = []
  for (const village of listVillages(staff)) {
    if (villageId !== undefined && village.id !== villageId) continue
    const terms = staff.db
      .select({ title: elections.title, termStart: elections.termStart, termEnd: elections.termEnd })
      .from(elections)
      .where(
        and(
          eq(elections.villageId, village.id),
          lte(elections.termStart, today),
          sql`EXISTS (SELECT 1 FROM ${results} r WHERE r.election_id = ${elections.id})`,
        ),
      )
      .orderBy(asc(elections.termStart))
      .all()
    // A term is seen as of its last day, or today while it runs (ISO days sort as dates).
    const days = terms.length
      ? terms.map((t) => ({ term: t, on: [t.termEnd, today].sort()[0] }))
      : [{ term: null, on: today }]
    for (const { term, on } of days) {
      const card = cardOf(cardFacts(staff.db, village.id, on), on)
      rows.push({ villageId: village.id, village: village.name, term, card, goals: towardGoals(card) })
    }
  }
  return rows
}

/** The figures' CSV columns of the report cards, in order (headings: reportCard.column.*). */
export const reportCardColumns = [
  'village',
  'term',
  'on',
  'girlsInSchool6to14',
  'girls6to14',
  'boysInSchool6to14',
  'boys6to14',
  'girlsInSchool15to18',
  'girls15to18',
  'boysInSchool15to18',
  'boys15to18',
  'foundWorking',
  'backInSchool',
  'marriagesPrevented',
  'meetingsWithQuorum',
  'meetingsHeld',
  'answeredInTime',
  'answersDue',
  'girlMembers',
  'members',
  'girlLeaders',
  'leaders',
] as const

/** One flat row per village and term: the CSV's columns, and the village and the line's goals for the figures page. */
export function reportCardRows(ctx: Ctx, villageId?: number) {
  return reportCardsByTerm(ctx, villageId).map(({ villageId, village, term, card: c, goals }) => ({
    villageId,
    goals,
    village,
    term: term?.title ?? '',
    on: c.on,
    girlsInSchool6to14: c.school.compulsory.girls.count,
    girls6to14: c.school.compulsory.girls.of,
    boysInSchool6to14: c.school.compulsory.boys.count,
    boys6to14: c.school.compulsory.boys.of,
    girlsInSchool15to18: c.school.older.girls.count,
    girls15to18: c.school.older.girls.of,
    boysInSchool15to18: c.school.older.boys.count,
    boys15to18: c.school.older.boys.of,
    foundWorking: c.working.found,
    backInSchool: c.working.backInSchool,
    marriagesPrevented: c.marriagesPrevented,
    meetingsWithQuorum: c.meetings.withQuorum,
    meetingsHeld: c.meetings.held,
    answeredInTime: c.answers.inTime,
    answersDue: c.answers.due,
    girlMembers: c.girls.members.count,
    members: c.girls.members.of,
    girlLeaders: c.girls.leaders.count,
    leaders: c.girls.leaders.of,
  }))
}

/** The public board's one count: children of the village back in school this year. No case, no child. */
export function boardBackInSchool(db: Db, villageId: number, today: string = todayIso()): number {
  return backInSchoolThisYear(casesOf(db, villageId), today)
}

/** Everything the card counts, for one village, read from the database. */
function cardFacts(db: Db, villageId: number, on: string): CardFacts {
  return {
    register: registerOf(db, villageId),
    cases: casesOf(db, villageId),
    meetings: meetingsHeld(db, villageId, on),
    forwarded: forwardedOf(db, villageId),
    decideDays: followUpRuleOf(db, villageId).decideDays,
    seated: seatedOn(db, villageId, on),
  }
}

function registerOf(db: Db, villageId: number): RegisterChild[] {
  return db
    .select({
      gender: children.gender,
      dateOfBirth: children.dateOfBirth,
      inSchool: children.inSchool,
      leftOn: departures.leftOn,
    })
    .from(children)
    .leftJoin(departures, eq(departures.childId, children.id))
    .where(eq(children.villageId, villageId))
    .all()
}

/** The village's cases with their steps in the order recorded (the state machine reads them so). */
function casesOf(db: Db, villageId: number): CaseFacts[] {
  const rows = db
    .select({ id: cases.id, childId: cases.childId, reason: cases.reason, foundOn: cases.foundOn })
    .from(cases)
    .where(eq(cases.villageId, villageId))
    .all()
  if (rows.length === 0) return []
  const steps = db
    .select({
      caseId: caseSteps.caseId,
      kind: caseSteps.kind,
      on: caseSteps.on,
      checkDay: caseSteps.checkDay,
      attending: caseSteps.attending,
      closeReason: caseSteps.closeReason,
    })
    .from(caseSteps)
    .where(
      inArray(
        caseSteps.caseId,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(asc(caseSteps.id))
    .all()
  return rows.map(({ id, ...kase }) => ({ ...kase, steps: steps.filter((s) => s.caseId === id) }))
}

/** Closed meetings held in the three months up to `on`, each with whether its quorum was met (meetings/quorum.ts). */
function meetingsHeld(db: Db, villageId: number, on: string): HeldMeeting[] {
  return db
    .select()
    .from(meetings)
    .where(
      and(
        eq(meetings.villageId, villageId),
        sql`${meetings.date} > ${monthsBefore(on, MEETING_MONTHS)}`,
        lte(meetings.date, on),
        sql`EXISTS (SELECT 1 FROM ${meetingEvents} e WHERE e.meeting_id = ${meetings.id} AND e.stage = 'closed')`,
      ),
    )
    .all()
    .map((m) => ({ on: m.date, quorumMet: meetingQuorum(db, m).met }))
}

/** The village's forwarded resolutions, each with the day of the Gram Panchayat's decision, if any. */
function forwardedOf(db: Db, villageId: number): Forwarded[] {
  return db
    .select({
      forwardedOn: forwardings.forwardedOn,
      decidedOn: sql<
        string | null
      >`(SELECT min(${responses.on}) FROM ${responses} WHERE ${responses.resolutionId} = ${forwardings.resolutionId} AND ${responses.kind} IN ('accepted', 'referred', 'declined'))`,
    })
    .from(forwardings)
    .innerJoin(resolutions, eq(resolutions.id, forwardings.resolutionId))
    .where(eq(resolutions.villageId, villageId))
    .all()
}
