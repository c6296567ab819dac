import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core'
import { villages } from '../villages/tables.ts'
import { declareText } from '../db/privacy.ts'

import { roles } from '../core/actor.ts'

export { type Language, languages, type Role, roles } from '../core/actor.ts'

export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    username: text('username').notNull().unique(),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: roles }).notNull(),
    /** Null only for coordinators, who see every village. */
    villageId: integer('village_id').references(() => villages.id),
    passwordHash: text('password_hash').notNull(),
    passwordChangedAt: integer('password_changed_at', { mode: 'timestamp_ms' }).notNull(),
    /** Set when a coordinator turns an account off; the row stays for the audit trail. */
    disabledAt: integer('disabled_at', { mode: 'timestamp_ms' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('users_village_idx').on(t.villageId)],
)

/** Server-side sessions (the cookie holds only a signed random id). */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id'),
    data: text('data').notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expiry_idx').on(t.expiresAt)],
)

/** Staff accounts and sessions hold nothing of a child (see db/privacy.ts). */
export const accountsText = [
  declareText(users, { username: 'none', displayName: 'none', role: 'none', passwordHash: 'none' }),
  declareText(sessions, { id: 'none', data: 'none' }),
]
