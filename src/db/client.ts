import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Sqlite from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import * as schema from './schema.ts'

export type Db = BetterSQLite3Database<typeof schema>
/** A transaction handle has the same query API as the database. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const migrationsFolder = path.join(projectRoot, 'migrations')

export type AppDatabase = { sqlite: Sqlite.Database; db: Db; close(): void }

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
  const db = drizzle(sqlite, { schema })
  migrate(db, { migrationsFolder })
  return { sqlite, db, close: () => sqlite.close() }
}
