import type { Session } from 'fastify'
import type Sqlite from 'better-sqlite3'
import { sessionDeadline, sessionEnd } from './session-policy.ts'
import { isStorageFull } from './storage.ts'

const HOUR = 60 * 60 * 1000
const DAY = 24 * HOUR

export type SessionStoreOptions = {
  now?: () => number
  /** At most this many sessions per person (each tablet opened as a station is one); the oldest go first. */
  perUser?: number
  /** At most this many in all; the oldest go first. */
  total?: number
  /**
   * The database's version (db/read-cache.ts, asked of the app's main connection, which sees this
   * store's commits and any other process's as changes): rows read are kept while it stays the same.
   * Without it every request reads its session from the file.
   */
  version?: () => string
}

/**
 * Sessions in the app's own SQLite file (a restart logs nobody out; a reset ends a user's at once).
 * Only a logged-in person's is stored, so visitors cannot fill the disk; a row lives until its
 * session's end (session-policy.ts), is never read back after it, and the table is bounded.
 */
export class SqliteSessionStore {
  private readonly now: () => number
  private readonly perUser: number
  private readonly total: number
  private readonly getStmt: Sqlite.Statement<[string], { data: string; expires_at: number }>
  private readonly updateStmt: Sqlite.Statement<[number, string, number, string]>
  private readonly insertStmt: Sqlite.Statement<[string, number, string, number]>
  private readonly destroyStmt: Sqlite.Statement<[string]>
  private readonly trimUserStmt: Sqlite.Statement<[number, number, number]>
  private readonly trimAllStmt: Sqlite.Statement<[number]>
  private readonly sweepStmt: Sqlite.Statement<[number]>
  private lastSweep = 0
  private readonly version: (() => string) | undefined
  /** Rows as read at `readAt` (null: no such session), forgotten at every write of this store. */
  private read = new Map<string, { data: string; expires_at: number } | null>()
  private readAt = ''
  /**
   * Sessions the disk had no room for, kept in memory until it has: on a full disk a facilitator can
   * still unlock the tablet and a thanked child is still thanked, while every vote and record is
   * refused with a message. Ended ones are remembered too, so a logout holds even if its DELETE failed.
   */
  private readonly unsaved = new Map<string, { data: string; expires: number } | 'ended'>()

  constructor(sqlite: Sqlite.Database, options: SessionStoreOptions = {}) {
    this.now = options.now ?? Date.now
    this.perUser = options.perUser ?? 60
    this.total = options.total ?? 5000
    this.version = options.version
    this.getStmt = sqlite.prepare('SELECT data, expires_at FROM sessions WHERE id = ?')
    this.updateStmt = sqlite.prepare('UPDATE sessions SET user_id = ?, data = ?, expires_at = ? WHERE id = ?')
    this.insertStmt = sqlite.prepare('INSERT INTO sessions (id, user_id, data, expires_at) VALUES (?, ?, ?, ?)')
    this.destroyStmt = sqlite.prepare('DELETE FROM sessions WHERE id = ?')
    this.trimUserStmt = sqlite.prepare(`DELETE FROM sessions WHERE user_id = ? AND rowid NOT IN
      (SELECT rowid FROM sessions WHERE user_id = ? ORDER BY rowid DESC LIMIT ?)`)
    this.trimAllStmt = sqlite.prepare(
      'DELETE FROM sessions WHERE rowid NOT IN (SELECT rowid FROM sessions ORDER BY rowid DESC LIMIT ?)',
    )
    this.sweepStmt = sqlite.prepare('DELETE FROM sessions WHERE expires_at <= ?')
    // Rows of visitors stored by older releases (7 days each) go at start.
    sqlite.prepare('DELETE FROM sessions WHERE user_id IS NULL').run()
  }

  /** A session past its end is deleted, and only why it ended is given back (to tell the person). */
  get(id: string, callback: (err: unknown, session?: Session | null) => void): void {
    try {
      const kept = this.unsaved.get(id)
      if (kept === 'ended') return callback(null, null)
      const row = kept ? { data: kept.data, expires_at: kept.expires } : this.row(id)
      if (!row) return callback(null, null)
      const now = this.now()
      const data = JSON.parse(row.data) as Session
      if (row.expires_at > now) return callback(null, data)
      this.forget(id)
      callback(null, { endedFor: sessionEnd(data, now) ?? 'absolute' } as Session)
    } catch (err) {
      callback(err)
    }
  }

  /** The stored row, read from the file unless read since the database last changed. */
  private row(id: string): { data: string; expires_at: number } | undefined {
    if (!this.version) return this.getStmt.get(id)
    const version = this.version()
    if (version !== this.readAt) {
      this.read.clear()
      this.readAt = version
    }
    let row = this.read.get(id)
    if (row === undefined) {
      row = this.getStmt.get(id) ?? null
      if (this.read.size >= this.total) this.read.clear()
      this.read.set(id, row)
    }
    return row ?? undefined
  }

  set(id: string, session: Session, callback: (err?: unknown) => void): void {
    this.read.clear()
    try {
      if (!session.userId) {
        // Not logged in: nothing to keep (a logout or an ended session leaves no row behind).
        this.forget(id)
        return callback()
      }
      const cookieExpires = session.cookie?.expires ? new Date(session.cookie.expires).getTime() : this.now() + DAY
      const expires = sessionDeadline(session, cookieExpires)
      const data = JSON.stringify(session)
      try {
        if (this.updateStmt.run(session.userId, data, expires, id).changes === 0)
          this.insertNew(id, session.userId, data, expires)
        this.unsaved.delete(id)
        this.sweep()
      } catch (err) {
        // A full disk, a busy or read-only file: the answer still goes out (a cast that committed is
        // thanked), and the session lives in memory until a later write to the file succeeds.
        if (!isStorageFull(err) && !isSqliteError(err)) throw err
        this.keepInMemory(id, { data, expires })
      }
      callback()
    } catch (err) {
      callback(err)
    }
  }

  destroy(id: string, callback: (err?: unknown) => void): void {
    try {
      this.forget(id)
      callback()
    } catch (err) {
      callback(err)
    }
  }

  private forget(id: string): void {
    this.read.clear()
    try {
      this.destroyStmt.run(id)
      this.unsaved.delete(id)
    } catch (err) {
      if (!isStorageFull(err)) throw err
      this.keepInMemory(id, 'ended')
    }
  }

  /** Bounded: a full disk for days must not fill the memory either; the oldest go first. */
  private keepInMemory(id: string, entry: { data: string; expires: number } | 'ended'): void {
    this.unsaved.delete(id)
    this.unsaved.set(id, entry)
    if (this.unsaved.size > 2000) this.unsaved.delete(this.unsaved.keys().next().value!)
  }

  /** A login: the person's oldest sessions beyond their share go, and the oldest of all beyond the cap. */
  private insertNew(id: string, userId: number, data: string, expires: number): void {
    this.insertStmt.run(id, userId, data, expires)
    this.trimUserStmt.run(userId, userId, this.perUser)
    this.trimAllStmt.run(this.total)
  }

  /** Expired rows are cleared at most once an hour, on a write. */
  private sweep(): void {
    const now = this.now()
    if (now - this.lastSweep < HOUR) return
    this.lastSweep = now
    this.sweepStmt.run(now)
  }
}

function isSqliteError(err: unknown): boolean {
  return (
    typeof (err as { code?: unknown } | null)?.code === 'string' && (err as { code: string }).code.startsWith('SQLITE_')
  )
}
