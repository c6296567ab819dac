// The folder of automatic backups on a real database: each backup is the command line's own (no
// sessions, mode 600, in the audit log), checked by opening it; a damaged one is set aside and counts
// for nothing; the last 14 good ones are kept, never the newest deleted, files of other names never touched.
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import Sqlite from 'better-sqlite3'
import { BackupFailed, BackupFolder, failure, type BackupFolderSettings } from '../../src/backups/backup-folder.ts'
import { BackupRefused } from '../../src/backups/backup-crypto.ts'
import { backupProblem } from '../../src/backups/backup-check.ts'
import { BOX_IMAGE_TABLE } from '../../src/db/client.ts'
import { backupsBefore, eraseChild } from '../../src/privacy/child-data.ts'
import { ctxFor, freshDatabase, seedVillages } from '../helpers/app.ts'
import { villageChildren } from '../helpers/elections.ts'

// The backup's own process from the build when it is up to date (see compiledBackupWorker): it starts
// in a fraction of the time, and this file starts it two times a backup.
vi.mock('node:child_process', async (original) =>
  (await import('../helpers/entry.ts')).compiledBackupWorker(await original()),
)

const local = (day: number, hour: number, minute = 0, second = 0) =>
  new Date(2025, 0, day, hour, minute, second).getTime()
const HOUR = 3600_000
let database: ReturnType<typeof freshDatabase>
let fx: Awaited<ReturnType<typeof seedVillages>>
let dir: string

beforeEach(async () => {
  database = freshDatabase()
  fx = await seedVillages(database)
  // A session, as a logged-in phone leaves one: the backups must not carry it.
  database.sessions
    .prepare('INSERT INTO sessions (id, data, expires_at) VALUES (?, ?, ?)')
    .run('s-secret-session-id', '{}', Date.now() + HOUR)
  dir = path.join(database.dir, 'backups')
})
afterEach(() => {
  database.close()
  fs.rmSync(database.dir, { recursive: true, force: true })
})

const folder = (settings: Partial<BackupFolderSettings> = {}, check?: typeof backupProblem) =>
  new BackupFolder(database, { dir, keep: 14, makeDir: true, ...settings }, check ? { check } : undefined)
const names = () => fs.readdirSync(dir).sort()
const audit = (action: string) =>
  (
    database.sqlite
      .prepare('SELECT actor_name AS actor, detail FROM audit_log WHERE action = ? ORDER BY id')
      .all(action) as { actor: string; detail: string }[]
  ).map((r) => ({ actor: r.actor, ...JSON.parse(r.detail) }))

/** Overwrites two pages in the middle of a file with junk, as a failing disk or stick might. */
function damageMiddle(file: string) {
  const bytes = fs.readFileSync(file)
  const page = 4096
  const at = Math.floor(bytes.length / page / 2) * page
  bytes.fill(0xa5, at, at + 2 * page)
  fs.writeFileSync(file, bytes)
}

describe('a backup in the folder', () => {
  it("is the command line's backup: named by the local time, 600, sound, without sessions, and in the audit log as the box's", async () => {
    const made = await folder().take(local(10, 2, 0, 7))
    expect(made.file).toBe(path.join(dir, 'test-2025-01-10-020007.sqlite'))
    expect(names()).toEqual(['test-2025-01-10-020007.sqlite'])
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700)
    expect(fs.statSync(made.file).mode & 0o777).toBe(0o600)
    expect(backupProblem(made.file, { workIn: database.dir })).toBeNull()
    const copy = new Sqlite(made.file, { readonly: true })
    try {
      expect(copy.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0)
      expect(copy.prepare('SELECT count(*) FROM users').pluck().get()).toBe(4)
    } finally {
      copy.close()
    }
    expect(fs.readFileSync(made.file).includes(Buffer.from('s-secret-session-id'))).toBe(false)
    expect(audit('database.backed_up')).toEqual([
      { actor: 'the box (automatic backup)', file: made.file, encrypted: false },
    ])
    expect(folder().lastGood()).toEqual(made)
  })

  it('two in the same second get different names, in order', async () => {
    const f = folder()
    const a = await f.take(local(10, 2))
    const b = await f.take(local(10, 2))
    expect(path.basename(b.file)).toBe('test-2025-01-10-020000-2.sqlite')
    expect(f.goodBackups().map((g) => g.file)).toEqual([a.file, b.file])
  })

  it('with BACKUP_PASSPHRASE is encrypted, checked by decrypting it, and recorded as encrypted', {
    timeout: 30_000,
  }, async () => {
    const f = folder({ passphrase: 'mango tree by the well' })
    const made = await f.take(local(10, 2))
    expect(path.basename(made.file)).toBe('test-2025-01-10-020000.bpbackup')
    expect(fs.readFileSync(made.file).includes(Buffer.from('SQLite format 3'))).toBe(false)
    expect(audit('database.backed_up')).toMatchObject([{ file: made.file, encrypted: true }])
    expect(f.lastGood()).toEqual(made)
  })
})

describe('the check of a finished backup', () => {
  it('finds bytes overwritten in the middle of the file', async () => {
    const made = await folder().take(local(10, 2))
    expect(backupProblem(made.file, { workIn: database.dir }), 'control: sound before').toBeNull()
    damageMiddle(made.file)
    expect(backupProblem(made.file, { workIn: database.dir })).toMatch(/integrity_check|malformed|not a database/)
  })

  it('finds a damaged or a missing ballot box inside a sound file', async () => {
    const made = await folder().take(local(10, 2))
    const db = new Sqlite(made.file)
    try {
      const image = db.prepare(`SELECT image FROM ${BOX_IMAGE_TABLE}`).pluck().get() as Buffer
      const broken = Buffer.from(image)
      // The box's second page onwards (its tables' b-trees) overwritten.
      broken.fill(0x5a, 4096, Math.min(broken.length, 3 * 4096))
      db.prepare(`UPDATE ${BOX_IMAGE_TABLE} SET image = ?`).run(broken)
    } finally {
      db.close()
    }
    expect(backupProblem(made.file, { workIn: database.dir })).toMatch(/ballot box/)
    const again = new Sqlite(made.file)
    try {
      again.exec(`DROP TABLE ${BOX_IMAGE_TABLE}`)
    } finally {
      again.close()
    }
    expect(backupProblem(made.file, { workIn: database.dir })).toBe('the ballot box is missing')
  })

  it('a backup that fails it is kept aside as .bad, counts for nothing, deletes nothing, and is in the audit log', async () => {
    const good = await folder({ keep: 1 }).take(local(10, 2))
    const spoiling = folder({ keep: 1 }, (file, options) => {
      damageMiddle(file)
      return backupProblem(file, options)
    })
    const failed = await spoiling.take(local(11, 2)).then(
      () => null,
      (err: unknown) => err,
    )
    expect(failed).toBeInstanceOf(BackupFailed)
    expect(failed).toMatchObject({ kind: 'damaged', file: path.join(dir, 'test-2025-01-11-020000.sqlite.bad') })
    expect(names()).toEqual(['test-2025-01-10-020000.sqlite', 'test-2025-01-11-020000.sqlite.bad'])
    expect(spoiling.lastGood()).toEqual(good)
    expect(audit('database.backup_failed')).toMatchObject([
      { file: path.join(dir, 'test-2025-01-11-020000.sqlite.bad'), reason: expect.any(String) },
    ])
    expect(audit('database.backup_removed')).toEqual([])
  })
})

describe('rotation', () => {
  it('keeps the last 14 good backups: the oldest go, each recorded; other files and damaged ones stay', {
    timeout: 60_000,
  }, async () => {
    fs.mkdirSync(dir, { mode: 0o700 })
    fs.writeFileSync(path.join(dir, 'before-the-upgrade.sqlite'), 'kept by hand')
    fs.writeFileSync(path.join(dir, 'test-2025-01-01-020000.sqlite.bad'), 'set aside')
    // A crash's partial file from an earlier run.
    fs.writeFileSync(path.join(dir, 'test-2025-01-01-030000.sqlite.partial-0badc0de'), 'half')
    const f = folder()
    const made: string[] = []
    for (let i = 0; i < 16; i++) made.push((await f.take(local(10, 2) + i * HOUR)).file)
    const good = f.goodBackups().map((g) => g.file)
    expect(good).toEqual(made.slice(2))
    expect(names()).toEqual(
      [
        ...made.slice(2).map((m) => path.basename(m)),
        'before-the-upgrade.sqlite',
        'test-2025-01-01-020000.sqlite.bad',
      ].sort(),
    )
    expect(audit('database.backup_removed').map((r) => r.file)).toEqual(made.slice(0, 2))
    expect(f.lastGood()?.file).toBe(made[15])
  })

  it("a deleted backup is no longer listed on an erased child's page as still holding the child's data", async () => {
    const f = folder({ keep: 1 })
    const older = await f.take(local(10, 2))
    const newer = await f.take(local(11, 2))
    const papdi = fx.villages.papdi.id
    const { Zoya } = villageChildren(database, fx.users.facilitator, papdi, [['Zoya', 'girl']])
    const coordinator = ctxFor(database, fx.users.admin)
    eraseChild(coordinator, papdi, Zoya)
    const listed = backupsBefore(coordinator, papdi, Zoya).map((b) => b.file)
    expect(listed).toEqual([newer.file])
    expect(listed).not.toContain(older.file)
  })

  it('BACKUP_KEEP=1 keeps only the newest', async () => {
    const f = folder({ keep: 1 })
    await f.take(local(10, 2))
    const newest = await f.take(local(11, 2))
    expect(f.goodBackups()).toEqual([newest])
  })
})

describe('a backup that cannot be made', () => {
  it("a missing folder that is not the default one (a USB stick not plugged in) is not made on the box's disk", async () => {
    const stick = path.join(database.dir, 'media', 'usb', 'backups')
    const err = await new BackupFolder(database, { dir: stick, keep: 14 }).take(local(10, 2)).catch((e: unknown) => e)
    expect(err).toMatchObject({ kind: 'missing' })
    expect(fs.existsSync(stick)).toBe(false)
    expect(audit('database.backed_up')).toEqual([])
  })

  it('too little free space: refused before anything is written', async () => {
    const err = await folder({ reserveBytes: Number.MAX_SAFE_INTEGER })
      .take(local(10, 2))
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ kind: 'full' })
    expect(names()).toEqual([])
    expect(fs.readdirSync(database.dir).filter((n) => n.startsWith('.bp-'))).toEqual([])
  })

  it('each failure has a kind the coordinator is told in plain words', () => {
    const err = (code: string) => Object.assign(new Error(code), { code })
    expect(failure(err('ENOSPC')).kind).toBe('full')
    expect(failure(err('SQLITE_FULL')).kind).toBe('full')
    expect(failure(err('ENOENT')).kind).toBe('missing')
    expect(failure(new BackupRefused('There is no folder /media/usb to write the backup into.')).kind).toBe('missing')
    expect(failure(err('EACCES')).kind).toBe('denied')
    expect(failure(err('EROFS')).kind).toBe('denied')
    expect(failure(err('EIO')).kind).toBe('other')
  })
})
