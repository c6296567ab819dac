import fs from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'

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
  try {
    const secret = fs.readFileSync(file, 'utf8').trim()
    if (secret.length >= 32) return secret
  } catch { /* first start: make one */ }
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const secret = randomBytes(32).toString('hex')
  fs.writeFileSync(file, secret, { mode: 0o600 })
  return secret
}
