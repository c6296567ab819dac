import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core'
import { villages } from '../villages/tables.ts'
import { users } from '../accounts/tables.ts'
import { sql } from 'drizzle-orm'
import { declareText } from '../db/privacy.ts'

export const genders = ['girl', 'boy', 'other'] as const
export type Gender = (typeof genders)[number]

export const outOfSchoolReasons = ['working', 'married', 'migrated', 'other'] as const
export type OutOfSchoolReason = (typeof outOfSchoolReasons)[number]

export const children = sqliteTable(
  'children',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    villageId: integer('village_id')
      .notNull()
      .references(() => villages.id),
    name: text('name').notNull(),
    gender: text('gender', { enum: genders }).notNull(),
    /** ISO date, YYYY-MM-DD. */
    dateOfBirth: text('date_of_birth').notNull(),
    ward: text('ward').notNull(),
    school: text('school').notNull().default(''),
    schoolClass: text('school_class').notNull().default(''),
    inSchool: integer('in_school', { mode: 'boolean' }).notNull(),
    outOfSchoolReason: text('out_of_school_reason', { enum: outOfSchoolReasons }),
    guardianName: text('guardian_name').notNull(),
    guardianPhone: text('guardian_phone').notNull().default(''),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('children_village_idx').on(t.villageId, t.name)],
)

/** A guardian's consent, as a record of who wrote it down and when. Withdrawal is dated too. */
export const consents = sqliteTable(
  'consents',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    childId: integer('child_id')
      .notNull()
      .references(() => children.id),
    givenOn: text('given_on').notNull(),
    recordedBy: integer('recorded_by')
      .notNull()
      .references(() => users.id),
    recordedAt: integer('recorded_at', { mode: 'timestamp_ms' }).notNull(),
    withdrawnAt: integer('withdrawn_at', { mode: 'timestamp_ms' }),
    withdrawnBy: integer('withdrawn_by').references(() => users.id),
  },
  (t) => [index('consents_child_idx').on(t.childId)],
)

/** A child who left the village stays in the register, marked by this record. */
export const departures = sqliteTable('departures', {
  childId: integer('child_id')
    .primaryKey()
    .references(() => children.id),
  leftOn: text('left_on').notNull(),
  note: text('note').notNull().default(''),
  recordedBy: integer('recorded_by')
    .notNull()
    .references(() => users.id),
  recordedAt: integer('recorded_at', { mode: 'timestamp_ms' }).notNull(),
})

/**
 * A child's personal data erased at the coordinator's request: the row stays (votes, check-offs and
 * the aggregate figures keep counting it, as "a voter"), but the name and details are gone.
 */
export const erasures = sqliteTable('erasures', {
  childId: integer('child_id')
    .primaryKey()
    .references(() => children.id),
  erasedBy: integer('erased_by')
    .notNull()
    .references(() => users.id),
  erasedAt: integer('erased_at', { mode: 'timestamp_ms' }).notNull(),
})

/** How a child's erasure treats each text column (see db/privacy.ts). */
export const peopleText = [
  declareText(children, {
    name: 'register',
    gender: 'none',
    dateOfBirth: 'register',
    ward: 'register',
    school: 'register',
    schoolClass: 'register',
    outOfSchoolReason: 'none',
    guardianName: 'register',
    guardianPhone: 'register',
  }),
  declareText(consents, { givenOn: 'none' }),
  declareText(
    departures,
    { leftOn: 'none', note: 'typed' },
    (v) => sql`${departures.childId} IN (SELECT ${children.id} FROM ${children} WHERE ${children.villageId} = ${v})`,
  ),
  declareText(erasures, {}),
]
