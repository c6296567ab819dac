// HTTPS for every device but the box itself. Over app.inject: what plain HTTP from another device
// (remoteAddress 192.168.1.23) still gets — a redirect, a refusal, the certificate pages — and that
// the box itself keeps plain HTTP. Then the real server: HTTPS trusted through the box's CA only.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { X509Certificate } from 'node:crypto'
import type { FastifyInstance, InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build } from '../../src/app.ts'
import { Agent, PASSWORD, freshDatabase, seedVillages, testApp, textOf } from '../helpers/app.ts'
import { contestInput, electionInput, villageChildren } from '../helpers/elections.ts'
import { httpsRequest, startBox, type BoxServer } from '../helpers/box-server.ts'
import { addContest, createElection, nominate, openNominations, openPoll } from '../../src/elections/elections.ts'
import { ensureBoxCertificate, fingerprintLines, type BoxCertificate } from '../../src/web/box-certificate.ts'
import { translator } from '../../src/i18n/translator.ts'

const TABLET = '192.168.1.23'
const BOX = '192.168.1.5'
const HTTPS_PORT = 3443
const CRT = '/certificate/bal-panchayat-ca.crt'

let app: FastifyInstance
let database: ReturnType<typeof freshDatabase>
let certificate: BoxCertificate
let electionId: number
beforeAll(async () => {
  database = freshDatabase()
  certificate = await ensureBoxCertificate(path.join(database.dir, 'tls'), { hostname: 'papdi-box', addresses: [BOX] })
  app = await build({
    database,
    sessionSecret: 'test-secret-that-is-long-enough-0123456789',
    loginRateLimit: { max: 1000, timeWindow: 60_000 },
    https: { port: HTTPS_PORT, httpPort: 3000, certificate },
  })
  const fx = await seedVillages(database)
  const ctx = { db: database.db, actor: fx.users.facilitator, lang: 'en' as const, t: translator('en') }
  const kids = villageChildren(database, fx.users.facilitator, fx.villages.papdi.id, [
    ['Ravi', 'boy'],
    ['Meena', 'girl'],
    ['Sunita', 'girl'],
  ])
  electionId = createElection(ctx, fx.villages.papdi.id, electionInput()).id
  const contest = addContest(ctx, electionId, contestInput({ seats: '1' })).id
  openNominations(ctx, electionId)
  nominate(ctx, electionId, contest, { childId: kids.Ravi, symbol: 'sun' })
  nominate(ctx, electionId, contest, { childId: kids.Meena, symbol: 'kite' })
  openPoll(ctx, electionId)
})
afterAll(async () => {
  await app?.close()
  database?.close()
  fs.rmSync(database.dir, { recursive: true, force: true })
})

/** Another device on the village Wi-Fi, over plain HTTP to the box's address. */
const fromTablet = (options: InjectOptions) =>
  app.inject({
    ...options,
    remoteAddress: TABLET,
    headers: { host: `${BOX}:3000`, accept: 'text/html', ...(options.headers ?? {}) },
  })
/** A browser-like client on another device: the Agent of the route tests, its requests sent from the tablet. */
const tabletAgent = () => new Agent({ inject: fromTablet } as unknown as FastifyInstance)
const count = (table: string) => database.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number

describe('plain HTTP from another device', () => {
  it('a page is sent to the same path on the secure address of the host it asked for', async () => {
    const login = await fromTablet({ method: 'GET', url: '/login?next=%2Fvillages' })
    expect(login.statusCode).toBe(302)
    expect(login.headers.location).toBe(`https://${BOX}:${HTTPS_PORT}/login?next=%2Fvillages`)
    expect(login.headers['set-cookie']).toBeUndefined()
    const head = await fromTablet({ method: 'HEAD', url: `/elections/${electionId}/station` })
    expect([head.statusCode, head.headers.location]).toEqual([
      302,
      `https://${BOX}:${HTTPS_PORT}/elections/${electionId}/station`,
    ])
    const byName = await fromTablet({ method: 'GET', url: '/', headers: { host: 'papdi-box.local:3000' } })
    expect(byName.headers.location).toBe(`https://papdi-box.local:${HTTPS_PORT}/`)
    const v6 = await fromTablet({ method: 'GET', url: '/inbox', headers: { host: '[fe80::1]:3000' } })
    expect(v6.headers.location).toBe(`https://[fe80::1]:${HTTPS_PORT}/inbox`)
    // A page that does not exist goes the same way: the secure address answers it.
    expect((await fromTablet({ method: 'GET', url: '/no-such-page' })).headers.location).toBe(
      `https://${BOX}:${HTTPS_PORT}/no-such-page`,
    )
  })

  it('a host it cannot put into an address, or a path that is not one, never becomes the redirect', async () => {
    for (const host of ['evil.example"><script>', 'a b', 'x@evil.example']) {
      const res = await fromTablet({ method: 'GET', url: '/login', headers: { host } })
      expect(res.statusCode, host).toBe(302)
      expect(res.headers.location, host).toMatch(/^https:\/\/[^/"<>@ ]+:3443\/login$/)
      expect(res.headers.location, host).not.toContain('evil')
    }
    const odd = await fromTablet({ method: 'GET', url: '//evil.example/x' })
    expect(odd.statusCode).toBeLessThan(500)
    expect(String(odd.headers.location ?? '')).toMatch(new RegExp(`^https://${BOX.replace(/\./g, '\\.')}:3443/`))
  })

  it("a login sent over plain HTTP is refused, in the user's language, and makes no session", async () => {
    const sessions = count('sessions')
    const res = await fromTablet({
      method: 'POST',
      url: '/login',
      payload: `username=rekha&password=${PASSWORD}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(res.statusCode).toBe(403)
    expect(res.headers['set-cookie']).toBeUndefined()
    expect(res.headers['cache-control']).toBe('no-store')
    expect(textOf(res.body)).toContain('कुछ नहीं किया गया')
    expect(res.body).toContain(`href="https://${BOX}:${HTTPS_PORT}/"`)
    expect(count('sessions')).toBe(sessions)
    const english = await fromTablet({
      method: 'POST',
      url: '/login',
      payload: 'username=rekha',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: 'lang=en' },
    })
    expect(english.statusCode).toBe(403)
    expect(textOf(english.body)).toContain('Nothing was done')
    expect(count('sessions')).toBe(sessions)
  })

  it('every other method is refused too, whatever its body, with no server error', async () => {
    for (const [method, url, type, payload] of [
      ['PUT', '/login', 'text/plain', 'x'],
      ['DELETE', '/elections/1', undefined, undefined],
      ['PATCH', '/no-such-page', 'application/json', '{'],
      ['POST', '/login', 'application/json', '{"username":'],
      ['POST', `/elections/${electionId}/ballot`, 'multipart/form-data', '--x'],
    ] as const) {
      const res = await fromTablet({ method, url, payload, headers: type ? { 'content-type': type } : {} })
      expect(res.statusCode, `${method} ${url}`).toBe(403)
      expect(textOf(res.body), `${method} ${url}`).toContain('कुछ नहीं किया गया')
    }
  })

  it('the polling station does not open over plain HTTP, even with a valid session and CSRF token', async () => {
    // The facilitator's own session and token, made at the box, then sent from the tablet.
    const atBox = await new Agent(app).login('rekha')
    await atBox.get(`/elections/${electionId}/station`)
    const audit = count('audit_log')
    const cookie = [...atBox.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    const res = await fromTablet({
      method: 'POST',
      url: `/elections/${electionId}/station`,
      payload: new URLSearchParams({ _csrf: atBox.csrf, pin: '4826', confirm: '4826' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    })
    expect(res.statusCode).toBe(403)
    expect(textOf(res.body)).toContain('कुछ भी सहेजा नहीं गया')
    expect(count('audit_log')).toBe(audit)
    // The station is still closed: the same session is asked for a PIN to open it.
    expect(textOf((await atBox.get(`/elections/${electionId}/station`)).body)).toContain('इस टैबलेट पर मतदान केंद्र खोलें')
    // At the box the same form opens it, as before.
    expect(
      (await atBox.post(`/elections/${electionId}/station`, { pin: '4826', confirm: '4826' })).headers.location,
    ).toBe(`/elections/${electionId}/station`)
  })

  it('the certificate page is served, with the QR code, the fingerprint and the secure address', async () => {
    const res = await fromTablet({ method: 'GET', url: '/certificate' })
    expect(res.statusCode).toBe(200)
    const text = textOf(res.body)
    const unbroken = res.body.replace(/<wbr>/g, '')
    expect(text).toContain('टैबलेट या फ़ोन में बॉक्स का सर्टिफ़िकेट लगाएँ')
    expect(text).toContain('CA सर्टिफ़िकेट (CA certificate)')
    expect(text).toContain('स्क्रीन लॉक')
    expect(res.body).toMatch(/<svg class="qr" role="img" aria-label="[^"]+"/)
    expect(unbroken).toContain(`http://${BOX}:3000${CRT}`)
    expect(res.body).toContain(`href="https://${BOX}:${HTTPS_PORT}/"`)
    for (const line of fingerprintLines(certificate.ca.fingerprint)) expect(res.body).toContain(line)
    // A strict page: no inline script or style, images only from the box or data:.
    expect(res.headers['content-security-policy']).toContain("script-src 'self'")
    expect(res.headers['content-security-policy']).toContain("img-src 'self' data:")
    expect(res.body).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/)
    expect(res.body).not.toMatch(/\sstyle=/)
    const english = await fromTablet({ method: 'GET', url: '/certificate', headers: { cookie: 'lang=en' } })
    expect(textOf(english.body)).toContain("Put the box's certificate on a tablet or phone")
    expect(textOf(english.body)).toContain('Encryption & credentials → Install a certificate → CA certificate')
  })

  it("the download is the CA certificate, and nothing else of the box's keys is served", async () => {
    const res = await fromTablet({ method: 'GET', url: CRT })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/x-x509-ca-cert')
    expect(res.headers['content-disposition']).toBe('attachment; filename="bal-panchayat-ca.crt"')
    expect(res.rawPayload.equals(certificate.ca.der)).toBe(true)
    const ca = new X509Certificate(res.rawPayload)
    expect(ca.ca).toBe(true)
    expect(new X509Certificate(certificate.cert).verify(ca.publicKey)).toBe(true)
    // No route serves the tls folder: at the box these are pages that do not exist (the login, for a stranger).
    for (const url of [
      '/certificate/ca.key',
      '/certificate/server.key',
      '/certificate/../tls/ca.key',
      '/static/../tls/ca.key',
      '/static/%2e%2e/tls/ca.key',
      '/certificate/ca.crt',
    ]) {
      const atBox = await app.inject({ method: 'GET', url })
      expect([303, 404], url).toContain(atBox.statusCode)
      expect(atBox.body, url).not.toContain('PRIVATE KEY')
      expect(atBox.body, url).not.toContain('BEGIN')
    }
  })

  it('what the certificate page needs is served too: styles, fonts, htmx, the health check, the language switch', async () => {
    for (const url of [
      '/static/app.css',
      '/vendor/htmx/htmx.min.js',
      '/vendor/fonts/noto-sans-devanagari-devanagari-400-normal.woff2',
      '/health',
    ]) {
      expect((await fromTablet({ method: 'GET', url })).statusCode, url).toBe(200)
    }
    expect((await fromTablet({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok' })
    const tablet = tabletAgent()
    await tablet.get('/certificate')
    const switched = await tablet.post('/language', { lang: 'en', back: '/certificate' })
    expect([switched.statusCode, switched.headers.location]).toEqual([303, '/certificate'])
    expect(textOf((await tablet.get('/certificate')).body)).toContain("Put the box's certificate on a tablet or phone")
  })

  it('the box itself keeps plain HTTP: the login form and the health check, over every loopback address', async () => {
    for (const remoteAddress of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      const login = await app.inject({ method: 'GET', url: '/login', remoteAddress })
      expect(login.statusCode, remoteAddress).toBe(200)
      expect(login.body).toMatch(/<input[^>]+name="username"/)
      expect(login.body).toMatch(/<input type="hidden" name="_csrf" value="[^"]+">/)
      const health = await app.inject({ method: 'GET', url: '/health', remoteAddress })
      expect([health.statusCode, health.json()]).toEqual([200, { status: 'ok' }])
    }
    // And logs in over it, with a cookie that is not Secure (plain HTTP could not send it back).
    const agent = new Agent(app)
    await agent.get('/login')
    const login = await agent.post('/login', { username: 'rekha', password: PASSWORD })
    expect(login.statusCode).toBe(303)
    expect(login.cookies.find((c) => c.name === 'bp_session')).toMatchObject({ httpOnly: true })
    expect(login.cookies.find((c) => c.name === 'bp_session')?.secure).toBeFalsy()
  })

  it('the certificate page opened on the box itself shows the address the tablets use', async () => {
    const res = await app.inject({ method: 'GET', url: '/certificate', headers: { host: 'localhost:3000' } })
    expect(res.statusCode).toBe(200)
    expect(textOf(res.body)).toContain('यह पन्ना बॉक्स पर ही खुला है')
    // Never "localhost" in the QR code's link when the box has a network address to give.
    const qrLink = /डाउनलोड का लिंक:<br><code class="address">([^<]+)</.exec(res.body.replace(/<wbr>/g, ''))?.[1] ?? ''
    expect(qrLink).toMatch(/^http:\/\/.+:3000\/certificate\/bal-panchayat-ca\.crt$/)
    if (
      Object.values(os.networkInterfaces())
        .flat()
        .some((a) => a && !a.internal && a.family === 'IPv4')
    )
      expect(qrLink).not.toContain('localhost')
  })
})

describe('an app built without HTTPS (tests, tools)', () => {
  it('serves every device over plain HTTP as before, and has no certificate pages', async () => {
    const t = await testApp({ seed: false })
    try {
      const page = await t.app.inject({ method: 'GET', url: '/login', remoteAddress: TABLET })
      expect(page.statusCode).toBe(303)
      expect(page.headers.location).toBe('/setup')
      expect(t.app.routeTable.filter((r) => r.url.startsWith('/certificate'))).toEqual([])
    } finally {
      await t.close()
    }
  })
})

describe('the real server', () => {
  let box: BoxServer
  beforeAll(async () => {
    box = await startBox(seedVillages)
  }, 90_000)
  afterAll(async () => {
    await box?.stop()
  })

  const setCookie = (headers: Record<string, unknown>, name = 'bp_session') =>
    [headers['set-cookie'] ?? []]
      .flat()
      .map(String)
      .find((c) => c.startsWith(`${name}=`))
  const csrfOf = (html: string) => /name="csrf-token" content="([^"]+)"/.exec(html)?.[1] ?? ''

  it("serves the login over HTTPS, trusted through the box's CA alone, with a Secure CSRF cookie (and no session for a visitor)", async () => {
    for (const base of [box.https, box.https.replace('127.0.0.1', 'localhost')]) {
      const res = await httpsRequest(`${base}/login`, box.ca)
      expect(res.status, base).toBe(200)
      expect(res.body).toMatch(/<input[^>]+name="username"/)
      expect(setCookie(res.headers), base).toBeUndefined()
      const cookie = setCookie(res.headers, 'bp_csrf')
      expect(cookie, base).toBeTruthy()
      expect(cookie).toMatch(/;\s*Secure/i)
      expect(cookie).toMatch(/;\s*HttpOnly/i)
    }
    expect(await httpsRequest(`${box.https}/health`, box.ca).then((r) => JSON.parse(r.body))).toEqual({ status: 'ok' })
  })

  it('is not trusted through any other authority', async () => {
    const stranger = await ensureBoxCertificate(path.join(box.dir, 'stranger-tls'), {
      hostname: 'stranger',
      addresses: [],
    })
    await expect(httpsRequest(`${box.https}/login`, stranger.ca.pem)).rejects.toThrow()
  })

  it('keeps plain HTTP for the box itself, with a CSRF cookie that is not Secure', async () => {
    const res = await fetch(`${box.http}/login`, { redirect: 'manual' })
    expect(res.status).toBe(200)
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('bp_csrf='))
    expect(cookie).toBeTruthy()
    expect(cookie).not.toMatch(/;\s*Secure/i)
    expect(await fetch(`${box.http}/health`).then((r) => r.json())).toEqual({ status: 'ok' })
  })

  it('a login over HTTPS gets Secure cookies, even for a visit begun over plain HTTP', async () => {
    const page = await fetch(`${box.http}/login`, { redirect: 'manual' })
    const started = page.headers
      .getSetCookie()
      .find((c) => c.startsWith('bp_csrf='))!
      .split(';')[0]
    const res = await httpsRequest(`${box.https}/login`, box.ca, {
      method: 'POST',
      body: new URLSearchParams({ _csrf: csrfOf(await page.text()), username: 'rekha', password: PASSWORD }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: started },
    })
    expect(res.status).toBe(303)
    expect(setCookie(res.headers)).toMatch(/;\s*Secure/i)
    // The CSRF secret is renewed at login, over TLS: Secure from then on.
    const csrf = setCookie(res.headers, 'bp_csrf')!
    expect(csrf).toMatch(/;\s*Secure/i)
    expect(csrf.split(';')[0]).not.toBe(started)
  })

  it('stops both servers on SIGTERM', async () => {
    const [http, secure] = [box.http, box.https]
    expect(await box.stop()).toBe(0)
    await expect(fetch(`${http}/health`)).rejects.toThrow()
    await expect(httpsRequest(`${secure}/health`, box.ca)).rejects.toThrow()
    box = undefined as never
  }, 30_000)
})
