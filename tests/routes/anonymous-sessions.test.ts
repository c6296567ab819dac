import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LightMyRequestResponse } from 'fastify'
import { testApp, PASSWORD, type TestApp } from '../helpers/app.ts'

/**
 * Issue 12: every cookieless GET /login or /board/:id used to store a session row for 7 days (the
 * layout's CSRF token put its secret in the session): anyone on the Wi-Fi could fill a small SD
 * card. A visitor now has no stored session at all; the CSRF secret is in a signed cookie.
 */
let t: TestApp
let empty: TestApp
beforeAll(async () => {
  t = await testApp()
  empty = await testApp({ seed: false })
})
afterAll(async () => {
  await t?.close()
  await empty?.close()
})

const rowsIn = (app: TestApp) => app.database.sessions.prepare('SELECT count(*) FROM sessions').pluck().get() as number
const setCookies = (res: LightMyRequestResponse) => (res.cookies as { name: string }[]).map((c) => c.name)

/** `n` cookieless requests, a few at a time; every answer checked. */
async function visit(app: TestApp, n: number, url: (i: number) => string, expected: number) {
  const statuses = new Map<number, number>()
  const sessionCookies: string[] = []
  for (let i = 0; i < n; i += 50) {
    const answers = await Promise.all(
      Array.from({ length: Math.min(50, n - i) }, (_, k) => app.app.inject({ method: 'GET', url: url(i + k) })),
    )
    for (const res of answers) {
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
      if (setCookies(res).includes('bp_session')) sessionCookies.push(url(i))
    }
  }
  expect(Object.fromEntries(statuses)).toEqual({ [expected]: n })
  expect(sessionCookies).toEqual([])
}

describe('a visitor has no stored session', () => {
  it("10,000 anonymous requests to the login page and the children's board add no session row", async () => {
    const board = `/board/${t.fx.villages.papdi.id}`
    expect(rowsIn(t)).toBe(0)
    await visit(t, 10_000, (i) => (i % 2 ? board : '/login'), 200)
    expect(rowsIn(t)).toBe(0)
  }, 600_000)

  it('nor do the set-up page, the language switch, the start page, static files and the health check', async () => {
    await visit(empty, 200, () => '/setup', 200)
    await visit(t, 200, () => '/', 303)
    await visit(t, 200, (i) => ['/static/app.css', '/vendor/htmx/htmx.min.js', '/health', '/static/app.js'][i % 4], 200)
    // The language switch, as a browser sends it: the login page's token and the cookie holding its secret.
    for (let i = 0; i < 50; i++) {
      const page = await t.app.inject({ method: 'GET', url: '/login' })
      const csrf = page.cookies.find((c) => c.name === 'bp_csrf')!
      const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]
      const res = await t.app.inject({
        method: 'POST',
        url: '/language',
        payload: new URLSearchParams({ _csrf: token, lang: 'en', back: '/login' }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `bp_csrf=${csrf.value}` },
      })
      expect(res.statusCode).toBe(303)
      expect(setCookies(res)).toEqual(['lang'])
    }
    // A wrong login, a logout with no session, a page that needs a login: nothing stored either.
    const agent = t.agent()
    expect((await agent.post('/login', { username: 'rekha', password: 'not-the-password' })).statusCode).toBe(422)
    expect((await agent.post('/logout')).statusCode).toBe(303)
    expect((await agent.get('/account/password')).statusCode).toBe(303)
    expect(rowsIn(t)).toBe(0)
    expect(rowsIn(empty)).toBe(0)
  }, 120_000)

  it('the login form still works from its cookie alone, and only then is a session stored (the count sees it)', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/login' })
    expect(page.body).toMatch(/<input[^>]+name="username"/)
    expect(page.body).toMatch(/<input type="hidden" name="_csrf" value="[^"]+">/)
    const csrf = page.cookies.find((c) => c.name === 'bp_csrf') as
      | { value: string; httpOnly: boolean; sameSite: string; path: string }
      | undefined
    expect(csrf).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' })
    const form = (token: string) =>
      new URLSearchParams({ _csrf: token, username: 'rekha', password: PASSWORD }).toString()
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]
    const headers = { 'content-type': 'application/x-www-form-urlencoded' }
    // Without the cookie, or with the cookie's secret altered, the token is refused.
    expect((await t.app.inject({ method: 'POST', url: '/login', payload: form(token), headers })).statusCode).toBe(403)
    const forged = csrf!.value.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'))
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/login',
          payload: form(token),
          headers: { ...headers, cookie: `bp_csrf=${forged}` },
        })
      ).statusCode,
    ).toBe(403)
    expect(rowsIn(t)).toBe(0)
    const res = await t.app.inject({
      method: 'POST',
      url: '/login',
      payload: form(token),
      headers: { ...headers, cookie: `bp_csrf=${csrf!.value}` },
    })
    expect(res.statusCode).toBe(303)
    expect(setCookies(res)).toContain('bp_session')
    // A new CSRF secret with the new session: the token from before the login is worth nothing.
    expect(res.cookies.find((c) => c.name === 'bp_csrf')?.value).not.toBe(csrf!.value)
    expect(rowsIn(t)).toBe(1)
  })
})
