import type { Language } from '../../src/core/actor.ts'
import { translator } from '../../src/i18n/translator.ts'

/** Counted nouns: singular forms, plural forms (Hindi direct and oblique). Where both are the same, the verb decides. */
export const nouns: Record<Language, { one: string[]; many: string[] }> = {
  hi: {
    one: [
      'बच्चा',
      'बच्ची',
      'लड़की',
      'लड़का',
      'पंक्ति',
      'सीट',
      'बैठक',
      'पन्ना',
      'प्रविष्टि',
      'लड़की,',
      'तारीख',
      'चीज़',
      'फ़ाइल',
      'टिप्पणी',
      'कुर्सी',
    ],
    many: [
      'बच्चे',
      'बच्चों',
      'बच्चियाँ',
      'लड़कियाँ',
      'लड़कियों',
      'लड़के',
      'लड़कों',
      'पंक्तियाँ',
      'पंक्तियों',
      'सीटें',
      'सीटों',
      'बैठकें',
      'बैठकों',
      'पन्ने',
      'पन्नों',
      'प्रविष्टियाँ',
      'तारीखें',
      'फ़ाइलें',
      'टिप्पणियाँ',
    ],
  },
  en: {
    one: [
      'child',
      'girl',
      'boy',
      'row',
      'member',
      'seat',
      'vote',
      'ballot',
      'meeting',
      'resolution',
      'day',
      'minute',
      'time',
      'candidate',
      'page',
      'year',
      'item',
      'backup',
      'entry',
      'contest',
      'answer',
      'point',
      'adult',
      'person',
      'tablet',
      'file',
      'post',
    ],
    many: [
      'children',
      'girls',
      'boys',
      'rows',
      'members',
      'seats',
      'votes',
      'ballots',
      'meetings',
      'resolutions',
      'days',
      'minutes',
      'times',
      'candidates',
      'pages',
      'years',
      'items',
      'backups',
      'entries',
      'contests',
      'answers',
      'points',
      'adults',
      'people',
      'tablets',
      'files',
      'posts',
    ],
  },
}
/** Nouns the same in both numbers, whose verb says the number: "1 सदस्य मौजूद है" / "2 सदस्य मौजूद हैं". */
const sameInBoth: Record<Language, string[]> = {
  // Subjects only: a span of time ("2 मिनट के लिए बंद हो गया") is not what the verb agrees with.
  hi: ['सदस्य', 'मतपत्र', 'वोट', 'उम्मीदवार', 'प्रस्ताव'],
  en: ['member', 'members', 'child', 'children', 'girl', 'girls', 'resolution', 'resolutions', 'answer', 'answers'],
}
const verbs: Record<Language, { one: RegExp; many: RegExp }> = {
  hi: {
    one: /(?<![\p{L}\p{M}])(है|था|थी|गया|गई|हुआ|हुई)(?![\p{L}\p{M}])/u,
    many: /(?<![\p{L}\p{M}])(हैं|थे|थीं|गए|गईं|हुए|हुईं)(?![\p{L}\p{M}])/u,
  },
  en: { one: /\b(is|was|has)\b/, many: /\b(are|were|have)\b/ },
}

type Problem = string

/** What is wrong in one rendered text: a figure followed by a noun (or, for a noun the same in both numbers, a verb) of the wrong number. */
export function disagreements(text: string, lang: Language): Problem[] {
  const out: Problem[] = []
  const word = lang === 'hi' ? String.raw`[\p{L}\p{M}]+` : '[A-Za-z]+'
  for (const m of text.matchAll(new RegExp(String.raw`(?<![\d.:/])(\d+)\s+(${word})`, 'gu'))) {
    const n = Number(m[1])
    const noun = m[2]
    if (n === 1 && nouns[lang].many.includes(noun)) out.push(`“${m[0]}”: a plural noun after 1`)
    // "5 लड़की सदस्यों", "5 girl members": the noun is an adjective of the next one, which takes the number.
    const next = /^\s+([\p{L}\p{M}]+)/u.exec(text.slice((m.index ?? 0) + m[0].length))?.[1] ?? ''
    const adjective = ['सदस्य', 'सदस्यों', 'उम्मीदवार', 'उम्मीदवारों', 'members', 'candidates'].includes(next)
    if (n !== 1 && nouns[lang].one.includes(noun) && !adjective) out.push(`“${m[0]}”: a singular noun after ${n}`)
    if (sameInBoth[lang].includes(noun)) {
      // The clause after the noun, up to its end: its first verb says the number.
      const rest = text.slice((m.index ?? 0) + m[0].length).split(/[।.,;:!?(]/)[0]
      const one = verbs[lang].one.exec(rest)
      const many = verbs[lang].many.exec(rest)
      const first = one && (!many || one.index < many.index) ? 'one' : many ? 'many' : null
      if (lang === 'en' && nouns.en.many.includes(noun)) continue // "2 members are": the noun already agrees
      if (lang === 'en' && nouns.en.one.includes(noun) && n === 1 && first === 'many')
        out.push(`“${m[0]}${rest}”: 1 with a plural verb`)
      if (lang === 'hi' && n === 1 && first === 'many') out.push(`“${m[0]}${rest}”: 1 with a plural verb`)
      if (lang === 'hi' && n !== 1 && first === 'one') out.push(`“${m[0]}${rest}”: ${n} with a singular verb`)
    }
  }
  return out
}

type Dictionary = { [key: string]: string | Dictionary }
function leaves(d: Dictionary, prefix = ''): [string, string][] {
  return Object.entries(d).flatMap(([k, v]) =>
    typeof v === 'string' ? [[prefix + k, v] as [string, string]] : leaves(v, `${prefix}${k}.`),
  )
}
const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/

/** Every key that takes a count (by its base name, without _one/_other), per language, with the words of each form. */
export function countedKeys(d: Dictionary): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const [key, text] of leaves(d)) {
    if (!text.includes('{{count')) continue
    const base = key.replace(PLURAL_SUFFIX, '')
    out.set(base, [...(out.get(base) ?? []), text])
  }
  return out
}

/** The parameters of a text shown right before a counted noun under another name than `count` (no plural forms then). */
export function figuresWithoutPlural(d: Dictionary, lang: Language): string[] {
  const all = [...nouns[lang].one, ...nouns[lang].many, ...sameInBoth[lang]]
  const out: string[] = []
  for (const [key, text] of leaves(d))
    for (const m of text.matchAll(/\{\{(\w+)\}\}\s+([\p{L}\p{M}]+)/gu))
      if (m[1] !== 'count' && all.includes(m[2])) out.push(`${key}: “{{${m[1]}}} ${m[2]}”`)
  return out
}

export function render(lang: Language, key: string, count: number): string {
  const t = translator(lang)
  // Every other parameter is a word, so that only the count is a figure in the text.
  const params = new Proxy({ count } as Record<string, unknown>, {
    get: (o, p) => (p === 'count' ? o.count : typeof p === 'string' ? 'क' : undefined),
    has: () => true,
  })
  return t(key, params)
}
