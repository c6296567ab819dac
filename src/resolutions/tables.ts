import { sqliteTable, integer, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { villages } from '../villages/tables.ts'
import { users } from '../accounts/tables.ts'
import { children } from '../people/tables.ts'
import { agendaItems, meetings } from '../meetings/tables.ts'

export const categories = ['education', 'child_labour', 'child_marriage', 'health', 'sanitation', 'safety', 'play', 'other'] as const
export type Category = (typeof categories)[number]

/**
 * A resolution (prastav) as moved and voted at a meeting by show of hands. It passed when more
 * hands were for than against; a passed one carries the village's number for the year.
 */
export const resolutions = sqliteTable('resolutions', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  villageId: integer('village_id').notNull().references(() => villages.id),
  meetingId: integer('meeting_id').notNull().references(() => meetings.id),
  agendaItemId: integer('agenda_item_id').references(() => agendaItems.id),
  title: text('title').notNull(),
  problem: text('problem').notNull(),
  request: text('request').notNull(),
  addressedTo: text('addressed_to').notNull(),
  category: text('category', { enum: categories }).notNull(),
  proposerChildId: integer('proposer_child_id').notNull().references(() => children.id),
  seconderChildId: integer('seconder_child_id').notNull().references(() => children.id),
  votesFor: integer('votes_for').notNull(),
  votesAgainst: integer('votes_against').notNull(),
  votesAbstain: integer('votes_abstain').notNull(),
  year: integer('year'),
  serial: integer('serial'),
  /** village/year/serial, frozen when it passed; null when it did not pass. */
  number: text('number'),
  recordedBy: integer('recorded_by').notNull().references(() => users.id),
  recordedAt: integer('recorded_at', { mode: 'timestamp_ms' }).notNull(),
}, (t) => [
  index('resolutions_meeting_idx').on(t.meetingId),
  uniqueIndex('resolutions_number_idx').on(t.villageId, t.year, t.serial),
])
