import fs from 'node:fs'
import path from 'node:path'

/**
 * The project's folder (the one with package.json): the nearest such folder above `from`. Found, not
 * counted in `../..`, because the code runs from three depths: the sources (src/db/), the compiled
 * files (dist/db/) and the server bundled into one file (dist/server.js, scripts/bundle-server.mjs).
 */
export function projectRootFrom(from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`)
  }
}

export const projectRoot = projectRootFrom(import.meta.dirname)
