import type { FastifyReply, FastifyRequest } from 'fastify'
import { ageOn, formatDate, formatInstant, formatTime, todayIso } from '../core/dates.ts'
import { translator } from '../i18n/translator.ts'
import type { Language } from '../accounts/tables.ts'
import type { Message } from '../core/errors.ts'
import { isSymbol, SYMBOL_SPRITE, symbolSvg, symbolUse } from '../elections/symbols.ts'
import { assetUrl } from './assets.ts'
import { csrfToken } from './csrf.ts'
import { takeFlash } from './flash.ts'
import { newFormKey } from '../audit/form-keys.ts'
import { Splice } from './view-engine.ts'

/** What every template gets as `it.*`, besides its own data. */
export function viewHelpers(request: FastifyRequest, reply: FastifyReply) {
  const { t, lang, actor } = request.ctx ?? { t: ((k: string) => k) as never, lang: 'hi' as const, actor: null }
  let token: string | undefined
  const splice = new Splice()
  return {
    /** Where this answer's kept partials go in as bytes (web/view-engine.ts; joined in app.ts's onSend). */
    splice,
    /** Whether the page needs htmx: its words, or a kept partial in it, use it. */
    usesHtmx: (body: string) => splice.usesHtmx(body),
    t,
    lang,
    actor,
    path: request.url.split('?')[0],
    url: request.url,
    /** The CSRF token for this browser, made on first use (its secret is in a cookie, never in a stored session). */
    csrf: () => (token ??= csrfToken(request, reply)),
    /** A new one-time key for a form that creates something (see audit/form-keys.ts). */
    formKey: newFormKey,
    /** The flash message left by the last redirect, shown once. */
    flash: () => takeFlash(request, reply, t),
    msg: (m: Message | undefined) => (m ? t(m.key, m.params ?? {}) : ''),
    date: (iso: string | null | undefined) => formatDate(iso, lang),
    instant: (at: Date | null | undefined) => formatInstant(at, lang),
    /** A 24-hour "16:30" as said: "शाम 4:30 बजे" / "4:30 pm". */
    time: (hhmm: string | null | undefined) => formatTime(hhmm, lang),
    age: (dob: string) => ageOn(dob),
    today: todayIso,
    /** Staff are warned when the box's disk runs low: the words, or '' while there is room. */
    storageWarning: () => {
      if (!actor) return ''
      const state = request.server.storage.state()
      if (state === 'ok') return ''
      return state === 'full'
        ? t('errors.storageFull')
        : t('errors.storageLow', { mb: Math.floor(request.server.storage.freeBytes() / (1024 * 1024)) })
    },
    /** A ballot symbol drawn from the symbols' file, kept by the browser (safe: drawn by us, never from input). */
    symbol: (id: string, size = 48) => (isSymbol(id) ? symbolUse(id, assetUrl(SYMBOL_SPRITE), size) : ''),
    /** A ballot symbol as inline SVG: the ballot's, which must draw even if the Wi-Fi drops before the file came. */
    symbolInline: (id: string, size = 48) => (isSymbol(id) ? symbolSvg(id, { size }) : ''),
  }
}

export type ViewHelpers = ReturnType<typeof viewHelpers>

/** The words of a printed sheet (minutes, a letter): Hindi, as the village's paper register, unless ?lang=en asks. */
export function sheetWords(query: unknown) {
  const asked = (query as Record<string, unknown> | undefined)?.lang
  const lang: Language = asked === 'en' ? 'en' : 'hi'
  return {
    lang,
    t: translator(lang),
    date: (iso: string | null) => formatDate(iso, lang),
    instant: (at: Date | null) => formatInstant(at, lang),
    time: (hhmm: string | null) => formatTime(hhmm, lang),
  }
}
