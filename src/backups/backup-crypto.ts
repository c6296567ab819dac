import fs from 'node:fs'
import { createCipheriv, createDecipheriv, createHmac, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto'

/**
 * An encrypted backup: AES-256-GCM under a key derived by scrypt from the operator's passphrase and
 * a random salt. The file is a header, the encrypted SQLite file, and GCM's 16-byte tag, which
 * authenticates the header and the data together: a changed byte anywhere is refused.
 *
 *   magic "BalPanchayat encrypted backup\n" (30 bytes) | format version (1) | KDF (1 = scrypt)
 *   | log2 N | r | p | salt length | salt | nonce (12) | passphrase check (16)
 *   | ciphertext | tag (16)
 *
 * scrypt gives 64 bytes: the AES key, and a key for the passphrase check (an HMAC of a fixed text),
 * which tells a wrong passphrase from a damaged file without weakening anything (a guess costs the
 * same scrypt either way).
 */
export const MAGIC = Buffer.from('BalPanchayat encrypted backup\n', 'latin1')
export const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1')
const VERSION = 1
const KDF_SCRYPT = 1
/** scrypt N = 2^17, r = 8, p = 1 (128 MiB, under a second on a small box), as OWASP recommends. */
export const SCRYPT = { logN: 17, r: 8, p: 1 }
const SALT_BYTES = 16
const NONCE_BYTES = 12
const CHECK_BYTES = 16
const TAG_BYTES = 16
const CHECK_TEXT = 'Bal Panchayat backup passphrase check'
/** Parameters read from a file are bounded, so a crafted header cannot ask for gigabytes of memory. */
const MAX_SCRYPT_MEMORY = 1024 * 1024 * 1024
export const MIN_PASSPHRASE_LENGTH = 10
const CHUNK = 1024 * 1024

export type BackupKind = 'plain' | 'encrypted' | 'unknown'

/** Why a backup cannot be read: the message is one line, meant for the operator. */
export class BackupRefused extends Error {}

/** A passphrase for a new backup: long enough that scrypt makes guessing it slow work. */
export function passphraseProblem(passphrase: string): string | null {
  if ([...passphrase].length < MIN_PASSPHRASE_LENGTH)
    return `The passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters long (a few words are easiest to remember).`
  return null
}

/** Plain (a SQLite file), encrypted (our header), or something else, from the file's first bytes. */
export function backupKind(file: string): BackupKind {
  const fd = fs.openSync(file, 'r')
  try {
    const head = Buffer.alloc(Math.max(MAGIC.length, SQLITE_MAGIC.length))
    const n = fs.readSync(fd, head, 0, head.length, 0)
    if (n >= MAGIC.length && head.subarray(0, MAGIC.length).equals(MAGIC)) return 'encrypted'
    if (n >= SQLITE_MAGIC.length && head.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) return 'plain'
    return 'unknown'
  } finally {
    fs.closeSync(fd)
  }
}

type Header = { bytes: Buffer; logN: number; r: number; p: number; salt: Buffer; nonce: Buffer; check: Buffer }

function deriveKeys(
  passphrase: string,
  h: { logN: number; r: number; p: number; salt: Buffer },
): { key: Buffer; check: Buffer } {
  const N = 2 ** h.logN
  const out = scryptSync(passphrase.normalize('NFC'), h.salt, 64, {
    N,
    r: h.r,
    p: h.p,
    maxmem: 128 * h.r * N * h.p + 32 * 1024 * 1024,
  })
  const key = out.subarray(0, 32)
  const check = createHmac('sha256', out.subarray(32)).update(CHECK_TEXT).digest().subarray(0, CHECK_BYTES)
  return { key, check }
}

/** Writes `plain`'s bytes, encrypted, to the open file `fd`. */
export function encryptTo(plain: string, fd: number, passphrase: string): void {
  const salt = randomBytes(SALT_BYTES)
  const nonce = randomBytes(NONCE_BYTES)
  const { key, check } = deriveKeys(passphrase, { ...SCRYPT, salt })
  const header = Buffer.concat([
    MAGIC,
    Buffer.from([VERSION, KDF_SCRYPT, SCRYPT.logN, SCRYPT.r, SCRYPT.p, SALT_BYTES]),
    salt,
    nonce,
    check,
  ])
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES })
  cipher.setAAD(header)
  writeAll(fd, header)
  const input = fs.openSync(plain, 'r')
  try {
    const buf = Buffer.alloc(CHUNK)
    for (let n: number; (n = fs.readSync(input, buf, 0, CHUNK, null)) > 0; )
      writeAll(fd, cipher.update(buf.subarray(0, n)))
  } finally {
    fs.closeSync(input)
  }
  writeAll(fd, cipher.final())
  writeAll(fd, cipher.getAuthTag())
}

/**
 * Decrypts `file` into `out` (a private temporary file: GCM hands out plaintext before the tag is
 * checked, so `out` is only to be trusted when this returns). Throws BackupRefused for a wrong
 * passphrase or a file that is not whole.
 */
export function decryptTo(file: string, out: string, passphrase: string): void {
  const fd = fs.openSync(file, 'r')
  try {
    const size = fs.fstatSync(fd).size
    const header = readHeader(fd, size)
    const { key, check } = deriveKeys(passphrase, header)
    if (!timingSafeEqual(check, header.check))
      throw new BackupRefused(`Wrong passphrase for ${file} (or the file's header is damaged); nothing was changed.`)
    const decipher = createDecipheriv('aes-256-gcm', key, header.nonce, { authTagLength: TAG_BYTES })
    decipher.setAAD(header.bytes)
    const tag = Buffer.alloc(TAG_BYTES)
    fs.readSync(fd, tag, 0, TAG_BYTES, size - TAG_BYTES)
    decipher.setAuthTag(tag)
    const output = fs.openSync(out, 'wx', 0o600)
    let whole = false
    try {
      const buf = Buffer.alloc(CHUNK)
      const end = size - TAG_BYTES
      for (let pos = header.bytes.length; pos < end; ) {
        const n = fs.readSync(fd, buf, 0, Math.min(CHUNK, end - pos), pos)
        if (n <= 0) throw new BackupRefused(`${file} is damaged (cut short); nothing was changed.`)
        writeAll(output, decipher.update(buf.subarray(0, n)))
        pos += n
      }
      try {
        writeAll(output, decipher.final())
      } catch {
        throw new BackupRefused(
          `${file} is damaged: its contents do not match their seal (changed or cut short); nothing was changed.`,
        )
      }
      fs.fsyncSync(output)
      whole = true
    } finally {
      fs.closeSync(output)
      if (!whole) fs.rmSync(out, { force: true })
    }
  } finally {
    fs.closeSync(fd)
  }
}

function readHeader(fd: number, size: number): Header {
  const fixed = MAGIC.length + 6
  const damaged = new BackupRefused(
    "The encrypted backup's header is damaged or of an unknown kind; nothing was changed.",
  )
  if (size < fixed) throw damaged
  const start = Buffer.alloc(fixed)
  fs.readSync(fd, start, 0, fixed, 0)
  if (!start.subarray(0, MAGIC.length).equals(MAGIC)) throw damaged
  const [version, kdf, logN, r, p, saltLength] = start.subarray(MAGIC.length)
  if (version !== VERSION)
    throw new BackupRefused(
      `This backup was written in format ${version}, which this version of Bal Panchayat cannot read; nothing was changed.`,
    )
  if (
    kdf !== KDF_SCRYPT ||
    logN < 10 ||
    logN > 24 ||
    r < 1 ||
    p < 1 ||
    128 * r * p * 2 ** logN > MAX_SCRYPT_MEMORY ||
    saltLength < 16
  )
    throw damaged
  const rest = saltLength + NONCE_BYTES + CHECK_BYTES
  if (size < fixed + rest + TAG_BYTES) throw damaged
  const bytes = Buffer.alloc(fixed + rest)
  fs.readSync(fd, bytes, 0, bytes.length, 0)
  let at = fixed
  const take = (n: number) => bytes.subarray(at, (at += n))
  return { bytes, logN, r, p, salt: take(saltLength), nonce: take(NONCE_BYTES), check: take(CHECK_BYTES) }
}

function writeAll(fd: number, data: Buffer): void {
  for (let off = 0; off < data.length; ) off += fs.writeSync(fd, data, off, data.length - off)
}
