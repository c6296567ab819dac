import type { FastifyReply, FastifyRequest } from 'fastify'
import { InvalidInput } from '../core/errors.ts'
import { wantsFragment } from './context.ts'
import { setFlash } from './flash.ts'
import { typedValues } from './forms.ts'
import { once, type Done } from '../audit/form-keys.ts'

/** One partial serves the full page (which includes it) and the htmx request (which gets only it). */
export function render(
  request: FastifyRequest,
  reply: FastifyReply,
  page: string,
  partial: string,
  data: Record<string, unknown>,
) {
  reply.header('Vary', 'HX-Request')
  return reply.view(wantsFragment(request) ? partial : page, data)
}

/** After a successful change: 303 to the next page, or HX-Redirect for htmx (fetch would follow a 303 itself). */
export function redirectAfter(request: FastifyRequest, reply: FastifyReply, to: string, flashKey?: string) {
  if (flashKey) setFlash(request, reply, flashKey)
  if (request.headers['hx-request'] === 'true') return reply.header('HX-Redirect', to).code(204).send()
  return reply.redirect(to, 303)
}

type FormData = Record<string, unknown> & { values?: Record<string, unknown> }

export type FormView = {
  page: string
  partial: string
  /** What the page shows around the form: a function when it costs reads, run only if the form comes back. */
  data: FormData | (() => FormData)
}
export type { Done }

/**
 * Runs a form's action. Bad input answers 422 with the form again: each message at its field,
 * what was typed kept. Anything else that goes wrong goes to the error handler.
 */
export async function submitForm(
  request: FastifyRequest,
  reply: FastifyReply,
  form: FormView,
  act: () => Done | Promise<Done>,
) {
  try {
    // A form with a one-time key acts once for it: a repeat gets the first answer (audit/form-keys.ts).
    const done = await once(request, act)
    return redirectAfter(request, reply, done.to, done.flash)
  } catch (err) {
    if (!(err instanceof InvalidInput)) throw err
    reply.code(422)
    const data = typeof form.data === 'function' ? form.data() : form.data
    return render(request, reply, form.page, form.partial, {
      // What was typed comes back even when the refusal came from a verb rather than the form's schema.
      ...data,
      errors: err.fields,
      values: {
        ...(data.values ?? {}),
        ...typedValues(isRecord(request.body) ? request.body : {}),
        ...err.values,
      },
    })
  }
}

/**
 * A local path to return to after login or a language switch; never another site. Printable ASCII
 * only, as a browser sends a URL: anything else cannot go into a Location header.
 */
export function safeLocalPath(value: unknown, fallback = '/'): string {
  return typeof value === 'string' && /^\/(?![/\\])[\x21-\x7e]*$/.test(value) && value.length < 2000 ? value : fallback
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
