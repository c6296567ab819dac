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
