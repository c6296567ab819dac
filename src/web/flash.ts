import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Translate } from '../i18n/translator.ts'

/**
 * The message shown once on the next page ("The child was added"). A logged-in person's goes in
 * their session; anyone else's ("You have logged out") in a short-lived cookie, so that nobody
 * who is not logged in ever has a stored session.
 */
const FLASH_COOKIE = 'bp_flash'
const pending = new WeakMap<FastifyRequest, string>()

export function setFlash(request: FastifyRequest, reply: FastifyReply, key: string): void {
  if (request.session?.userId) {
    request.session.flash = key
    return
  }
  pending.set(request, key)
  reply.setCookie(FLASH_COOKIE, key, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    maxAge: 60,
    secure: request.server.cookieSecure(request),
  })
}

/** The message to show on this page, in the page's language, or ''; it is not shown again. */
export function takeFlash(request: FastifyRequest, reply: FastifyReply, t: Translate): string {
  const inSession = request.session?.flash
  if (inSession) {
    request.session.flash = undefined
    return t(inSession)
  }
  const fresh = pending.get(request)
  const left = request.cookies?.[FLASH_COOKIE]
  if (!fresh && !left) return ''
  pending.delete(request)
  reply.clearCookie(FLASH_COOKIE, { path: '/' })
  // A message left for a visitor is not news to someone who has logged in since.
  const key = fresh ?? (request.session?.userId ? undefined : left)
  // The cookie comes from the browser: only a message of ours is shown, never what it says.
  if (!key || !/^[a-zA-Z][\w.]{0,80}$/.test(key)) return ''
  const text = t(key)
  return text === key ? '' : text
}
