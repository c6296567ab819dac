import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { projectRoot } from '../core/paths.ts'

/**
 * Our CSS and scripts and htmx are named in pages with their version, a hash of their bytes
 * (`/static/app.css?v=3f2a…`), and a browser keeps a file asked for by its current version for good:
 * an update of the box changes the name, so no phone or TV goes on using last week's `board.js`, and a
 * page's files are never asked for again while they are unchanged. A request without the current
 * version (an old page, a typed address) is answered too, but must be checked again before reuse.
 */
const require = createRequire(import.meta.url)

/**
 * Our files as `npm run build` minified them (scripts/bundle-server.mjs), in production when built;
 * otherwise (development, tests) public/ itself, as edited.
 */
const built = path.join(projectRoot, 'dist/public')
const ours = process.env.NODE_ENV === 'production' && fs.existsSync(built) ? built : path.join(projectRoot, 'public')

/** Where each served prefix's files are. */
export const assetFolders: Record<string, string> = {
  '/static/': ours,
  '/vendor/htmx/': path.join(path.dirname(require.resolve('htmx.org/package.json')), 'dist'),
}

type Known = { version: string; mtimeMs: number; size: number }
const known = new Map<string, Known>()
const production = process.env.NODE_ENV === 'production'
/** In production, each URL's version once found (a page names two or three files: no file is looked at per page). */
const versions = new Map<string, string>()

/** The file a URL of ours names, or null. */
function fileOf(url: string): string | null {
  for (const [prefix, folder] of Object.entries(assetFolders)) {
    if (!url.startsWith(prefix)) continue
    const file = path.resolve(folder, url.slice(prefix.length))
    return file.startsWith(folder + path.sep) ? file : null
  }
  return null
}

/**
 * The version of the file behind `url` (a hash of its bytes, 10 hex digits); null for no such file. In
 * development (files edited while the server runs) read again when the file's size or time changed.
 */
export function assetVersion(url: string): string | null {
  // On the box the files change only with a new version of the app, and so a restart: asked once.
  if (production && versions.has(url)) return versions.get(url)!
  const file = fileOf(url)
  if (!file) return null
  let stat: fs.Stats
  try {
    stat = fs.statSync(file)
  } catch {
    return null
  }
  const seen = known.get(file)
  if (seen && seen.mtimeMs === stat.mtimeMs && seen.size === stat.size) return seen.version
  const version = createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 10)
  known.set(file, { version, mtimeMs: stat.mtimeMs, size: stat.size })
  if (production) versions.set(url, version)
  return version
}

/** `url` with its version, for a page to name (`/static/app.css?v=…`); unchanged if it names no file of ours. */
export function assetUrl(url: string): string {
  const version = assetVersion(url)
  return version ? `${url}?v=${version}` : url
}

/**
 * The Cache-Control of an answer for a file of ours: kept for good when asked for by its current
 * version, otherwise to be checked again (its ETag makes that a 304) before each use.
 */
export function assetCacheControl(url: string, asked: unknown): string {
  const version = assetVersion(url.split('?')[0])
  return version !== null && asked === version ? 'public, max-age=31536000, immutable' : 'public, no-cache'
}
