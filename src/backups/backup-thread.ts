import fs from 'node:fs'
import { Worker } from 'node:worker_threads'
import type { CopyJob } from './backup-copy.ts'
import { BackupRefused } from './backup-crypto.ts'

/** What a backup's worker thread is given: finish a copy, or check a finished backup. */
export type ThreadJob =
  | { kind: 'finish'; job: CopyJob }
  | { kind: 'check'; file: string; passphrase?: string; workIn: string }

type Outcome =
  | { ok: true; result: unknown }
  | { ok: false; error: { message: string; code?: string; refused: boolean } }

/**
 * The worker: its file beside this module as tsc compiled it (dist/backups/), or one folder down from
 * the bundled server (dist/server.js is all of src in one file). Under the tests and `npm run dev` it
 * is the TypeScript source, loaded through tsx's loader registered in the worker first (a worker
 * does not take the parent's loader, nor `--import` in its own flags on Node 20).
 */
function startWorker(workerData: ThreadJob): Worker {
  for (const name of ['./backup-worker.js', './backups/backup-worker.js']) {
    const url = new URL(name, import.meta.url)
    if (fs.existsSync(url)) return new Worker(url, { workerData })
  }
  const source = new URL('./backup-worker.ts', import.meta.url).href
  const tsx = import.meta.resolve('tsx/esm/api')
  const code = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(source)}) })`
  return new Worker(code, { eval: true, workerData })
}

/**
 * Runs one job in a worker thread of its own, so that the compaction (VACUUM), the encryption, the
 * copy and the integrity checks of a backup never hold up a request: only the online copy of the live
 * database (in steps, between requests) and the box's image stay on the server's thread. An error in
 * the worker comes back as an Error with the same message and code (a full disk stays a full disk).
 */
export function inBackupThread<T>(job: ThreadJob): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const worker = startWorker(job)
    let settled = false
    worker.once('message', (outcome: Outcome) => {
      settled = true
      if (outcome.ok) resolve(outcome.result as T)
      else {
        const { message, code, refused } = outcome.error
        const err = refused ? new BackupRefused(message) : Object.assign(new Error(message), code ? { code } : {})
        reject(err)
      }
    })
    worker.once('error', (err) => {
      settled = true
      reject(err)
    })
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the backup's worker thread stopped (exit code ${code}) without an answer`))
    })
  })
}
