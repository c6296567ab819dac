/**
 * npm run bench: every benchmark in turn, each in its own process and printing one JSON line per
 * figure; first a line saying what machine this is and how busy it was (figures vary with load).
 * `npm run bench -- voting page-bytes` runs only those. Exits 1 if any figure misses its target.
 */
import os from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'

const all = ['counting', 'voting', 'staff-pages', 'profile-pages', 'page-bytes', 'cold-start', 'lighthouse']
const asked = process.argv.slice(2)
const unknown = asked.filter((b) => !all.includes(b))
if (unknown.length) throw new Error(`unknown benchmark ${unknown.join(', ')}; there are: ${all.join(', ')}`)
const machine = () => ({
  cores: os.availableParallelism(),
  load_avg_1m: Number(os.loadavg()[0].toFixed(2)),
  node: process.version,
})
console.log(JSON.stringify({ figure: 'machine', ...machine(), cpu: os.cpus()[0]?.model }))
// The servers send what `npm run build` wrote (the bundled server, the minified CSS and scripts): built afresh.
const built = spawnSync('npm', ['run', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] })
if (built.status !== 0) throw new Error('npm run build failed')
const t0 = Date.now()
const failed: string[] = []
for (const name of asked.length ? asked : all) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, `${name}.ts`)], {
    stdio: 'inherit',
  })
  if (r.status !== 0) failed.push(name)
}
console.log(
  JSON.stringify({ figure: 'bench_run', seconds: Math.round((Date.now() - t0) / 1000), failed, ...machine() }),
)
process.exitCode = failed.length ? 1 : 0
