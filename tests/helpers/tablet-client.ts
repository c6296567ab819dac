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
      method, body, redirect: 'manual',
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
}
