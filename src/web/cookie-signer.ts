import { Signer, type UnsignResult } from '@fastify/cookie'

/** Kept per signer: the box's few sessions and CSRF secrets, with room to spare; emptied when full. */
const REMEMBERED = 2000

/**
 * @fastify/cookie's signer (HMAC-SHA256), remembering what it has worked out: every request of a
 * logged-in person unsigns the same session and CSRF cookies and signs the same session id again,
 * an HMAC each. Signing is a pure function of the value; an unsigning is remembered only when the
 * signature was valid, so what is kept is bounded by what this server signed, never by what a
 * client sends. Used as the `secret` of @fastify/cookie and @fastify/session (a signer object).
 */
export function rememberingSigner(secret: string): Pick<Signer, 'sign' | 'unsign'> {
  // As @fastify/session asks of a secret given as a string.
  if (secret.length < 32) throw new Error('the secret must have length 32 or greater')
  const signer = new Signer(secret, 'sha256')
  const signed = new Map<string, string>()
  const valid = new Map<string, string>()
  return {
    sign(value: string) {
      let s = signed.get(value)
      if (s === undefined) {
        s = signer.sign(value)
        if (signed.size >= REMEMBERED) signed.clear()
        signed.set(value, s)
      }
      return s
    },
    unsign(signedValue: string): UnsignResult {
      const known = valid.get(signedValue)
      if (known !== undefined) return { valid: true, renew: false, value: known }
      const result: UnsignResult = signer.unsign(signedValue)
      if (result.valid && !result.renew) {
        if (valid.size >= REMEMBERED) valid.clear()
        valid.set(signedValue, result.value)
      }
      return result
    },
  }
}
