import i18next, { type TFunction } from 'i18next'
import hi from '../i18n/hi.json' with { type: 'json' }
import en from '../i18n/en.json' with { type: 'json' }
import { languages, type Language } from '../accounts/tables.ts'

export const dictionaries = { hi, en } as const
export const defaultLanguage: Language = 'hi'

const i18n = i18next.createInstance()
// Templates escape every value themselves, so i18next must not escape a second time.
void i18n.init({
  resources: { hi: { translation: hi }, en: { translation: en } },
  lng: defaultLanguage,
  fallbackLng: false,
  initAsync: false,
  interpolation: { escapeValue: false },
  returnNull: false,
} as Parameters<typeof i18n.init>[0])

export type Translate = TFunction

export function translator(lang: Language): Translate {
  return i18n.getFixedT(lang)
}

export function pickLanguage(value: unknown): Language {
  return (languages as readonly unknown[]).includes(value) ? (value as Language) : defaultLanguage
}
