import { sqliteTable, integer, text, blob, index, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { declareText } from '../db/privacy.ts'

// The ballot box lives in a file of its own beside the database (rollback journal truncated at
// every commit, secure_delete on, no WAL), attached to the app's connection as `box`. Everything
// in it is laid out when the poll opens and afterwards only overwritten in place with values of
// the same size, so neither the bytes of the file nor their places depend on the order of voting.

/** A poll's box: sealed when the poll closes, with the digest printed on the result sheet. */
export const boxPolls = sqliteTable('box_polls', {
  electionId: integer('election_id').primaryKey(),
  sealedAt: integer('sealed_at', { mode: 'timestamp_ms' }),
  digest: text('digest'),
})

/** A contest's candidates in the order of the bits of its ballots' marks. */
export const boxContests = sqliteTable(
  'box_contests',
  {
    contestId: integer('contest_id').primaryKey(),
    electionId: integer('election_id').notNull(),
    /** JSON array of candidate ids: bit i of a ballot's marks is candidate i. */
    candidateIds: text('candidate_ids').notNull(),
  },
  (t) => [index('box_contests_election_idx').on(t.electionId)],
)

/** One row per child on the roll, written when the poll opens; a cast turns `voted` from 0 to 1 in place. */
export const boxCheckoffs = sqliteTable(
  'box_checkoffs',
  {
    id: integer('id').primaryKey(),
    electionId: integer('election_id').notNull(),
    childId: integer('child_id').notNull(),
    voted: integer('voted', { mode: 'boolean' }).notNull(),
  },
  (t) => [uniqueIndex('box_checkoffs_child_idx').on(t.electionId, t.childId)],
)

/** One empty slot per voter and contest, written when the poll opens; a cast fills a random empty one in place. */
export const boxSlots = sqliteTable(
  'box_slots',
  {
    id: integer('id').primaryKey(),
    contestId: integer('contest_id').notNull(),
    filled: integer('filled', { mode: 'boolean' }).notNull(),
    /** A bitmap of fixed length for the contest: the same size empty or filled, so it is overwritten in place. */
    marks: blob('marks', { mode: 'buffer' }).notNull(),
  },
  (t) => [index('box_slots_contest_idx').on(t.contestId)],
)

/** The box holds ids, marks and a digest: nothing of a child by name (see db/privacy.ts). */
export const ballotBoxText = [
  declareText(boxPolls, { digest: 'none' }),
  declareText(boxContests, { candidateIds: 'none' }),
  declareText(boxCheckoffs, {}),
  declareText(boxSlots, {}),
]
