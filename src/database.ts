import { type AppDatabase, openDatabaseFile } from './db/client.ts'
import { adoptLegacyBallots } from './elections/ballot-box-upgrade.ts'

/** The app's database: the file brought to the newest migration, then each domain's upgrade of old data. */
export function openDatabase(file: string): AppDatabase {
  return openDatabaseFile(file, [adoptLegacyBallots])
}
