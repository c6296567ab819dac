import { sqliteTable, integer, text } from 'drizzle-orm/sqlite-core'
import { declareText } from '../db/privacy.ts'

export const villages = sqliteTable('villages', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  gramPanchayat: text('gram_panchayat').notNull(),
  block: text('block').notNull(),
  district: text('district').notNull(),
  state: text('state').notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
})

/** A village's names are places, not people (see db/privacy.ts). */
export const villagesText = [
  declareText(villages, { name: 'none', gramPanchayat: 'none', block: 'none', district: 'none', state: 'none' }),
]
