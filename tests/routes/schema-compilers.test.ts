import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { schemaCompilersOnFirstUse } from '../../src/web/schema-compilers.ts'

/** The app gives fastify its schema compilers made on first use (start time): they must still work when used. */
describe('fastify schema compilers made on first use', () => {
  it('validate and serialize as fastify’s defaults do, once a route has a JSON schema', async () => {
    const app = Fastify({ schemaController: { compilersFactory: schemaCompilersOnFirstUse } })
    app.get(
      '/sum',
      {
        schema: {
          querystring: {
            type: 'object',
            properties: { a: { type: 'integer' }, b: { type: 'integer' } },
            required: ['a', 'b'],
          },
          response: { 200: { type: 'object', properties: { sum: { type: 'integer' } } } },
        },
      },
      async (request) => {
        const { a, b } = request.query as { a: number; b: number }
        return { sum: a + b, hidden: 'not in the response schema' }
      },
    )
    try {
      const ok = await app.inject('/sum?a=2&b=3')
      expect(ok.statusCode).toBe(200)
      expect(ok.json()).toEqual({ sum: 5 })
      const bad = await app.inject('/sum?a=two&b=3')
      expect(bad.statusCode).toBe(400)
      expect(bad.json().message).toMatch(/querystring\/a must be integer/)
    } finally {
      await app.close()
    }
  })
})
