import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testApp, type TestApp, type Agent } from '../helpers/app.ts'
import type { Role } from '../../src/accounts/tables.ts'

let t: TestApp
beforeAll(async () => {
  t = await testApp()
})
afterAll(async () => {
  await t.close()
})

/** Only these may be reached without logging in. A new public route must be added here on purpose. */
const PUBLIC = [
  'GET /',
  'GET /health',
  'GET /login',
  'POST /login',
  'GET /setup',
  'POST /setup',
  'POST /logout',
  'POST /language',
  'GET /board/:villageId',
  'GET /station/closed',
]
const isStatic = (url: string) => url.startsWith('/static/') || url.startsWith('/vendor/')
const concrete = (url: string) =>
  url
    .replace(/:villageId/g, String(t.fx.villages.papdi.id))
    .replace(/:[a-zA-Z]+/g, '1')
    .replace(/\*/g, 'app.css')
const appRoutes = () => t.app.routeTable.filter((r) => !['HEAD', 'OPTIONS'].includes(r.method) && !isStatic(r.url))

describe('who may reach which route, across the whole route table', () => {
  it('the route table has the routes this test expects to guard', () => {
    expect(appRoutes().length).toBeGreaterThan(25)
    expect(
      appRoutes()
        .filter((r) => r.config.public)
        .map((r) => `${r.method} ${r.url}`)
        .sort(),
    ).toEqual([...PUBLIC].sort())
  })

  it('refuses an anonymous visitor everywhere but login, set-up, health and static files', async () => {
    const leaks: string[] = []
    for (const route of appRoutes().filter((r) => !r.config.public)) {
      const res = await t.app.inject({
        method: route.method as 'GET',
        url: concrete(route.url),
        headers: { accept: 'text/html' },
        payload: route.method === 'POST' ? {} : undefined,
      })
      const refused = res.statusCode === 303 && String(res.headers.location).startsWith('/login')
      if (!refused) leaks.push(`${route.method} ${route.url} → ${res.statusCode}`)
    }
    expect(leaks).toEqual([])
    const htmx = await t.app.inject({
      method: 'GET',
      url: concrete('/villages/:villageId/children'),
      headers: { 'hx-request': 'true' },
    })
    expect(htmx.statusCode).toBe(401)
    expect(htmx.headers['hx-redirect']).toBe('/login')
  })

  it('static files, htmx and the Devanagari font are served without login', async () => {
    for (const url of [
      '/static/app.css',
      '/static/app.js',
      '/vendor/htmx/htmx.min.js',
      '/vendor/fonts/noto-sans-devanagari-devanagari-400-normal.woff2',
    ]) {
      expect((await t.app.inject(url)).statusCode, url).toBe(200)
    }
    expect((await t.app.inject('/vendor/htmx/../../package.json')).statusCode).not.toBe(200)
  })

  const logins: Record<Role, string> = { admin: 'coordinator', facilitator: 'rekha', panchayat: 'sarpanch' }
  for (const role of ['facilitator', 'panchayat'] as const) {
    it(`a ${role} is refused every route reserved for other roles`, async () => {
      const agent: Agent = await t.agent().login(logins[role])
      const leaks: string[] = []
      for (const route of appRoutes().filter((r) => r.config.roles && !r.config.roles.includes(role))) {
        const res =
          route.method === 'GET' ? await agent.get(concrete(route.url)) : await agent.post(concrete(route.url), {})
        if (res.statusCode !== 403) leaks.push(`${route.method} ${route.url} → ${res.statusCode}`)
      }
      expect(leaks).toEqual([])
    })
  }

  it('a facilitator of one village gets "not found" for another village\'s register', async () => {
    const agent = await t.agent().login('kamla')
    const res = await agent.get(`/villages/${t.fx.villages.papdi.id}/children`)
    expect(res.statusCode).toBe(404)
    const post = await agent.post(`/villages/${t.fx.villages.papdi.id}/children`, { name: 'x' })
    expect(post.statusCode).toBe(404)
  })
})
