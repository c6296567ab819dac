import { sqliteTable, integer, text, index, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core'
import { villages } from '../villages/tables.ts'
import { users } from '../accounts/tables.ts'
import { children } from '../people/tables.ts'
import { sql } from 'drizzle-orm'
import { declareText } from '../db/privacy.ts'

/**
 * A meeting is scheduled (draft), held (in progress) and closed; each move is a dated, signed event. A
 * scheduled meeting may also be postponed (moved, still scheduled) or cancelled: records of their own.
 */
export const meetingStages = ['draft', 'in_progress', 'closed'] as const
export type MeetingStage = (typeof meetingStages)[number]

/**
 * 'answer': the Gram Panchayat's answer to one of the Bal Panchayat's resolutions, read out to the children.
 * 'out_of_school': "children not in school", where the members say what they know of the village's open cases
 * (listed by the cases domain above this one; the meeting itself knows nothing of them).
 */
export const agendaKinds = ['item', 'answer', 'out_of_school'] as const
export type AgendaKind = (typeof agendaKinds)[number]

/** Shares for the quorum rule, as fractions so that "at least half of 11" is exactly 6. */
export const quorumShares = ['1/4', '1/3', '1/2', '2/3', '3/4'] as const
export const girlsQuorumShares = ['none', ...quorumShares] as const
export type QuorumShare = (typeof quorumShares)[number]
export type GirlsQuorumShare = (typeof girlsQuorumShares)[number]

/** A village's quorum rule; without a row the defaults hold (half the members, a third of those present girls). */
export const quorumRules = sqliteTable('quorum_rules', {
  villageId: integer('village_id')
    .primaryKey()
    .references(() => villages.id),
  members: text('members', { enum: quorumShares }).notNull(),
  girls: text('girls', { enum: girlsQuorumShares }).notNull(),
  updatedBy: integer('updated_by')
    .notNull()
    .references(() => users.id),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
})

export const meetings = sqliteTable(
  'meetings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    villageId: integer('village_id')
      .notNull()
      .references(() => villages.id),
    /** The village's own running number, as in its paper register. */
    number: integer('number').notNull(),
    date: text('date').notNull(),
    time: text('time').notNull(),
    place: text('place').notNull(),
    chairChildId: integer('chair_child_id').references(() => children.id),
    /** The quorum rule in force when the meeting started: a later change of rule does not rewrite it. */
    quorumMembers: text('quorum_members', { enum: quorumShares }),
    quorumGirls: text('quorum_girls', { enum: girlsQuorumShares }),
    /**
     * `date` and `time` are the plan until the meeting starts, then the day and time it was actually held;
     * the plan it started from is kept here (null for a meeting not started, or started before this was kept).
     */
    scheduledDate: text('scheduled_date'),
    scheduledTime: text('scheduled_time'),
    /** When it ended (HH:MM, India time): stamped by closing on the day it was held, or typed from paper. */
    endTime: text('end_time'),
    /**
     * Typed in later from the paper register (the day and times entered, not stamped); null for a meeting
     * not started, or started before this was kept.
     */
    typedLater: integer('typed_later', { mode: 'boolean' }),
    /** Why it was held on another day than planned. */
    offScheduleReason: text('off_schedule_reason'),
    otherChildren: integer('other_children').notNull().default(0),
    adults: integer('adults').notNull().default(0),
    guests: text('guests').notNull().default(''),
    createdBy: integer('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    uniqueIndex('meetings_number_idx').on(t.villageId, t.number),
    index('meetings_village_date_idx').on(t.villageId, t.date),
  ],
)

export const meetingEvents = sqliteTable(
  'meeting_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    meetingId: integer('meeting_id')
      .notNull()
      .references(() => meetings.id),
    stage: text('stage', { enum: meetingStages }).notNull(),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    by: integer('by')
      .notNull()
      .references(() => users.id),
  },
  (t) => [uniqueIndex('meeting_events_stage_idx').on(t.meetingId, t.stage)],
)

/** A scheduled meeting moved to another day or time: each move with its reason, who and when. */
export const meetingPostponements = sqliteTable(
  'meeting_postponements',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    meetingId: integer('meeting_id')
      .notNull()
      .references(() => meetings.id),
    fromDate: text('from_date').notNull(),
    fromTime: text('from_time').notNull(),
    toDate: text('to_date').notNull(),
    toTime: text('to_time').notNull(),
    reason: text('reason').notNull(),
    by: integer('by')
      .notNull()
      .references(() => users.id),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('meeting_postponements_meeting_idx').on(t.meetingId)],
)

/** A scheduled meeting that will not be held: its reason, who and when. */
export const meetingCancellations = sqliteTable('meeting_cancellations', {
  meetingId: integer('meeting_id')
    .primaryKey()
    .references(() => meetings.id),
  reason: text('reason').notNull(),
  by: integer('by')
    .notNull()
    .references(() => users.id),
  at: integer('at', { mode: 'timestamp_ms' }).notNull(),
})

export const agendaItems = sqliteTable(
  'agenda_items',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    meetingId: integer('meeting_id')
      .notNull()
      .references(() => meetings.id),
    position: integer('position').notNull(),
    title: text('title').notNull(),
    kind: text('kind', { enum: agendaKinds }).notNull().default('item'),
    /** For an 'answer' item: the resolution, and the Gram Panchayat's answer that is read out. */
    resolutionId: integer('resolution_id'),
    responseId: integer('response_id'),
    addedBy: integer('added_by')
      .notNull()
      .references(() => users.id),
    addedAt: integer('added_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('agenda_items_meeting_idx').on(t.meetingId)],
)

/** The Bal Panchayat's members when the meeting started, and who of them came. */
export const attendance = sqliteTable(
  'attendance',
  {
    meetingId: integer('meeting_id')
      .notNull()
      .references(() => meetings.id),
    childId: integer('child_id')
      .notNull()
      .references(() => children.id),
    seatTitle: text('seat_title').notNull().default(''),
    presentAt: integer('present_at', { mode: 'timestamp_ms' }),
    markedBy: integer('marked_by').references(() => users.id),
  },
  (t) => [primaryKey({ columns: [t.meetingId, t.childId] }), index('attendance_child_idx').on(t.childId)],
)

/** What was said and decided on an agenda item; saved as it is typed, frozen when the meeting closes. */
export const minutes = sqliteTable('minutes', {
  agendaItemId: integer('agenda_item_id')
    .primaryKey()
    .references(() => agendaItems.id),
  discussion: text('discussion').notNull().default(''),
  decisions: text('decisions').notNull().default(''),
  revision: integer('revision').notNull().default(0),
  updatedBy: integer('updated_by')
    .notNull()
    .references(() => users.id),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
})

export const actionPoints = sqliteTable(
  'action_points',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    agendaItemId: integer('agenda_item_id')
      .notNull()
      .references(() => agendaItems.id),
    what: text('what').notNull(),
    who: text('who').notNull(),
    byDate: text('by_date'),
    addedBy: integer('added_by')
      .notNull()
      .references(() => users.id),
    addedAt: integer('added_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('action_points_item_idx').on(t.agendaItemId)],
)

/** A correction to closed minutes: added with its date, never written over them. */
export const amendments = sqliteTable(
  'amendments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    meetingId: integer('meeting_id')
      .notNull()
      .references(() => meetings.id),
    agendaItemId: integer('agenda_item_id').references(() => agendaItems.id),
    text: text('text').notNull(),
    addedBy: integer('added_by')
      .notNull()
      .references(() => users.id),
    addedAt: integer('added_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('amendments_meeting_idx').on(t.meetingId)],
)

const meetingsOfVillage = (v: number) =>
  sql`(SELECT ${meetings.id} FROM ${meetings} WHERE ${meetings.villageId} = ${v})`
const itemsOfVillage = (v: number) =>
  sql`(SELECT ${agendaItems.id} FROM ${agendaItems} WHERE ${agendaItems.meetingId} IN ${meetingsOfVillage(v)})`

/** How a child's erasure treats each text column (see db/privacy.ts). */
export const meetingsText = [
  declareText(quorumRules, { members: 'none', girls: 'none' }),
  declareText(
    meetings,
    {
      date: 'none',
      time: 'none',
      scheduledDate: 'none',
      scheduledTime: 'none',
      endTime: 'none',
      offScheduleReason: 'typed',
      place: 'typed',
      quorumMembers: 'none',
      quorumGirls: 'none',
      guests: 'typed',
    },
    (v) => sql`${meetings.villageId} = ${v}`,
  ),
  declareText(meetingEvents, { stage: 'none' }),
  declareText(
    meetingPostponements,
    { fromDate: 'none', fromTime: 'none', toDate: 'none', toTime: 'none', reason: 'typed' },
    (v) => sql`${meetingPostponements.meetingId} IN ${meetingsOfVillage(v)}`,
  ),
  declareText(
    meetingCancellations,
    { reason: 'typed' },
    (v) => sql`${meetingCancellations.meetingId} IN ${meetingsOfVillage(v)}`,
  ),
  declareText(
    agendaItems,
    { title: 'typed', kind: 'none' },
    (v) => sql`${agendaItems.meetingId} IN ${meetingsOfVillage(v)}`,
  ),
  declareText(attendance, { seatTitle: 'typed' }, (v) => sql`${attendance.meetingId} IN ${meetingsOfVillage(v)}`),
  declareText(
    minutes,
    { discussion: 'typed', decisions: 'typed' },
    (v) => sql`${minutes.agendaItemId} IN ${itemsOfVillage(v)}`,
  ),
  declareText(
    actionPoints,
    { what: 'typed', who: 'typed', byDate: 'none' },
    (v) => sql`${actionPoints.agendaItemId} IN ${itemsOfVillage(v)}`,
  ),
  declareText(amendments, { text: 'typed' }, (v) => sql`${amendments.meetingId} IN ${meetingsOfVillage(v)}`),
]
