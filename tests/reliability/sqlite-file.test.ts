// The forensic reader must be right before its findings mean anything: every row it decodes from
// the raw bytes is the row SQLite itself returns, every page is accounted for, a WAL splits into
// the commits that were made, and deleted text is found exactly when SQLite leaves it behind.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Sqlite from 'better-sqlite3'
import { Rng } from './random.ts'
import {
  INTERIOR_INDEX,
  INTERIOR_TABLE,
  LEAF_INDEX,
  LEAF_TABLE,
  freeBytes,
  grep,
  readDatabase,
  readJournal,
  readWal,
  tableCells,
  walSnapshots,
  type Database,
  type Value,
} from './sqlite-file.ts'

let dir: string
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-sqlite-file-'))
})
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

let files = 0
function open(options: { pageSize?: number; journal?: string } = {}) {
  const file = path.join(dir, `db-${++files}.sqlite`)
  const sqlite = new Sqlite(file)
  if (options.pageSize) sqlite.pragma(`page_size = ${options.pageSize}`)
  sqlite.pragma(`journal_mode = ${options.journal ?? 'DELETE'}`)
  return { file, sqlite }
}

/** Values compared across the two readers: a blob as hex, since one gives a Buffer and the other a Uint8Array. */
const plain = (v: unknown): unknown =>
  v instanceof Uint8Array ? `blob:${Buffer.from(v).toString('hex')}` : typeof v === 'bigint' ? Number(v) : v
const rows = (xs: unknown[][]) => xs.map((r) => r.map(plain))
const select = (sqlite: Sqlite.Database, sql: string) => rows(sqlite.prepare(sql).raw().all() as unknown[][])

/** A mix that exercises every serial type: null, ints of 1–8 bytes, 0 and 1, floats, text, blobs, some large enough to overflow. */
function fill(sqlite: Sqlite.Database, rng: Rng, count: number) {
  sqlite.exec(`
    CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, age INTEGER, score REAL, photo BLOB, note TEXT);
    CREATE INDEX people_name ON people (name, age);
    CREATE TABLE marks (ballot TEXT NOT NULL, candidate INTEGER NOT NULL, contest INTEGER NOT NULL, PRIMARY KEY (ballot, candidate)) WITHOUT ROWID;`)
  const ints = [0, 1, -1, 127, -128, 300, -40_000, 8_000_000, 2 ** 31, -(2 ** 40), 2 ** 50, -(2 ** 52)]
  const person = sqlite.prepare('INSERT INTO people (name, age, score, photo, note) VALUES (?, ?, ?, ?, ?)')
  const mark = sqlite.prepare('INSERT INTO marks VALUES (?, ?, ?)')
  sqlite.transaction(() => {
    for (let i = 0; i < count; i++) {
      const big = rng.chance(0.05)
      person.run(
        rng.chance(0.1) ? null : `name-${rng.int(1000)}-नाम`,
        rng.pick(ints),
        rng.chance(0.5) ? rng.next() * 1000 - 500 : rng.int(5),
        rng.chance(0.3)
          ? null
          : Buffer.from(Array.from({ length: big ? 3000 + rng.int(9000) : rng.int(40) }, () => rng.int(256))),
        big ? 'x'.repeat(2000 + rng.int(70_000)) : rng.chance(0.5) ? null : `note ${i}`,
      )
      mark.run(`${rng.int(1e9).toString(36)}${'-'.repeat(rng.int(30))}`, rng.int(1e6), rng.int(4))
    }
  })()
}

function expectEveryTableAsSelected(sqlite: Sqlite.Database, db: Database) {
  const people = tableCells(db, 'people').map((c): Value[] => [c.rowid!, ...c.values.slice(1)])
  expect(rows(people)).toEqual(select(sqlite, 'SELECT id, name, age, score, photo, note FROM people ORDER BY id'))
  expect(rows(tableCells(db, 'people_name').map((c) => c.values))).toEqual(
    select(sqlite, 'SELECT name, age, id FROM people INDEXED BY people_name ORDER BY name, age, id'),
  )
  expect(rows(tableCells(db, 'marks').map((c) => c.values))).toEqual(
    select(sqlite, 'SELECT ballot, candidate, contest FROM marks ORDER BY ballot, candidate'),
  )
}

describe('the database file', () => {
  for (const pageSize of [1024, 4096, 65536]) {
    it(`decodes, from ${pageSize}-byte pages, every row of a rowid table, a WITHOUT ROWID table and an index as SELECT returns it`, () => {
      const { file, sqlite } = open({ pageSize })
      fill(sqlite, new Rng(pageSize), pageSize === 65536 ? 300 : 600)
      // A deleted range leaves whole pages on the freelist.
      sqlite.exec('DELETE FROM people WHERE id BETWEEN 100 AND 400')
      const db = readDatabase(fs.readFileSync(file))
      expect(db.header.pageSize).toBe(pageSize)
      expect(db.header.pageCount).toBe(sqlite.pragma('page_count', { simple: true }))
      expect(db.header.freelistCount).toBe(sqlite.pragma('freelist_count', { simple: true }))
      expect(db.freelist.trunks.length + db.freelist.leaves.length).toBe(db.header.freelistCount)
      if (pageSize < 65536) expect(db.header.freelistCount).toBeGreaterThan(0)
      expectEveryTableAsSelected(sqlite, db)
      sqlite.close()
    })
  }

  it('reads all four kinds of b-tree page and rows spread over overflow pages', () => {
    const { file, sqlite } = open({ pageSize: 1024 })
    fill(sqlite, new Rng(7), 600)
    const db = readDatabase(fs.readFileSync(file))
    const types = new Set([...db.owners].filter(([, o]) => o.kind === 'btree').map(([n]) => db.btreePage(n).type))
    expect([...types].sort((a, b) => a - b)).toEqual([INTERIOR_INDEX, INTERIOR_TABLE, LEAF_INDEX, LEAF_TABLE])
    expect(
      tableCells(db, 'marks').some((c) => db.btreePage(c.page).type === INTERIOR_INDEX),
      'a WITHOUT ROWID table keeps rows in its interior pages too',
    ).toBe(true)
    const overflowing = [...db.owners.values()].filter((o) => o.kind === 'overflow')
    expect(overflowing.length).toBeGreaterThan(10)
    sqlite.close()
  })

  it("accounts for every page as SQLite's own dbstat does: its b-tree, its kind, its cells and its unused bytes", () => {
    const { file, sqlite } = open({ pageSize: 1024 })
    fill(sqlite, new Rng(11), 400)
    // Scattered deletes leave freeblocks and fragments inside pages as well as whole free pages.
    sqlite.exec('DELETE FROM people WHERE id % 3 = 0; DELETE FROM marks WHERE contest = 2')
    const db = readDatabase(fs.readFileSync(file))
    const free = freeBytes(db).filter((r) => r.kind !== 'reserved')
    const unused = (page: number) => free.filter((r) => r.page === page).reduce((n, r) => n + r.end - r.start, 0)
    const ours = [...db.owners]
      .filter(([, o]) => o.kind === 'btree' || o.kind === 'overflow')
      .sort(([a], [b]) => a - b)
      .map(([page, o]) => {
        const kind =
          o.kind === 'overflow' ? 'overflow' : db.btreePage(page).rightChild === undefined ? 'leaf' : 'internal'
        return {
          page,
          name: 'name' in o ? o.name : '',
          kind,
          cells: kind === 'overflow' ? 0 : db.btreePage(page).cellCount,
          unused: unused(page),
        }
      })
    const theirs = sqlite
      .prepare('SELECT pageno AS page, name, pagetype AS kind, ncell AS cells, unused FROM dbstat ORDER BY pageno')
      .all()
    expect(ours).toEqual(theirs)
    expect(free.some((r) => r.kind === 'freeblock')).toBe(true)
    const pages = Array.from({ length: db.header.pageCount }, (_, i) => i + 1)
    expect(
      pages.filter((n) => !db.owners.has(n)),
      'pages belonging to nothing',
    ).toEqual([])
    expect(db.freelist.trunks.length + db.freelist.leaves.length).toBe(
      sqlite.pragma('freelist_count', { simple: true }),
    )
    expectEveryTableAsSelected(sqlite, db)
    sqlite.close()
  })

  it('finds text deleted without secure_delete in the free bytes, and not a trace of it with secure_delete on', () => {
    for (const secure of [false, true]) {
      const { file, sqlite } = open({ pageSize: 4096 })
      sqlite.pragma(`secure_delete = ${secure ? 'ON' : 'OFF'}`)
      sqlite.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)')
      const insert = sqlite.prepare('INSERT INTO notes (body) VALUES (?)')
      // Rows in the middle of a page (a freeblock), the newest one (unallocated space) and a run that frees whole pages.
      sqlite.transaction(() => {
        for (let i = 0; i < 400; i++)
          insert.run(
            i % 50 === 7 || i === 399 || (i >= 200 && i < 300) ? `SECRET-${i}-whispered` : `ordinary note ${i}`,
          )
      })()
      sqlite.exec("DELETE FROM notes WHERE body LIKE 'SECRET-%'")
      const db = readDatabase(fs.readFileSync(file))
      expect(tableCells(db, 'notes').some((c) => String(c.values[1]).startsWith('SECRET'))).toBe(false)
      const secrets = (regions: Parameters<typeof grep>[0]) =>
        grep(regions, /SECRET-(\d+)-whispered/)
          .map((m) => Number(m.match[1]))
          .sort((a, b) => a - b)
      // Merging the emptied pages rewrites some of them; whatever survives anywhere in the file must be in the free bytes.
      if (secure) expect(secrets(db.bytes)).toEqual([])
      else expect(secrets(db.bytes).length).toBeGreaterThan(10)
      expect(secrets(freeBytes(db))).toEqual(secrets(db.bytes))
      sqlite.close()
    }
  })
})

describe('the WAL', () => {
  it('splits into exactly the commits that were made, each leaving the rows SQLite had after it', () => {
    const { file, sqlite } = open({ pageSize: 1024, journal: 'WAL' })
    sqlite.pragma('wal_autocheckpoint = 0')
    sqlite.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)')
    sqlite.pragma('wal_checkpoint(TRUNCATE)')
    const rng = new Rng(3)
    const insert = sqlite.prepare('INSERT INTO t (body) VALUES (?)')
    const after: unknown[][][] = []
    for (let k = 0; k < 9; k++) {
      // Commits of one row, of many rows over many pages, an update and a delete.
      sqlite.transaction(() => {
        if (k === 4) sqlite.exec("UPDATE t SET body = body || '!' WHERE id % 2 = 0")
        else if (k === 6) sqlite.exec('DELETE FROM t WHERE id < 20')
        else
          for (let i = 0, n = k === 2 ? 200 : 1 + rng.int(3); i < n; i++)
            insert.run(`row ${k}.${i} ${'z'.repeat(rng.int(300))}`)
      })()
      after.push(select(sqlite, 'SELECT id, body FROM t ORDER BY id'))
    }
    const wal = readWal(fs.readFileSync(`${file}-wal`), 1024)
    expect(wal.commits.length).toBe(9)
    expect(wal.uncommitted).toEqual([])
    expect(
      wal.commits.every(
        (c) => c.frames.slice(0, -1).every((f) => f.commitSize === 0) && c.frames.at(-1)!.commitSize > 0,
      ),
    ).toBe(true)
    const snapshots = walSnapshots(fs.readFileSync(file), wal)
    expect(snapshots.length).toBe(10)
    expect(rows(tableCells(snapshots[0]!, 't').map((c) => [c.rowid!, c.values[1]]))).toEqual([])
    snapshots
      .slice(1)
      .forEach((db, k) =>
        expect(rows(tableCells(db!, 't').map((c) => [c.rowid!, c.values[1]])), `after commit ${k + 1}`).toEqual(
          after[k],
        ),
      )
    sqlite.close()
  })

  it('takes no frame of an earlier round for a commit once the WAL starts over', () => {
    const { file, sqlite } = open({ pageSize: 1024, journal: 'WAL' })
    sqlite.pragma('wal_autocheckpoint = 0')
    sqlite.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)')
    for (let i = 0; i < 30; i++) sqlite.prepare('INSERT INTO t (body) VALUES (?)').run(`first round ${i}`)
    const before = readWal(fs.readFileSync(`${file}-wal`))
    sqlite.pragma('wal_checkpoint(PASSIVE)')
    // The next writer rewinds the WAL: new salts, frames written from the start again.
    sqlite.prepare('INSERT INTO t (body) VALUES (?)').run('second round')
    const wal = readWal(fs.readFileSync(`${file}-wal`), 1024)
    expect(wal.salts).not.toEqual(before.salts)
    expect(wal.commits.length).toBe(1)
    expect(wal.stale.length).toBeGreaterThan(0)
    const [, last] = walSnapshots(fs.readFileSync(file), wal)
    expect(
      tableCells(last!, 't')
        .map((c) => c.values[1])
        .at(-1),
    ).toBe('second round')
    expect(tableCells(last!, 't').length).toBe(31)
    sqlite.close()
  })
})

describe('the rollback journal', () => {
  it('holds the pages as they were while a transaction is open, and nothing once the commit has truncated, deleted or zeroed it', () => {
    for (const mode of ['TRUNCATE', 'PERSIST', 'DELETE']) {
      const { file, sqlite } = open({ pageSize: 1024, journal: mode })
      sqlite.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)')
      sqlite.prepare('INSERT INTO t (body) VALUES (?)').run('before')
      const original = fs.readFileSync(file)
      sqlite.exec("BEGIN; UPDATE t SET body = 'after'")
      const during = readJournal(fs.readFileSync(`${file}-journal`))
      expect(during.holdsAnything).toBe(true)
      expect(during.pageSize).toBe(1024)
      expect(during.initialPageCount).toBe(original.length / 1024)
      const page2 = during.records.find((r) => r.page === 2)
      expect(page2 && Buffer.from(page2.data).equals(original.subarray(1024, 2048))).toBe(true)
      expect(during.hot, 'the magic is written only when the commit syncs the journal').toBe(false)
      sqlite.exec('COMMIT')
      const left = fs.existsSync(`${file}-journal`) ? fs.readFileSync(`${file}-journal`) : new Uint8Array()
      expect(readJournal(left).holdsAnything, mode).toBe(false)
      // PERSIST zeroes only the header: the old page images stay in the file for anyone to grep.
      expect(grep(left, 'before').length, mode).toBe(mode === 'PERSIST' ? 1 : 0)
      sqlite.close()
    }
  })
})
