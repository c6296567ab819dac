// The station PIN's pure parts: how long the tablet pauses after wrong tries, and how the PIN is kept.
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  FIRST_LOCKOUT_MS,
  MAX_LOCKOUT_MS,
  PIN_TRIES,
  hashPin,
  isLegacyPinHash,
  lockoutAfter,
  minutesLeft,
  verifyPin,
} from '../../src/elections/station-pin.ts'

const minute = 60_000

describe('the lockout schedule', () => {
  it('locks after every fifth wrong try: 1 minute, then twice as long each time, at most an hour', () => {
    expect(PIN_TRIES).toBe(5)
    expect(FIRST_LOCKOUT_MS).toBe(minute)
    expect([5, 10, 15, 20, 25, 30, 35, 40, 500].map((n) => lockoutAfter(n) / minute)).toEqual([
      1, 2, 4, 8, 16, 32, 60, 60, 60,
    ])
    expect(MAX_LOCKOUT_MS).toBe(60 * minute)
  })

  it('does not pause between those tries', () => {
    for (const n of [0, 1, 2, 3, 4, 6, 9, 11, 14, 16, 99]) expect(lockoutAfter(n), `${n} wrong tries`).toBe(0)
    for (const n of [-5, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(lockoutAfter(n), `${n}`).toBe(0)
  })

  it('tells the time left in whole minutes, rounded up', () => {
    const now = 1_000_000
    expect(minutesLeft(undefined, now)).toBe(0)
    expect(minutesLeft(now, now)).toBe(0)
    expect(minutesLeft(now - 1, now)).toBe(0)
    expect(minutesLeft(now + 1, now)).toBe(1)
    expect(minutesLeft(now + minute, now)).toBe(1)
    expect(minutesLeft(now + minute + 1, now)).toBe(2)
    expect(minutesLeft(now + 60 * minute, now)).toBe(60)
  })
})

describe('the PIN as it is kept', () => {
  it('is an scrypt hash with its own salt and its cost in the stored string', async () => {
    const a = await hashPin('4826')
    const b = await hashPin('4826')
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/)
    expect(a).not.toBe(b)
    expect(a).not.toContain('4826')
    expect(isLegacyPinHash(a)).toBe(false)
    expect(await verifyPin('4826', a)).toBe(true)
    expect(await verifyPin('4827', a)).toBe(false)
    expect(await verifyPin('', a)).toBe(false)
  })

  it('checks a hash with other cost parameters by those written in it', async () => {
    const { scryptSync, randomBytes } = await import('node:crypto')
    const salt = randomBytes(16)
    const cheap = [
      'scrypt',
      1024,
      8,
      1,
      salt.toString('base64'),
      scryptSync('1234', salt, 32, { N: 1024, r: 8, p: 1 }).toString('base64'),
    ].join('$')
    expect(await verifyPin('1234', cheap)).toBe(true)
    expect(await verifyPin('1235', cheap)).toBe(false)
  })

  it('still opens a station whose PIN was kept the old way (salted SHA-256)', async () => {
    const salt = 'a1b2c3d4e5f60718293a4b5c6d7e8f90'
    const old = `sha256$${salt}$${createHash('sha256').update(`${salt}:4826`).digest('hex')}`
    expect(isLegacyPinHash(old)).toBe(true)
    expect(await verifyPin('4826', old)).toBe(true)
    expect(await verifyPin('4825', old)).toBe(false)
  })

  it('once a PIN is proven against a hash, checks again from memory exactly as strictly, one hash apart from another', async () => {
    const a = await hashPin('2468')
    const b = await hashPin('1357')
    expect(await verifyPin('2468', a)).toBe(true)
    // Proven now: the same answers, for every try, without the hash deciding which PIN is right.
    for (const [pin, ok] of [
      ['2468', true],
      ['2469', false],
      ['', false],
      ['1357', false],
      ['24680', false],
    ] as const)
      expect(await verifyPin(pin, a), pin).toBe(ok)
    expect(await verifyPin('2468', b)).toBe(false)
    expect(await verifyPin('1357', b)).toBe(true)
    // A wrong PIN first proves nothing: the right one still opens.
    const c = await hashPin('9753')
    expect(await verifyPin('0000', c)).toBe(false)
    expect(await verifyPin('9753', c)).toBe(true)
  })

  it('refuses whatever is not a hash it knows, without throwing', async () => {
    for (const stored of [
      '',
      '4826',
      'sha256$',
      'sha256$salt$',
      'md5$x$y',
      'scrypt$0$8$1$c2FsdA==$aGFzaA==',
      'scrypt$abc$8$1$c2FsdA==$aGFzaA==',
      'scrypt$1024$8$1$$',
    ]) {
      expect(await verifyPin('4826', stored), stored).toBe(false)
    }
  })
})
