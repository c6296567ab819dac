import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'

/** The database as every verb sees it: drizzle's query builder, no relational schema attached. */
export type Db = BetterSQLite3Database
/** A transaction handle has the same query API as the database. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]
