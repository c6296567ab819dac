import fs from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { FILE_MODE, ownerOnlyFolder } from './db/files.ts'

export type Config = {
  port: number
  httpsPort: number
  host: string
  databasePath: string
  sessionSecret: string
  secureCookies: boolean
  backups: BackupConfig
}

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
    backups: backupConfig(env, databasePath),
  }
}

export type BackupConfig = { dir: string; keep: number; passphrase?: string; makeDir: boolean }

export const DEFAULT_BACKUP_KEEP = 14

/**
 * BACKUP_DIR (default: `backups` beside the database, so ./data/backups), BACKUP_KEEP (14) and
 * BACKUP_PASSPHRASE (encrypts the automatic backups). Only the default folder is made when missing:
 * a BACKUP_DIR on a USB stick that is not plugged in must fail, not fill the box's own disk.
 */
export function backupConfig(env: NodeJS.ProcessEnv, databasePath: string): BackupConfig {
  const beside = path.join(path.dirname(path.resolve(databasePath)), 'backups')
  const dir = env.BACKUP_DIR ? path.resolve(env.BACKUP_DIR) : beside
  const keep =
    /^\d+$/.test(env.BACKUP_KEEP ?? '') && Number(env.BACKUP_KEEP) >= 1 ? Number(env.BACKUP_KEEP) : DEFAULT_BACKUP_KEEP
  return { dir, keep, passphrase: env.BACKUP_PASSPHRASE || undefined, makeDir: dir === beside }
}

/** Plain HTTP (the box itself, and the certificate pages) and HTTPS (every other device). */
export function listenPorts(env: NodeJS.ProcessEnv = process.env): { port: number; httpsPort: number } {
  return { port: Number(env.PORT || 3000), httpsPort: Number(env.HTTPS_PORT || 3443) }
}

function storedSecret(databasePath: string): string {
  const file = path.join(path.dirname(path.resolve(databasePath)), 'session-secret')
  let stored = ''
  try {
    stored = fs.readFileSync(file, 'utf8').trim()
  } catch {
    /* first start: make one */
  }
  if (stored.length >= 32) {
    // One left readable by others (an older release, a copy) is tightened.
    try {
      fs.chmodSync(file, FILE_MODE)
    } catch {
      /* not ours to change: it still works */
    }
    return stored
  }
  ownerOnlyFolder(path.dirname(file))
  const secret = randomBytes(32).toString('hex')
  fs.writeFileSync(file, secret, { mode: FILE_MODE })
  fs.chmodSync(file, FILE_MODE)
  return secret
}
