import type { AppDatabase } from '../db/client.ts'
import {
  BackupFailed,
  BackupFolder,
  failure,
  type BackupFolderSettings,
  type FailureKind,
  type GoodBackup,
} from './backup-folder.ts'

/** What the schedule needs of the backup folder (a BackupFolder; tests give a fake). */
export type BackupTaker = {
  readonly settings: { dir: string; keep: number }
  lastGood(): GoodBackup | null
  take(at: number): Promise<GoodBackup>
}

export type Timers = {
  setTimeout: (run: () => void, ms: number) => unknown
  clearTimeout: (handle: unknown) => void
}

/** The parts of a logger used (fastify's pino logger fits). */
export type BackupLog = {
  info: (detail: object, message: string) => void
  error: (detail: object, message: string) => void
}

export type ScheduleTiming = {
  /** The nightly backup, in the box's local time. */
  nightlyAt: { hour: number; minute: number }
  /** Events within this long of the first are one backup, taken this long after it. */
  coalesceMs: number
  /** How often the clock is looked at for the nightly backup (a timer for 02:00 itself drifts over sleep and clock changes). */
  checkEveryMs: number
  /** The first look after start, when a missed night is made up. */
  firstCheckMs: number
  /** After a failed backup, the next try. */
  retryMs: number
  /** No good backup for this long, while the server has been up, is a warning. */
  overdueMs: number
}

export const DEFAULT_TIMING: ScheduleTiming = {
  nightlyAt: { hour: 2, minute: 0 },
  coalesceMs: 60_000,
  checkEveryMs: 5 * 60_000,
  firstCheckMs: 60_000,
  retryMs: 60 * 60_000,
  overdueMs: 26 * 3600_000,
}

export type BackupStatus = {
  dir: string
  keep: number
  lastGood: { file: string; at: Date } | null
  /** Set while the last attempt failed. */
  lastFailure: { at: Date; kind: FailureKind; message: string } | null
  overdue: boolean
  running: boolean
}

const realTimers: Timers = {
  setTimeout: (run, ms) => {
    const t = setTimeout(run, ms)
    t.unref()
    return t
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
}

/**
 * When the box takes its own backups: every night (and at the first look after start, when the
 * night was missed while it was off), shortly after a poll or a meeting closes (several such events
 * within a minute make one backup), and again an hour after one failed. One backup runs at a time;
 * an event during one asks for another after it. Nothing here ever throws to a caller: a backup that
 * fails is logged and shown to the coordinator. Idle until `start()` (server.ts); `stop()` on close.
 */
export class BackupSchedule {
  private readonly timing: ScheduleTiming
  private started = false
  private stopped = false
  private tickTimer: unknown = null
  private soonTimer: unknown = null
  private running: Promise<void> | null = null
  private again = false
  private upSince: number
  private lastAttemptAt: number | null = null
  private lastGood: GoodBackup | null = null
  private lastFailure: { at: number; kind: FailureKind; message: string } | null = null

  constructor(
    private readonly folder: BackupTaker,
    private readonly options: {
      now?: () => number
      timers?: Timers
      log?: BackupLog
      timing?: Partial<ScheduleTiming>
    } = {},
  ) {
    this.timing = { ...DEFAULT_TIMING, ...options.timing }
    this.upSince = this.now()
  }

  start(): void {
    if (this.started || this.stopped) return
    this.started = true
    this.upSince = this.now()
    try {
      this.lastGood = this.folder.lastGood()
    } catch {
      this.lastGood = null
    }
    this.tickIn(this.timing.firstCheckMs)
  }

  /** After a poll or a meeting closes: a backup in a minute, one for all the events of that minute. */
  soon(reason: string): void {
    if (!this.started || this.stopped || this.soonTimer !== null) return
    this.options.log?.info({ reason }, 'backup soon')
    this.soonTimer = this.timers.setTimeout(() => {
      this.soonTimer = null
      void this.runNow(reason)
    }, this.timing.coalesceMs)
  }

  /** Takes a backup now (or, if one is running, once more after it). Never rejects. */
  runNow(reason: string): Promise<void> {
    if (this.stopped) return Promise.resolve()
    if (this.running) {
      this.again = true
      return this.running
    }
    const at = this.now()
    this.lastAttemptAt = at
    this.running = new Promise<GoodBackup>((resolve) => resolve(this.folder.take(at)))
      .then(
        (made) => {
          this.lastGood = made
          this.lastFailure = null
          this.options.log?.info({ reason, file: made.file }, 'backup made and checked')
        },
        (err: unknown) => {
          const failed = err instanceof BackupFailed ? err : failure(err)
          this.lastFailure = { at, kind: failed.kind, message: failed.message }
          this.options.log?.error({ reason, kind: failed.kind, err: failed.message }, 'backup failed')
        },
      )
      .finally(() => {
        this.running = null
        if (this.again && !this.stopped) {
          this.again = false
          void this.runNow('asked for during the last backup')
        }
      })
    return this.running
  }

  /** Clears the timers and waits for a backup under way to finish. */
  async stop(): Promise<void> {
    this.stopped = true
    for (const timer of [this.tickTimer, this.soonTimer]) if (timer !== null) this.timers.clearTimeout(timer)
    this.tickTimer = this.soonTimer = null
    while (this.running) await this.running
  }

  status(): BackupStatus {
    const now = this.now()
    const since = Math.max(this.lastGood?.at ?? Number.NEGATIVE_INFINITY, this.upSince)
    return {
      dir: this.folder.settings.dir,
      keep: this.folder.settings.keep,
      lastGood: this.lastGood ? { file: this.lastGood.file, at: new Date(this.lastGood.at) } : null,
      lastFailure: this.lastFailure ? { ...this.lastFailure, at: new Date(this.lastFailure.at) } : null,
      overdue: this.lastFailure !== null || now - since > this.timing.overdueMs,
      running: this.running !== null,
    }
  }

  /** Why a backup is due now, or null: a night passed since the last attempt, or a failure an hour old. */
  due(now = this.now()): string | null {
    const last = this.lastAttemptAt ?? this.lastGood?.at ?? null
    // A clock set back (a box without a clock battery) must not stop the backups until it catches up.
    if (last === null || last > now || last < lastNightly(now, this.timing.nightlyAt)) return 'nightly'
    if (this.lastFailure && now - this.lastFailure.at >= this.timing.retryMs) return 'retry'
    return null
  }

  private tick(): void {
    this.tickTimer = null
    if (this.stopped) return
    const reason = this.due()
    if (reason && !this.running) void this.runNow(reason)
    this.tickIn(this.timing.checkEveryMs)
  }

  private tickIn(ms: number): void {
    this.tickTimer = this.timers.setTimeout(() => this.tick(), ms)
  }

  private now(): number {
    return (this.options.now ?? Date.now)()
  }
  private get timers(): Timers {
    return this.options.timers ?? realTimers
  }
}

/** The latest nightly time (local) at or before `now`. */
export function lastNightly(now: number, at: { hour: number; minute: number }): number {
  const d = new Date(now)
  const today = new Date(d.getFullYear(), d.getMonth(), d.getDate(), at.hour, at.minute).getTime()
  return today <= now ? today : new Date(d.getFullYear(), d.getMonth(), d.getDate() - 1, at.hour, at.minute).getTime()
}

export type BackupOptions = BackupFolderSettings & {
  timing?: Partial<ScheduleTiming>
  now?: () => number
  timers?: Timers
}

/** The schedule of the database's automatic backups into `options.dir`; idle until started. */
export function backupSchedule(database: AppDatabase, options: BackupOptions, log?: BackupLog): BackupSchedule {
  const { timing, now, timers, ...folder } = options
  return new BackupSchedule(new BackupFolder(database, folder), { timing, now, timers, log })
}
