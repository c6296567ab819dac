// For the backup and migration tests: a database with rows in every table, a database as an older
// release left it (only the first migrations applied), and an exact reading of a database's contents.
import type { FastifyRequest } from 'fastify'
import { newFormKey, once } from '../../src/audit/form-keys.ts'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import Sqlite from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { and, eq, notInArray } from 'drizzle-orm'
import { migrationsFolder, type AppDatabase } from '../../src/db/client.ts'
import { seedDemo } from '../../src/demo/seed.ts'
import { users } from '../../src/accounts/tables.ts'
import { createUser, setUserActive } from '../../src/accounts/accounts.ts'
import { children } from '../../src/people/tables.ts'
import { withdrawConsent } from '../../src/people/children.ts'
import { eraseChild } from '../../src/privacy/child-data.ts'
import { candidates } from '../../src/elections/tables.ts'
import { listElections } from '../../src/elections/elections.ts'
import { enterPaperCount, voidPaperCount } from '../../src/elections/counting.ts'
import {
  ballotPaper,
  castBallot,
  issueBallot,
  openStation,
  unlockStation,
  voterRoll,
} from '../../src/elections/voting.ts'
import { cancelMeeting, scheduleMeeting, setQuorumRule } from '../../src/meetings/meetings.ts'
import { scheduleInput } from '../helpers/meetings.ts'
import { setFollowUpRule } from '../../src/resolutions/journeys.ts'
import { loadActor, type StaffCtx } from '../../src/web/context.ts'
import type { Db } from '../../src/db/client.ts'

export type JournalEntry = { idx: number; version: string; when: number; tag: string; breakpoints: boolean }

export function journal(): JournalEntry[] {
  return JSON.parse(fs.readFileSync(path.join(migrationsFolder, 'meta/_journal.json'), 'utf8')).entries
}

/**
 * Creates `file` as a release that shipped only the migrations up to `last` (its index in the journal)
 * would have: drizzle's own migrator, run over a copy of migrations/ whose journal ends there.
 */
export function databaseAt(file: string, last: number): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-old-migrations-'))
  try {
    const all = JSON.parse(fs.readFileSync(path.join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as {
      entries: JournalEntry[]
    }
    const entries = all.entries.slice(0, last + 1)
    fs.mkdirSync(path.join(dir, 'meta'))
    for (const e of entries)
      fs.copyFileSync(path.join(migrationsFolder, `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`))
    fs.writeFileSync(path.join(dir, 'meta/_journal.json'), JSON.stringify({ ...all, entries }))
    const sqlite = new Sqlite(file)
    try {
      sqlite.pragma('journal_mode = WAL')
      sqlite.pragma('foreign_keys = ON')
      migrate(drizzle(sqlite), { migrationsFolder: dir })
    } finally {
      sqlite.close()
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`

/** The app's own tables (not SQLite's, not drizzle's record of migrations), by name. */
export function appTables(sqlite: Sqlite.Database): string[] {
  return sqlite
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '__drizzle_migrations' ORDER BY name",
    )
    .pluck()
    .all() as string[]
}

/** Every table, SQLite's and drizzle's included. */
export function allTables(sqlite: Sqlite.Database): string[] {
  return sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[]
}

export type Column = { name: string; type: string; notnull: number; dflt_value: string | null; pk: number }

export function columnsOf(sqlite: Sqlite.Database, table: string): Column[] {
  return sqlite.prepare(`PRAGMA table_info(${q(table)})`).all() as Column[]
}

function hasRowid(sqlite: Sqlite.Database, table: string): boolean {
  const sql = sqlite.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").pluck().get(table) as
    | string
    | null
  return !/WITHOUT\s+ROWID\s*;?\s*$/i.test(sql ?? '')
}

/**
 * Every row of a table, each value as SQL's quote() gives it (so 1, 1.0 and '1' differ), ordered
 * by the primary key, or the rowid where there is none. `withRowid` adds the rowid itself.
 */
export function rowsOf(
  sqlite: Sqlite.Database,
  table: string,
  columns = columnsOf(sqlite, table).map((c) => c.name),
  withRowid = false,
): string[][] {
  const key = columnsOf(sqlite, table)
    .filter((c) => c.pk > 0)
    .sort((a, b) => a.pk - b.pk)
    .map((c) => q(c.name))
  const rowid = hasRowid(sqlite, table)
  const order = key.length ? key.join(', ') : 'rowid'
  const list = [...(withRowid && rowid ? ['rowid'] : []), ...columns.map((c) => `quote(${q(c)})`)].join(', ')
  return sqlite
    .prepare(`SELECT ${list} FROM ${q(table)} ORDER BY ${order}`)
    .raw()
    .all() as string[][]
}

/** The schema as SQLite keeps it: every table, index and trigger with its SQL. */
export function schemaOf(sqlite: Sqlite.Database) {
  return sqlite
    .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name <> 'sqlite_sequence' ORDER BY type, name")
    .all()
}

export function integrity(sqlite: Sqlite.Database) {
  return {
    integrity: sqlite.pragma('integrity_check', { simple: true }),
    foreignKeys: sqlite.pragma('foreign_key_check'),
  }
}

export const SOUND = { integrity: 'ok', foreignKeys: [] }

/** Who did what in the demo village, as the verbs want it. */
export function demoCtx(db: Db, username: string): StaffCtx {
  const id = db.select({ id: users.id }).from(users).where(eq(users.username, username)).get()!.id
  return { db, actor: loadActor(db, id)!, lang: 'en' }
}

/**
 * The demo village (seed-demo), plus what the demo leaves empty, so that every table has rows:
 * votes cast on a tablet (ballots, marks, check-offs, a station), a voided paper count, the village's
 * quorum and follow-up rules, a withdrawn consent, an erased child, a disabled account and a live session.
 */
export async function seedEveryTable(database: AppDatabase) {
  const { db } = database
  const demo = await seedDemo(db)
  const keeper = demoCtx(db, 'facilitator')
  const coordinator = demoCtx(db, 'coordinator')
  const villageId = demo.villageId

  const poll = listElections(keeper, villageId).find((e) => e.stage === 'poll_open')!
  const paper = ballotPaper(keeper, poll.id)
  let station = await openStation(keeper, poll.id, '2468')
  const voters = voterRoll(keeper, poll.id)
    .voters.filter((v) => !v.voted)
    .slice(0, 3)
  for (const [i, voter] of voters.entries()) {
    if (!station.unlocked) station = await unlockStation(keeper, station, '2468')
    station = issueBallot(keeper, station, voter.id)
    const choices = new Map(paper.map((p) => [p.contest.id, [p.candidates[i % p.candidates.length].id]]))
    station = await castBallot(keeper, station, station.ballot!.token, choices)
  }
  const contest = paper[0]
  const wrong = enterPaperCount(keeper, poll.id, contest.contest.id, {
    ballots: 4,
    note: 'बूथ 2 (गलती से)',
    votes: new Map(contest.candidates.map((c) => [c.id, 1])),
  })
  voidPaperCount(keeper, poll.id, wrong.id)

  // Sent from a form with its one-time key: the key is kept with what it made (form_keys).
  await once({ body: { _key: newFormKey() }, ctx: keeper } as unknown as FastifyRequest, () => {
    setQuorumRule(keeper, villageId, { members: '1/2', girls: '1/3' })
    return { to: `/villages/${villageId}/meetings` }
  })
  setFollowUpRule(keeper, villageId, { acknowledgeDays: 10, decideDays: 30, boardShowsProposers: true })
  // A meeting called off, with its reason (meeting_cancellations).
  const calledOff = scheduleMeeting(keeper, villageId, scheduleInput({ place: 'पंचायत भवन' }))
  cancelMeeting(keeper, calledOff.id, { reason: 'बारिश के कारण स्कूल बंद' })
  const standing = db
    .select({ id: candidates.childId })
    .from(candidates)
    .all()
    .map((r) => r.id)
  const [bystander, erased] = db
    .select()
    .from(children)
    .where(and(eq(children.villageId, villageId), notInArray(children.id, standing)))
    .limit(2)
    .all()
  withdrawConsent(keeper, villageId, bystander.id)
  eraseChild(coordinator, villageId, erased.id)

  const former = await createUser(coordinator, {
    username: 'purana-sahayak',
    displayName: 'पुराने सहायक',
    role: 'facilitator',
    villageId,
    password: 'old-password-1',
  })
  setUserActive(coordinator, former.id, false)
  database.sessions.prepare('INSERT INTO sessions (id, user_id, data, expires_at) VALUES (?, ?, ?, ?)').run(
    randomBytes(24).toString('base64url'),
    keeper.actor.id,
    JSON.stringify({
      cookie: { originalMaxAge: 604_800_000, httpOnly: true, path: '/', sameSite: 'lax' },
      userId: keeper.actor.id,
    }),
    Date.now() + 604_800_000,
  )
  return { ...demo, pollId: poll.id }
}
