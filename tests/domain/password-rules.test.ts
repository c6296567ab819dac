import { describe, expect, it } from 'vitest'
import { MIN_PASSWORD_LENGTH, passwordProblem } from '../../src/accounts/password-rules.ts'
import { changePasswordSchema, resetPasswordSchema, setupSchema, userSchema } from '../../src/accounts/schemas.ts'
import { fieldErrors } from '../../src/web/forms.ts'
import { PASSWORD } from '../helpers/app.ts'

describe('new passwords (OWASP ASVS L2)', () => {
  it('need at least 10 characters, of any kind', () => {
    expect(MIN_PASSWORD_LENGTH).toBe(10)
    expect(passwordProblem('12345678')).toBe('v.passwordShort')
    expect(passwordProblem('neem-tree')).toBe('v.passwordShort')
    // Characters, not UTF-16 units: a Hindi password is measured as it is typed.
    expect(passwordProblem('नीम का पेड़ गाँव में')).toBeNull()
  })

  it('refuse common passwords, and common ones with a few characters added', () => {
    for (const p of [
      '1234567890',
      'qwertyuiop',
      'password123',
      'password-123',
      'Password@123',
      'iloveyou123',
      'india@12345',
      'aaaaaaaaaa',
      'abcd@123456',
      'admin123456',
    ]) {
      expect(passwordProblem(p), p).toBe('v.passwordCommon')
    }
  })

  it('accept a few words that go together only for the person', () => {
    for (const p of [PASSWORD, 'gaon-ki-sarkar-1', 'neem-ki-chhaon-9', 'papdi-sothana-42', 'meena-ki-kitab'])
      expect(passwordProblem(p), p).toBeNull()
  })

  it("weigh the person's own username and name as easy to guess", () => {
    expect(passwordProblem('rekha.devi.2024')).toBeNull()
    expect(passwordProblem('rekha.devi.2024', ['rekha.devi', 'Rekha Devi'])).toBe('v.passwordCommon')
  })

  it("are checked by every form that sets one: first run, new account, reset, one's own", () => {
    const message = (r: { success: boolean; error?: unknown }) =>
      r.success ? null : fieldErrors(r.error as never).password?.key
    const common = '1234567890'
    expect(
      message(setupSchema.safeParse({ displayName: 'Suman', username: 'suman', password: common, confirm: common })),
    ).toBe('v.passwordCommon')
    expect(
      message(userSchema.safeParse({ displayName: 'Kiran', username: 'kiran', role: 'admin', password: 'short' })),
    ).toBe('v.passwordShort')
    expect(message(resetPasswordSchema.safeParse({ password: 'password-123' }))).toBe('v.passwordCommon')
    expect(
      message(changePasswordSchema.safeParse({ current: 'x', password: 'qwertyuiop', confirm: 'qwertyuiop' })),
    ).toBe('v.passwordCommon')
    expect(
      message(
        userSchema.safeParse({
          displayName: 'Kiran Bala',
          username: 'kiranbala',
          role: 'admin',
          password: 'kiranbala2024',
        }),
      ),
    ).toBe('v.passwordCommon')
    expect(
      message(
        userSchema.safeParse({ displayName: 'Kiran', username: 'kiran', role: 'admin', password: 'x'.repeat(201) }),
      ),
    ).toBe('v.tooLong')
    expect(
      userSchema.safeParse({ displayName: 'Kiran', username: 'kiran', role: 'admin', password: PASSWORD }).success,
    ).toBe(true)
  })
})
