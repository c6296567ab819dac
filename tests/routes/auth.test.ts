import { afterEach, describe, expect, it } from 'vitest'
import { testApp, textOf, PASSWORD, type TestApp } from '../helpers/app.ts'
import { users } from '../../src/accounts/tables.ts'

let t: TestApp
afterEach(async () => {
  await t?.close()
})

describe('first run, login and logout', () => {
  it('an empty database asks for the first coordinator, then never again', async () => {
    t = await testApp({ seed: false })
    const agent = t.agent()
    expect((await agent.get('/')).headers.location).toBe('/setup')
    expect((await agent.get('/login')).headers.location).toBe('/setup')
    const page = await agent.get('/setup')
    expect(page.statusCode).toBe(200)
    expect(textOf(page.body)).toContain('पहला समन्वयक खाता बनाएँ')

    const mismatch = await agent.post('/setup', {
      displayName: 'Suman',
      username: 'suman',
      password: PASSWORD,
      confirm: 'other',
    })
    expect(mismatch.statusCode).toBe(422)
    expect(textOf(mismatch.body)).toContain('दोनों पासवर्ड एक जैसे नहीं हैं।')
    expect(mismatch.body).toContain('value="suman"')
    expect(t.db.select().from(users).all()).toHaveLength(0)

    const done = await agent.post('/setup', {
      displayName: 'Suman',
      username: 'suman',
      password: PASSWORD,
      confirm: PASSWORD,
    })
    expect(done.statusCode).toBe(303)
    expect(done.headers.location).toBe('/villages')
    expect((await agent.get('/villages')).statusCode).toBe(200)

    const again = t.agent()
    expect((await again.get('/setup')).headers.location).toBe('/login')
    await again.get('/login')
    expect(
      (await again.post('/setup', { displayName: 'X', username: 'intruder', password: PASSWORD, confirm: PASSWORD }))
        .headers.location,
    ).toBe('/login')
    expect(t.db.select().from(users).all()).toHaveLength(1)
  })

  it('GET /login serves username, password and a hidden _csrf; POST answers 303 with the session cookie', async () => {
    t = await testApp()
    const agent = t.agent()
    const page = await agent.get('/login')
    expect(page.body).toMatch(/<input[^>]+name="username"/)
    expect(page.body).toMatch(
      /<input[^>]+name="password"[^>]*type="password"|<input[^>]+type="password"[^>]*name="password"/,
    )
    expect(page.body).toMatch(/<input type="hidden" name="_csrf" value="[^"]+">/)
    const res = await agent.post('/login', { username: 'rekha', password: PASSWORD })
    expect(res.statusCode).toBe(303)
    const cookie = res.cookies.find((c) => c.name === 'bp_session')!
    expect(cookie).toBeTruthy()
    expect(cookie.httpOnly).toBe(true)
    expect(cookie.sameSite).toBe('Lax')
    expect((await agent.get('/')).headers.location).toBe(`/villages/${t.fx.villages.papdi.id}/children`)
  })

  it('the session id changes at login, so a planted cookie is useless', async () => {
    t = await testApp()
    // A visitor has no session to plant: a cookie of another person's old session is planted instead.
    const other = await t.agent().login('kamla')
    const planted = other.cookies.get('bp_session')!
    await other.post('/logout')
    const agent = t.agent()
    await agent.get('/login')
    expect(agent.cookies.get('bp_session')).toBeUndefined()
    agent.cookies.set('bp_session', planted)
    await agent.post('/login', { username: 'rekha', password: PASSWORD })
    expect(agent.cookies.get('bp_session')).not.toBe(planted)
  })

  it('a wrong password answers 422 in Hindi, keeps the username, and logs nobody in', async () => {
    t = await testApp()
    const agent = t.agent()
    await agent.get('/login')
    const res = await agent.post('/login', { username: 'rekha', password: 'wrong-one' })
    expect(res.statusCode).toBe(422)
    expect(textOf(res.body)).toContain('यूज़रनेम या पासवर्ड गलत है।')
    expect(res.body).toContain('value="rekha"')
    expect(res.body).not.toContain('wrong-one')
    expect((await agent.get('/villages/1/children')).statusCode).toBe(303)
  })

  it('after ten wrong passwords a minute, login pauses with a message', async () => {
    t = await testApp({ loginRateLimit: { max: 10, timeWindow: 60_000 } })
    const agent = t.agent()
    await agent.get('/login')
    for (let i = 0; i < 10; i++)
      expect((await agent.post('/login', { username: 'rekha', password: `guess-${i}` })).statusCode).toBe(422)
    const blocked = await agent.post('/login', { username: 'rekha', password: PASSWORD })
    expect(blocked.statusCode).toBe(429)
    expect(textOf(blocked.body)).toContain('बहुत ज़्यादा कोशिशें')
  })

  it('a form without the CSRF token is refused and changes nothing', async () => {
    t = await testApp()
    const agent = await t.agent().login('rekha')
    const res = await agent.post(`/villages/${t.fx.villages.papdi.id}/children`, { name: 'Meena' }, {}, false)
    expect(res.statusCode).toBe(403)
    expect(textOf(res.body)).toContain('इस फ़ॉर्म का समय निकल गया')
    const forged = await agent.post(
      '/account/password',
      { current: PASSWORD, password: 'x'.repeat(10), confirm: 'x'.repeat(10), _csrf: 'forged' },
      {},
      false,
    )
    expect(forged.statusCode).toBe(403)
  })

  it('logging out ends the session on the server', async () => {
    t = await testApp()
    const agent = await t.agent().login('rekha')
    const stolen = agent.cookies.get('bp_session')!
    expect((await agent.post('/logout')).headers.location).toBe('/login')
    const replay = await t.app.inject({
      method: 'GET',
      url: '/account/password',
      headers: { cookie: `bp_session=${stolen}` },
    })
    expect(replay.statusCode).toBe(303)
    expect(replay.headers.location).toMatch(/^\/login/)
  })

  it('after login, the user returns to the page they asked for, but never to another site', async () => {
    t = await testApp()
    const agent = t.agent()
    const asked = await agent.get('/account/password')
    expect(asked.headers.location).toBe('/login?next=%2Faccount%2Fpassword')
    await agent.get('/login')
    expect(
      (await agent.post('/login', { username: 'rekha', password: PASSWORD, next: '/account/password' })).headers
        .location,
    ).toBe('/account/password')
    const other = t.agent()
    await other.get('/login')
    expect(
      (await other.post('/login', { username: 'rekha', password: PASSWORD, next: '//evil.example/' })).headers.location,
    ).toBe('/')
  })

  it('answers /health with {"status":"ok"} and sends security headers', async () => {
    t = await testApp()
    const res = await t.app.inject('/health')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ status: 'ok' })
    const page = await t.agent().get('/login')
    expect(page.headers['content-security-policy']).toContain("script-src 'self'")
    expect(page.headers['x-content-type-options']).toBe('nosniff')
    expect(page.headers['x-frame-options']).toBe('SAMEORIGIN')
  })

  it('the language switch is remembered and only sends the user back within the site', async () => {
    t = await testApp()
    const agent = t.agent()
    await agent.get('/login')
    const res = await agent.post('/language', { lang: 'en', back: '/login' })
    expect(res.headers.location).toBe('/login')
    const english = await agent.get('/login')
    expect(english.body).toContain('<html lang="en">')
    expect(textOf(english.body)).toContain('Log in')
    const withQuery = await agent.post('/language', { lang: 'en', back: '/login?next=%2Faccount%2Fpassword' })
    expect(withQuery.headers.location).toBe('/login?next=%2Faccount%2Fpassword')
    const away = await agent.post('/language', { lang: 'hi', back: 'https://evil.example' })
    expect(away.headers.location).toBe('/')
    expect((await agent.get('/login')).body).toContain('<html lang="hi">')
  })
})
