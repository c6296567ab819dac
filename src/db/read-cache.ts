import type Sqlite from 'better-sqlite3'
import type { Db } from './client.ts'

/**
 * What a page read from the database, kept until the database changes: a staff page asked for again
 * (a refresh, a filter, Back) costs no query. Reading Devanagari text out of SQLite is dear — the
 * register's 50 children cost more than drawing their table — and on the box's file every query
 * also takes SQLite's locks, a few system calls; the same rows are read again and again between two
 * changes.
 *
 * "Unchanged" is SQLite's own word for it (see `databaseVersion`), asked before every use; the
 * version is read before the rows, so a change that lands while they are read makes the next
 * request read them again. Nothing is kept or used inside a transaction (its writes may yet be
 * undone). What depends on anything but the database (the day, the language) belongs in the key.
 * What is kept is frozen: whoever gets it may not change it. `schemas`: the files the rows come
 * from ('box' for the ballot box's).
 */
export function readCache<T>(
  options: { limit?: number; schemas?: readonly string[] } = {},
): (db: Db, key: string, read: () => T) => T {
  const limit = options.limit ?? 100
  const schemas = options.schemas ?? ['main']
  const kept = new WeakMap<Sqlite.Database, { version: string; entries: Map<string, T> }>()
  return (db, key, read) => {
    // drizzle's handle on the connection (a transaction's handle has none: read afresh).
    const sqlite = (db as Db & { $client?: Sqlite.Database }).$client
    if (!sqlite || sqlite.inTransaction) return read()
    const version = versionOrNull(sqlite, schemas)
    if (version === null) return read()
    let state = kept.get(sqlite)
    if (!state || state.version !== version) {
      state = { version, entries: new Map() }
      kept.set(sqlite, state)
    }
    let value = state.entries.get(key)
    if (value === undefined) {
      value = deepFreeze(read())
      if (state.entries.size >= limit) state.entries.delete(state.entries.keys().next().value!)
      state.entries.set(key, value)
    }
    return value
  }
}

type Versions = {
  schemas: Map<string, Sqlite.Statement>
  seen: Map<string, number>
  seenAt: bigint
}
const versions = new WeakMap<Sqlite.Database, Versions>()

/**
 * The version of the database as this connection sees it, changed by any write: this connection's
 * own (`total_changes()`, every row it inserted, updated or deleted, the ballot box's included,
 * counted afresh every time) and any other connection's commit to one of `schemas` (their
 * `data_version`: an operator's command, another process). The latter takes SQLite's locks on the
 * file (a tenth of a small staff page's time when asked for every request), so it is asked at most
 * once every OTHERS_SEEN_MS and reused meanwhile: what another process committed is seen by the
 * requests after that, as if they had come a moment earlier. The process's own writes, on any of its
 * connections (the session store's too), count at once.
 */
export function databaseVersion(sqlite: Sqlite.Database, schemas: readonly string[] = ['main']): string {
  let v = versions.get(sqlite)
  if (!v) {
    countWrites(sqlite)
    v = {
      schemas: new Map(),
      seen: new Map(),
      seenAt: 0n,
    }
    versions.set(sqlite, v)
  }
  let version = String(writes)
  if (v.seen.size > 0 && process.hrtime.bigint() - v.seenAt > OTHERS_SEEN_NS) v.seen.clear()
  for (const schema of schemas) {
    let seen = v.seen.get(schema)
    if (seen === undefined) {
      if (v.seen.size === 0) v.seenAt = process.hrtime.bigint()
      let statement = v.schemas.get(schema)
      if (!statement) {
        statement = sqlite.prepare(`PRAGMA "${schema.replaceAll('"', '""')}".data_version`)
        v.schemas.set(schema, statement)
      }
      seen = numberOf(statement)
      v.seen.set(schema, seen)
    }
    version += `:${seen}`
  }
  return version
}

/**
 * Statements run that may have written, on any connection of this process: this connection's own writes
 * change the version at once. It stands for SQLite's `total_changes()`, which was asked by a statement of
 * its own on every lookup (a tenth of a result page's time): a statement that may write (`readonly` false:
 * INSERT, UPDATE, DELETE, DDL; the writes of a transaction are its statements), `exec` and `pragma` count before they run,
 * whether or not they change a row — so the count moves at least whenever total_changes() would.
 */
let writes = 0
let counting = false
function countWrites(sqlite: Sqlite.Database): void {
  if (counting) return
  counting = true
  const statement = Object.getPrototypeOf(sqlite.prepare('SELECT 1')) as Record<string, unknown>
  for (const method of ['run', 'get', 'all', 'iterate']) {
    const original = statement[method] as (this: Sqlite.Statement, ...args: unknown[]) => unknown
    statement[method] = function (this: Sqlite.Statement, ...args: unknown[]) {
      if (!this.readonly) writes++
      return original.apply(this, args)
    }
  }
  const database = Object.getPrototypeOf(sqlite) as Record<string, unknown>
  for (const method of ['exec', 'pragma']) {
    const original = database[method] as (this: Sqlite.Database, ...args: unknown[]) => unknown
    database[method] = function (this: Sqlite.Database, ...args: unknown[]) {
      writes++
      return original.apply(this, args)
    }
  }
}

/** No version (a schema named that is not attached): nothing is kept. */
function versionOrNull(sqlite: Sqlite.Database, schemas: readonly string[]): string | null {
  try {
    return databaseVersion(sqlite, schemas)
  } catch {
    return null
  }
}

/** How long another process's commit may go unseen (see `databaseVersion`). */
export const OTHERS_SEEN_MS = 50
const OTHERS_SEEN_NS = BigInt(OTHERS_SEEN_MS) * 1_000_000n
const numberOf = (s: Sqlite.Statement) => (s.get() as { data_version: number }).data_version

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value
  if (value instanceof Date) return value
  Object.freeze(value)
  for (const inner of Object.values(value)) deepFreeze(inner)
  return value
}
