import i18next from 'i18next'
import { describe, expect, it } from 'vitest'
import { dictionaries, translator } from '../../src/i18n/translator.ts'

/** Every leaf key with its words. */
function leaves(d: object, prefix = ''): [string, string][] {
  return Object.entries(d).flatMap(([k, v]) =>
    typeof v === 'object' && v ? leaves(v, `${prefix}${k}.`) : [[`${prefix}${k}`, String(v)] as [string, string]],
  )
}

// i18next as the translator sets it up, asked afresh every time: what the remembered answers must equal.
const fresh = i18next.createInstance()
void fresh.init({
  resources: { hi: { translation: dictionaries.hi }, en: { translation: dictionaries.en } },
  lng: 'hi',
  fallbackLng: false,
  initAsync: false,
  interpolation: { escapeValue: false },
  returnNull: false,
})

// Values that would collide if a remembered answer were keyed carelessly: separators, lengths, markup.
const samples = ['', 'a', '1:a', 'a;n1', 'x\u0000y', 'सुनीता', '<b>&"\'', '12']

describe('the translator remembers its answers without changing them', () => {
  for (const lang of ['hi', 'en'] as const) {
    it(`gives i18next's own words for every key, with and without parameters (${lang})`, () => {
      const t = translator(lang) as unknown as (key: string, options?: object) => string
      const ask = fresh.getFixedT(lang) as unknown as (key: string, options?: object) => string
      const keys = new Map<string, Set<string>>()
      for (const [key, words] of leaves(dictionaries[lang])) {
        const base = key.replace(/_(zero|one|two|few|many|other)$/, '')
        const names = keys.get(base) ?? new Set<string>()
        for (const m of words.matchAll(/{{\s*([\w.]+)\s*}}/g)) names.add(m[1])
        keys.set(base, names)
      }
      let asked = 0
      for (const [key, names] of keys) {
        const calls: (object | undefined)[] = [undefined, {}]
        for (const count of [0, 1, 2, 5, 21]) calls.push({ count })
        for (const [i, value] of samples.entries()) {
          const options: Record<string, string | number> = {}
          for (const name of names) options[name] = name === 'count' ? i : value
          calls.push(options, { ...options, extra: value })
        }
        // Two parameters whose values differ only in where one ends and the next begins.
        calls.push({ a: '1:b', b: 'c' }, { a: '1', b: ':bc' })
        for (const options of calls) {
          const expected = ask(key, options)
          expect(t(key, options)).toBe(expected)
          // Asked again, the answer comes from what was remembered.
          expect(t(key, options)).toBe(expected)
          asked++
        }
      }
      expect(asked).toBeGreaterThan(1000)
    })
  }

  it('leaves anything but strings and numbers to i18next', () => {
    const t = translator('en') as unknown as (key: string, options?: object) => string
    const ask = fresh.getFixedT('en') as unknown as (key: string, options?: object) => string
    const options = { count: 2, name: { toString: () => 'x' } }
    expect(t('children.years', options)).toBe(ask('children.years', options))
    expect(t('no.such.key')).toBe('no.such.key')
  })
})
