import fs from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import Sqlite from 'better-sqlite3'
import { encryptTo } from './backup-crypto.ts'
import { BOX_IMAGE_TABLE, FILE_MODE, copyInto, ownerOnlyIfPossible, syncFolder } from '../db/files.ts'

/**
 * What is left of a backup once the live database has been copied (`copy`, SQLite's online backup)
 * and the ballot box's image taken: none of it touches the live files, so the box's own backups do
 * it in a process of its own (backup-process.ts), and the tablets' casts are not held up by it.
 */
export type CopyJob = {
  /** The online backup's copy, in a private folder inside the data folder. */
  copy: string
  /** The ballot box as it was just after the copy (better-sqlite3's serialize). */
  image: Uint8Array
  /** Where the finished backup goes. */
  target: string
  passphrase?: string
}

/**
 * Puts the box's image inside the copy, leaves out the secrets, and writes it to `target` as it is
 * or encrypted, mode 600, flushed, by a rename. Returns the finished file's size.
 */
export function finishCopy({ copy, image, target, passphrase }: CopyJob): { bytes: number } {
  embedBoxImage(copy, image)
  leaveOutSecrets(copy)
  const partial = `${target}.partial-${randomBytes(4).toString('hex')}`
  const fd = fs.openSync(partial, 'wx', FILE_MODE)
  try {
    ownerOnlyIfPossible(fd)
    if (passphrase !== undefined) encryptTo(copy, fd, passphrase)
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
  return { bytes: fs.statSync(target).size }
}

/** The box's image inside the copy, as one row of its own table; the copy 600. */
export function embedBoxImage(copy: string, image: Uint8Array): void {
  const db = new Sqlite(copy)
  try {
    db.exec(`CREATE TABLE ${BOX_IMAGE_TABLE} (image BLOB NOT NULL)`)
    db.prepare(`INSERT INTO ${BOX_IMAGE_TABLE} (image) VALUES (?)`).run(Buffer.from(image))
    db.pragma('wal_checkpoint(TRUNCATE)')
  } finally {
    db.close()
  }
  fs.chmodSync(copy, FILE_MODE)
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
