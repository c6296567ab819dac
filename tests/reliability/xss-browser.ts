// The XSS test's eyes in Chromium: pages opened with the Content-Security-Policy switched off, so a
// value that escaped its template would really run, and a check of each page for anything that ran
// or could run, and for each planted value shown back as plain text.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { PASSWORD, logIn } from '../helpers/browser.ts'
import type { Garden } from './xss-plant.ts'

/** Every main-frame document the browser received, with its Content-Security-Policy header. */
export type DocumentSeen = { url: string; method: string; status: number; csp: string | undefined }

/** What all the lookouts saw, for the coverage and CSP checks at the end. */
export class Tally {
  readonly documents: DocumentSeen[] = []
  /** For each page looked at, which planted values it showed as text. */
  readonly seen = new Map<string, Set<string>>()

  constructor(readonly garden: Garden) {}

  /** How many (value, page) pairs were seen, over how many values and pages. */
  coverage() {
    const shownSomewhere = new Set([...this.seen.values()].flatMap((s) => [...s]))
    return {
      pages: this.seen.size,
      values: this.garden.plants.length,
      renderings: [...this.seen.values()].reduce((n, s) => n + s.size, 0),
      neverShown: this.garden.plants.map((p) => p.what).filter((w) => !shownSomewhere.has(w)),
    }
  }
}

/** One person's browser (own cookies), and everything wrong it saw. */
export class Lookout {
  readonly problems: string[] = []
  private readonly contexts: BrowserContext[] = []
  private readonly garden: Garden

  constructor(
    readonly tally: Tally,
    readonly browser: Browser,
    readonly base: string,
    readonly name: string,
  ) {
    this.garden = tally.garden
  }

  /**
   * A browser of its own (own cookies), logged in as `username` unless public. The CSP is bypassed:
   * it would block an injected script anyway, and this test is about the escaping underneath it.
   */
  async open(username?: string): Promise<Page> {
    const name = this.name
    const context = await this.browser.newContext({
      baseURL: this.base,
      bypassCSP: true,
      locale: 'hi-IN',
      viewport: { width: 800, height: 1000 },
    })
    context.setDefaultTimeout(10_000)
    // The Devanagari font is the heaviest thing on a page and plays no part here.
    await context.route('**/vendor/fonts/**', (route) => route.abort())
    this.contexts.push(context)
    const page = await context.newPage()
    page.on('dialog', (d) => {
      this.problems.push(`${name}: a ${d.type()} dialog opened on ${page.url()}: ${d.message()}`)
      void d.dismiss()
    })
    page.on('pageerror', (e) => this.problems.push(`${name}: script error on ${page.url()}: ${e.message}`))
    page.on('response', (r) => {
      if (r.request().isNavigationRequest() && r.frame() === page.mainFrame()) {
        this.tally.documents.push({
          url: r.url(),
          method: r.request().method(),
          status: r.status(),
          csp: r.headers()['content-security-policy'],
        })
      }
    })
    if (username) await logIn(page, username, PASSWORD)
    return page
  }

  async close() {
    for (const c of this.contexts) await c.close()
  }

  /** Looks at the page as it stands: nothing ran, nothing can run, and the `expected` values show as text. */
  async check(page: Page, label: string, expected: string[] = []) {
    const values = this.garden.plants.map((p) => p.value)
    const result = await page.evaluate(async (planted) => {
      // A frame first: autofocus (and a focus handler) gets its turn before we look.
      await new Promise((resolve) => requestAnimationFrame(resolve))
      const problems: string[] = []
      const w = window as unknown as { __xss?: unknown }
      if (w.__xss !== undefined) problems.push(`window.__xss was set to ${String(w.__xss)}`)
      const urlAttributes = ['href', 'src', 'action', 'formaction', 'xlink:href', 'srcdoc', 'data', 'hx-get', 'hx-post']
      for (const el of Array.from(document.querySelectorAll('*'))) {
        for (const a of Array.from(el.attributes)) {
          if (a.name.startsWith('on'))
            problems.push(`an event handler attribute ${a.name}="${a.value.slice(0, 60)}" on <${el.localName}>`)
          if (urlAttributes.includes(a.name) && /^\s*(javascript|data|vbscript):/i.test(a.value))
            problems.push(`a ${a.value.slice(0, 30)} URL in ${a.name} of <${el.localName}>`)
        }
        if (el.localName === 'script' && !el.getAttribute('src'))
          problems.push(`an inline <script>: ${el.textContent?.slice(0, 60)}`)
        if (['iframe', 'object', 'embed', 'base', 'frame'].includes(el.localName))
          problems.push(`an injected <${el.localName}>`)
        if (el.localName === 'img' && el.getAttribute('src') === 'x') problems.push('an injected <img src=x>')
      }
      const norm = (s: string) => s.replace(/\s+/g, ' ')
      const controls = Array.from(document.querySelectorAll('input, textarea, select')).map(
        (e) => (e as HTMLInputElement).value,
      )
      const text = norm([document.title, document.body?.textContent ?? '', ...controls].join('\n'))
      return { problems, found: planted.map((v, i) => (text.includes(norm(v)) ? i : -1)).filter((i) => i >= 0) }
    }, values)
    label = `${this.name}: ${label}`
    for (const p of result.problems) this.problems.push(`${label}: ${p}`)
    const found = new Set(result.found.map((i) => this.garden.plants[i].what))
    for (const what of expected) {
      this.garden.value(what)
      if (!found.has(what)) this.problems.push(`${label}: "${what}" is not shown as text`)
    }
    this.tally.seen.set(label, found)
  }

  async visit(page: Page, url: string, expected: string[] = [], status = 200) {
    const response = await page.goto(url)
    if (response?.status() !== status)
      this.problems.push(`GET ${url}: status ${response?.status()}, expected ${status}`)
    await this.check(page, `GET ${url}`, expected)
  }

  /**
   * Posts a form as the browser would (a real navigation, the page's CSRF token), expecting the
   * form back with a mistake marked (422) and each of `typed` in a field exactly as typed.
   */
  async submitWithMistake(page: Page, action: string, fields: Record<string, string>, typed: string[], status = 422) {
    const label = `POST ${action}`
    const [response] = await Promise.all([
      page.waitForNavigation(),
      page.evaluate(
        ({ action, fields }) => {
          const form = document.createElement('form')
          form.method = 'post'
          form.action = action
          const token =
            document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ??
            (document.querySelector('input[name="_csrf"]') as HTMLInputElement | null)?.value ??
            ''
          for (const [name, value] of Object.entries({ _csrf: token, ...fields })) {
            const input = document.createElement('textarea')
            input.name = name
            input.value = value
            form.append(input)
          }
          document.body.append(form)
          form.submit()
        },
        { action, fields },
      ),
    ])
    if (response?.status() !== status) this.problems.push(`${label}: status ${response?.status()}, expected ${status}`)
    await this.check(page, label)
    const values = await page
      .locator('input, textarea')
      .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))
    for (const v of typed)
      if (!values.includes(v)) this.problems.push(`${label}: "${v.slice(0, 40)}…" is not typed back into its field`)
  }
}
