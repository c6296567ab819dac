import { z } from 'zod'
import { field } from '../core/fields.ts'
import { roles, languages } from './tables.ts'
import { MAX_PASSWORD_LENGTH, passwordProblem } from './password-rules.ts'

const username = z
  .string('v.required')
  .trim()
  .toLowerCase()
  .min(1, 'v.required')
  .max(40, 'v.tooLong|40')
  .regex(/^[a-z0-9][a-z0-9._-]{2,39}$/, 'v.username')
/** A new password: long enough and not a common one (password-rules.ts). */
const newPassword = z.string('v.required').superRefine((password, ctx) => {
  const problem = passwordProblem(password)
  if (problem)
    ctx.addIssue({ code: 'custom', message: problem === 'v.tooLong' ? `v.tooLong|${MAX_PASSWORD_LENGTH}` : problem })
})

/** Once the form is otherwise right: a password made of the person's own username or name is easy to guess too. */
function notTheirName(v: { password: string; username: string; displayName: string }, ctx: z.RefinementCtx) {
  if (passwordProblem(v.password, [v.username, v.displayName]))
    ctx.addIssue({ code: 'custom', message: 'v.passwordCommon', path: ['password'] })
}

export const loginSchema = z.object({
  username: z.string('v.required').trim().toLowerCase().min(1, 'v.required').max(200, 'v.tooLong|200'),
  password: z.string('v.required').min(1, 'v.required').max(200, 'v.tooLong|200'),
  next: z.string().optional(),
})

export const setupSchema = z
  .object({
    displayName: field.name(100),
    username,
    password: newPassword,
    confirm: z.string('v.required'),
  })
  .refine((v) => v.password === v.confirm, { message: 'v.passwordMismatch', path: ['confirm'] })
  .superRefine(notTheirName)

export const userSchema = z
  .object({
    displayName: field.name(100),
    username,
    role: field.choice(roles),
    villageId: z
      .union([z.literal(''), field.id()])
      .optional()
      .transform((v) => (v === '' || v === undefined ? null : v)),
    password: newPassword,
  })
  .refine((v) => v.role === 'admin' || v.villageId !== null, { message: 'v.villageRequired', path: ['villageId'] })
  .superRefine(notTheirName)

export const changePasswordSchema = z
  .object({
    current: z.string('v.required').min(1, 'v.required').max(200, 'v.tooLong|200'),
    password: newPassword,
    confirm: z.string('v.required'),
  })
  .refine((v) => v.password === v.confirm, { message: 'v.passwordMismatch', path: ['confirm'] })

export const resetPasswordSchema = z.object({ password: newPassword })

export const languageSchema = z.object({ lang: z.enum(languages), back: z.string().optional() })

export type UserInput = z.output<typeof userSchema>
export type SetupInput = z.output<typeof setupSchema>
