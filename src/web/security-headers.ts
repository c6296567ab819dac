import { createRequire } from 'node:module'
import type { FastifyInstance } from 'fastify'
import type { FastifyHelmetOptions } from '@fastify/helmet'

type HeaderStep = { set: string; value: number | string | readonly string[] } | { remove: string }

/**
 * Helmet's headers (CSP and the rest), worked out once at start instead of on every request:
 * @fastify/helmet builds helmet's middleware anew for each request, a good part of a small page's
 * time. The same helmet (@fastify/helmet's own) is run once against a recording response, and each
 * request's response gets what it did, in the same order. Options as @fastify/helmet's, global only.
 *
 * They go among fastify's own headers for the answer (reply.header), not onto Node's response as
 * helmet puts them: a response with no header of Node's own is written from fastify's in one go,
 * where a single one set on it first makes Node copy every header of the answer into its own list.
 */
export async function registerSecurityHeaders(app: FastifyInstance, options: FastifyHelmetOptions): Promise<void> {
  const headers: Record<string, number | string | readonly string[]> = {}
  for (const step of helmetSteps(options)) {
    if ('set' in step) headers[step.set.toLowerCase()] = step.value
    else delete headers[step.remove.toLowerCase()]
  }
  const names = Object.keys(headers)
  app.addHook('onRequest', (_request, reply, done) => {
    for (const name of names) reply.header(name, headers[name])
    done()
  })
}

/** What helmet does to a response with these options: the headers it sets and removes, in order. */
export function helmetSteps(options: FastifyHelmetOptions): HeaderStep[] {
  const { enableCSPNonces, global, ...config } = options
  if (enableCSPNonces || global === false)
    throw new Error('security headers: per-request nonces and routes are not supported')
  const helmet = createRequire(createRequire(import.meta.url).resolve('@fastify/helmet'))('helmet') as (
    o: unknown,
  ) => (req: unknown, res: unknown, next: (err?: unknown) => void) => void
  const steps: HeaderStep[] = []
  const res = {
    setHeader: (name: string, value: number | string | readonly string[]) => {
      steps.push({ set: name, value })
    },
    removeHeader: (name: string) => {
      steps.push({ remove: name })
    },
  }
  let failed: unknown
  helmet(config)({ method: 'GET', url: '/', headers: {} }, res, (err) => {
    failed = err
  })
  if (failed) throw failed
  return steps
}
