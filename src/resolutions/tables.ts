import { sqliteTable, integer, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { villages } from '../villages/tables.ts'
import { users } from '../accounts/tables.ts'
import { children } from '../people/tables.ts'
import { agendaItems, meetings } from '../meetings/tables.ts'
import { sql } from 'drizzle-orm'
import { declareText } from '../db/privacy.ts'

export const categories = [
  'education',
  'child_labour',
  'child_marriage',
  'health',
  'sanitation',
  'safety',
  'play',
  'other',
] as const
export type Category = (typeof categories)[number]

/**
 * A resolution (prastav) as moved and voted at a meeting by show of hands. It passed when more
 * hands were for than against; a passed one carries the village's number for the year.
 */
export const resolutions = sqliteTable(
  'resolutions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    villageId: integer('village_id')
      .notNull()
      .references(() => villages.id),
    meetingId: integer('meeting_id')
      .notNull()
      .references(() => meetings.id),
    agendaItemId: integer('agenda_item_id').references(() => agendaItems.id),
    title: text('title').notNull(),
    problem: text('problem').notNull(),
    request: text('request').notNull(),
    addressedTo: text('addressed_to').notNull(),
    category: text('category', { enum: categories }).notNull(),
    proposerChildId: integer('proposer_child_id')
      .notNull()
      .references(() => children.id),
    seconderChildId: integer('seconder_child_id')
      .notNull()
      .references(() => children.id),
    votesFor: integer('votes_for').notNull(),
    votesAgainst: integer('votes_against').notNull(),
    votesAbstain: integer('votes_abstain').notNull(),
    year: integer('year'),
    serial: integer('serial'),
    /** village/year/serial, frozen when it passed; null when it did not pass. */
    number: text('number'),
    recordedBy: integer('recorded_by')
      .notNull()
      .references(() => users.id),
    recordedAt: integer('recorded_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    index('resolutions_meeting_idx').on(t.meetingId),
    uniqueIndex('resolutions_number_idx').on(t.villageId, t.year, t.serial),
  ],
)

/** How a resolution reached the Gram Panchayat. */
export const forwardingWays = ['gram_sabha', 'letter', 'in_person'] as const

/** The Bal Panchayat hands a passed resolution to the Gram Panchayat: once, with who, when, to whom and how. */
export const forwardings = sqliteTable('forwardings', {
  resolutionId: integer('resolution_id')
    .primaryKey()
    .references(() => resolutions.id),
  forwardedOn: text('forwarded_on').notNull(),
  addressedTo: text('addressed_to').notNull(),
  way: text('way', { enum: forwardingWays }).notNull(),
  note: text('note').notNull().default(''),
  forwardedBy: integer('forwarded_by')
    .notNull()
    .references(() => users.id),
  forwardedAt: integer('forwarded_at', { mode: 'timestamp_ms' }).notNull(),
})

/**
 * The Gram Panchayat's answer, one signed and dated record per step: receipt acknowledged, the
 * decision (accepted with a plan, referred to an officer, or declined with a reason), each action
 * taken, and done. Nothing is overwritten; where a resolution stands is read from these rows.
 */
export const responseKinds = ['acknowledged', 'accepted', 'referred', 'declined', 'action', 'done'] as const
export type ResponseKind = (typeof responseKinds)[number]
export const decisions = ['accepted', 'referred', 'declined'] as const

export const responses = sqliteTable(
  'responses',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    resolutionId: integer('resolution_id')
      .notNull()
      .references(() => resolutions.id),
    kind: text('kind', { enum: responseKinds }).notNull(),
    /** The day it happened (an action may be recorded after the day it was done). */
    on: text('on').notNull(),
    /** accepted: the action planned; referred: the department or officer; declined: the reason; action: what was done. */
    text: text('text').notNull().default(''),
    targetDate: text('target_date'),
    /** action: a short note of the evidence (a photo taken, a bill, a visit). */
    evidence: text('evidence').notNull().default(''),
    recordedBy: integer('recorded_by')
      .notNull()
      .references(() => users.id),
    recordedAt: integer('recorded_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('responses_resolution_idx').on(t.resolutionId)],
)

/** How long the Gram Panchayat has before a resolution is overdue, and what the public board shows. */
export const followUpRules = sqliteTable('follow_up_rules', {
  villageId: integer('village_id')
    .primaryKey()
    .references(() => villages.id),
  acknowledgeDays: integer('acknowledge_days').notNull(),
  decideDays: integer('decide_days').notNull(),
  boardShowsProposers: integer('board_shows_proposers', { mode: 'boolean' }).notNull(),
  updatedBy: integer('updated_by')
    .notNull()
    .references(() => users.id),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
})

const resolutionsOfVillage = (v: number) =>
  sql`(SELECT ${resolutions.id} FROM ${resolutions} WHERE ${resolutions.villageId} = ${v})`

/** How a child's erasure treats each text column (see db/privacy.ts). */
export const resolutionsText = [
  declareText(
    resolutions,
    { title: 'typed', problem: 'typed', request: 'typed', addressedTo: 'typed', category: 'none', number: 'none' },
    (v) => sql`${resolutions.villageId} = ${v}`,
  ),
  declareText(
    forwardings,
    { forwardedOn: 'none', addressedTo: 'typed', way: 'none', note: 'typed' },
    (v) => sql`${forwardings.resolutionId} IN ${resolutionsOfVillage(v)}`,
  ),
  declareText(
    responses,
    { kind: 'none', on: 'none', text: 'typed', targetDate: 'none', evidence: 'typed' },
    (v) => sql`${responses.resolutionId} IN ${resolutionsOfVillage(v)}`,
  ),
  declareText(followUpRules, {}),
]
