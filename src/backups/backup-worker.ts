// The process of one of the box's own backups (backup-process.ts starts one per job): it finishes the
// copy, or checks a finished backup, answers once and ends. Nothing here touches the live files.
import { finishCopy } from './backup-copy.ts'
import { backupProblem } from './backup-check.ts'
import { BackupRefused } from './backup-crypto.ts'
import type { BackupJob, BackupOutcome } from './backup-process.ts'

process.once('message', (job: BackupJob) => {
  let outcome: BackupOutcome
  try {
    const result =
      job.kind === 'finish'
        ? finishCopy(job.job)
        : backupProblem(job.file, { passphrase: job.passphrase, workIn: job.workIn })
    outcome = { ok: true, result }
  } catch (err) {
    const e = err as { message?: string; code?: string }
    outcome = {
      ok: false,
      error: { message: e?.message ?? String(err), code: e?.code, refused: err instanceof BackupRefused },
    }
  }
  process.send!(outcome, () => process.disconnect())
})
