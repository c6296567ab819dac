import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Sqlite from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import * as schema from './schema.ts'
import { GroupCommit } from './group-commit.ts'

export type Db = BetterSQLite3Database<typeof schema>
/** A transaction handle has the same query API as the database. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const migrationsFolder = path.join(projectRoot, 'migrations')

export type AppDatabase = {
  sqlite: Sqlite.Database
  db: Db
  /**
   * A second connection for sessions, committing without waiting for the disk (synchronous=NORMAL):
   * a login lost to a power cut only means logging in again, and the next durable commit of the main
   * connection flushes the shared WAL anyway. Votes and records always go through `sqlite`.
   */
  sessions: Sqlite.Database
  close(): void
}

const groupCommits = new WeakMap<object, GroupCommit>()

/** The group commit of this database, for writes that many clients make at once (casting). */
export function groupCommit(db: Db | Tx): GroupCommit {
  const found = groupCommits.get(db)
  if (!found) throw new Error('no group commit for this database handle')
  return found
}

/**
 * Opens (creating if needed) the SQLite file and brings it to the newest migration.
 * WAL with synchronous=FULL: a commit the client was told about survives a power cut.
 */
export function openDatabase(file: string): AppDatabase {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
  const sqlite = new Sqlite(file)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = FULL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  cacheStatements(sqlite)
  const db = drizzle(sqlite, { schema })
  migrate(db, { migrationsFolder })
  const sessions = file === ':memory:' ? sqlite : new Sqlite(file)
  if (sessions !== sqlite) {
    sessions.pragma('synchronous = NORMAL')
    sessions.pragma('busy_timeout = 5000')
  }
  groupCommits.set(db, new GroupCommit(sqlite))
  return { sqlite, db, sessions, close: () => { if (sessions !== sqlite) sessions.close(); sqlite.close() } }
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
