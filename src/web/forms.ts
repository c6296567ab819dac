import type { z } from 'zod'
import { InvalidInput, NotFound, type FieldErrors } from '../core/errors.ts'

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
    // The figure is handed on as `count` too, so that the words take its plural form ("1 पंक्ति", "3 पंक्तियाँ").
    return { key, params: param ? { n: param, ...(/^\d+$/.test(param) ? { count: Number(param) } : {}) } : {} }
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

/** A numeric id from the URL; anything else is a page that does not exist. */
export function routeId(params: unknown, name = 'id'): number {
  const raw = (params as Record<string, unknown> | undefined)?.[name]
  const id = typeof raw === 'string' && /^[1-9][0-9]{0,9}$/.test(raw) ? Number(raw) : NaN
  if (!Number.isSafeInteger(id) || id > 2 ** 31) throw new NotFound()
  return id
}
