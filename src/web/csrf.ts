import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import csrf from '@fastify/csrf-protection'

/**
 * The CSRF secret lives in a signed cookie of its own, not in the session: the login page, the
 * public board and the language switch must store nothing for a visitor (issue 12). A new secret
 * is given whenever the session changes hands (login, password change, logout), so a token from
 * before, or a secret planted in the browser beforehand, is worth nothing after.
 */
export const CSRF_COOKIE = 'bp_csrf'
const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax', signed: true } as const

export async function registerCsrf(app: FastifyInstance): Promise<void> {
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: CSRF_COOKIE,
    cookieOpts: cookieOptions,
    getToken: (req) =>
      (req.body as Record<string, string> | undefined)?._csrf ?? (req.headers['x-csrf-token'] as string | undefined),
  })
}

/** The token for a page's forms; the secret's cookie is set on first use, Secure as the session cookie is. */
export function csrfToken(request: FastifyRequest, reply: FastifyReply): string {
  return reply.generateCsrf({ secure: request.server.cookieSecure(request) })
}

/** A new secret from this response on (the tokens made later in it use it too). */
export function renewCsrf(request: FastifyRequest, reply: FastifyReply): void {
  const secret = randomBytes(18).toString('base64url')
  reply.setCookie(CSRF_COOKIE, secret, { ...cookieOptions, secure: request.server.cookieSecure(request) })
  request.cookies[CSRF_COOKIE] = reply.signCookie(secret)
}
