import fs from 'node:fs'
import { fork } from 'node:child_process'
import type { CopyJob } from './backup-copy.ts'
import { BackupRefused } from './backup-crypto.ts'

/** What a backup's own process is given: finish a copy, or check a finished backup. */
export type BackupJob =
  | { kind: 'finish'; job: CopyJob }
  | { kind: 'check'; file: string; passphrase?: string; workIn: string }

export type BackupOutcome =
  | { ok: true; result: unknown }
  | { ok: false; error: { message: string; code?: string; refused: boolean } }

/**
 * The worker's file: beside this module as tsc compiled it (dist/backups/), or one folder down from
 * the bundled server (dist/server.js is all of src in one file). Under the tests and `npm run dev` it
 * is the TypeScript source, run through tsx's loader.
 */
function workerFile(): { file: URL; execArgv: string[] } {
  for (const name of ['./backup-worker.js', './backups/backup-worker.js']) {
    const file = new URL(name, import.meta.url)
    if (fs.existsSync(file)) return { file, execArgv: [] }
  }
  return { file: new URL('./backup-worker.ts', import.meta.url), execArgv: ['--import', import.meta.resolve('tsx')] }
}

/**
 * Runs one job in a process of its own (backup-worker.ts), so that the compaction (VACUUM, in
 * memory), the encryption, the copy and the integrity checks of a backup never hold up a request, and
 * the memory they take — as much as the database while VACUUM runs — goes back whole when the process
 * ends (in a thread of the server it stayed, scattered, in the server's allocator: RSS 20 MB higher
 * afterwards in one run). Only the online copy of the live database (in steps, between requests) and
 * the box's image stay in the server. An error there comes back as an Error with the same message and
 * code (a full disk stays a full disk).
 */
export function inBackupProcess<T>(job: BackupJob): Promise<T> {
  const { file, execArgv } = workerFile()
  return new Promise<T>((resolve, reject) => {
    const child = fork(file, [], {
      execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    let outcome: BackupOutcome | null = null
    child.once('message', (message) => {
      outcome = message as BackupOutcome
    })
    child.once('error', reject)
    child.once('exit', (code, signal) => {
      if (!outcome)
        return reject(new Error(`the backup's process stopped (${signal ?? `exit code ${code}`}) without an answer`))
      if (outcome.ok) return resolve(outcome.result as T)
      const { message, code: errCode, refused } = outcome.error
      reject(refused ? new BackupRefused(message) : Object.assign(new Error(message), errCode ? { code: errCode } : {}))
    })
    child.send(job)
  })
}
