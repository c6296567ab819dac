// How a test starts the operator's command or the server as a process of its own.
import type * as ChildProcess from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { projectRoot } from '../../src/core/paths.ts'

/** The newest modification time of any file under `dir`. */
function newestUnder(dir: string): number {
  let newest = 0
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) newest = Math.max(newest, fs.statSync(path.join(e.parentPath, e.name)).mtimeMs)
  }
  return newest
}

let built: boolean | undefined
/**
 * Whether dist/ holds a build of the sources as they are now: `npm test` builds it before vitest,
 * so CI always has it. Older than any source (or than what the build is made from: the lockfile,
 * the build's config and bundler), it is not used.
 */
function upToDate(): boolean {
  if (built !== undefined) return built
  const outputs = ['dist/cli.js', 'dist/server.js', 'dist/backups/backup-worker.js'].map((f) =>
    path.join(projectRoot, f),
  )
  if (!outputs.every((f) => fs.existsSync(f))) return (built = false)
  const oldestOutput = Math.min(...outputs.map((f) => fs.statSync(f).mtimeMs))
  const inputs = Math.max(
    newestUnder(path.join(projectRoot, 'src')),
    ...['package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts/bundle-server.mjs']
      .map((f) => path.join(projectRoot, f))
      .filter((f) => fs.existsSync(f))
      .map((f) => fs.statSync(f).mtimeMs),
  )
  return (built = oldestOutput >= inputs)
}

/**
 * node's arguments (before the command's own) that run src/<name>.ts: the compiled dist/<name>.js
 * when the build is up to date, which is what `npm start` and `npm run cli` run, and starts in half
 * the time; else the source, through tsx's loader in node itself (not the tsx wrapper, which starts
 * a second node, and a signal sent to it would not reach the process that holds the database).
 */
export function nodeArgs(name: 'cli' | 'server'): string[] {
  return upToDate() ? [path.join(projectRoot, `dist/${name}.js`)] : ['--import', 'tsx', `src/${name}.ts`]
}

/**
 * node:child_process, but a fork of the backup's own process (src/backups/backup-worker.ts, which
 * under the tests backup-process.ts runs through tsx's loader, 0.4 s more at every start) runs the
 * compiled dist/backups/backup-worker.js when the build is up to date, as the built server does.
 * For a test file that makes many backups: `vi.mock('node:child_process', async (original) =>
 * (await import('../helpers/entry.ts')).compiledBackupWorker(await original()))`.
 */
export function compiledBackupWorker(cp: typeof ChildProcess): typeof ChildProcess {
  const source = pathToFileURL(path.join(projectRoot, 'src/backups/backup-worker.ts')).href
  const compiled = path.join(projectRoot, 'dist/backups/backup-worker.js')
  const fork = ((file: string | URL, ...rest: unknown[]) => {
    if (String(file) === source && upToDate()) {
      const [args, options] = rest as [string[], ChildProcess.ForkOptions]
      return cp.fork(compiled, args, { ...options, execArgv: [] })
    }
    return (cp.fork as (...a: unknown[]) => ChildProcess.ChildProcess)(file, ...rest)
  }) as typeof cp.fork
  return { ...cp, fork }
}
