import fs from 'node:fs'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import chromium from '@sparticuz/chromium'
import {
  chromium as pw,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
  type Response,
} from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { testApp, type TestApp } from './app.ts'

export { PASSWORD } from './app.ts'

export const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-artifacts/screenshots')

export const viewports = {
  phone: { width: 360, height: 740 },
  tablet: { width: 800, height: 1280 },
} as const
export type ViewportName = keyof typeof viewports

/** Launches the system Chromium, or the one packed in @sparticuz/chromium (with `extraArgs`). Never downloads one. */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  const exe = fs.existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : await chromium.executablePath()
  // --single-process makes several contexts in one browser unstable; keep the sandbox flags.
  const args = chromium.args.filter(
    (a) => !['--disable-web-security', '--allow-running-insecure-content', '--single-process'].includes(a),
  )
  // Two test files starting at once may both unpack @sparticuz/chromium's binary: one can find it
  // still being written (ETXTBSY). Try again until the writer is done.
  for (let attempt = 1; ; attempt++) {
    try {
      return await pw.launch({ executablePath: exe, args: [...args, ...extraArgs], headless: true })
    } catch (err) {
      if (!String(err).includes('ETXTBSY') || attempt >= 20) throw err
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt))
    }
  }
}

/** One browser for the whole test file: `const b = useBrowser()`, then `b.browser` inside tests. */
export function useBrowser(extraArgs: string[] = []) {
  const holder = { browser: null as unknown as Browser }
  beforeAll(async () => {
    holder.browser = await launchBrowser(extraArgs)
  })
  afterAll(async () => {
    await holder.browser?.close()
  })
  return holder
}

export type Server = TestApp & { url: string; base: string }

/** The app listening on a free local port, with its own fresh database. */
export async function startServer(options: { seed?: boolean } = {}): Promise<Server> {
  const t = await testApp({ seed: options.seed })
  await t.app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = t.app.server.address() as AddressInfo
  const base = `http://127.0.0.1:${port}`
  return { ...t, base, url: base }
}

/** A full-page PNG in test-artifacts/screenshots/<name>.png. */
export async function shot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
  const file = path.join(SCREENSHOTS, `${name}.png`)
  // caret: 'initial' — hiding the caret leaves style="" on every input, which htmx then copies onto
  // swapped-in elements, and the strict CSP (no inline styles) reports that as a violation.
  await page.screenshot({ path: file, fullPage: true, caret: 'initial' })
  return file
}

/** What went wrong in the page that a user might not see: console errors, uncaught errors, CSP reports, failed requests. */
export type Problems = { console: string[]; pageErrors: string[]; failedRequests: string[]; responses: Response[] }

/** A context (own cookies) and page at a viewport, recording every problem the page reports. */
export async function openPage(
  browser: Browser,
  base: string,
  viewport: ViewportName = 'phone',
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page; problems: Problems }> {
  const context = await browser.newContext({
    baseURL: base,
    viewport: viewports[viewport],
    locale: 'hi-IN',
    ...options,
  })
  const page = await context.newPage()
  const problems: Problems = { console: [], pageErrors: [], failedRequests: [], responses: [] }
  page.on('console', (m) => {
    if (m.type() === 'error') problems.console.push(`${page.url()}: ${m.text()}`)
  })
  page.on('pageerror', (e) => problems.pageErrors.push(`${page.url()}: ${e.message}`))
  page.on('requestfailed', (r) => problems.failedRequests.push(`${r.url()}: ${r.failure()?.errorText}`))
  page.on('response', (r) => problems.responses.push(r))
  // CSP violations also go to the console, but record them from the page itself to be sure.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`),
    )
  })
  return { context, page, problems }
}

/**
 * Console errors a user would care about. Chrome logs every 4xx response as an error; a 422 is the
 * app's normal answer to a form with mistakes, so those are left out (everything else stays).
 */
export function consoleErrors(problems: Problems): string[] {
  return problems.console.filter((m) => !/Failed to load resource: the server responded with a status of 422\b/.test(m))
}

/** Nothing went wrong behind the user's back: no script errors, CSP violations, failed requests or server errors. */
export function unexpectedProblems(problems: Problems) {
  return {
    pageErrors: problems.pageErrors,
    console: consoleErrors(problems),
    failedRequests: problems.failedRequests,
    serverErrors: problems.responses.filter((r) => r.status() >= 500).map((r) => `${r.status()} ${r.url()}`),
  }
}
export const NO_PROBLEMS = { pageErrors: [], console: [], failedRequests: [], serverErrors: [] }

/** How far the page reaches past the right edge of the screen (0: nothing to scroll sideways). */
export async function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
}

/** Fills the login form and submits it, as a person would. */
export async function logIn(page: Page, username: string, password: string) {
  await page.goto('/login')
  await page.getByLabel(/यूज़रनेम|Username/).fill(username)
  await page.getByLabel(/^(पासवर्ड|Password)$/).fill(password)
  await Promise.all([
    page.waitForURL((u) => u.pathname !== '/login'),
    page.getByRole('button', { name: /लॉग इन करें|Log in/ }).click(),
  ])
}

/**
 * Presses the header's language button and waits until the page has come back in that language
 * and finished loading. The page's address stays the same, so waiting for the address alone
 * would return before the new page is there.
 */
export async function switchLanguage(page: Page, button: 'English' | 'हिन्दी', lang: 'en' | 'hi') {
  await page.getByRole('button', { name: button }).click()
  await page.locator(`html[lang="${lang}"]`).waitFor({ state: 'attached' })
  await page.waitForLoadState('load')
}

/** A field's error message: the span.error inside the same .field as the control. */
export function errorAt(page: Page, name: string) {
  return page.locator(`.field:has([name="${name}"]) > .error`)
}
