import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { DomainError, InvalidInput } from '../core/errors.ts'
import { pickLanguage, translator } from '../i18n/translator.ts'
import { wantsFragment } from './context.ts'
import { viewHelpers } from './view-helpers.ts'
import { isStorageFull } from './storage.ts'

/** Fastify's own 4xx codes, mapped to words a user understands. */
const knownCodes: Record<string, string> = {
  FST_CSRF_INVALID_TOKEN: 'errors.csrf',
  FST_CSRF_MISSING_SECRET: 'errors.csrf',
  FST_ERR_CTP_BODY_TOO_LARGE: 'errors.tooLarge',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'errors.badRequest',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'errors.badRequest',
  FST_ERR_CTP_INVALID_JSON_BODY: 'errors.badRequest',
}

export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler(async (error: FastifyError | DomainError, request, reply) => {
    let status = error.statusCode ?? 500
    let key: string
    let params: Record<string, unknown> = {}
    if (error instanceof DomainError) {
      // Bad input outside a form (a ballot, a link) says its own reason when it has one.
      const formMessage = error instanceof InvalidInput ? error.fields._form : undefined
      key = formMessage?.key ?? error.messageKey
      params = formMessage?.params ?? error.params
    } else if (isStorageFull(error)) {
      // Nothing of it was saved; the person is told so, and what to do, in their language.
      request.server.storage.noteFull()
      request.log.warn({ code: (error as { code?: string }).code }, 'storage full: a write was refused')
      return renderStorageFull(request, reply)
    } else if (status === 429) {
      key = 'errors.tooMany'
    } else if (status >= 400 && status < 500) {
      key = knownCodes[(error as FastifyError).code] ?? statusKey(status)
    } else {
      status = 500
      key = 'errors.server'
      request.log.error({ err: error }, 'unhandled error')
    }
    return renderError(request, reply, status, key, params)
  })
  app.setNotFoundHandler(async (request, reply) => renderError(request, reply, 404, 'errors.notFound', {}))
}

/** 507: the box's storage is full. A tablet gets a calm screen for the child, never the staff's words. */
async function renderStorageFull(request: FastifyRequest, reply: FastifyReply) {
  const station = request.session?.get('station')
  if (!station || wantsFragment(request) || !(request.headers.accept ?? 'text/html').includes('html')) {
    return renderError(request, reply, 507, 'errors.storageFull', {})
  }
  prepareContext(request, reply)
  return reply.code(507).view('errors/storage-full-tablet', { back: `/elections/${station.electionId}/station` })
}

function statusKey(status: number): string {
  if (status === 403) return 'errors.forbidden'
  if (status === 404) return 'errors.notFound'
  if (status === 413) return 'errors.tooLarge'
  return 'errors.badRequest'
}

/** The error may come before the request context was built (a body that would not parse). */
function prepareContext(request: FastifyRequest, reply: FastifyReply): void {
  if (!request.ctx) {
    const lang = pickLanguage(request.cookies?.lang)
    request.ctx = { db: request.server.database.db, actor: null, lang, t: translator(lang) }
  }
  reply.locals = viewHelpers(request, reply)
}

async function renderError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  key: string,
  params: Record<string, unknown>,
) {
  prepareContext(request, reply)
  const message = request.ctx.t(key, params)
  reply.code(status).header('Vary', 'HX-Request')
  const accept = request.headers.accept ?? ''
  if (accept.includes('json') && !accept.includes('html')) {
    return reply.send({ error: message, key })
  }
  const template = wantsFragment(request) ? 'errors/_message' : 'errors/page'
  // On a polling-station tablet the way on is back to the station, not the staff pages.
  const station = request.session?.get('station')
  return reply.view(template, { status, message, back: station ? `/elections/${station.electionId}/station` : null })
}
