import fs from 'node:fs'
import Sqlite from 'better-sqlite3'
import { BOX_IMAGE_TABLE, type AppDatabase } from './client.ts'

/**
 * A consistent copy of the live database in one file: SQLite's online backup of the main file,
 * then the ballot box's image (as the box holds it: in place, no history) inside the copy, taken
 * after, so a poll that opened or closed meanwhile is never without its box. Opening the copy as
 * the app's database unpacks the box beside it (see db/client.ts).
 */
export async function backupDatabase(database: AppDatabase, target: string, options: Partial<Sqlite.BackupOptions> = {}): Promise<{ totalPages: number; boxBytes: number }> {
  const { totalPages } = await database.sqlite.backup(target, options as Sqlite.BackupOptions)
  const image = database.sqlite.serialize({ attached: 'box' })
  const copy = new Sqlite(target)
  try {
    copy.exec(`CREATE TABLE ${BOX_IMAGE_TABLE} (image BLOB NOT NULL)`)
    copy.prepare(`INSERT INTO ${BOX_IMAGE_TABLE} (image) VALUES (?)`).run(image)
    copy.pragma('wal_checkpoint(TRUNCATE)')
  } finally { copy.close() }
  fs.chmodSync(target, 0o600)
  return { totalPages, boxBytes: image.length }
}
