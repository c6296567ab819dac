import fs from 'node:fs'
import path from 'node:path'
import type Sqlite from 'better-sqlite3'
import { ballotBoxPath, type AppDatabase } from '../db/client.ts'
import { BackupRefused, passphraseProblem } from './backup-crypto.ts'
import { embedBoxImage, finishCopy } from './backup-copy.ts'
import { inBackupProcess } from './backup-process.ts'
import { TEMP_PREFIX, dataFolderOf, sqliteCompanions } from '../db/files.ts'
import { operatorActor, recordAudit } from '../audit/audit.ts'
import type { Actor } from '../core/actor.ts'

/**
 * A consistent copy of the live database: SQLite's online backup of the main file (a step at a
 * time, between requests), then the ballot box's image (as the box holds it: in place, no history),
 * taken after, so a poll that opened or closed meanwhile is never without its box. The image goes
 * inside the copy (backup-copy.ts); opening a backup as the app's database unpacks the box beside it
 * (see db/client.ts).
 */
async function copyLive(
  database: AppDatabase,
  copy: string,
  options: Partial<Sqlite.BackupOptions> = {},
): Promise<{ totalPages: number; image: Buffer }> {
  const { totalPages } = await database.sqlite.backup(copy, options as Sqlite.BackupOptions)
  return { totalPages, image: database.sqlite.serialize({ attached: 'box' }) }
}

/** The whole database and its box in one file, as they are (secrets and all): the raw copy a backup starts from. */
export async function backupDatabase(
  database: AppDatabase,
  target: string,
  options: Partial<Sqlite.BackupOptions> = {},
): Promise<{ totalPages: number; boxBytes: number }> {
  const { totalPages, image } = await copyLive(database, target, options)
  embedBoxImage(target, image)
  return { totalPages, boxBytes: image.length }
}

export type BackupReport = { file: string; encrypted: boolean; totalPages: number; boxBytes: number; bytes: number }

/**
 * The operator's backup (`npm run cli -- backup FILE [--passphrase]`). The copy is made and cleaned
 * in a private folder inside the data folder, so FILE's disk (a USB stick) never holds more than the
 * finished backup: no sessions (their ids, CSRF secrets) and no station PIN hashes, compacted so
 * that not a byte of them is left in free pages. Then it is written to FILE as it is, or encrypted
 * with the passphrase, mode 600, and recorded in the audit log (the erasure page reads these
 * entries to say which older backups still hold erased data). `ownProcess`: the finishing work
 * (compaction, encryption, the copy) in a process of its own, as the box's own backups do it while it serves.
 */
export async function writeBackup(
  database: AppDatabase,
  file: string,
  options: { passphrase?: string; actor?: Actor; ownProcess?: boolean } = {},
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
    const { totalPages, image } = await copyLive(database, copy)
    const job = { copy, image, target, passphrase: options.passphrase }
    const { bytes } = options.ownProcess
      ? await inBackupProcess<{ bytes: number }>({ kind: 'finish', job })
      : finishCopy(job)
    recordAudit(database.db, options.actor ?? operatorActor, {
      action: 'database.backed_up',
      subject: 'database',
      detail: { file: target, encrypted },
    })
    return { file: target, encrypted, totalPages, boxBytes: image.length, bytes }
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
