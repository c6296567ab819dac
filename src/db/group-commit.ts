import type Sqlite from 'better-sqlite3'

type Pending = { work: () => unknown; resolve: (value: unknown) => void; reject: (reason: unknown) => void }

/**
 * Group commit: writes that arrive together (several tablets casting at once) share one
 * transaction and so one wait for the disk, and each caller hears back only after that commit.
 * Each write runs in its own savepoint: one refused write is rolled back alone.
 */
export class GroupCommit {
  private queue: Pending[] = []
  private scheduled = false
  private readonly sql: Record<'begin' | 'savepoint' | 'release' | 'rollbackTo' | 'commit', Sqlite.Statement>

  constructor(private readonly sqlite: Sqlite.Database) {
    this.sql = {
      begin: sqlite.prepare('BEGIN IMMEDIATE'), savepoint: sqlite.prepare('SAVEPOINT grouped'), release: sqlite.prepare('RELEASE grouped'),
      rollbackTo: sqlite.prepare('ROLLBACK TO grouped'), commit: sqlite.prepare('COMMIT'),
    }
  }

  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject })
      if (!this.scheduled) {
        this.scheduled = true
        setImmediate(() => this.flush())
      }
    })
  }

  private flush(): void {
    this.scheduled = false
    const batch = this.queue.splice(0)
    const outcomes: [Pending, boolean, unknown][] = []
    try {
      this.sql.begin.run()
    } catch (err) {
      for (const p of batch) p.reject(err)
      return
    }
    for (const p of batch) {
      this.sql.savepoint.run()
      try {
        const value = p.work()
        this.sql.release.run()
        outcomes.push([p, true, value])
      } catch (err) {
        this.sql.rollbackTo.run()
        this.sql.release.run()
        outcomes.push([p, false, err])
      }
    }
    try {
      this.sql.commit.run()
    } catch (err) {
      if (this.sqlite.inTransaction) this.sqlite.exec('ROLLBACK')
      for (const p of batch) p.reject(err)
      return
    }
    for (const [p, ok, value] of outcomes) (ok ? p.resolve : p.reject)(value)
  }
}
