import { sqliteTable, integer, text, real, index, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core'
import { villages } from '../villages/tables.ts'
import { users } from '../accounts/tables.ts'
import { children } from '../people/tables.ts'
import { sql } from 'drizzle-orm'
import { declareText } from '../db/privacy.ts'

/** An election moves forward through these stages; each move is a dated, signed event. */
export const stages = ['draft', 'nominations', 'poll_open', 'poll_closed', 'result_published'] as const
export type Stage = (typeof stages)[number]

export const candidacyRules = ['age', 'members'] as const
export const methods = ['minimum', 'zipper', 'plain'] as const
export const roundings = ['up', 'down'] as const
export const protections = ['girls', 'girls-and-other'] as const
export type Protection = (typeof protections)[number]
export const tieBreaks = ['girl-first', 'lot'] as const
export const shortfalls = ['release', 'vacant'] as const
export const lotSources = ['random', 'chits'] as const
/** Presets for the girls' share; 'number' means an absolute minimum. */
export const shareChoices = ['1/3', '1/2', '3/5', 'all', 'number'] as const

export const elections = sqliteTable(
  'elections',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    villageId: integer('village_id')
      .notNull()
      .references(() => villages.id),
    title: text('title').notNull(),
    termStart: text('term_start').notNull(),
    termEnd: text('term_end').notNull(),
    voterAgeMin: integer('voter_age_min').notNull(),
    voterAgeMax: integer('voter_age_max').notNull(),
    candidateAgeMin: integer('candidate_age_min').notNull(),
    candidateAgeMax: integer('candidate_age_max').notNull(),
    /** 'members': only members of the current Bal Panchayat may stand (electing leaders). */
    candidacy: text('candidacy', { enum: candidacyRules }).notNull(),
    createdBy: integer('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('elections_village_idx').on(t.villageId)],
)

export const electionEvents = sqliteTable(
  'election_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    electionId: integer('election_id')
      .notNull()
      .references(() => elections.id),
    stage: text('stage', { enum: stages }).notNull(),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    by: integer('by')
      .notNull()
      .references(() => users.id),
  },
  (t) => [uniqueIndex('election_events_stage_idx').on(t.electionId, t.stage)],
)

export const contests = sqliteTable(
  'contests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    electionId: integer('election_id')
      .notNull()
      .references(() => elections.id),
    position: integer('position').notNull(),
    name: text('name').notNull(),
    seats: integer('seats').notNull(),
    /** JSON array of seat titles in seat order, or []. */
    seatTitles: text('seat_titles').notNull().default('[]'),
    maxChoices: integer('max_choices').notNull(),
    method: text('method', { enum: methods }).notNull(),
    girlsShare: real('girls_share'),
    girlsMinimum: integer('girls_minimum'),
    rounding: text('rounding', { enum: roundings }).notNull(),
    protect: text('protect', { enum: protections }).notNull(),
    tieBreak: text('tie_break', { enum: tieBreaks }).notNull(),
    shortfall: text('shortfall', { enum: shortfalls }).notNull(),
  },
  (t) => [index('contests_election_idx').on(t.electionId)],
)

export const candidates = sqliteTable(
  'candidates',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    electionId: integer('election_id')
      .notNull()
      .references(() => elections.id),
    contestId: integer('contest_id')
      .notNull()
      .references(() => contests.id),
    childId: integer('child_id')
      .notNull()
      .references(() => children.id),
    symbol: text('symbol').notNull(),
    nominatedBy: integer('nominated_by')
      .notNull()
      .references(() => users.id),
    nominatedAt: integer('nominated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    uniqueIndex('candidates_child_idx').on(t.electionId, t.childId),
    uniqueIndex('candidates_symbol_idx').on(t.contestId, t.symbol),
  ],
)

/** Totals from a paper count, per candidate, with who entered them. Several add up; a wrong one is voided. */
export const paperCounts = sqliteTable(
  'paper_counts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    contestId: integer('contest_id')
      .notNull()
      .references(() => contests.id),
    ballots: integer('ballots').notNull(),
    note: text('note').notNull().default(''),
    enteredBy: integer('entered_by')
      .notNull()
      .references(() => users.id),
    enteredAt: integer('entered_at', { mode: 'timestamp_ms' }).notNull(),
    voidedBy: integer('voided_by').references(() => users.id),
    voidedAt: integer('voided_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('paper_counts_contest_idx').on(t.contestId)],
)

export const paperCountLines = sqliteTable(
  'paper_count_lines',
  {
    paperCountId: integer('paper_count_id')
      .notNull()
      .references(() => paperCounts.id),
    candidateId: integer('candidate_id')
      .notNull()
      .references(() => candidates.id),
    votes: integer('votes').notNull(),
  },
  (t) => [primaryKey({ columns: [t.paperCountId, t.candidateId] })],
)

/** The draw that breaks ties, made when the poll closes; printed on the result. */
export const lots = sqliteTable(
  'lots',
  {
    candidateId: integer('candidate_id')
      .primaryKey()
      .references(() => candidates.id),
    electionId: integer('election_id')
      .notNull()
      .references(() => elections.id),
    lot: integer('lot').notNull(),
    source: text('source', { enum: lotSources }).notNull(),
  },
  (t) => [index('lots_election_idx').on(t.electionId)],
)

/** The count of each contest as published: frozen, so the result never changes afterwards. */
export const results = sqliteTable(
  'results',
  {
    contestId: integer('contest_id')
      .primaryKey()
      .references(() => contests.id),
    electionId: integer('election_id')
      .notNull()
      .references(() => elections.id),
    /** JSON: votes per candidate, the allocation, and what a plain count would give. */
    count: text('count').notNull(),
  },
  (t) => [index('results_election_idx').on(t.electionId)],
)

/** The Bal Panchayat of a term: the elected, each on a seat, until they leave. */
export const members = sqliteTable(
  'members',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    electionId: integer('election_id')
      .notNull()
      .references(() => elections.id),
    contestId: integer('contest_id')
      .notNull()
      .references(() => contests.id),
    candidateId: integer('candidate_id')
      .notNull()
      .references(() => candidates.id),
    childId: integer('child_id')
      .notNull()
      .references(() => children.id),
    seat: integer('seat').notNull(),
    seatTitle: text('seat_title').notNull().default(''),
    since: text('since').notNull(),
    leftOn: text('left_on'),
    leftReason: text('left_reason'),
    replacesMemberId: integer('replaces_member_id'),
    recordedBy: integer('recorded_by')
      .notNull()
      .references(() => users.id),
    recordedAt: integer('recorded_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('members_election_idx').on(t.electionId), index('members_child_idx').on(t.childId)],
)

/** A tablet taking votes: opened by a facilitator with a PIN that unlocks its voter roll. */
export const stations = sqliteTable(
  'stations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    electionId: integer('election_id')
      .notNull()
      .references(() => elections.id),
    pinHash: text('pin_hash').notNull(),
    openedBy: integer('opened_by')
      .notNull()
      .references(() => users.id),
    openedAt: integer('opened_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('stations_election_idx').on(t.electionId)],
)

/** The village's elections, and its contests by their election (see db/privacy.ts). */
const ofVillage = (v: number) => sql`(SELECT ${elections.id} FROM ${elections} WHERE ${elections.villageId} = ${v})`
const contestsOfVillage = (v: number) =>
  sql`(SELECT ${contests.id} FROM ${contests} WHERE ${contests.electionId} IN ${ofVillage(v)})`

/** How a child's erasure treats each text column (see db/privacy.ts). */
export const electionsText = [
  declareText(
    elections,
    { title: 'typed', termStart: 'none', termEnd: 'none', candidacy: 'none' },
    (v) => sql`${elections.villageId} = ${v}`,
  ),
  declareText(electionEvents, { stage: 'none' }),
  declareText(
    contests,
    {
      name: 'typed',
      seatTitles: 'json',
      method: 'none',
      rounding: 'none',
      protect: 'none',
      tieBreak: 'none',
      shortfall: 'none',
    },
    (v) => sql`${contests.electionId} IN ${ofVillage(v)}`,
  ),
  declareText(candidates, { symbol: 'none' }),
  declareText(paperCounts, { note: 'typed' }, (v) => sql`${paperCounts.contestId} IN ${contestsOfVillage(v)}`),
  declareText(paperCountLines, {}),
  declareText(lots, { source: 'none' }),
  // The frozen count names its candidates; the erasure also rewrites the erased child's entry in it.
  declareText(results, { count: 'json' }, (v) => sql`${results.electionId} IN ${ofVillage(v)}`),
  declareText(
    members,
    { seatTitle: 'typed', since: 'none', leftOn: 'none', leftReason: 'typed' },
    (v) => sql`${members.electionId} IN ${ofVillage(v)}`,
  ),
  declareText(stations, { pinHash: 'none' }),
]
