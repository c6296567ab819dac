// A village box updated to a new release keeps its database: opening a database made by an older
// release (only the first migrations applied, with that release's tables full of data) migrates it
// to the newest schema without losing or changing a row, and the app works on it afterwards.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createHash, randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Sqlite from 'better-sqlite3'
import { build } from '../../src/app.ts'
import { migrationsFolder, type AppDatabase } from '../../src/db/client.ts'
import { openDatabase } from '../../src/database.ts'
import { DEMO_PASSWORD } from '../../src/demo/seed.ts'
import {
  addContest,
  createElection,
  eligibleToStand,
  listElections,
  nominate,
  openNominations,
  openPoll,
} from '../../src/elections/elections.ts'
import { closePoll, publishResult } from '../../src/elections/counting.ts'
import { ballotPaper, castBallot, issueBallot, openStation, voterRoll } from '../../src/elections/voting.ts'
import { symbols } from '../../src/elections/symbols.ts'
import {
  balPanchayatOn,
  closeMeeting,
  recordAttendance,
  rollOf,
  saveMinutes,
  scheduleMeeting,
  startMeeting,
  agendaOf,
} from '../../src/meetings/meetings.ts'
import { minutesSchema } from '../../src/meetings/schemas.ts'
import { recordResolution } from '../../src/resolutions/resolutions.ts'
import {
  acknowledgeResolution,
  decideResolution,
  forwardResolution,
  getJourney,
} from '../../src/resolutions/journeys.ts'
import { decisionSchema, forwardingSchema } from '../../src/resolutions/schemas.ts'
import { todayIso } from '../../src/core/dates.ts'
import { Agent, textOf } from '../helpers/app.ts'
import { contestInput, electionInput } from '../helpers/elections.ts'
import { resolutionForm, scheduleInput } from '../helpers/meetings.ts'
import { resolutionSchema } from '../../src/resolutions/schemas.ts'
import {
  SOUND,
  appTables,
  columnsOf,
  databaseAt,
  demoCtx,
  integrity,
  journal,
  rowsOf,
  schemaOf,
  seedEveryTable,
} from './migration-data.ts'

let dir: string
/** The newest schema with rows in every table: the source of each older release's data. */
let full: AppDatabase
let newestSchema: unknown
const entries = journal()

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-migrations-'))
  full = openDatabase(path.join(dir, 'full.sqlite'))
  await seedEveryTable(full)
  const fresh = openDatabase(':memory:')
  newestSchema = schemaOf(fresh.sqlite)
  fresh.close()
})
afterAll(() => {
  full?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

type OldRelease = { file: string; tables: Map<string, string[]>; rows: Map<string, string[][]> }

/**
 * A database as the release with migrations 0..last left it, holding the demo village's rows in
 * every table that release had (only its columns), checked sound under that release's schema.
 */
function oldRelease(last: number): OldRelease {
  const file = path.join(dir, `release-${last}.sqlite`)
  databaseAt(file, last)
  const sqlite = new Sqlite(file)
  try {
    sqlite.pragma('foreign_keys = OFF')
    // From 0007 on, each release moved the old ballots into the box at its first start and dropped
    // the renamed tables: a database that release left behind has none of them.
    for (const t of appTables(sqlite).filter((name) => name.startsWith('legacy_'))) sqlite.exec(`DROP TABLE "${t}"`)
    sqlite.prepare('ATTACH DATABASE ? AS full').run(full.sqlite.name)
    const tables = new Map(appTables(sqlite).map((t) => [t, columnsOf(sqlite, t).map((c) => c.name)]))
    sqlite.transaction(() => {
      for (const [table, columns] of tables) {
        if (LEGACY_BALLOT_TABLES.includes(table)) continue
        const list = columns.map((c) => `"${c}"`).join(', ')
        sqlite.prepare(`INSERT INTO main."${table}" (${list}) SELECT ${list} FROM full."${table}"`).run()
      }
      if (tables.has('ballots')) writeLegacyBallots(sqlite, tables)
    })()
    sqlite.prepare('DETACH DATABASE full').run()
    expect(integrity(sqlite), `the data is valid under migration ${entries[last].tag}`).toEqual(SOUND)
    const rows = new Map([...tables].map(([t, columns]) => [t, rowsOf(sqlite, t, columns)]))
    for (const [table, r] of rows)
      expect(r.length, `${table} has rows in release ${entries[last].tag}`).toBeGreaterThan(0)
    return { file, tables, rows }
  } finally {
    sqlite.close()
  }
}

/** Releases before 0007 kept ballots and check-offs in the main file; the newest keeps them in the box. */
const LEGACY_BALLOT_TABLES = ['ballots', 'ballot_marks', 'checkoffs']

/** The full database's votes as an older release stored them: a random id per ballot, marks and check-offs beside it. */
function writeLegacyBallots(sqlite: Sqlite.Database, tables: Map<string, string[]>) {
  if (tables.has('checkoffs')) {
    for (const [electionId, childId] of full.sqlite
      .prepare('SELECT election_id, child_id FROM box_checkoffs WHERE voted')
      .raw()
      .all() as [number, number][]) {
      sqlite.prepare('INSERT INTO checkoffs (election_id, child_id) VALUES (?, ?)').run(electionId, childId)
    }
  }
  for (const b of tabletBallots(full)) {
    const id = randomBytes(16).toString('base64url')
    sqlite.prepare('INSERT INTO ballots (id, contest_id) VALUES (?, ?)').run(id, b.contestId)
    for (const candidateId of b.marked)
      sqlite
        .prepare('INSERT INTO ballot_marks (ballot_id, contest_id, candidate_id) VALUES (?, ?, ?)')
        .run(id, b.contestId, candidateId)
  }
}

/** Every tablet ballot in a database's box: its contest and the candidates it marks, in a canonical order. */
function tabletBallots(database: AppDatabase) {
  const order = new Map(
    (
      database.sqlite.prepare('SELECT contest_id, candidate_ids FROM box_contests').raw().all() as [number, string][]
    ).map(([c, ids]) => [c, JSON.parse(ids) as number[]]),
  )
  return (
    database.sqlite.prepare('SELECT contest_id, marks FROM box_slots WHERE filled').raw().all() as [number, Buffer][]
  )
    .map(([contestId, marks]) => ({
      contestId,
      marked: order.get(contestId)!.filter((_, i) => marks[i >> 3] & (1 << (i & 7))),
    }))
    .sort((a, b) => a.contestId - b.contestId || a.marked.join(',').localeCompare(b.marked.join(',')))
}

/** The old release's ballot ids still readable in its file or WAL. */
function legacyIdsIn(old: OldRelease): string[] {
  const ids = old.rows.get('ballots')!.map(([id]) => id.replace(/'/g, ''))
  const bytes = Buffer.concat([
    fs.readFileSync(old.file),
    fs.existsSync(`${old.file}-wal`) ? fs.readFileSync(`${old.file}-wal`) : Buffer.alloc(0),
  ])
  expect(ids.length).toBeGreaterThan(0)
  return ids.filter((id) => bytes.includes(id))
}

/** What the newest release must find after opening an older release's database. */
function expectUpgraded(database: AppDatabase, old: OldRelease) {
  const { sqlite } = database
  // Drizzle's record names every migration, each once, with its file's hash, oldest first.
  const applied = sqlite.prepare('SELECT hash, created_at FROM __drizzle_migrations ORDER BY created_at').raw().all()
  expect(applied).toEqual(
    entries.map((e) => [
      createHash('sha256')
        .update(fs.readFileSync(path.join(migrationsFolder, `${e.tag}.sql`)))
        .digest('hex'),
      e.when,
    ]),
  )
  expect(schemaOf(sqlite)).toEqual(newestSchema)
  expect(integrity(sqlite)).toEqual(SOUND)
  // The old release's tablet votes are all in the box now, and nothing of the old tables is left.
  if (old.tables.has('ballots')) {
    if (old.tables.has('checkoffs'))
      expect(
        sqlite.prepare('SELECT election_id, child_id FROM box_checkoffs WHERE voted ORDER BY 1, 2').raw().all(),
      ).toEqual(old.rows.get('checkoffs')!.map((r) => r.map(Number)))
    expect(tabletBallots(database)).toEqual(tabletBallots(full))
    expect(appTables(sqlite).filter((t) => /ballot|checkoff/.test(t))).toEqual([])
    // Rewritten, not just dropped: no old ballot's id is left in the file or its WAL, where its place would tell its order.
    expect(legacyIdsIn(old)).toEqual([])
  }
  for (const table of appTables(sqlite)) {
    const before = old.tables.get(table)
    if (!before) {
      expect(rowsOf(sqlite, table), `new table ${table} starts empty`).toEqual([])
      continue
    }
    expect(rowsOf(sqlite, table, before), `every row of ${table} survives, value for value`).toEqual(
      old.rows.get(table),
    )
    // A column added to an old table holds its default in every old row.
    for (const added of columnsOf(sqlite, table).filter((c) => !before.includes(c.name))) {
      const values = new Set(rowsOf(sqlite, table, [added.name]).map(([v]) => v))
      expect([...values], `${table}.${added.name} is its default in old rows`).toEqual([added.dflt_value ?? 'NULL'])
    }
  }
}

/** The poll that stood open in the old release keeps taking votes from the box: those who voted cannot again, the others can. */
async function voteOnTheOldPoll(database: AppDatabase) {
  const keeper = demoCtx(database.db, 'facilitator')
  const poll = listElections(keeper, keeper.actor.villageId!).find((e) => e.stage === 'poll_open')!
  const roll = voterRoll(keeper, poll.id)
  const voted = roll.voters.filter((v) => v.voted)
  expect(voted.length).toBe(
    database.sqlite.prepare('SELECT count(*) FROM box_checkoffs WHERE election_id = ? AND voted').pluck().get(poll.id),
  )
  expect(voted.length).toBeGreaterThan(0)
  let station = await openStation(keeper, poll.id, '9753')
  expect(() => issueBallot(keeper, station, voted[0].id)).toThrowError(
    expect.objectContaining({ messageKey: 'voting.alreadyVoted' }),
  )
  const fresh = roll.voters.find((v) => !v.voted)!
  station = issueBallot(keeper, station, fresh.id)
  const [paper] = ballotPaper(keeper, poll.id)
  await castBallot(keeper, station, station.ballot!.token, new Map([[paper.contest.id, [paper.candidates[0].id]]]))
  expect(voterRoll(keeper, poll.id).cast).toBe(roll.cast + 1)
}

/** The cycle on the upgraded database: an election to a published result, then a meeting whose resolution goes to the Gram Panchayat. */
async function runTheCycle(database: AppDatabase) {
  const keeper = demoCtx(database.db, 'facilitator')
  const member = demoCtx(database.db, 'panchayat')
  const villageId = keeper.actor.villageId!
  const today = todayIso()

  const election = createElection(keeper, villageId, electionInput({ title: 'उन्नयन के बाद का चुनाव', termStart: today }))
  const contest = addContest(keeper, election.id, contestInput({ name: 'सदस्य', seats: '2' }))
  openNominations(keeper, election.id)
  const eligible = eligibleToStand(keeper, election.id)
  const standing = [
    ...eligible.filter((c) => c.gender === 'girl').slice(0, 2),
    ...eligible.filter((c) => c.gender === 'boy').slice(0, 1),
  ]
  standing.forEach((child, i) => nominate(keeper, election.id, contest.id, { childId: child.id, symbol: symbols[i] }))
  openPoll(keeper, election.id)
  const [paper] = ballotPaper(keeper, election.id)
  let station = await openStation(keeper, election.id, '1357')
  const voter = voterRoll(keeper, election.id).voters.find((v) => !v.voted)!
  station = issueBallot(keeper, station, voter.id)
  await castBallot(keeper, station, station.ballot!.token, new Map([[paper.contest.id, [paper.candidates[0].id]]]))
  closePoll(keeper, election.id, { source: 'random' })
  publishResult(keeper, election.id)
  expect(listElections(keeper, villageId).find((e) => e.id === election.id)?.stage).toBe('result_published')
  expect(balPanchayatOn(database.db, villageId, today).length).toBeGreaterThan(0)

  const meeting = scheduleMeeting(
    keeper,
    villageId,
    scheduleInput({ place: 'पंचायत भवन', agenda: 'हैंडपंप\nस्कूल का रास्ता' }),
  )
  startMeeting(keeper, meeting.id)
  for (const m of rollOf(database.db, meeting.id)) recordAttendance(keeper, meeting.id, m.childId, true)
  const [item] = agendaOf(database.db, meeting.id)
  saveMinutes(
    keeper,
    meeting.id,
    item.id,
    minutesSchema.parse({ discussion: 'हैंडपंप दो हफ़्ते से बंद है।', decisions: 'प्रस्ताव भेजा जाए।' }),
  )
  const present = rollOf(database.db, meeting.id)
  const resolution = recordResolution(
    keeper,
    meeting.id,
    resolutionSchema.parse(
      resolutionForm({
        agendaItemId: String(item.id),
        proposerChildId: String(present[0].childId),
        seconderChildId: String(present[1].childId),
        votesFor: String(present.length),
        votesAgainst: '0',
      }),
    ),
  )
  closeMeeting(keeper, meeting.id)
  forwardResolution(
    keeper,
    resolution.id,
    forwardingSchema.parse({ forwardedOn: today, addressedTo: 'सरपंच', way: 'letter', note: '' }),
  )
  acknowledgeResolution(member, resolution.id, today)
  decideResolution(
    member,
    resolution.id,
    decisionSchema.parse({ decision: 'referred', on: today, referredTo: 'कनिष्ठ अभियंता, PHED' }),
  )
  expect(getJourney(keeper, resolution.id).journey.status).toBe('referred')
  expect(integrity(database.sqlite)).toEqual(SOUND)
}

describe('upgrading a database made by an older release', () => {
  it('the journal and the migration files agree, oldest first', () => {
    expect(entries.map((e) => e.idx)).toEqual(entries.map((_, i) => i))
    for (let i = 1; i < entries.length; i++) expect(entries[i].when).toBeGreaterThan(entries[i - 1].when)
    expect(
      fs
        .readdirSync(migrationsFolder)
        .filter((f) => f.endsWith('.sql'))
        .sort(),
    ).toEqual(entries.map((e) => `${e.tag}.sql`))
  })

  it(`the oldest (${entries[0].tag}): villages, accounts, the register, consents, departures and the audit log survive, and the whole cycle runs`, async () => {
    const old = oldRelease(0)
    expect([...old.tables.keys()]).toEqual(
      expect.arrayContaining(['villages', 'users', 'children', 'consents', 'departures', 'audit_log', 'sessions']),
    )
    const database = openDatabase(old.file)
    try {
      expectUpgraded(database, old)
      // Spot checks in the words a person would look for.
      expect(database.sqlite.prepare('SELECT note FROM departures').pluck().all()).toContain('परिवार जयपुर चला गया')
      expect(
        database.sqlite.prepare('SELECT count(*) FROM consents WHERE withdrawn_at IS NOT NULL').pluck().get(),
      ).toBeGreaterThan(0)
      expect(database.sqlite.prepare('SELECT count(*) FROM users WHERE disabled_at IS NOT NULL').pluck().get()).toBe(1)
      await runTheCycle(database)
    } finally {
      database.close()
    }

    // The app serves the upgraded file, and the old accounts and sessions still work.
    const app = await build({
      databasePath: old.file,
      sessionSecret: 'test-secret-that-is-long-enough-0123456789',
      loginRateLimit: { max: 1000, timeWindow: 60_000 },
    })
    try {
      expect((await app.inject({ url: '/health' })).json()).toEqual({ status: 'ok' })
      const agent = await new Agent(app).login('facilitator', DEMO_PASSWORD)
      const peek = new Sqlite(old.file, { readonly: true })
      const [vid, childName] = peek
        .prepare('SELECT village_id, name FROM children ORDER BY id LIMIT 1')
        .raw()
        .get() as [number, string]
      peek.close()
      const register = await agent.get(`/villages/${vid}/children?status=all`)
      expect(register.statusCode).toBe(200)
      expect(textOf(register.body)).toContain(childName)
      expect((await agent.get(`/villages/${vid}/meetings`)).statusCode).toBe(200)
    } finally {
      await app.close()
    }
  })

  for (let last = 1; last < entries.length - 1; last++) {
    it(`from ${entries[last].tag}: every row of that release survives, new tables start empty, and the cycle runs`, async () => {
      const old = oldRelease(last)
      // The control: before the upgrade every old ballot id can be read straight from the file.
      if (old.tables.has('ballots')) expect(legacyIdsIn(old)).toHaveLength(old.rows.get('ballots')!.length)
      const database = openDatabase(old.file)
      try {
        expectUpgraded(database, old)
        if (old.tables.has('checkoffs')) await voteOnTheOldPoll(database)
        await runTheCycle(database)
      } finally {
        database.close()
      }
    })
  }

  it('opening an up-to-date database again applies nothing and changes nothing', () => {
    const file = path.join(dir, 'newest.sqlite')
    databaseAt(file, entries.length - 1)
    const first = openDatabase(file)
    const before = appTables(first.sqlite).map((t) => [t, rowsOf(first.sqlite, t)])
    const applied = first.sqlite.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get()
    first.close()
    const again = openDatabase(file)
    try {
      expect(again.sqlite.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get()).toBe(applied)
      expect(appTables(again.sqlite).map((t) => [t, rowsOf(again.sqlite, t)])).toEqual(before)
      expect(schemaOf(again.sqlite)).toEqual(newestSchema)
    } finally {
      again.close()
    }
  })
})
