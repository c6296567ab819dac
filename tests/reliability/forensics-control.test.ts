// The control for the ballot box's secrecy: the ballot layout the app used to have (check-offs and
// ballots as rows in the main database, WAL mode), rebuilt as it was, gives its voters away to
// someone holding its files. If these attacks did not work here, their failing elsewhere would prove nothing.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Sqlite from 'better-sqlite3'
import { Rng } from './random.ts'
import { readDatabase, readWal, tableCells, walSnapshots, type Database } from './sqlite-file.ts'
import {
  ballotText,
  leftoverAttack,
  leftoverSources,
  linkedShare,
  rowPositionAttack,
  walAttack,
  type BallotPart,
  type Layout,
  type Linking,
} from './linking.ts'

/** The old layout, as migrations 0002_ballots and 0003_voting created it (the tables they point to reduced to their ids). */
const OLD_LAYOUT = `
  CREATE TABLE elections (id integer PRIMARY KEY);
  CREATE TABLE contests (id integer PRIMARY KEY);
  CREATE TABLE candidates (id integer PRIMARY KEY);
  CREATE TABLE children (id integer PRIMARY KEY);
  CREATE TABLE \`ballot_marks\` (
    \`ballot_id\` text NOT NULL,
    \`contest_id\` integer NOT NULL,
    \`candidate_id\` integer NOT NULL,
    PRIMARY KEY(\`ballot_id\`, \`candidate_id\`),
    FOREIGN KEY (\`contest_id\`) REFERENCES \`contests\`(\`id\`) ON UPDATE no action ON DELETE no action,
    FOREIGN KEY (\`candidate_id\`) REFERENCES \`candidates\`(\`id\`) ON UPDATE no action ON DELETE no action
  ) WITHOUT ROWID;
  CREATE INDEX \`ballot_marks_tally_idx\` ON \`ballot_marks\` (\`contest_id\`,\`candidate_id\`);
  CREATE TABLE \`ballots\` (
    \`id\` text PRIMARY KEY NOT NULL,
    \`contest_id\` integer NOT NULL,
    FOREIGN KEY (\`contest_id\`) REFERENCES \`contests\`(\`id\`) ON UPDATE no action ON DELETE no action
  ) WITHOUT ROWID;
  CREATE INDEX \`ballots_contest_idx\` ON \`ballots\` (\`contest_id\`);
  CREATE TABLE \`checkoffs\` (
    \`election_id\` integer NOT NULL,
    \`child_id\` integer NOT NULL,
    PRIMARY KEY(\`election_id\`, \`child_id\`),
    FOREIGN KEY (\`election_id\`) REFERENCES \`elections\`(\`id\`) ON UPDATE no action ON DELETE no action,
    FOREIGN KEY (\`child_id\`) REFERENCES \`children\`(\`id\`) ON UPDATE no action ON DELETE no action
  ) WITHOUT ROWID;
  CREATE TABLE \`sessions\` (
    \`id\` text PRIMARY KEY NOT NULL,
    \`user_id\` integer,
    \`data\` text NOT NULL,
    \`expires_at\` integer NOT NULL
  );
  CREATE INDEX \`sessions_user_idx\` ON \`sessions\` (\`user_id\`);
  CREATE INDEX \`sessions_expiry_idx\` ON \`sessions\` (\`expires_at\`);`

const ELECTION = 1
const MEMBERS = 1 // 3 seats among candidates 1–8
const PRADHAN = 2 // 1 seat among candidates 11–14

/** How to read the old layout: a check-off row is (election, child); a ballot (id, contest) gets its marks from ballot_marks by id. */
const oldLayout: Layout = {
  checkoffs: { table: 'checkoffs', childOf: (c) => (c.values[0] === ELECTION ? Number(c.values[1]) : null) },
  ballots: {
    table: 'ballots',
    reader: (db: Database) => {
      // ballot_marks is stored key first: (ballot_id, candidate_id, contest_id).
      const marks = new Map<string, number[]>()
      for (const m of tableCells(db, 'ballot_marks'))
        marks.get(String(m.values[0]))?.push(Number(m.values[1])) ??
          marks.set(String(m.values[0]), [Number(m.values[1])])
      return (c): BallotPart => ({
        contest: String(c.values[1]),
        contents: (marks.get(String(c.values[0])) ?? []).sort((a, b) => a - b).join(','),
      })
    },
  },
}

type Election = { file: string; sqlite: Sqlite.Database; truth: Linking; order: number[]; stationSession: string }

/**
 * N children vote one after another in a seeded random order, each cast in its own transaction
 * as castBallot wrote it: the check-off, then per contest a fresh random 22-character id, the
 * ballot row and its marks. Each child's three members are a combination no other child chose.
 */
function runElection(dir: string, seed: number, voters = 30): Election {
  const rng = new Rng(seed)
  const file = path.join(dir, `old-${seed}.sqlite`)
  const sqlite = new Sqlite(file)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = FULL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.exec(OLD_LAYOUT)
  const children = Array.from({ length: voters }, (_, i) => 101 + i)
  sqlite.transaction(() => {
    sqlite.prepare('INSERT INTO elections VALUES (?)').run(ELECTION)
    for (const id of [MEMBERS, PRADHAN]) sqlite.prepare('INSERT INTO contests VALUES (?)').run(id)
    for (const id of [1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 14])
      sqlite.prepare('INSERT INTO candidates VALUES (?)').run(id)
    for (const id of children) sqlite.prepare('INSERT INTO children VALUES (?)').run(id)
  })()
  // The session of the tablet's station, as the session store keeps it.
  const stationSession = 'station-session-id'
  const station = { id: 1, electionId: ELECTION, unlocked: true, failedPins: 0 }
  const session = (state: object) =>
    JSON.stringify({ cookie: { originalMaxAge: 86_400_000, httpOnly: true, path: '/' }, userId: 7, station: state })
  const saveSession = sqlite.prepare(`INSERT INTO sessions (id, user_id, data, expires_at) VALUES (?, ?, ?, ?)
      ON CONFLICT(id) DO UPDATE SET user_id = excluded.user_id, data = excluded.data, expires_at = excluded.expires_at`)
  saveSession.run(stationSession, 7, session(station), 1_900_000_000_000)
  // Set up before the poll opened; the app has been restarted since, so the file holds it all.
  sqlite.pragma('wal_checkpoint(TRUNCATE)')

  const combos: number[][] = []
  for (let a = 1; a <= 8; a++) for (let b = a + 1; b <= 8; b++) for (let c = b + 1; c <= 8; c++) combos.push([a, b, c])
  const members = rng.shuffle(combos)
  const order = rng.shuffle(children)
  const truth: Linking = new Map()
  const checkoff = sqlite.prepare('INSERT INTO checkoffs (election_id, child_id) VALUES (?, ?) ON CONFLICT DO NOTHING')
  const ballot = sqlite.prepare('INSERT INTO ballots (id, contest_id) VALUES (?, ?)')
  const mark = sqlite.prepare('INSERT INTO ballot_marks (ballot_id, contest_id, candidate_id) VALUES (?, ?, ?)')
  const randomId = () => Buffer.from(Array.from({ length: 16 }, () => rng.int(256))).toString('base64url')
  order.forEach((child, i) => {
    const choices = new Map([
      [MEMBERS, members[i]],
      [PRADHAN, [rng.pick([11, 12, 13, 14])]],
    ])
    truth.set(
      child,
      ballotText([...choices].map(([contest, marks]) => ({ contest: String(contest), contents: marks.join(',') }))),
    )
    saveSession.run(
      stationSession,
      7,
      session({
        ...station,
        unlocked: false,
        ballot: { childId: child, token: `token-${i}`, issuedAt: 1_760_000_000_000 + i },
      }),
      1_900_000_000_000,
    )
    sqlite.transaction(() => {
      checkoff.run(ELECTION, child)
      for (const [contest, marks] of choices) {
        const id = randomId()
        ballot.run(id, contest)
        for (const candidate of marks) mark.run(id, contest, candidate)
      }
    })()
    saveSession.run(stationSession, 7, session({ ...station, unlocked: false }), 1_900_000_000_000)
  })
  return { file, sqlite, truth, order, stationSession }
}

let dir: string
let election: Election
/** The data folder as copied while the box ran: the database file and its WAL, nothing checkpointed. */
let live: { db: Buffer; wal: Buffer }

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-forensics-'))
  election = runElection(dir, 20_240_601)
  live = { db: fs.readFileSync(election.file), wal: fs.readFileSync(`${election.file}-wal`) }
})
afterAll(() => {
  election?.sqlite.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('the old ballot layout, attacked through its files', () => {
  it('the setting is as the app had it: WAL, durable commits, every vote still in the WAL and none in the file', () => {
    expect(election.sqlite.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(election.sqlite.pragma('synchronous', { simple: true })).toBe(2)
    expect(election.truth.size).toBe(30)
    expect(new Set(election.truth.values()).size, 'each ballot names its voter').toBe(30)
    expect(tableCells(readDatabase(live.db), 'checkoffs')).toEqual([])
    // Each cast is one commit, between two commits of the station's session.
    expect(readWal(live.wal).commits.length).toBe(3 * 30)
  })

  it('a guess that ignores where rows sit links hardly anyone (the scorer is not easy to please)', () => {
    const byKey = (db: Database): Linking => {
      // Ballots in the order of their random ids, children in the order of their ids.
      const read = oldLayout.ballots.reader(db)
      const ballots = tableCells(db, 'ballots')
        .map(read)
        .filter((b) => b !== null)
      const members = ballots.filter((b) => b.contest === String(MEMBERS))
      const pradhan = ballots.filter((b) => b.contest === String(PRADHAN))
      const children = tableCells(db, 'checkoffs').map((c) => Number(c.values[1]))
      return new Map(children.map((child, i) => [child, ballotText([members[i], pradhan[i]])]))
    }
    const db = readDatabase(fs.readFileSync(copyCheckpointed()))
    expect(linkedShare(byKey(db), election.truth)).toBeLessThan(0.2)
  })

  it('(b) commit by commit: the WAL copied from the running box links at least 90 % of children to their ballots', () => {
    const share = linkedShare(walAttack(live.db, live.wal, oldLayout), election.truth)
    expect(share).toBeGreaterThanOrEqual(0.9)
  })

  it('(a) row position: the database rebuilt from the copied file and WAL links at least 90 %', () => {
    const wal = readWal(live.wal)
    const latest = walSnapshots(live.db, wal).at(-1)!
    expect(linkedShare(rowPositionAttack(latest, oldLayout), election.truth)).toBeGreaterThanOrEqual(0.9)
  })

  it('(a) row position: the database file after a checkpoint links at least 90 %', () => {
    const db = readDatabase(fs.readFileSync(copyCheckpointed()))
    expect(linkedShare(rowPositionAttack(db, oldLayout), election.truth)).toBeGreaterThanOrEqual(0.9)
  })

  it("(a) row position: a backup made with SQLite's online backup links at least 90 %", async () => {
    const backup = path.join(dir, 'backup.sqlite')
    await election.sqlite.backup(backup)
    const db = readDatabase(fs.readFileSync(backup))
    expect(linkedShare(rowPositionAttack(db, oldLayout), election.truth)).toBeGreaterThanOrEqual(0.9)
  })

  it("(c) leftovers: every voter's id is in the WAL, in the old versions of the station's session that held their ballot", () => {
    const { sightings } = leftoverAttack(leftoverSources({ wal: live.wal }))
    expect(new Set(sightings.map((s) => s.childId))).toEqual(new Set(election.order))
    expect(sightings.every((s) => s.source === 'wal' && s.context.startsWith('"childId"'))).toBe(true)
  })

  it('(c) leftovers: after a checkpoint the live session says nothing, and a session deleted while it held a ballot leaves the child in the free bytes', () => {
    const checkpointed = fs.readFileSync(copyCheckpointed())
    expect(
      tableCells(readDatabase(checkpointed), 'sessions')
        .map((c) => String(c.values[2]))
        .join(),
    ).not.toMatch(/childId/)
    // Each cleared, shorter version was written into the end of the slot the longer one left, over its ballot.
    expect(
      leftoverAttack(leftoverSources({ db: checkpointed })).sightings.every((s) => election.order.includes(s.childId)),
    ).toBe(true)
    // A child given the tablet walks away; the facilitator logs the tablet out, which deletes its session.
    const walkedAway = 999
    election.sqlite
      .prepare('UPDATE sessions SET data = ? WHERE id = ?')
      .run(
        JSON.stringify({ station: { id: 1, electionId: ELECTION, ballot: { childId: walkedAway, token: 'left' } } }),
        election.stationSession,
      )
    election.sqlite.prepare('DELETE FROM sessions WHERE id = ?').run(election.stationSession)
    const found = leftoverAttack(leftoverSources({ db: fs.readFileSync(copyCheckpointed()) })).sightings
    expect(found.map((s) => s.childId)).toContain(walkedAway)
    expect(found.every((s) => s.source === 'db free bytes')).toBe(true)
  })

  it('(c) leftovers: a row holding a child next to their marks, deleted without secure_delete, is carved back out of the free bytes', () => {
    // The mistake the new box must not make: a queue of casts written, processed and deleted.
    const file = path.join(dir, 'queue.sqlite')
    const sqlite = new Sqlite(file)
    sqlite.exec(
      'CREATE TABLE cast_queue (id INTEGER PRIMARY KEY, child_id INTEGER NOT NULL, contest_id INTEGER NOT NULL, marks TEXT NOT NULL)',
    )
    const queued = [...election.truth].slice(0, 10)
    const insert = sqlite.prepare('INSERT INTO cast_queue (child_id, contest_id, marks) VALUES (?, ?, ?)')
    for (const [child, ballot] of queued) insert.run(child, MEMBERS, /^1: ([\d,]+)/.exec(ballot)![1])
    sqlite.exec('DELETE FROM cast_queue')
    sqlite.close()
    const { guess } = leftoverAttack(leftoverSources({ db: fs.readFileSync(file) }), {
      patterns: [],
      shapes: [
        {
          // The id column is the rowid, stored as NULL: the serial type the freeblock overwrote was 0.
          columns: 4,
          clobbered: [0],
          childOf: (v) => (v[0] === null && typeof v[1] === 'number' && election.truth.has(v[1]) ? v[1] : null),
          ballotOf: (v) =>
            v[0] === null && v[2] === MEMBERS && typeof v[3] === 'string' && /^\d+(,\d+)*$/.test(v[3])
              ? { contest: String(MEMBERS), contents: v[3] }
              : null,
        },
      ],
      window: 0,
    })
    const membersOnly = new Map(queued.map(([child, ballot]) => [child, ballot.split(' | ')[0]]))
    expect(linkedShare(guess, membersOnly)).toBe(1)
  })
})

/** Checkpoints the live database and copies its file (the WAL is then empty, the file holds everything). */
function copyCheckpointed(): string {
  election.sqlite.pragma('wal_checkpoint(TRUNCATE)')
  const copy = path.join(dir, `checkpointed.sqlite`)
  fs.copyFileSync(election.file, copy)
  return copy
}
