import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { field, hiddenCharacter } from '../../src/core/fields.ts'
import { fieldErrors } from '../../src/web/forms.ts'
import { childSchema } from '../../src/people/schemas.ts'
import { villageSchema } from '../../src/villages/schemas.ts'
import { userSchema } from '../../src/accounts/schemas.ts'
import { actionPointSchema, meetingSchema } from '../../src/meetings/schemas.ts'
import { forwardingSchema, resolutionSchema } from '../../src/resolutions/schemas.ts'

const cp = (n: number) => String.fromCodePoint(n)

describe('names hold no hidden characters', () => {
  it('refuses every bidirectional control: "Ravi" shown for another name', () => {
    for (const c of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c]) {
      expect(hiddenCharacter(`Ra${cp(c)}vi`), c.toString(16)).toBe(true)
    }
  })

  it('refuses invisible and control characters', () => {
    for (const c of [
      0x200b, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xfeff, 0x00ad, 0x034f, 0x180e, 0x3164, 0xfe0f, 0xe0041, 0x0000,
      0x0007, 0x0009, 0x000a, 0x001b, 0x007f, 0x0085, 0x2028, 0x2029, 0xe000, 0xd800,
    ]) {
      expect(hiddenCharacter(`मीना${cp(c)}`), c.toString(16)).toBe(true)
      expect(hiddenCharacter(`Me${cp(c)}ena`), c.toString(16)).toBe(true)
    }
  })

  it('allows the joiners Devanagari and other Indic scripts need inside a word', () => {
    // क्‍ष (half ka by ZWJ), र्‍य (eyelash ra), क्‌ष (explicit virama by ZWNJ), Malayalam chillu at a word's end.
    for (const name of ['क्\u200dष', 'र्\u200dया', 'क्\u200cष', 'श्\u200dरी राम', 'അവന്\u200d', 'می\u200cخواهم'])
      expect(hiddenCharacter(name), name).toBe(false)
    // A joiner that joins nothing is only hidden: at the start, after a space, after another joiner.
    for (const name of ['\u200dमीना', 'मीना \u200dदेवी', '\u200d', 'Meena\u200d', 'क्\u200d\u200dष', 'Ravi\u200c'])
      expect(hiddenCharacter(name), JSON.stringify(name)).toBe(true)
  })

  it('allows ordinary names of people and places, in any script, with digits and punctuation', () => {
    for (const name of [
      'मीना मीणा',
      'Sunita Devi',
      "D'Souza",
      'Ward 3',
      'वार्ड नं. 3',
      'राजकीय उ. मा. विद्यालय, पापड़ी',
      'ਗੁਰਪ੍ਰੀਤ ਕੌਰ',
      'சுந்தர்',
      'ಶ್ರೀನಿವಾಸ',
      'María José',
    ]) {
      expect(hiddenCharacter(name), name).toBe(false)
    }
  })

  it('field.name refuses with its own message, and writes each name one way (composed, plain spaces)', () => {
    const name = field.name(100)
    const refused = z.object({ name }).safeParse({ name: `Ravi${cp(0x202e)}atinuS` })
    expect(refused.success).toBe(false)
    expect(fieldErrors(refused.error!)).toEqual({ name: { key: 'v.nameHidden', params: {} } })
    expect(name.parse('  Jose\u0301\u00a0Maria\u2003Devi ')).toBe('José Maria Devi')
    expect(z.object({ name }).safeParse({ name: '' }).error?.issues[0].message).toBe('v.required')
    expect(field.optionalName(150).parse(undefined)).toBe('')
    expect(z.object({ s: field.optionalName(150) }).safeParse({ s: `a${cp(0x200b)}b` }).success).toBe(false)
  })

  it('every field holding a name of a person or a place uses it', () => {
    const rlo = `Ravi${cp(0x202e)}`
    const refusedAt = (schema: z.ZodType, input: Record<string, unknown>) => {
      const r = schema.safeParse(input)
      return r.success
        ? []
        : Object.entries(fieldErrors(r.error))
            .filter(([, m]) => m.key === 'v.nameHidden')
            .map(([f]) => f)
    }
    expect(refusedAt(childSchema, { name: rlo, guardianName: rlo, ward: rlo, school: rlo }).sort()).toEqual([
      'guardianName',
      'name',
      'school',
      'ward',
    ])
    for (const f of ['name', 'gramPanchayat', 'block', 'district', 'state'])
      expect(refusedAt(villageSchema, { [f]: rlo }), f).toEqual([f])
    expect(refusedAt(userSchema, { displayName: rlo })).toEqual(['displayName'])
    expect(refusedAt(meetingSchema, { place: rlo })).toEqual(['place'])
    expect(refusedAt(actionPointSchema, { who: rlo })).toEqual(['who'])
    expect(refusedAt(resolutionSchema, { addressedTo: rlo })).toEqual(['addressedTo'])
    expect(refusedAt(forwardingSchema, { addressedTo: rlo })).toEqual(['addressedTo'])
  })
})
