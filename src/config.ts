import fs from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { FILE_MODE, ownerOnlyFolder } from './db/files.ts'

export type Config = { port: number; httpsPort: number; host: string; databasePath: string; sessionSecret: string; secureCookies: boolean }

export const DEFAULT_DATABASE_PATH = './data/bal-panchayat.sqlite'

/** Reads the environment. The session secret, if not given, is made once and kept beside the database. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databasePath = env.DATABASE_PATH || DEFAULT_DATABASE_PATH
  return {
    ...listenPorts(env),
    host: env.HOST || '0.0.0.0',
    databasePath,
    sessionSecret: env.SESSION_SECRET || storedSecret(databasePath),
    secureCookies: env.SECURE_COOKIES === 'true',
  }
}

/** Plain HTTP (the box itself, and the certificate pages) and HTTPS (every other device). */
export function listenPorts(env: NodeJS.ProcessEnv = process.env): { port: number; httpsPort: number } {
  return { port: Number(env.PORT || 3000), httpsPort: Number(env.HTTPS_PORT || 3443) }
}

function storedSecret(databasePath: string): string {
  const file = path.join(path.dirname(path.resolve(databasePath)), 'session-secret')
  let stored = ''
  try { stored = fs.readFileSync(file, 'utf8').trim() } catch { /* first start: make one */ }
  if (stored.length >= 32) {
    // One left readable by others (an older release, a copy) is tightened.
    try { fs.chmodSync(file, FILE_MODE) } catch { /* not ours to change: it still works */ }
    return stored
  }
  ownerOnlyFolder(path.dirname(file))
  const secret = randomBytes(32).toString('hex')
  fs.writeFileSync(file, secret, { mode: FILE_MODE })
  fs.chmodSync(file, FILE_MODE)
  return secret
}
