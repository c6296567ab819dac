import { sqliteTable, integer, text } from 'drizzle-orm/sqlite-core'

export const villages = sqliteTable('villages', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  gramPanchayat: text('gram_panchayat').notNull(),
  block: text('block').notNull(),
  district: text('district').notNull(),
  state: text('state').notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
})
