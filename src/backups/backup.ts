import fs from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import Sqlite from 'better-sqlite3'
import { BOX_IMAGE_TABLE, ballotBoxPath, type AppDatabase } from '../db/client.ts'
import { BackupRefused, encryptTo, passphraseProblem } from './backup-crypto.ts'
import {
  FILE_MODE,
  TEMP_PREFIX,
  copyInto,
  dataFolderOf,
  ownerOnlyIfPossible,
  sqliteCompanions,
  syncFolder,
} from '../db/files.ts'
import { operatorActor, recordAudit } from '../audit/audit.ts'
import type { Actor } from '../core/actor.ts'

/**
 * A consistent copy of the live database in one file: SQLite's online backup of the main file,
 * then the ballot box's image (as the box holds it: in place, no history) inside the copy, taken
 * after, so a poll that opened or closed meanwhile is never without its box. Opening the copy as
 * the app's database unpacks the box beside it (see db/client.ts).
 */
export async function backupDatabase(
  database: AppDatabase,
  target: string,
  options: Partial<Sqlite.BackupOptions> = {},
): Promise<{ totalPages: number; boxBytes: number }> {
  const { totalPages } = await database.sqlite.backup(target, options as Sqlite.BackupOptions)
  const image = database.sqlite.serialize({ attached: 'box' })
  const copy = new Sqlite(target)
  try {
    copy.exec(`CREATE TABLE ${BOX_IMAGE_TABLE} (image BLOB NOT NULL)`)
    copy.prepare(`INSERT INTO ${BOX_IMAGE_TABLE} (image) VALUES (?)`).run(image)
    copy.pragma('wal_checkpoint(TRUNCATE)')
  } finally {
    copy.close()
  }
  fs.chmodSync(target, FILE_MODE)
  return { totalPages, boxBytes: image.length }
}

export type BackupReport = { file: string; encrypted: boolean; totalPages: number; boxBytes: number; bytes: number }

/**
 * The operator's backup (`npm run cli -- backup FILE [--passphrase]`). The copy is made and cleaned
 * in a private folder inside the data folder, so FILE's disk (a USB stick) never holds more than the
 * finished backup: no sessions (their ids, CSRF secrets) and no station PIN hashes, compacted so
 * that not a byte of them is left in free pages. Then it is written to FILE as it is, or encrypted
 * with the passphrase, mode 600, and recorded in the audit log (the erasure page reads these
 * entries to say which older backups still hold erased data).
 */
export async function writeBackup(
  database: AppDatabase,
  file: string,
  options: { passphrase?: string; actor?: Actor } = {},
): Promise<BackupReport> {
  const target = path.resolve(file)
  const encrypted = options.passphrase !== undefined
  if (encrypted) {
    const problem = passphraseProblem(options.passphrase!)
    if (problem) throw new BackupRefused(problem)
  }
  refuseLiveFiles(database, target)
  if (fs.statSync(target, { throwIfNoEntry: false })?.isDirectory())
    throw new BackupRefused(`${target} is a folder: give the backup a file name in it.`)
  if (!fs.statSync(path.dirname(target), { throwIfNoEntry: false })?.isDirectory())
    throw new BackupRefused(`There is no folder ${path.dirname(target)} to write the backup into.`)
  const work = fs.mkdtempSync(path.join(dataFolderOf(database.sqlite.name), `${TEMP_PREFIX}backup-`))
  try {
    const copy = path.join(work, 'backup.sqlite')
    const { totalPages, boxBytes } = await backupDatabase(database, copy)
    leaveOutSecrets(copy)
    const partial = `${target}.partial-${randomBytes(4).toString('hex')}`
    const fd = fs.openSync(partial, 'wx', FILE_MODE)
    try {
      ownerOnlyIfPossible(fd)
      if (encrypted) encryptTo(copy, fd, options.passphrase!)
      else copyInto(copy, fd)
      fs.fsyncSync(fd)
    } catch (err) {
      fs.closeSync(fd)
      fs.rmSync(partial, { force: true })
      throw err
    }
    fs.closeSync(fd)
    fs.renameSync(partial, target)
    syncFolder(path.dirname(target))
    recordAudit(database.db, options.actor ?? operatorActor, {
      action: 'database.backed_up',
      subject: 'database',
      detail: { file: target, encrypted },
    })
    return { file: target, encrypted, totalPages, boxBytes, bytes: fs.statSync(target).size }
  } finally {
    fs.rmSync(work, { recursive: true, force: true })
  }
}

/** Writing a backup over the live database, its WAL or its box would destroy them. */
function refuseLiveFiles(database: AppDatabase, target: string): void {
  const live = path.resolve(database.sqlite.name)
  const taken = [...sqliteCompanions(live), ...sqliteCompanions(ballotBoxPath(live))]
  if (taken.includes(target))
    throw new BackupRefused(`${target} is the live database (or one of its files); choose another name for the backup.`)
}

/**
 * Sessions (ids, CSRF secrets) and the stations' PIN hashes stay on the box: a restored database
 * starts with everyone logged out and every station closed anyway. secure_delete zeroes what is
 * deleted, and VACUUM rebuilds the file with no free page at all; the rollback journal that VACUUM
 * writes lives and dies in the private folder.
 */
function leaveOutSecrets(file: string): void {
  const copy = new Sqlite(file)
  try {
    copy.pragma('journal_mode = DELETE')
    copy.pragma('secure_delete = ON')
    // VACUUM builds the new file in a temporary database: in memory, not in /tmp.
    copy.pragma('temp_store = MEMORY')
    copy.exec("DELETE FROM sessions; UPDATE stations SET pin_hash = ''")
    copy.exec('VACUUM')
  } finally {
    copy.close()
  }
}
