import { createRequire } from 'node:module'
import type { ZxcvbnFactory } from '@zxcvbn-ts/core'

const require = createRequire(import.meta.url)

/** OWASP ASVS: at least this many characters, any characters, no rules about kinds of characters. */
export const MIN_PASSWORD_LENGTH = 10
export const MAX_PASSWORD_LENGTH = 200

/**
 * zxcvbn's score 3 means more than 10^8 guesses: not a common password, nor one made of a common
 * password with a few letters, digits or a year around it ("password-123", "india@12345").
 */
const MIN_SCORE = 3
/** Only the start is weighed: zxcvbn takes a quarter of a second on 200 odd characters. */
const WEIGHED_LENGTH = 64

let checker: ZxcvbnFactory | undefined
/**
 * Made on first use, and its packages loaded only then (synchronously, through require): loading the
 * dictionary of common passwords takes a tenth of a second, which the server's start need not wait for.
 */
function zxcvbn(): ZxcvbnFactory {
  if (checker) return checker
  const { ZxcvbnFactory } = require('@zxcvbn-ts/core') as typeof import('@zxcvbn-ts/core')
  const { adjacencyGraphs, dictionary } =
    require('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common')
  return (checker = new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs, maxLength: WEIGHED_LENGTH }))
}

export type PasswordProblem = 'v.passwordShort' | 'v.passwordCommon' | 'v.tooLong'

/**
 * What is wrong with a new password, or null. `userInputs` are words of the person's own
 * (username, name) that count as easy to guess.
 */
export function passwordProblem(password: string, userInputs: string[] = []): PasswordProblem | null {
  const length = [...password].length
  if (length < MIN_PASSWORD_LENGTH) return 'v.passwordShort'
  if (password.length > MAX_PASSWORD_LENGTH) return 'v.tooLong'
  const inputs = userInputs.flatMap((s) => [s, ...s.split(/[\s._-]+/)]).filter((s) => s.length >= 3)
  return zxcvbn().check(password, inputs).score < MIN_SCORE ? 'v.passwordCommon' : null
}
