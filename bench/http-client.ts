/**
 * A lean HTTP/1.1 client for the voting benchmark: one keep-alive connection per client (one
 * tablet), its own cookies and CSRF token as a browser keeps them, and the time each answer took.
 * Redirects are not followed. Pages asked for `compressed` are sent with the Accept-Encoding a
 * browser sends, so the server compresses them as it would for a tablet.
 */
import http from 'node:http'
import zlib from 'node:zlib'

export type Answer = {
  status: number
  location: string | null
  text: string
  /** performance.now() just before the request was written, and when the last byte of the answer arrived. */
  sentAt: number
  endedAt: number
}

export class Client {
  readonly cookies = new Map<string, string>()
  csrf = ''
  private readonly agent: http.Agent
  private readonly url: URL

  /** `localAddress`: the loopback address to connect from (127.0.0.0/8 all reach a server on 127.0.0.1). */
  constructor(
    base: string,
    readonly localAddress?: string,
  ) {
    this.url = new URL(base)
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  }

  send(
    method: 'GET' | 'POST',
    path: string,
    form?: Record<string, string | string[]>,
    options: { compressed?: boolean } = {},
  ): Promise<Answer> {
    let body: string | undefined
    if (form) {
      const params = new URLSearchParams(this.csrf ? { _csrf: this.csrf } : {})
      for (const [k, v] of Object.entries(form)) for (const x of [v].flat()) params.append(k, x)
      body = params.toString()
    }
    const headers: Record<string, string> = { host: this.url.host }
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded'
      headers['content-length'] = String(Buffer.byteLength(body))
    }
    if (options.compressed) headers['accept-encoding'] = 'br, gzip'
    return new Promise<Answer>((resolve, reject) => {
      const sentAt = performance.now()
      const req = http.request(
        {
          host: this.url.hostname,
          port: this.url.port,
          path,
          method,
          headers,
          agent: this.agent,
          localAddress: this.localAddress,
          timeout: 30_000,
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('error', reject)
          res.on('end', () => {
            const endedAt = performance.now()
            for (const c of res.headers['set-cookie'] ?? []) {
              const [pair] = c.split(';')
              const i = pair.indexOf('=')
              this.cookies.set(pair.slice(0, i), pair.slice(i + 1))
            }
            let raw = Buffer.concat(chunks)
            const encoding = res.headers['content-encoding']
            if (encoding === 'br') raw = zlib.brotliDecompressSync(raw)
            else if (encoding === 'gzip') raw = zlib.gunzipSync(raw)
            const text = raw.toString('utf8')
            this.csrf = /name="csrf-token" content="([^"]+)"/.exec(text)?.[1] ?? this.csrf
            resolve({
              status: res.statusCode ?? 0,
              location: typeof res.headers.location === 'string' ? res.headers.location : null,
              text,
              sentAt,
              endedAt,
            })
          })
        },
      )
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 30 s`)))
      req.on('error', reject)
      req.end(body)
    })
  }

  close(): void {
    this.agent.destroy()
  }
}
