import { createHash, createHmac, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

/**
 * The polling station's PIN: how it is kept and how long the tablet pauses after wrong ones.
 * Pure functions, no database: the verbs in voting.ts use them.
 */

const params = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } satisfies ScryptOptions
const KEY_LENGTH = 32

/** Wrong tries in a row that lock the tablet; every further this many lock it again, twice as long. */
export const PIN_TRIES = 5
export const FIRST_LOCKOUT_MS = 60_000
/** However many wrong tries, the tablet never waits longer than this: a facilitator is still at it on poll day. */
export const MAX_LOCKOUT_MS = 60 * 60_000

/**
 * How long the tablet stays locked after `failedTries` wrong tries in a row: nothing until the 5th,
 * then 1 minute; after the 10th 2, the 15th 4, the 20th 8 … at most an hour. Between those, no pause.
 */
export function lockoutAfter(failedTries: number): number {
  if (!Number.isInteger(failedTries) || failedTries < PIN_TRIES || failedTries % PIN_TRIES !== 0) return 0
  const doublings = failedTries / PIN_TRIES - 1
  return Math.min(FIRST_LOCKOUT_MS * 2 ** Math.min(doublings, 20), MAX_LOCKOUT_MS)
}

/** Whole minutes left, rounded up, as a person is told them ("wait 2 minutes"); 0 when not locked. */
export function minutesLeft(lockedUntil: number | undefined, now: number): number {
  return lockedUntil && lockedUntil > now ? Math.ceil((lockedUntil - now) / 60_000) : 0
}

function derive(pin: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(pin, salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
  )
}

/**
 * scrypt$N$r$p$salt$hash, as account passwords are kept. A 4–8 digit PIN has few values, so what
 * protects it on the tablet is the lockout. From a copy of the database, scrypt (about 0.15 s a try
 * on one core of a box like ours) makes a 4-digit PIN cost about half an hour and a 6-digit one two
 * days, not milliseconds; backups carry no PIN hash at all.
 */
export async function hashPin(pin: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await derive(pin, salt, params)
  const stored = ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$')
  // Made from this very PIN: proven already, so the station's first unlock needs no second scrypt.
  remember(stored, pin)
  return stored
}

/** Whether a stored PIN hash is of the kind written before scrypt (salted SHA-256) and should be written anew. */
export const isLegacyPinHash = (stored: string) => stored.startsWith('sha256$')

/**
 * Checks a PIN against its stored hash: scrypt, or the salted SHA-256 of a station opened before the
 * upgrade (still valid for the rest of its poll; see `unlockStation`, which rewrites it).
 */
export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  // A PIN already proven against this hash is checked again by a keyed MAC kept in memory only
  // (never in a file): the facilitator unlocks between every two voters, and scrypt costs ~0.15 s.
  const known = proven.get(stored)
  if (known) return same(mac(pin), known)
  if (!(await verifyStored(pin, stored))) return false
  remember(stored, pin)
  return true
}

function remember(stored: string, pin: string): void {
  if (proven.size >= 256) proven.delete(proven.keys().next().value!)
  proven.set(stored, mac(pin))
}

/** In this process only: a random key, and the MAC of each station's proven PIN under it. */
const macKey = randomBytes(32)
const proven = new Map<string, Buffer>()
const mac = (pin: string) => createHmac('sha256', macKey).update(pin).digest()

async function verifyStored(pin: string, stored: string): Promise<boolean> {
  const parts = stored.split('$')
  if (parts[0] === 'sha256' && parts.length === 3) {
    const [, salt, hash] = parts
    return same(createHash('sha256').update(`${salt}:${pin}`).digest(), Buffer.from(hash, 'hex'))
  }
  if (parts[0] !== 'scrypt' || parts.length !== 6) return false
  const [, n, r, p, salt, hash] = parts
  const options = { N: Number(n), r: Number(r), p: Number(p), maxmem: params.maxmem }
  if (![options.N, options.r, options.p].every((x) => Number.isInteger(x) && x > 0)) return false
  return same(await derive(pin, Buffer.from(salt, 'base64'), options), Buffer.from(hash, 'base64'))
}

function same(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && a.length > 0 && timingSafeEqual(a, b)
}
