import { describe, expect, it } from 'vitest'
import { dictionaries } from '../../src/i18n/translator.ts'
import { countedKeys, disagreements, figuresWithoutPlural, render } from './plural-reader.ts'

/**
 * Every count shown agrees with its noun, in both languages: "1 लड़की" but "2 लड़कियाँ", "कोई बच्चा नहीं"
 * rather than "0 बच्चा", "1 member is" but "2 members are". Each key that takes {{count}} is rendered with
 * 0, 1, 2 and 5 and read for a noun of the wrong number right after the figure (and, for सदस्य/member,
 * the verb that follows); a figure given under another name than `count` right before a counted noun
 * cannot have plural forms, and is refused too.
 */

/** Parameters before a counted noun that are not a count of it, and why. */
const notFigures: Record<string, string> = {
  'quorum.sentence': 'the quorum is a share in words ("एक-तिहाई सदस्य"), not a figure',
  'figures.candidatesBar': 'a percentage ("40% लड़कियाँ")',
  'figures.electedBar': 'a percentage',
  'figures.leadersBar': 'a percentage',
  'election.votersAre': 'English: an age, and "vote" is the verb ("Children aged 6 to 18 vote")',
  'v.tooOld': 'always the register’s oldest age (18)',
  'explain.reason.atLeast':
    'the seats of a contest where at least one but not all must go to girls: always 2 or more (explain.ts says "all" when every seat must)',
}
describe('counts in the dictionaries', () => {
  for (const lang of ['hi', 'en'] as const) {
    it(`agree with their nouns for 0, 1, 2 and 5 (${lang})`, () => {
      const problems: string[] = []
      const keys = countedKeys(dictionaries[lang])
      expect(keys.size).toBeGreaterThan(30)
      for (const key of keys.keys())
        for (const n of [0, 1, 2, 5])
          for (const p of disagreements(render(lang, key, n), lang)) problems.push(`${key} (${n}): ${p}`)
      expect(problems).toEqual([])
    })

    it(`give every counted noun its figure as {{count}}, which has plural forms (${lang})`, () => {
      const found = figuresWithoutPlural(dictionaries[lang], lang)
      const excused = (f: string) =>
        Object.keys(notFigures).some((key) => f.startsWith(`${key}: `) || f.startsWith(`${key}_`))
      expect(found.filter((f) => !excused(f))).toEqual([])
    })
  }

  it('excuse only what is still there', () => {
    const found = [...figuresWithoutPlural(dictionaries.hi, 'hi'), ...figuresWithoutPlural(dictionaries.en, 'en')]
    for (const key of Object.keys(notFigures))
      expect(
        found.some((f) => f.startsWith(`${key}: `) || f.startsWith(`${key}_`)),
        key,
      ).toBe(true)
  })

  it('say none in words, not as 0, wherever Hindi would take the singular', () => {
    const hi = countedKeys(dictionaries.hi)
    const bare = [...hi.keys()].filter((key) => /(^|[^\d])0\s+[\p{L}\p{M}]/u.test(render('hi', key, 0)))
    const singular = bare.filter((key) => disagreements(render('hi', key, 0), 'hi').length > 0)
    expect(singular).toEqual([])
  })

  it('control: the reader finds each wrong number it is meant to find', () => {
    expect(disagreements('कम से कम 1 लड़कियाँ हों', 'hi')).toHaveLength(1)
    expect(disagreements('10 में से 1 लड़कियाँ', 'hi')).toHaveLength(1)
    expect(disagreements('1 पंक्तियाँ', 'hi')).toHaveLength(1)
    expect(disagreements('0 बच्चा मिला', 'hi')).toHaveLength(1)
    expect(disagreements('1 सदस्य मौजूद हैं', 'hi')).toHaveLength(1)
    expect(disagreements('5 सदस्य मौजूद है', 'hi')).toHaveLength(1)
    expect(disagreements('2 girl', 'en')).toHaveLength(1)
    expect(disagreements('1 rows', 'en')).toHaveLength(1)
    expect(disagreements('1 member are present', 'en')).toHaveLength(1)
    expect(disagreements('5 लड़की सदस्यों में से 2', 'hi')).toEqual([])
    expect(disagreements('2 of 5 girl members', 'en')).toEqual([])
    for (const right of [
      'कम से कम 1 लड़की',
      'कम से कम 2 लड़कियाँ',
      '1 पंक्ति',
      '3 पंक्तियाँ',
      '1 सदस्य मौजूद है',
      '2 सदस्य मौजूद हैं',
      'कोई बच्चा नहीं मिला',
    ])
      expect(disagreements(right, 'hi'), right).toEqual([])
    for (const right of ['1 child', '2 children', '1 member is here', '2 members are here', 'no rows'])
      expect(disagreements(right, 'en'), right).toEqual([])
    // A planted bad key is found in a dictionary.
    const planted = { x: { found_one: '{{count}} बच्चे मिले', found_other: '{{count}} बच्चे मिले', girls: '{{n}} लड़कियाँ' } }
    expect([...countedKeys(planted).keys()]).toEqual(['x.found'])
    expect(figuresWithoutPlural(planted, 'hi')).toEqual(['x.girls: “{{n}} लड़कियाँ”'])
  })
})
