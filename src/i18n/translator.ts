import fs from 'node:fs'
import path from 'node:path'
import i18next, { type TFunction } from 'i18next'
import { type Language, languages } from '../core/actor.ts'
import { projectRoot } from '../core/paths.ts'
import { namespaceOf, namespaces } from './namespaces.ts'

/**
 * The dictionaries sit beside this file's source, src/i18n/, read from there also when this file runs
 * compiled (dist/i18n/translator.js, or bundled into dist/server.js).
 */
const here = path.join(projectRoot, 'src/i18n')

export const defaultLanguage: Language = 'hi'

type Dictionary = { [key: string]: string | Dictionary }

type Namespaces = Readonly<Record<string, readonly string[]>>

/**
 * Each domain keeps its words in src/i18n/<domain>.<lang>.json, under the key prefixes namespaces.ts
 * gives that file; they are merged per language. A key outside its file's namespace, or defined in two
 * files (which would silently take the later file's words), stops the start instead.
 */
export function loadDictionaries(dir = here, owned: Namespaces = namespaces): Record<Language, Dictionary> {
  const { dictionaries, problems } = readDictionaries(dir, owned)
  if (problems.length > 0) {
    const shown = problems.length > 40 ? [...problems.slice(0, 40), `… and ${problems.length - 40} more`] : problems
    throw new Error(`The dictionaries in ${dir} are refused (see src/i18n/namespaces.ts):\n${shown.join('\n')}`)
  }
  return dictionaries
}

/** The dictionaries merged per language, and every key that is outside its file's namespace or defined twice. */
export function readDictionaries(
  dir = here,
  owned: Namespaces = namespaces,
): { dictionaries: Record<Language, Dictionary>; problems: string[] } {
  const out = { hi: {}, en: {} } as Record<Language, Dictionary>
  const owners = { hi: new Map<string, string>(), en: new Map<string, string>() }
  const problems = claimedTwice(owned)
  for (const file of fs.readdirSync(dir).sort()) {
    const m = /^([a-z-]+)\.(hi|en)\.json$/.exec(file)
    if (!m) continue
    const name = m[1]
    const lang = m[2] as Language
    const words = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Dictionary
    if (!Object.hasOwn(owned, name)) problems.push(`${file}: no namespace is declared for "${name}"`)
    else
      for (const key of leafKeys(words, '')) {
        const owner = namespaceOf(key, owned)
        if (owner?.file === name) continue
        const whose = owner ? `it belongs to ${owner.file} ("${owner.prefix}")` : 'no file claims it'
        problems.push(`${file}: "${key}" is outside the namespace of ${name}: ${whose}`)
      }
    merge(out[lang], words, file, owners[lang], problems)
  }
  return { dictionaries: out, problems }
}

/** A prefix two files (or one file twice) claim. */
function claimedTwice(owned: Namespaces): string[] {
  const claimed = new Map<string, string>()
  const problems: string[] = []
  for (const [name, prefixes] of Object.entries(owned))
    for (const prefix of prefixes) {
      const other = claimed.get(prefix)
      if (other !== undefined) problems.push(`"${prefix}" is claimed by both ${other} and ${name}`)
      else claimed.set(prefix, name)
    }
  return problems
}

/** Adds one file's words; `owners` names the file that defined each key (leaf or group) so far. */
function merge(
  into: Dictionary,
  from: Dictionary,
  file: string,
  owners: Map<string, string>,
  problems: string[],
  prefix = '',
): void {
  for (const [k, v] of Object.entries(from)) {
    const key = prefix + k
    const existing = into[k]
    if (typeof v === 'object' && typeof existing === 'object') merge(existing, v, file, owners, problems, `${key}.`)
    else if (existing !== undefined) problems.push(`${file}: "${key}" is already defined in ${owners.get(key)}`)
    else {
      into[k] = v
      owners.set(key, file)
      if (typeof v === 'object') for (const inner of leaves(v, `${key}.`)) owners.set(inner, file)
    }
  }
}

/** The keys of the words themselves, not of their groups: { a: { b: 'x' } } → ['a.b'] */
function leafKeys(d: Dictionary, prefix: string): string[] {
  return Object.entries(d).flatMap(([k, v]) => (typeof v === 'object' ? leafKeys(v, `${prefix}${k}.`) : [prefix + k]))
}

function leaves(d: Dictionary, prefix: string): string[] {
  return Object.entries(d).flatMap(([k, v]) => [
    prefix + k,
    ...(typeof v === 'object' ? leaves(v, `${prefix}${k}.`) : []),
  ])
}

export const dictionaries = loadDictionaries()

const i18n = i18next.createInstance()
// Templates escape every value themselves, so i18next must not escape a second time.
void i18n.init({
  resources: { hi: { translation: dictionaries.hi }, en: { translation: dictionaries.en } },
  lng: defaultLanguage,
  fallbackLng: false,
  initAsync: false,
  interpolation: { escapeValue: false },
  returnNull: false,
})

export type Translate = TFunction

/**
 * A page asks for the same words hundreds of times (a label on every row, a child's age), and
 * i18next resolves each call afresh; a call is looked up once per language and its answer kept
 * (words with simple parameters too, keyed by them), up to a bound.
 */
function remembering(t: TFunction): TFunction {
  const known = new Map<string, string>()
  const translate = t as (k: unknown, o?: unknown) => string
  return ((key: unknown, options?: unknown) => {
    if (typeof key !== 'string') return translate(key, options)
    let id = key
    if (options !== undefined) {
      const params = simpleParams(options)
      if (params === null) return translate(key, options)
      if (params) id = `${key}\u0000${params}`
    }
    let text = known.get(id)
    if (text === undefined) {
      text = translate(key, options)
      if (known.size >= 20_000) known.clear()
      known.set(id, text)
    }
    return text
  }) as TFunction
}

/**
 * Parameters made only of strings and numbers, as a key ('' for none); null for anything else (left
 * to i18next). Each name and string is written with its length first, so no two differ only in where
 * one ends: asked hundreds of times a page, it builds one string and no array.
 */
function simpleParams(options: unknown): string | null {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return null
  let id = ''
  for (const name in options) {
    if (!Object.hasOwn(options, name)) continue
    const v = (options as Record<string, unknown>)[name]
    if (typeof v === 'string') id += `${name.length}:${name}s${v.length}:${v}`
    else if (typeof v === 'number') id += `${name.length}:${name}n${v};`
    else return null
  }
  return id
}

const fixed = { hi: remembering(i18n.getFixedT('hi')), en: remembering(i18n.getFixedT('en')) }

export function translator(lang: Language): Translate {
  return fixed[lang]
}

export function pickLanguage(value: unknown): Language {
  return (languages as readonly unknown[]).includes(value) ? (value as Language) : defaultLanguage
}
