import Fastify from 'fastify'
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet'
import { describe, expect, it } from 'vitest'
import { registerSecurityHeaders } from '../../src/web/security-headers.ts'
import { testApp } from '../helpers/app.ts'

// Options of the kind src/app.ts gives.
const options: FastifyHelmetOptions = {
  hsts: false,
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      frameAncestors: ["'none'"],
      upgradeInsecureRequests: null,
    },
  },
}

describe('security headers worked out once', () => {
  it("are @fastify/helmet's, header for header, in the same order, on every response", async () => {
    const theirs = Fastify()
    await theirs.register(helmet, options)
    const ours = Fastify()
    await registerSecurityHeaders(ours, options)
    for (const app of [theirs, ours]) app.get('/', async () => 'x')
    for (const url of ['/', '/missing']) {
      const [a, b] = [await theirs.inject(url), await ours.inject(url)]
      const without = (h: Record<string, unknown>) => Object.entries(h).filter(([k]) => k !== 'date')
      expect(without(b.headers)).toEqual(without(a.headers))
    }
    await theirs.close()
    await ours.close()
  })

  it("are the app's: its content security policy on a page", async () => {
    const t = await testApp({ seed: false })
    try {
      const res = await t.app.inject('/login')
      expect(res.headers['content-security-policy']).toContain("default-src 'self'")
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'")
      expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests')
      expect(res.headers['x-content-type-options']).toBe('nosniff')
    } finally {
      await t.close()
    }
  })
})
