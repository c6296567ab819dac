import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { PASSWORD } from '../helpers/app.ts'

export type Raw = { method: 'GET' | 'POST'; url: string; headers?: Record<string, string>; payload?: string | Buffer }

/**
 * A browser over app.inject that can also send what no browser would: any body, any content type,
 * any token. Keeps its cookies and the CSRF token of the last page it saw.
 */
export class Client {
  cookies = new Map<string, string>()
  csrf = ''
  username: string | null = null
  constructor(readonly app: FastifyInstance) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  async send(req: Raw): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({
      method: req.method,
      url: req.url,
      payload: req.payload,
      headers: { accept: 'text/html', ...(this.cookies.size ? { cookie: this.cookieHeader() } : {}), ...req.headers },
    })
    for (const c of res.cookies as { name: string; value: string; expires?: Date }[]) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name)
      else this.cookies.set(c.name, c.value)
    }
    const token = /name="csrf-token" content="([^"]+)"/.exec(res.body)?.[1]
    if (token) this.csrf = token
    return res
  }

  get(url: string, headers: Record<string, string> = {}) {
    return this.send({ method: 'GET', url, headers })
  }

  /** A form as a browser posts it, with this page's CSRF token unless one is given. */
  post(
    url: string,
    form: Record<string, string | string[]> = {},
    options: { csrf?: string | null; headers?: Record<string, string> } = {},
  ) {
    const body = new URLSearchParams()
    const token = options.csrf === undefined ? this.csrf : options.csrf
    if (token !== null) body.append('_csrf', token)
    for (const [k, v] of Object.entries(form)) for (const x of [v].flat()) body.append(k, x)
    return this.send({
      method: 'POST',
      url,
      payload: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
    })
  }

  async login(username: string, password = PASSWORD): Promise<this> {
    await this.get('/login')
    const res = await this.post('/login', { username, password })
    if (res.statusCode !== 303) throw new Error(`login as ${username} failed: ${res.statusCode}`)
    this.username = username
    await this.get('/account/password')
    return this
  }

  /** Logged out (a session ended by a coordinator, or by /logout) and in again, in a fresh session. */
  async relogin(): Promise<void> {
    if (!this.username) return
    this.cookies.clear()
    this.csrf = ''
    await this.login(this.username)
  }
}
