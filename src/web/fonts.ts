import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { projectRoot } from '../core/paths.ts'

/**
 * The Devanagari font as served at /vendor/fonts/: subsets of @fontsource/noto-sans-devanagari made by
 * scripts/subset-fonts.ts and kept in the repository, with the package's licence beside them.
 */
export const FONT_DIR = path.join(projectRoot, 'vendor/fonts')

/** The version a font's URL carries (`?v=`): a hash of its bytes, so a changed file gets a new URL. */
export function fontVersion(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 10)
}

/** Each served font file's current version, read once at start. */
export function fontVersions(dir = FONT_DIR): Map<string, string> {
  return new Map(
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.woff2'))
      .map((f) => [f, fontVersion(fs.readFileSync(path.join(dir, f)))]),
  )
}
