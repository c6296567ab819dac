import { Signer } from '@fastify/cookie'
import { describe, expect, it } from 'vitest'
import { rememberingSigner } from '../../src/web/cookie-signer.ts'

const secret = 'a-secret-of-at-least-thirty-two-characters'

describe('the remembering cookie signer', () => {
  it("signs and unsigns as @fastify/cookie's signer does, asked once or again", () => {
    const plain = new Signer(secret, 'sha256')
    const signer = rememberingSigner(secret)
    for (const value of ['abc', 'session-id-0123', '', 'सुनीता']) {
      const signed = plain.sign(value)
      for (let i = 0; i < 2; i++) {
        expect(signer.sign(value)).toBe(signed)
        expect(signer.unsign(signed)).toEqual(plain.unsign(signed))
      }
    }
  })

  it('refuses a forged or altered signature every time, and remembers nothing of it', () => {
    const signer = rememberingSigner(secret)
    const good = signer.sign('abc')
    const forged = rememberingSigner('another-secret-of-thirty-two-characters!').sign('abc')
    for (const bad of [forged, `${good}x`, 'abc', 'abc.', `xbc${good.slice(3)}`]) {
      for (let i = 0; i < 2; i++) expect(signer.unsign(bad)).toEqual({ valid: false, renew: false, value: null })
    }
    expect(signer.unsign(good)).toEqual({ valid: true, renew: false, value: 'abc' })
  })

  it('refuses a short secret, as @fastify/session does', () => {
    expect(() => rememberingSigner('short')).toThrow(/32/)
  })
})
