import fs from 'node:fs'
import path from 'node:path'
import Sqlite from 'better-sqlite3'
import { backupKind, decryptTo } from './backup-crypto.ts'
import { BOX_IMAGE_TABLE, TEMP_PREFIX } from '../db/files.ts'

/**
 * Whether a finished backup can be trusted: opened on its own, read-only, it passes SQLite's
 * `integrity_check`, holds the app's tables and the ballot box's image, and that image passes
 * `integrity_check` too. An encrypted backup is decrypted (which checks every byte against its tag)
 * into a private folder inside `workIn` first. Returns null when sound, else why not, in one line.
 */
export function backupProblem(file: string, options: { passphrase?: string; workIn: string }): string | null {
  const kind = backupKind(file)
  if (kind === 'unknown') return 'not a database file'
  if (kind === 'plain') return databaseProblem(file)
  if (options.passphrase === undefined) return 'encrypted, and no passphrase to check it with'
  const work = fs.mkdtempSync(path.join(options.workIn, `${TEMP_PREFIX}check-`))
  try {
    const plain = path.join(work, 'backup.sqlite')
    try {
      decryptTo(file, plain, options.passphrase)
    } catch (err) {
      return (err as Error).message
    }
    return databaseProblem(plain)
  } finally {
    fs.rmSync(work, { recursive: true, force: true })
  }
}

function databaseProblem(file: string): string | null {
  let db: Sqlite.Database | undefined
  try {
    db = new Sqlite(file, { readonly: true, fileMustExist: true })
    // Sorting for the check stays in memory: no temporary file beside a backup on a USB stick.
    db.pragma('temp_store = MEMORY')
    const found = integrity(db)
    if (found) return `integrity_check: ${found}`
    const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[])
    if (!tables.has('__drizzle_migrations') || !tables.has('users')) return 'not a Bal Panchayat database'
    if (!tables.has(BOX_IMAGE_TABLE)) return 'the ballot box is missing'
    const image = db.prepare(`SELECT image FROM ${BOX_IMAGE_TABLE}`).pluck().get() as Buffer | undefined
    if (!image?.length) return 'the ballot box is missing'
    return boxProblem(image)
  } catch (err) {
    // Whatever stops the backup from being read makes it one not to count on.
    return err instanceof Sqlite.SqliteError ? `${err.code}: ${err.message}` : String((err as Error)?.message ?? err)
  } finally {
    db?.close()
  }
}

function boxProblem(image: Buffer): string | null {
  let box: Sqlite.Database | undefined
  try {
    box = new Sqlite(image)
    const found = integrity(box)
    return found ? `the ballot box fails integrity_check: ${found}` : null
  } catch (err) {
    return `the ballot box is damaged: ${err instanceof Sqlite.SqliteError ? `${err.code}: ${err.message}` : String((err as Error)?.message ?? err)}`
  } finally {
    box?.close()
  }
}

/** null when `integrity_check` says ok, else its first complaint. */
function integrity(db: Sqlite.Database): string | null {
  const rows = db.pragma('integrity_check(10)', { simple: false }) as { integrity_check: string }[]
  const first = rows[0]?.integrity_check
  return first === 'ok' ? null : (first ?? 'no answer')
}
