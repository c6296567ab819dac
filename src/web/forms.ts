import type { z } from 'zod'
import { InvalidInput, NotFound, type FieldErrors } from './errors.ts'

/**
 * Parses a form body with a zod schema. On failure throws InvalidInput whose messages are
 * dictionary keys (schemas write them as 'v.*'), so the form is re-rendered in the user's
 * language with each message at its field and the typed values kept.
 */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const input = isRecord(body) ? body : {}
  const result = schema.safeParse(input)
  if (result.success) return result.data
  throw new InvalidInput(fieldErrors(result.error), typedValues(input))
}

export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {}
  for (const issue of error.issues) {
    const field = issue.path.length ? String(issue.path[0]) : '_form'
    if (out[field]) continue
    out[field] = messageOf(issue)
  }
  return out
}

function messageOf(issue: z.core.$ZodIssue): FieldErrors[string] {
  if (issue.message.startsWith('v.')) {
    const [key, param] = issue.message.split('|')
    return { key, params: param ? { n: param } : {} }
  }
  switch (issue.code) {
    case 'too_big':
      return { key: 'v.tooLong', params: { n: Number(issue.maximum) } }
    case 'too_small':
      return { key: 'v.required' }
    case 'invalid_value':
      return { key: 'v.choose' }
    case 'invalid_type':
      return issue.input === undefined ? { key: 'v.required' } : { key: 'v.invalid' }
    default:
      return { key: 'v.invalid' }
  }
}

/** Only short strings are echoed back into the form; anything else is dropped. */
export function typedValues(input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(input)) {
    if (k === '_csrf' || k.toLowerCase().includes('password')) continue
    if (typeof v === 'string') out[k] = v.slice(0, 20_000)
  }
  return out
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

import { z as zod } from 'zod'

/** Field helpers shared by every form schema. Messages are dictionary keys. */
export const field = {
  text: (max: number) => zod.string('v.required').trim().min(1, 'v.required').max(max, `v.tooLong|${max}`),
  optionalText: (max: number) => zod.string('v.invalid').trim().max(max, `v.tooLong|${max}`).optional().default(''),
  /** A person's or a place's name: no hidden characters that could make it look like another (see `hiddenCharacter`). */
  name: (max: number) =>
    zod
      .string('v.required')
      .trim()
      .min(1, 'v.required')
      .max(max, `v.tooLong|${max}`)
      .refine((s) => !hiddenCharacter(s), 'v.nameHidden')
      .transform(tidyName),
  optionalName: (max: number) =>
    zod
      .string('v.invalid')
      .trim()
      .max(max, `v.tooLong|${max}`)
      .refine((s) => !hiddenCharacter(s), 'v.nameHidden')
      .transform(tidyName)
      .optional()
      .default(''),
  choice: <T extends readonly [string, ...string[]]>(values: T) => zod.enum(values, 'v.choose'),
  /** An HTML date input: YYYY-MM-DD that names a real day. */
  date: () =>
    zod
      .string('v.required')
      .trim()
      .min(1, 'v.required')
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'v.date')
      .refine(isRealDate, 'v.date'),
  /** A checkbox: present (any value) means yes. */
  checkbox: () => zod.preprocess((v) => v !== undefined && v !== '' && v !== 'false' && v !== '0', zod.boolean()),
  id: () =>
    zod.coerce
      .number('v.invalid')
      .int('v.invalid')
      .positive('v.invalid')
      .max(2 ** 31, 'v.invalid'),
}

/**
 * Unseen characters that change what is seen (U+202E shows "Ravi\u202EatinuS" as "RaviSunita"): bidi
 * controls, zero-width, control and format characters. The joiners U+200C/U+200D shape Devanagari
 * conjuncts, so they may stand inside a word: after a mark (a virama), or between letters or marks.
 */
export function hiddenCharacter(s: string): boolean {
  const chars = [...s]
  return chars.some((c, i) => {
    if (c === '\u200c' || c === '\u200d')
      return !(
        MARK.test(chars[i - 1] ?? '') ||
        (LETTER_OR_MARK.test(chars[i - 1] ?? '') && LETTER_OR_MARK.test(chars[i + 1] ?? ''))
      )
    return HIDDEN.test(c)
  })
}
const HIDDEN = /[\p{Default_Ignorable_Code_Point}\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Zl}\p{Zp}]/u
const MARK = /^\p{M}$/u
const LETTER_OR_MARK = /^[\p{L}\p{M}]$/u

/** One way to write each name: composed (NFC), every kind of space an ordinary one. */
function tidyName(s: string): string {
  return s.normalize('NFC').replace(/\p{Zs}/gu, ' ')
}

function isRealDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s && d.getUTCFullYear() >= 1900
}

/** A numeric id from the URL; anything else is a page that does not exist. */
export function routeId(params: unknown, name = 'id'): number {
  const raw = (params as Record<string, unknown> | undefined)?.[name]
  const id = typeof raw === 'string' && /^[1-9][0-9]{0,9}$/.test(raw) ? Number(raw) : NaN
  if (!Number.isSafeInteger(id) || id > 2 ** 31) throw new NotFound()
  return id
}
