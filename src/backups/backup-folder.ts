import fs from 'node:fs'
import path from 'node:path'
import { ballotBoxPath, type AppDatabase } from '../db/client.ts'
import { writeBackup } from './backup.ts'
import type { backupProblem } from './backup-check.ts'
import { inBackupProcess } from './backup-process.ts'
import { BackupRefused } from './backup-crypto.ts'
import { FOLDER_MODE, dataFolderOf, sqliteCompanions } from '../db/files.ts'
import { operatorActor, recordAudit } from '../audit/audit.ts'
import type { Actor } from '../core/actor.ts'

/** The box itself, taking its own backups; the audit log names it so. */
export const scheduleActor: Actor = {
  ...operatorActor,
  username: 'backup-schedule',
  displayName: 'the box (automatic backup)',
}

export type BackupFolderSettings = {
  /** Where the backups go (absolute). */
  dir: string
  /** How many good backups are kept; older ones are deleted. */
  keep: number
  /** Encrypts each backup with this passphrase (BACKUP_PASSPHRASE); plain without it. */
  passphrase?: string
  /** The folder is made when missing only if it is the default one beside the database, never a USB stick's. */
  makeDir?: boolean
  /** Free space to leave on each disk after the backup (the level at which staff pages warn). */
  reserveBytes?: number
}

/** What went wrong, in the words the coordinator's page uses (backups.failure.<kind>). */
export const failureKinds = ['full', 'missing', 'denied', 'damaged', 'other'] as const
export type FailureKind = (typeof failureKinds)[number]

export class BackupFailed extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly file?: string,
  ) {
    super(message)
  }
}

export type GoodBackup = { file: string; at: number }

/** Damaged backups kept aside as `<name>.bad`, to look at; older ones are deleted. */
const BAD_KEPT = 3

/**
 * The folder of automatic backups: each one made by the command line's own `writeBackup` (no
 * sessions or PIN hashes, mode 600, recorded in the audit log), named by its local time, checked by
 * opening it, and the oldest good ones beyond `keep` deleted. A backup that fails its check becomes
 * `<name>.bad` and counts for nothing; files of other names (a backup made by hand) are never touched.
 * The finishing of the copy and its check run in a process of their own (backup-process.ts): the box goes on
 * answering the tablets and the staff while it backs itself up.
 */
export class BackupFolder {
  readonly prefix: string

  constructor(
    private readonly database: AppDatabase,
    readonly settings: BackupFolderSettings,
    /** The check of a finished backup (a test damages the file first). */
    private readonly hooks: { check?: typeof backupProblem } = {},
  ) {
    this.prefix = path.basename(database.sqlite.name).replace(/\.sqlite$/, '')
  }

  /** The newest good backup in the folder, by the time in its name; null if none (or no folder). */
  lastGood(): GoodBackup | null {
    return this.goodBackups().at(-1) ?? null
  }

  /** Makes, checks and keeps one backup taken at `at` (ms); throws BackupFailed, having changed nothing else. */
  async take(at: number): Promise<GoodBackup> {
    const { passphrase } = this.settings
    this.ensureFolder()
    this.ensureRoom()
    const file = this.freeName(at)
    try {
      await writeBackup(this.database, file, { passphrase, actor: scheduleActor, ownProcess: true })
    } catch (err) {
      throw failure(err, file)
    }
    const workIn = dataFolderOf(this.database.sqlite.name)
    let problem: string | null
    try {
      problem = this.hooks.check
        ? this.hooks.check(file, { passphrase, workIn })
        : await inBackupProcess<string | null>({ kind: 'check', file, passphrase, workIn })
    } catch (err) {
      // The check could not run at all (no process for it): the backup is not known to be good.
      problem = `not checked: ${(err as Error)?.message ?? err}`
    }
    if (problem) {
      const bad = `${file}.bad`
      try {
        fs.renameSync(file, bad)
      } catch {
        fs.rmSync(file, { force: true })
      }
      this.audit('database.backup_failed', { file: bad, reason: problem })
      this.pruneBad()
      throw new BackupFailed(
        'damaged',
        `The backup ${file} failed its check (${problem}); kept aside as ${path.basename(bad)}.`,
        bad,
      )
    }
    this.rotate()
    return { file, at }
  }

  /** Good backups, oldest first. */
  goodBackups(): GoodBackup[] {
    return this.named()
      .filter((b) => b.state === 'good')
      .sort(byTime)
      .map(({ file, at }) => ({ file, at }))
  }

  /** Every file of this folder named as ours: a good backup, one kept aside as bad, or a crash's partial one. */
  private named(): { file: string; at: number; seq: number; state: 'good' | 'bad' | 'partial' }[] {
    let names: string[]
    try {
      names = fs.readdirSync(this.settings.dir)
    } catch {
      return []
    }
    const pattern = new RegExp(
      `^${escapeRegExp(this.prefix)}-(\\d{4})-(\\d{2})-(\\d{2})-(\\d{2})(\\d{2})(\\d{2})(?:-(\\d+))?\\.(?:sqlite|bpbackup)(\\.bad|\\.partial-[0-9a-f]{8})?$`,
    )
    return names.flatMap((name) => {
      const m = pattern.exec(name)
      if (!m) return []
      const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number)
      return [
        {
          file: path.join(this.settings.dir, name),
          at: new Date(y, mo - 1, d, h, mi, s).getTime(),
          seq: Number(m[7] ?? 1),
          state: m[8] === undefined ? ('good' as const) : m[8] === '.bad' ? ('bad' as const) : ('partial' as const),
        },
      ]
    })
  }

  private ensureFolder(): void {
    const { dir, makeDir } = this.settings
    if (fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return
    if (!makeDir)
      throw new BackupFailed('missing', `The backup folder ${dir} is not there (is the USB stick plugged in?).`)
    try {
      fs.mkdirSync(dir, { recursive: true, mode: FOLDER_MODE })
    } catch (err) {
      throw failure(err)
    }
  }

  /**
   * A backup must never take the last of the database's disk: a vote after it would find no room.
   * The copy is made in the data folder first, then written to the backup folder.
   */
  private ensureRoom(): void {
    const reserve = this.settings.reserveBytes ?? 0
    const live = this.database.sqlite.name
    const size = [...sqliteCompanions(live), ballotBoxPath(live)].reduce(
      (n, f) => n + (fs.statSync(f, { throwIfNoEntry: false })?.size ?? 0),
      0,
    )
    const data = dataFolderOf(live)
    const sameDisk = fs.statSync(data).dev === fs.statSync(this.settings.dir).dev
    const needs = [{ folder: data, bytes: size + reserve + (sameDisk ? size : 0) }]
    if (!sameDisk) needs.push({ folder: this.settings.dir, bytes: size })
    for (const { folder, bytes } of needs) {
      const s = fs.statfsSync(folder)
      if (Number(s.bavail) * Number(s.bsize) < bytes)
        throw new BackupFailed(
          'full',
          `Not enough free space in ${folder} for a backup (${Math.ceil(bytes / 1048576)} MB needed).`,
        )
    }
  }

  /** `<prefix>-YYYY-MM-DD-HHMMSS.sqlite` in the box's local time, `-2`, `-3`… if taken. */
  private freeName(at: number): string {
    const t = new Date(at)
    const p = (n: number, w = 2) => String(n).padStart(w, '0')
    const stamp = `${p(t.getFullYear(), 4)}-${p(t.getMonth() + 1)}-${p(t.getDate())}-${p(t.getHours())}${p(t.getMinutes())}${p(t.getSeconds())}`
    const ext = this.settings.passphrase === undefined ? 'sqlite' : 'bpbackup'
    const taken = new Set(fs.readdirSync(this.settings.dir).map((n) => n.replace(/\.bad$/, '')))
    for (let seq = 1; ; seq++) {
      const name = `${this.prefix}-${stamp}${seq === 1 ? '' : `-${seq}`}.${ext}`
      if (!taken.has(name)) return path.join(this.settings.dir, name)
    }
  }

  /** Only after a good backup: the oldest good ones beyond `keep` go (never the newest), and stale partial files. */
  private rotate(): void {
    const all = this.named()
    const good = all.filter((b) => b.state === 'good').sort(byTime)
    const keep = Math.max(1, this.settings.keep)
    for (const old of good.slice(0, Math.max(0, good.length - keep))) {
      fs.rmSync(old.file, { force: true })
      this.audit('database.backup_removed', { file: old.file })
    }
    // One backup runs at a time, and this one is finished: a partial file left is a crash's.
    for (const p of all.filter((b) => b.state === 'partial')) fs.rmSync(p.file, { force: true })
  }

  private pruneBad(): void {
    const bad = this.named()
      .filter((b) => b.state === 'bad')
      .sort(byTime)
    for (const old of bad.slice(0, Math.max(0, bad.length - BAD_KEPT))) fs.rmSync(old.file, { force: true })
  }

  /** Best effort: a full disk may refuse the audit row too, and the backup's outcome stands anyway. */
  private audit(action: 'database.backup_failed' | 'database.backup_removed', detail: Record<string, unknown>): void {
    try {
      recordAudit(this.database.db, scheduleActor, { action, subject: 'database', detail })
    } catch {
      /* logged by the schedule */
    }
  }
}

function byTime(a: { at: number; seq: number }, b: { at: number; seq: number }): number {
  return a.at - b.at || a.seq - b.seq
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** The kind of a failure, from the error a write or SQLite gave. */
export function failure(err: unknown, file?: string): BackupFailed {
  if (err instanceof BackupFailed) return err
  const e = err as { code?: string; message?: string }
  const message = e?.message ?? String(err)
  const code = e?.code ?? ''
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG' || code.startsWith('SQLITE_FULL'))
    return new BackupFailed('full', message, file)
  if (
    code === 'ENOENT' ||
    code === 'ENOTDIR' ||
    code === 'ENODEV' ||
    code === 'ENXIO' ||
    (err instanceof BackupRefused && /There is no folder/.test(message))
  )
    return new BackupFailed('missing', message, file)
  if (
    code === 'EACCES' ||
    code === 'EPERM' ||
    code === 'EROFS' ||
    code.startsWith('SQLITE_READONLY') ||
    code.startsWith('SQLITE_CANTOPEN')
  )
    return new BackupFailed('denied', message, file)
  return new BackupFailed('other', message, file)
}
