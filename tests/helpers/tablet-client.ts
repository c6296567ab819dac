/** A tablet talking to a running server over real HTTP, keeping cookies and the page's CSRF token as a browser does. */
export class Tablet {
  cookies = new Map<string, string>()
  csrf = ''
  constructor(readonly base: string) {}

  async send(method: 'GET' | 'POST', url: string, form?: Record<string, string | string[]>) {
    let body: URLSearchParams | undefined
    if (form) {
      body = new URLSearchParams({ _csrf: this.csrf })
      for (const [k, v] of Object.entries(form)) for (const x of [v].flat()) body.append(k, x)
    }
    const res = await fetch(this.base + url, {
      method,
      body,
      redirect: 'manual',
      headers: { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    })
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';')
      const i = pair.indexOf('=')
      this.cookies.set(pair.slice(0, i), pair.slice(i + 1))
    }
    const text = await res.text()
    this.csrf = /name="csrf-token" content="([^"]+)"/.exec(text)?.[1] ?? this.csrf
    return { status: res.status, location: res.headers.get('location'), text }
  }

  /** Logs in as this account and opens the election's polling station on this tablet. */
  async openStation(electionId: number, username: string, password: string, pin = '2468') {
    await this.send('GET', '/login')
    await this.send('POST', '/login', { username, password })
    await this.send('GET', `/elections/${electionId}/station`)
    return this.send('POST', `/elections/${electionId}/station`, { pin, confirm: pin })
  }

  /** One child's vote, as on the tablet: the ballot handed out and cast with these marks. Whether it was thanked. */
  async vote(electionId: number, childId: number, marks: Record<string, string>): Promise<boolean> {
    await this.send('POST', `/elections/${electionId}/station/ballot`, { childId: String(childId) })
    const ballot = await this.send('GET', `/elections/${electionId}/ballot`)
    const token = /name="token" value="([^"]+)"/.exec(ballot.text)?.[1] ?? ''
    const cast = await this.send('POST', `/elections/${electionId}/ballot`, { token, ...marks })
    return cast.status === 303 && Boolean(cast.location?.endsWith('/ballot/thanks'))
  }

  /** The facilitator's PIN, for the next child. */
  unlock(electionId: number, pin = '2468') {
    return this.send('POST', `/elections/${electionId}/station/unlock`, { pin })
  }
}
