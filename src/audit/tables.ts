import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core'
import { sql } from 'drizzle-orm'
import { declareText } from '../db/privacy.ts'

/** Who changed what, when. Never updated or deleted. Ballots are never written here. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    /** Null for the operator's command line. */
    actorId: integer('actor_id'),
    actorName: text('actor_name').notNull(),
    villageId: integer('village_id'),
    action: text('action').notNull(),
    subject: text('subject').notNull(),
    subjectId: integer('subject_id'),
    detail: text('detail').notNull().default('{}'),
  },
  (t) => [index('audit_at_idx').on(t.at), index('audit_village_idx').on(t.villageId, t.at)],
)

/**
 * The one-time key of a form that creates something (rendered into the form). Written in the same
 * transaction as what the form creates, beside its first audit entry: a repeat of the key (a double
 * tap, a resend after a lost answer) is answered with where the first went, and creates nothing.
 */
export const formKeys = sqliteTable(
  'form_keys',
  {
    key: text('key').primaryKey(),
    userId: integer('user_id').notNull(),
    /** The audit entry of what the form created. */
    auditId: integer('audit_id').notNull(),
    /** Where the first submission went, and its message: null only if the server stopped in between. */
    result: text('result'),
    flash: text('flash'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('form_keys_created_idx').on(t.createdAt)],
)

/** The details of an entry may name a child (see db/privacy.ts); who acted is staff. */
export const auditText = [
  declareText(
    auditLog,
    { actorName: 'none', action: 'none', subject: 'none', detail: 'json' },
    (v) => sql`${auditLog.villageId} = ${v}`,
  ),
  declareText(formKeys, { key: 'none', result: 'none', flash: 'none' }),
]
