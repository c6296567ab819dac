import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core'
import { sql } from 'drizzle-orm'
import { villages } from '../villages/tables.ts'
import { users } from '../accounts/tables.ts'
import { children } from '../people/tables.ts'
import { declareText } from '../db/privacy.ts'

/** Why a child is out of school, or at risk of leaving it. */
export const caseReasons = [
  'working',
  'married',
  'migrated',
  'disability',
  'no_documents',
  'school_far',
  'other',
] as const
export type CaseReason = (typeof caseReasons)[number]

/** Where a working child works. */
export const workPlaces = ['brick_kiln', 'fields', 'shop', 'domestic', 'other'] as const
export type WorkPlace = (typeof workPlaces)[number]

/** Who found that the child was out of school. */
export const finders = ['member', 'facilitator', 'teacher', 'parent'] as const
export type Finder = (typeof finders)[number]

/** What was done for the child, each step dated and signed. */
export const stepKinds = [
  'family_visit',
  'employer_talk',
  'raised_bal_panchayat',
  'raised_gram_panchayat',
  'enrolled',
  'attendance_check',
  'closed',
  'reopened',
] as const
export type StepKind = (typeof stepKinds)[number]

/** Why a case was closed. */
export const closeReasons = ['back_in_school', 'moved_away', 'turned_18', 'other'] as const
export type CloseReason = (typeof closeReasons)[number]

/** The attendance checks after enrolment, in days. */
export const checkDays = [30, 90] as const
export type CheckDay = (typeof checkDays)[number]

/**
 * A child found out of school (or at risk of leaving it), followed until back in class and attending.
 * The most sensitive records here (child labour, marriage): the village's facilitators and coordinators only.
 */
export const cases = sqliteTable(
  'cases',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    villageId: integer('village_id')
      .notNull()
      .references(() => villages.id),
    childId: integer('child_id')
      .notNull()
      .references(() => children.id),
    reason: text('reason', { enum: caseReasons }).notNull(),
    /** For a working child: where. */
    workPlace: text('work_place', { enum: workPlaces }),
    /** What the finder said, in their words (e.g. which kiln, whose fields). */
    note: text('note').notNull().default(''),
    foundBy: text('found_by', { enum: finders }).notNull(),
    /** The Bal Panchayat member who found it, when a member did. */
    foundByChildId: integer('found_by_child_id').references(() => children.id),
    /** ISO date, YYYY-MM-DD. */
    foundOn: text('found_on').notNull(),
    openedBy: integer('opened_by')
      .notNull()
      .references(() => users.id),
    openedAt: integer('opened_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('cases_village_idx').on(t.villageId), index('cases_child_idx').on(t.childId)],
)

/** One dated, signed step of a case. Which fields a step fills depends on its kind. */
export const caseSteps = sqliteTable(
  'case_steps',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    caseId: integer('case_id')
      .notNull()
      .references(() => cases.id),
    kind: text('kind', { enum: stepKinds }).notNull(),
    /** ISO date the step happened, YYYY-MM-DD. */
    on: text('on').notNull(),
    /** What happened, in the facilitator's words (outcome of a visit, what the members said, a reason). */
    note: text('note').notNull().default(''),
    /** raised_bal_panchayat: the meeting's agenda item. */
    agendaItemId: integer('agenda_item_id'),
    /** raised_gram_panchayat: the resolution whose answer then shows on the case. */
    resolutionId: integer('resolution_id'),
    /** enrolled: where, which class, and whether by an RTE admission. */
    school: text('school').notNull().default(''),
    schoolClass: text('school_class').notNull().default(''),
    rteAdmission: integer('rte_admission', { mode: 'boolean' }),
    /** attendance_check: which check (30 or 90 days) and whether the child was attending. */
    checkDay: integer('check_day'),
    attending: integer('attending', { mode: 'boolean' }),
    /** closed: why. */
    closeReason: text('close_reason', { enum: closeReasons }),
    recordedBy: integer('recorded_by')
      .notNull()
      .references(() => users.id),
    recordedAt: integer('recorded_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('case_steps_case_idx').on(t.caseId)],
)

const casesOfVillage = (v: number) => sql`(SELECT ${cases.id} FROM ${cases} WHERE ${cases.villageId} = ${v})`

/**
 * How a child's erasure treats the cases' text. Free text may name any child of the village ('typed': an
 * erased child's names are struck out of every case). Beyond that, a case is about one child: the erasure
 * of that child blanks all of its case's text (note, outcomes, school), as it does the register entry.
 */
export const casesText = [
  declareText(
    cases,
    { reason: 'none', workPlace: 'none', note: 'typed', foundBy: 'none', foundOn: 'none' },
    (v) => sql`${cases.villageId} = ${v}`,
  ),
  declareText(
    caseSteps,
    { kind: 'none', on: 'none', note: 'typed', school: 'typed', schoolClass: 'typed', closeReason: 'none' },
    (v) => sql`${caseSteps.caseId} IN ${casesOfVillage(v)}`,
  ),
]
