import { createRequire } from 'node:module'
import type { FastifyServerOptions } from 'fastify'

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>

/** fastify's own dependencies, resolved from fastify's folder (they are not ours to name in package.json). */
const fastifyRequire = createRequire(createRequire(import.meta.url).resolve('fastify'))

/** fastify's default compiler factory `name`, loaded and made on the first call instead of at start. */
function onFirstUse<F extends (...args: never[]) => unknown>(name: string): F {
  let built: F | undefined
  return ((...args: Parameters<F>) => {
    built ??= (fastifyRequire(name) as () => F)()
    return built(...args)
  }) as F
}

/**
 * fastify's JSON-schema compilers, ajv and fast-json-stringify (a few hundred files, a tenth of the
 * start), loaded only when a route first needs them. Our routes check their input with zod and have no
 * JSON schemas, so today they are never loaded. The compilers are fastify's defaults, with their
 * defaults; one difference: fastify counts factories it is given as custom and leaves a route's
 * `headers` schema as written, so a route that ever validates headers with one names them in lower case.
 */
export const schemaCompilersOnFirstUse: CompilersFactory = {
  buildValidator: onFirstUse('@fastify/ajv-compiler'),
  buildSerializer: onFirstUse('@fastify/fast-json-stringify-compiler'),
}
