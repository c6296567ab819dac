/** npm run bench: every benchmark in turn, each printing one JSON line per figure. */
import { spawnSync } from 'node:child_process'
import path from 'node:path'

const benches = ['counting.ts', 'voting.ts', 'lighthouse.ts']
let failed = 0
for (const file of benches) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, file)], { stdio: 'inherit' })
  if (r.status !== 0) failed++
}
process.exitCode = failed ? 1 : 0
