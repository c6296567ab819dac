import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Sqlite from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { GroupCommit } from './group-commit.ts'
import { BOX_IMAGE_TABLE, ownerOnlyFile, ownerOnlyFiles, ownerOnlyFolder, sqliteCompanions } from './files.ts'

import type { Db, Tx } from '../core/db.ts'
import { projectRoot } from '../core/paths.ts'

export type { Db, Tx }
/** A step run once the migrations are applied, before anyone uses the file; true means it rewrote data. */
export type Upgrade = (db: Db, sqlite: Sqlite.Database) => boolean

export { projectRoot }
export const migrationsFolder = path.join(projectRoot, 'migrations')

/** SQLite's page cache, in KiB, for the main file, the ballot box and the sessions' connection. */
export const CACHE_KIB = { main: 4000, box: 2000, sessions: 1000 } as const

export type AppDatabase = {
  sqlite: Sqlite.Database
  db: Db
  /**
   * A second connection for sessions, committing without waiting for the disk (synchronous=NORMAL):
   * a login lost to a power cut only means logging in again, and the next durable commit of the main
   * connection flushes the shared WAL anyway. Votes and records always go through `sqlite`.
   */
  sessions: Sqlite.Database
  /** The ballot box's file (attached to `sqlite` as `box`). */
  boxFile: string
  close(): void
}

const groupCommits = new WeakMap<object, GroupCommit>()

/** The group commit of this database, for writes that many clients make at once (casting). */
export function groupCommit(db: Db | Tx): GroupCommit {
  const found = groupCommits.get(db)
  if (!found) throw new Error('no group commit for this database handle')
  return found
}

export const ballotBoxMigrationsFolder = path.join(migrationsFolder, 'ballot-box')

/** The ballot box's own file beside the database: `x.sqlite` keeps its box in `x.ballot-box.sqlite`. */
export function ballotBoxPath(file: string): string {
  return `${file.replace(/\.sqlite$/, '')}.ballot-box.sqlite`
}

/**
 * Opens (creating if needed) the SQLite file and brings it to the newest migration.
 * WAL with synchronous=FULL: a commit the client was told about survives a power cut.
 * The ballot box is a second file, attached as `box` (see `attachBallotBox`).
 */
export function openDatabaseFile(file: string, upgrades: readonly Upgrade[] = []): AppDatabase {
  // The data folder 700 and the file 600 before SQLite opens it: its WAL and SHM take the file's mode.
  if (file !== ':memory:') {
    ownerOnlyFolder(path.dirname(path.resolve(file)))
    ownerOnlyFile(file)
  }
  const sqlite = new Sqlite(file)
  sqlite.pragma('journal_mode = WAL')
  // Left looser by an older release: tightened at every open.
  if (file !== ':memory:') ownerOnlyFiles(...sqliteCompanions(path.resolve(file)))
  sqlite.pragma('synchronous = FULL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  // Freed space is zeroed, and sorting for a count never spills ballots into a temporary file.
  sqlite.pragma('secure_delete = ON')
  sqlite.pragma('temp_store = MEMORY')
  // SQLite keeps up to 16 MB of pages per file and connection unless told (better-sqlite3's build): three
  // such caches were a third of the server's memory after a day's voting. The operating system keeps the
  // file's pages anyway (and gives that memory back when asked); what the server itself reads again and
  // again is kept by db/read-cache.ts.
  sqlite.pragma(`main.cache_size = ${-CACHE_KIB.main}`)
  cacheStatements(sqlite)
  const db: Db = drizzle(sqlite)
  migrate(db, { migrationsFolder })
  const box = attachBallotBox(sqlite, file)
  if (upgrades.map((upgrade) => upgrade(db, sqlite)).some(Boolean)) rewriteWithoutHistory(sqlite)
  const sessions = file === ':memory:' ? sqlite : new Sqlite(file)
  if (sessions !== sqlite) {
    sessions.pragma('synchronous = NORMAL')
    sessions.pragma('busy_timeout = 5000')
    sessions.pragma(`cache_size = ${-CACHE_KIB.sessions}`)
  }
  groupCommits.set(db, new GroupCommit(sqlite))
  return {
    sqlite,
    db,
    sessions,
    boxFile: box,
    close: () => {
      if (sessions !== sqlite) sessions.close()
      sqlite.close()
      if (file === ':memory:') removeBox(box)
    },
  }
}

/**
 * The box keeps no history: a rollback journal truncated (and synced) at every commit instead of a
 * WAL, no shared-memory file, secure_delete on. A backup carries the box inside it (see
 * db/backup.ts); a restored one is unpacked here, replacing whatever box was beside it.
 */
function attachBallotBox(sqlite: Sqlite.Database, file: string): string {
  const boxFile =
    file === ':memory:'
      ? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bp-box-')), 'memory.ballot-box.sqlite')
      : ballotBoxPath(path.resolve(file))
  unpackBoxFromBackup(sqlite, boxFile)
  ownerOnlyFile(boxFile)
  const own = new Sqlite(boxFile)
  try {
    // The server may be committing a cast while an operator's command opens the box.
    own.pragma('busy_timeout = 5000')
    setBoxPragmas(own, 'main')
    migrate(drizzle(own), { migrationsFolder: ballotBoxMigrationsFolder })
  } finally {
    own.close()
  }
  ownerOnlyFiles(boxFile, `${boxFile}-journal`)
  sqlite.prepare('ATTACH DATABASE ? AS box').run(boxFile)
  setBoxPragmas(sqlite, 'box')
  return boxFile
}

function setBoxPragmas(sqlite: Sqlite.Database, schemaName: string): void {
  sqlite.pragma(`${schemaName}.journal_mode = TRUNCATE`)
  sqlite.pragma(`${schemaName}.synchronous = FULL`)
  sqlite.pragma(`${schemaName}.secure_delete = ON`)
  sqlite.pragma(`${schemaName}.cache_size = ${-CACHE_KIB.box}`)
}

export { BOX_IMAGE_TABLE } from './files.ts'

function unpackBoxFromBackup(sqlite: Sqlite.Database, boxFile: string): void {
  const found = sqlite.prepare('SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?').get('table', BOX_IMAGE_TABLE)
  if (!found) return
  const image = sqlite.prepare(`SELECT image FROM ${BOX_IMAGE_TABLE}`).pluck().get() as Buffer | undefined
  if (image) {
    const tmp = `${boxFile}.restoring`
    const fd = fs.openSync(tmp, 'w', 0o600)
    try {
      fs.writeSync(fd, image)
      fs.fsyncSync(fd)
    } finally {
      fs.closeSync(fd)
    }
    fs.rmSync(`${boxFile}-journal`, { force: true })
    fs.renameSync(tmp, boxFile)
  }
  sqlite.exec(`DROP TABLE ${BOX_IMAGE_TABLE}`)
}

/** After moving old ballots out, the file is rebuilt and the WAL emptied: no old page is left anywhere. */
function rewriteWithoutHistory(sqlite: Sqlite.Database): void {
  sqlite.exec('VACUUM main')
  sqlite.pragma('main.wal_checkpoint(TRUNCATE)')
}

function removeBox(boxFile: string): void {
  fs.rmSync(path.dirname(boxFile), { recursive: true, force: true })
}

/**
 * drizzle prepares every query afresh, and preparing costs more than running a small query.
 * Reusing the prepared statement for the same SQL text makes a cast several times cheaper.
 * A reused statement is put back to plain row objects, since drizzle switches some to raw mode.
 */
function cacheStatements(sqlite: Sqlite.Database, limit = 1000): void {
  const prepare = sqlite.prepare.bind(sqlite)
  const cache = new Map<string, Sqlite.Statement>()
  sqlite.prepare = ((source: string) => {
    let stmt = cache.get(source)
    if (!stmt) {
      if (cache.size >= limit) cache.clear()
      stmt = prepare(source)
      cache.set(source, stmt)
    } else if (stmt.reader) {
      stmt.raw(false)
    }
    return stmt
  }) as typeof sqlite.prepare
}
