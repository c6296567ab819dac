import type { Session } from 'fastify'
import type Sqlite from 'better-sqlite3'

const DAY = 24 * 60 * 60 * 1000

/**
 * Keeps sessions in the app's own SQLite file, so a restart does not log everyone out and a
 * coordinator's password reset can end a user's sessions at once.
 */
export class SqliteSessionStore {
  private readonly getStmt: Sqlite.Statement<[string, number], { data: string }>
  private readonly setStmt: Sqlite.Statement<[string, number | null, string, number]>
  private readonly destroyStmt: Sqlite.Statement<[string]>
  private readonly sweepStmt: Sqlite.Statement<[number]>
  private lastSweep = 0

  constructor(sqlite: Sqlite.Database) {
    this.getStmt = sqlite.prepare('SELECT data FROM sessions WHERE id = ? AND expires_at > ?')
    this.setStmt = sqlite.prepare(`INSERT INTO sessions (id, user_id, data, expires_at) VALUES (?, ?, ?, ?)
      ON CONFLICT(id) DO UPDATE SET user_id = excluded.user_id, data = excluded.data, expires_at = excluded.expires_at`)
    this.destroyStmt = sqlite.prepare('DELETE FROM sessions WHERE id = ?')
    this.sweepStmt = sqlite.prepare('DELETE FROM sessions WHERE expires_at <= ?')
  }

  get(id: string, callback: (err: unknown, session?: Session | null) => void): void {
    try {
      const row = this.getStmt.get(id, Date.now())
      callback(null, row ? (JSON.parse(row.data) as Session) : null)
    } catch (err) { callback(err) }
  }

  set(id: string, session: Session, callback: (err?: unknown) => void): void {
    try {
      const expires = session.cookie?.expires ? new Date(session.cookie.expires).getTime() : Date.now() + DAY
      this.setStmt.run(id, session.userId ?? null, JSON.stringify(session), expires)
      this.sweep()
      callback()
    } catch (err) { callback(err) }
  }

  destroy(id: string, callback: (err?: unknown) => void): void {
    try { this.destroyStmt.run(id); callback() } catch (err) { callback(err) }
  }

  /** Expired rows are cleared at most once an hour, on a write. */
  private sweep(): void {
    const now = Date.now()
    if (now - this.lastSweep < 60 * 60 * 1000) return
    this.lastSweep = now
    this.sweepStmt.run(now)
  }
}
