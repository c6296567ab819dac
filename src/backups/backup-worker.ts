// The worker thread of the box's own backups (backup-thread.ts starts one per job): it finishes the
// copy, or checks a finished backup, and posts the outcome back. Nothing here touches the live files.
import { parentPort, workerData } from 'node:worker_threads'
import { finishCopy } from './backup-copy.ts'
import { backupProblem } from './backup-check.ts'
import { BackupRefused } from './backup-crypto.ts'
import type { ThreadJob } from './backup-thread.ts'

const job = workerData as ThreadJob
try {
  const result =
    job.kind === 'finish'
      ? finishCopy(job.job)
      : backupProblem(job.file, { passphrase: job.passphrase, workIn: job.workIn })
  parentPort!.postMessage({ ok: true, result })
} catch (err) {
  const e = err as { message?: string; code?: string }
  parentPort!.postMessage({
    ok: false,
    error: { message: e?.message ?? String(err), code: e?.code, refused: err instanceof BackupRefused },
  })
}
