import type Sqlite from 'better-sqlite3'

type Pending = { work: () => unknown; resolve: (value: unknown) => void; reject: (reason: unknown) => void }

/** Work done inside the shared transaction must be synchronous: a promise would outlive the commit. */
export type Synchronous<T> = T extends PromiseLike<unknown> ? never : T

/**
 * The whole batch was undone (the disk full or failing, the transaction rolled back by SQLite
 * itself, or the commit refused): no write of it is kept, and each caller hears so. `cause` is
 * SQLite's own error (its `code` says which: SQLITE_FULL, SQLITE_IOERR…).
 */
export class BatchFailed extends Error {
  constructor(readonly cause: unknown) {
    super(`the group commit was undone: ${(cause as Error)?.message ?? String(cause)}`)
    this.name = 'BatchFailed'
  }

  get code(): string | undefined {
    return (this.cause as { code?: string } | undefined)?.code
  }
}

/** At most this many writes share one transaction; more wait for the next. */
export const MAX_BATCH = 64

/**
 * Group commit: writes that arrive together (several tablets casting at once) share one
 * transaction and so one wait for the disk, and each caller hears back only after that commit.
 * Each write runs in its own savepoint: one refused write is rolled back alone. When the
 * transaction as a whole fails (a full disk, an I/O error, a failed commit), every write of the
 * batch is refused with BatchFailed, none is answered as done, and the connection is left outside
 * any transaction, ready for the next batch. Nothing thrown here escapes to the event loop.
 */
export class GroupCommit {
  private queue: Pending[] = []
  private scheduled = false
  private readonly sql: Record<'begin' | 'savepoint' | 'release' | 'rollbackTo' | 'commit', Sqlite.Statement>

  constructor(
    private readonly sqlite: Sqlite.Database,
    private readonly maxBatch = MAX_BATCH,
  ) {
    this.sql = {
      begin: sqlite.prepare('BEGIN IMMEDIATE'),
      savepoint: sqlite.prepare('SAVEPOINT grouped'),
      release: sqlite.prepare('RELEASE grouped'),
      rollbackTo: sqlite.prepare('ROLLBACK TO grouped'),
      commit: sqlite.prepare('COMMIT'),
    }
  }

  run<T>(work: () => Synchronous<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject })
      this.schedule()
    })
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      const batch = this.queue.splice(0, this.maxBatch)
      try {
        this.flush(batch)
      } catch (err) {
        // Only a bug gets here; still, every caller hears and the connection is freed.
        this.abandon(batch, err)
      }
      this.schedule()
    })
  }

  private flush(batch: Pending[]): void {
    const outcomes: [Pending, boolean, unknown][] = []
    try {
      this.sql.begin.run()
    } catch (err) {
      this.abandon(batch, err)
      return
    }
    for (const p of batch) {
      this.sql.savepoint.run()
      try {
        const value = p.work()
        if (isThenable(value)) throw new TypeError('group commit work must be synchronous')
        this.sql.release.run()
        outcomes.push([p, true, value])
      } catch (err) {
        // SQLite may have rolled the whole transaction back (SQLITE_FULL, IOERR, NOMEM): then the
        // writes before this one are gone too, and no savepoint is left to roll back to.
        if (!this.sqlite.inTransaction) {
          this.abandon(batch, err)
          return
        }
        try {
          this.sql.rollbackTo.run()
          this.sql.release.run()
        } catch (undoErr) {
          this.abandon(batch, undoErr)
          return
        }
        outcomes.push([p, false, err])
      }
    }
    try {
      this.sql.commit.run()
    } catch (err) {
      this.abandon(batch, err)
      return
    }
    for (const [p, ok, value] of outcomes) (ok ? p.resolve : p.reject)(value)
  }

  /** Undoes whatever is left of the transaction and refuses every write of the batch. */
  private abandon(batch: Pending[], cause: unknown): void {
    try {
      if (this.sqlite.inTransaction) this.sqlite.exec('ROLLBACK')
    } catch {
      /* SQLite has already ended the transaction */
    }
    const failure = cause instanceof BatchFailed ? cause : new BatchFailed(cause)
    for (const p of batch) p.reject(failure)
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
}
