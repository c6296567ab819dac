/**
 * Finding a child by name however it is typed: "meena", "mina" and "मीना" all find मीणा. Every name and
 * every query is brought to a rough sound-key, word by word: Devanagari spelled out in Latin letters,
 * then both folded alike (aspiration, long and short vowels, s/sh, v/w, z/j, f/ph, doubled letters) and
 * the vowel a dropped after a word's first letter, as Hindi drops it in speech (कमला: "kamla"). A query
 * finds a name when each of its words begins one of the name's words; a plain substring still finds as before.
 */

/** Whether `query` finds a child named `names` (the child's, the guardian's). */
export function nameMatches(query: string, ...names: string[]): boolean {
  return nameMatcher(query)(...names)
}

/** The query read once, to be tried on every child of a register. */
export function nameMatcher(query: string): (...names: string[]) => boolean {
  const q = query.trim().toLowerCase()
  if (!q) return () => true
  const wanted = soundKeys(q)
  return (...names) => {
    if (names.some((n) => n.toLowerCase().includes(q))) return true
    if (!wanted.length) return false
    const words = names.flatMap(keysOf)
    return wanted.every((w) => words.some((word) => word.startsWith(w)))
  }
}

/** The sound-keys of a text's words, in order: "Meena Kumari" → ["min", "kumri"]. */
export function soundKeys(text: string): string[] {
  return latinWords(text)
    .map(fold)
    .filter((k) => k.length > 0)
}

/** A name's keys, remembered: a register of 2,000 children is searched on every letter typed. */
const known = new Map<string, string[]>()
function keysOf(name: string): string[] {
  let keys = known.get(name)
  if (!keys) {
    keys = soundKeys(name.toLowerCase())
    if (known.size >= 20_000) known.clear()
    known.set(name, keys)
  }
  return keys
}

/** The text's words in Latin letters, lower case, without accents (ā → a); Devanagari spelled out. */
function latinWords(text: string): string[] {
  let latin = spellOut(text.normalize('NFC'))
  if (/\P{ASCII}/u.test(latin)) latin = latin.normalize('NFD').replace(/\p{M}/gu, '')
  return latin
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter(Boolean)
}

/** One Latin word to its sound-key: "meenaa" → "min", "suresh" → "sures", "shyaam" → "sym". */
export function fold(word: string): string {
  const w = word
    .replace(/ck|[xqwzf]|c(?!h)/g, (m) => LETTERS[m])
    // Aspiration is not heard apart by everyone who types a name: kh, gh, ch, chh, th, dh, ph, bh, sh, rh.
    .replace(/([kgcjtdpbsr])h+/g, '$1')
    .replace(/ee|ii|ie|oo|uu|ai|ei|ae|au|ou/g, (m) => VOWEL_PAIRS[m])
    .replace(/(.)\1+/g, '$1')
  // The first letter stays whatever it is (अनीता: "anit"); the vowel a after it goes.
  return (w.slice(0, 1) + w.slice(1).replace(/a/g, '')).replace(/(.)\1+/g, '$1')
}
const LETTERS: Record<string, string> = { ck: 'k', c: 'k', x: 'ks', q: 'k', w: 'v', z: 'j', f: 'p' }
const VOWEL_PAIRS: Record<string, string> = {
  ee: 'i',
  ii: 'i',
  ie: 'i',
  oo: 'u',
  uu: 'u',
  ai: 'e',
  ei: 'e',
  ae: 'e',
  au: 'o',
  ou: 'o',
}

// Devanagari in Latin letters, close to how a name is written in English in India. The inherent vowel
// is left out: fold() drops a after a word's first letter in any case.
const VOWELS: Record<string, string> = {
  अ: 'a',
  आ: 'aa',
  इ: 'i',
  ई: 'ii',
  उ: 'u',
  ऊ: 'uu',
  ऋ: 'ri',
  ए: 'e',
  ऐ: 'ai',
  ओ: 'o',
  औ: 'au',
  ऑ: 'o',
  ऍ: 'e',
}
const SIGNS: Record<string, string> = {
  'ा': 'aa',
  'ि': 'i',
  'ी': 'ii',
  'ु': 'u',
  'ू': 'uu',
  'ृ': 'ri',
  'े': 'e',
  'ै': 'ai',
  'ो': 'o',
  'ौ': 'au',
  'ॉ': 'o',
  'ॅ': 'e',
}
const CONSONANTS: Record<string, string> = {
  क: 'k',
  ख: 'kh',
  ग: 'g',
  घ: 'gh',
  ङ: 'n',
  च: 'ch',
  छ: 'chh',
  ज: 'j',
  झ: 'jh',
  ञ: 'n',
  ट: 't',
  ठ: 'th',
  ड: 'd',
  ढ: 'dh',
  ण: 'n',
  त: 't',
  थ: 'th',
  द: 'd',
  ध: 'dh',
  न: 'n',
  प: 'p',
  फ: 'ph',
  ब: 'b',
  भ: 'bh',
  म: 'm',
  य: 'y',
  र: 'r',
  ल: 'l',
  ळ: 'l',
  व: 'v',
  श: 'sh',
  ष: 'sh',
  स: 's',
  ह: 'h',
}
/** With a nukta (NFC keeps क़ as क + ़): ड़ is "r", ज़ "z", फ़ "f". */
const NUKTA: Record<string, string> = { ड: 'r', ढ: 'rh', ज: 'z', फ: 'f', क: 'q', ख: 'kh', ग: 'g' }
const LABIALS = new Set(['प', 'फ', 'ब', 'भ', 'म'])

function spellOut(text: string): string {
  if (!/[\u0900-\u097f]/.test(text)) return text
  const chars = [...text]
  let out = ''
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]
    const next = chars[i + 1]
    if (c === 'ज' && next === '्' && chars[i + 2] === 'ञ') {
      out += 'gy' // ज्ञ, as in "gyan"
      i += 2
    } else if (CONSONANTS[c] !== undefined) {
      out += next === '़' ? (NUKTA[c] ?? CONSONANTS[c]) : CONSONANTS[c]
    } else if (VOWELS[c] !== undefined) {
      out += VOWELS[c]
    } else if (SIGNS[c] !== undefined) {
      out += SIGNS[c]
    } else if (c === 'ं' || c === 'ँ') {
      // The nasal takes the place of what follows: अंबा "amba", सिंह "singh", संगीता "sangita".
      out += next && LABIALS.has(next) ? 'm' : next === 'ह' ? 'ng' : 'n'
    } else if (c === 'ः') {
      out += 'h'
    } else if (c === '्' || c === '़' || c === '\u200c' || c === '\u200d' || c === 'ऽ') {
      // The virama, a nukta already read, the joiners, the avagraha: no sound of their own.
    } else {
      out += c
    }
  }
  return out
}
