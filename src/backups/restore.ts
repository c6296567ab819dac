import fs from 'node:fs'
import path from 'node:path'
import Sqlite from 'better-sqlite3'
import { BOX_IMAGE_TABLE, ballotBoxPath, openDatabaseFile } from '../db/client.ts'
import { BackupRefused, backupKind, decryptTo } from './backup-crypto.ts'
import {
  FILE_MODE,
  TEMP_PREFIX,
  copyInto,
  ownerOnlyFiles,
  ownerOnlyFolder,
  sqliteCompanions,
  syncFolder,
} from '../db/files.ts'
import { operatorActor, recordAudit } from '../audit/audit.ts'

export type RestoreReport = { file: string; encrypted: boolean; database: string; keptAside: string[] }

/**
 * Makes a backup (plain or encrypted, told apart by its first bytes) the database at `databaseFile`.
 * The backup is read, decrypted and checked whole in a private folder beside the database before
 * anything there is touched: a wrong passphrase or a damaged file changes nothing. A database
 * already there is replaced only with `force`, and never deleted: it is kept aside, with its ballot
 * box inside it, as `<name>.before-restore-<time>` (itself a backup that `restore` can read).
 * Refused while the app (or another command) has the database open.
 */
export async function restoreBackup(
  file: string,
  databaseFile: string,
  options: { force?: boolean; passphrase: () => Promise<string> },
): Promise<RestoreReport> {
  const source = path.resolve(file)
  const target = path.resolve(databaseFile)
  if (!fs.statSync(source, { throwIfNoEntry: false })?.isFile()) throw new BackupRefused(`There is no file ${source}.`)
  const kind = backupKind(source)
  if (kind === 'unknown')
    throw new BackupRefused(
      `${source} is not a Bal Panchayat backup (neither a database nor an encrypted backup); nothing was changed.`,
    )
  const box = ballotBoxPath(target)
  const present = [target, `${target}-wal`, box].filter((f) => fs.existsSync(f))
  if (present.length && !options.force) {
    throw new BackupRefused(
      `${target} already holds a database. To replace it, stop the app and run restore again with --force (the database there now is kept as ${path.basename(target)}.before-restore-<time>).`,
    )
  }
  const encrypted = kind === 'encrypted'
  const passphrase = encrypted ? await options.passphrase() : ''

  const madeFolder = ownerOnlyFolder(path.dirname(target))
  const work = fs.mkdtempSync(path.join(path.dirname(target), `${TEMP_PREFIX}restore-`))
  let swapped = false
  try {
    const restored = path.join(work, 'restored.sqlite')
    if (encrypted) decryptTo(source, restored, passphrase)
    else copyPlain(source, restored)
    checkRestorable(restored, source)
    const keptAside = present.length ? keepAside(target, box) : []
    fs.renameSync(restored, target)
    swapped = true
    syncFolder(path.dirname(target))
    // Opening it unpacks the ballot box beside it and brings it to the newest migration.
    const database = openDatabaseFile(target)
    try {
      recordAudit(database.db, operatorActor, {
        action: 'database.restored',
        subject: 'database',
        detail: { file: source, encrypted, keptAside },
      })
    } finally {
      database.close()
    }
    return { file: source, encrypted, database: target, keptAside }
  } finally {
    fs.rmSync(work, { recursive: true, force: true })
    // Refused: not even the folder the database was to go into is left behind.
    if (!swapped && madeFolder) fs.rmSync(madeFolder, { recursive: true, force: true })
  }
}

function inUse(target: string): BackupRefused {
  return new BackupRefused(
    `The database ${target} is in use: stop the app (and any other command using it), then restore again; nothing was changed.`,
  )
}

function copyPlain(source: string, out: string): void {
  const fd = fs.openSync(out, 'wx', FILE_MODE)
  try {
    copyInto(source, fd)
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}

/** Whole and ours: a sound SQLite file with the app's tables, and a sound ballot box inside it. */
function checkRestorable(file: string, source: string): void {
  const damaged = new BackupRefused(`${source} is damaged (it is not a sound database); nothing was changed.`)
  let db: Sqlite.Database | undefined
  try {
    db = new Sqlite(file, { fileMustExist: true })
    db.pragma('temp_store = MEMORY')
    if (db.pragma('integrity_check', { simple: true }) !== 'ok') throw damaged
    const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[])
    if (!tables.has('__drizzle_migrations') || !tables.has('users'))
      throw new BackupRefused(`${source} is a database, but not a Bal Panchayat one; nothing was changed.`)
    if (tables.has(BOX_IMAGE_TABLE)) {
      const image = db.prepare(`SELECT image FROM ${BOX_IMAGE_TABLE}`).pluck().get() as Buffer | undefined
      if (image) {
        const box = new Sqlite(image)
        try {
          if (box.pragma('integrity_check', { simple: true }) !== 'ok') throw damaged
        } finally {
          box.close()
        }
      }
    }
  } catch (err) {
    if (err instanceof BackupRefused) throw err
    if (err instanceof Sqlite.SqliteError) throw damaged
    throw err
  } finally {
    db?.close()
  }
}

/**
 * The database there now becomes `<name>.before-restore-<time>`, 600, with its ballot box inside it
 * as a backup carries it (the box file beside it is then removed: the restored database gets its
 * own). A database that cannot be opened is kept as its files are, each with the same ending.
 */
function keepAside(target: string, box: string): string[] {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const aside = (f: string) => `${f}.before-restore-${stamp}`
  if (fs.existsSync(target) && embedBox(target, box)) {
    fs.renameSync(target, aside(target))
    ownerOnlyFiles(aside(target))
    for (const f of [...sqliteCompanions(target).slice(1), ...sqliteCompanions(box)]) fs.rmSync(f, { force: true })
    return [aside(target)]
  }
  const kept: string[] = []
  for (const f of [...sqliteCompanions(target), ...sqliteCompanions(box)]) {
    if (!fs.existsSync(f)) continue
    fs.renameSync(f, aside(f))
    ownerOnlyFiles(aside(f))
    kept.push(aside(f))
  }
  return kept
}

/**
 * Puts the box's image into the database, as backupDatabase does; false if the database cannot be
 * opened. First it checks that nobody has the database open: the app keeps it in WAL mode, and
 * leaving WAL mode needs every other connection gone. Left, the file is whole in itself, with no
 * -wal or -shm beside it (openDatabaseFile turns WAL on again).
 */
function embedBox(target: string, box: string): boolean {
  let db: Sqlite.Database | undefined
  try {
    db = new Sqlite(target, { fileMustExist: true })
    db.pragma('busy_timeout = 0')
    if (db.pragma('journal_mode = DELETE', { simple: true }) !== 'delete') throw inUse(target)
    if (db.pragma('quick_check', { simple: true }) !== 'ok') return false
    const hasImage = db.prepare('SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?').get('table', BOX_IMAGE_TABLE)
    // A database that still holds its image (a backup put in place, never opened) keeps that one.
    if (!hasImage && fs.existsSync(box)) {
      db.prepare('ATTACH DATABASE ? AS box').run(box)
      const image = db.serialize({ attached: 'box' })
      db.exec('DETACH DATABASE box')
      db.transaction(() => {
        db!.exec(`CREATE TABLE ${BOX_IMAGE_TABLE} (image BLOB NOT NULL)`)
        db!.prepare(`INSERT INTO ${BOX_IMAGE_TABLE} (image) VALUES (?)`).run(image)
      })()
    }
    return true
  } catch (err) {
    if (err instanceof BackupRefused) throw err
    if (err instanceof Sqlite.SqliteError && err.code.startsWith('SQLITE_BUSY')) throw inUse(target)
    if (err instanceof Sqlite.SqliteError) return false
    throw err
  } finally {
    db?.close()
  }
}
