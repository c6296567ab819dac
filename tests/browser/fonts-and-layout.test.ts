import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import {
  NO_PROBLEMS,
  PASSWORD,
  logIn,
  openPage,
  shot,
  sidewaysOverflow,
  startServer,
  switchLanguage,
  unexpectedProblems,
  useBrowser,
  type Server,
} from '../helpers/browser.ts'
import { ctxFor } from '../helpers/app.ts'
import { addChild } from '../../src/people/children.ts'
import { bornYearsBefore } from '../../src/core/dates.ts'

const b = useBrowser()
let server: Server
let registerPath: string
let childPath: string

beforeAll(async () => {
  server = await startServer()
  const { papdi } = server.fx.villages
  registerPath = `/villages/${papdi.id}/children`
  // A child whose guardian's consent is not recorded yet: their page shows the warning and the consent form.
  const child = addChild(
    ctxFor(server.database, server.fx.users.facilitator, 'hi'),
    papdi.id,
    {
      name: 'पूजा देवी',
      gender: 'girl',
      dateOfBirth: bornYearsBefore(14),
      ward: '2',
      school: 'राजकीय विद्यालय',
      schoolClass: '8',
      inSchool: true,
      outOfSchoolReason: null,
      guardianName: 'गीता देवी',
      guardianPhone: '',
    },
    null,
  )
  childPath = `${registerPath}/${child.id}`
})
afterAll(async () => {
  await server?.close()
})

const path = (page: Page) => new URL(page.url()).pathname

describe('Hindi text uses the self-hosted Devanagari font', () => {
  for (const viewport of ['phone', 'tablet'] as const) {
    it(`loads Noto Sans Devanagari from /vendor/fonts on the login page and the register (${viewport})`, async () => {
      const { context, page, problems } = await openPage(b.browser, server.base, viewport)
      try {
        for (const target of ['/login', registerPath, childPath]) {
          if (target === registerPath) await logIn(page, 'rekha', PASSWORD)
          else await page.goto(target)
          expect(path(page)).toBe(target)
          await page.evaluate(() => document.fonts.ready)
          expect(await page.evaluate(() => document.fonts.check('16px "Noto Sans Devanagari"', 'बाल'))).toBe(true)
          // check() is also true when no such font is declared at all: make sure a face really loaded.
          const loaded = await page.evaluate(
            () =>
              [...document.fonts].filter(
                (f) => f.family.replace(/"/g, '') === 'Noto Sans Devanagari' && f.status === 'loaded',
              ).length,
          )
          expect(loaded).toBeGreaterThan(0)
          expect(await page.evaluate(() => getComputedStyle(document.querySelector('h1')!).fontFamily)).toContain(
            'Noto Sans Devanagari',
          )
        }
        const fonts = problems.responses.filter((r) => new URL(r.url()).pathname.startsWith('/vendor/fonts/'))
        const fontPath = (r: (typeof fonts)[number]) => new URL(r.url()).pathname
        expect(
          fonts.some((r) => fontPath(r) === '/vendor/fonts/noto-sans-devanagari-devanagari-400-normal.woff2'),
        ).toBe(true)
        // The subsets of scripts/subset-fonts.ts, at URLs naming their version (?v=): a browser keeps them for good.
        expect(
          fonts.map((r) => `${r.status()} ${r.headers()['content-type']} ${r.headers()['cache-control']}`),
        ).toEqual(fonts.map(() => '200 font/woff2 public, max-age=31536000, immutable'))
        expect(unexpectedProblems(problems)).toEqual(NO_PROBLEMS)
      } finally {
        await context.close()
      }
    }, 60_000)
  }

  // This machine has no Devanagari font of its own, like a TV: a late font must neither move the page nor
  // leave the Hindi drawn as empty boxes (the font the browser really drew the heading with is asked of it).
  it('nothing on the login page or the board moves when the font comes late, and no Hindi is drawn as boxes', async () => {
    for (const target of ['/login', `/board/${server.fx.villages.papdi.id}`]) {
      const { context, page, problems } = await openPage(b.browser, server.base, 'phone')
      try {
        await page.route('**/vendor/fonts/**', async (route) => {
          await new Promise((r) => setTimeout(r, 400))
          await route.continue()
        })
        await page.addInitScript(() => {
          const w = window as unknown as { shifted: number }
          w.shifted = 0
          new PerformanceObserver((list) => {
            for (const e of list.getEntries() as (PerformanceEntry & { value: number })[]) w.shifted += e.value
          }).observe({ type: 'layout-shift', buffered: true })
        })
        await page.goto(target)
        await page.evaluate(() => document.fonts.ready)
        await page.waitForTimeout(500)
        expect(await page.evaluate(() => (window as unknown as { shifted: number }).shifted), target).toBe(0)
        expect(await fontsDrawing(page, 'h1'), target).toContain('Noto Sans Devanagari')
        expect(unexpectedProblems(problems)).toEqual(NO_PROBLEMS)
      } finally {
        await context.close()
      }
    }
  }, 60_000)
})

describe('waiting for the font only where Hindi would be boxes', () => {
  const shown = (page: Page) => page.evaluate(() => getComputedStyle(document.body).visibility)
  const classes = (page: Page) => page.evaluate(() => document.documentElement.className)

  it('a device with a Devanagari font of its own does not wait: the page shows at once, as before', async () => {
    const { context, page } = await openPage(b.browser, server.base, 'phone')
    try {
      // Its fallback draws each Devanagari letter at its own width, unlike a missing letter's box.
      await page.addInitScript(() => {
        const measure = CanvasRenderingContext2D.prototype.measureText
        CanvasRenderingContext2D.prototype.measureText = function (text: string) {
          const m = measure.call(this, text)
          const own = [...text].reduce((w, c) => w + (/[\u0900-\u097f]/.test(c) ? 9 + (c.codePointAt(0)! % 7) : 0), 0)
          return own ? ({ width: own } as TextMetrics) : m
        }
      })
      await page.route('**/vendor/fonts/**', () => {}) // the font never comes
      await page.goto('/login', { waitUntil: 'domcontentloaded' })
      expect(await classes(page)).toBe('')
      expect(await shown(page)).toBe('visible')
    } finally {
      await context.close()
    }
  }, 60_000)

  it('a device without one waits for the font at most 3 s, then shows the page whatever happens', async () => {
    const { context, page } = await openPage(b.browser, server.base, 'phone')
    try {
      await page.route('**/vendor/fonts/**', () => {}) // the font never comes
      await page.goto('/login', { waitUntil: 'domcontentloaded' })
      expect(await classes(page)).toBe('devanagari-missing font-wait')
      expect(await shown(page)).toBe('hidden')
      const hiddenAt = Date.now()
      await expect.poll(() => shown(page), { timeout: 6_000 }).toBe('visible')
      expect(Date.now() - hiddenAt).toBeLessThan(4_500)
    } finally {
      await context.close()
    }
  }, 60_000)
})

/** The fonts the browser drew an element's text with (Chromium's own answer, not the CSS asked for). */
async function fontsDrawing(page: Page, selector: string): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page)
  try {
    await cdp.send('DOM.enable')
    await cdp.send('CSS.enable')
    const { root } = await cdp.send('DOM.getDocument')
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector })
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId })
    return fonts.filter((f) => f.glyphCount > 0).map((f) => f.familyName)
  } finally {
    await cdp.detach()
  }
}

/** Visible controls whose text is not drawn with the Devanagari font (a phone without it shows boxes or a different face). */
async function controlsWithoutDevanagariFont(page: Page) {
  return page
    .locator('button:visible, a.button:visible, input:not([type=radio]):not([type=checkbox]):visible, select:visible')
    .evaluateAll((els) =>
      els
        .filter((e) => !getComputedStyle(e).fontFamily.includes('Noto Sans Devanagari'))
        .map(
          (e) =>
            `${e.tagName.toLowerCase()}.${e.className}: ${(e as HTMLElement).innerText || (e as HTMLInputElement).value}`,
        ),
    )
}

/** Visible buttons smaller than a finger: under 44 px high. */
async function smallButtons(page: Page) {
  return page
    .locator('button:visible, a.button:visible')
    .evaluateAll((els) =>
      els
        .filter((e) => e.getBoundingClientRect().height < 44)
        .map((e) => `${(e as HTMLElement).innerText} (${Math.round(e.getBoundingClientRect().height)}px)`),
    )
}

describe('the child’s page on a 360px phone', () => {
  it('the register and the add-a-child form use the Devanagari font for every control, with buttons big enough to tap; the child’s page fits the screen in Hindi', async () => {
    const { context, page, problems } = await openPage(b.browser, server.base, 'phone')
    try {
      await logIn(page, 'rekha', PASSWORD)
      for (const target of [registerPath, `${registerPath}/new`]) {
        await page.goto(target)
        expect(await controlsWithoutDevanagariFont(page)).toEqual([])
        expect(await smallButtons(page)).toEqual([])
        expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0)
      }
      await page.goto(childPath)
      expect(await page.locator('main').innerText()).toContain('सहमति दर्ज नहीं: यह बच्चा मतदाता सूची में नहीं आ सकता।')
      expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0)
      await shot(page, 'layout-1-child-no-consent-hi-phone')
      expect(unexpectedProblems(problems)).toEqual(NO_PROBLEMS)
    } finally {
      await context.close()
    }
  }, 60_000)

  // Buttons must not fall back to the browser's own font: without a system Devanagari font
  // the Hindi label would be drawn as empty boxes.
  it('the "left the village" button uses the Devanagari font and is big enough to tap', async () => {
    const { context, page } = await openPage(b.browser, server.base, 'phone')
    try {
      await logIn(page, 'rekha', PASSWORD)
      await page.goto(childPath)
      expect(await page.getByRole('button', { name: 'गाँव छोड़ दिया — दर्ज करें' }).isVisible()).toBe(true)
      expect(await controlsWithoutDevanagariFont(page)).toEqual([])
      expect(await smallButtons(page)).toEqual([])
    } finally {
      await context.close()
    }
  }, 60_000)

  // A long warning must wrap on a 360 px phone, not push the page sideways.
  it('in English, the page of a child without consent does not scroll sideways', async () => {
    const { context, page } = await openPage(b.browser, server.base, 'phone')
    try {
      await logIn(page, 'rekha', PASSWORD)
      await page.goto(childPath)
      await switchLanguage(page, 'English', 'en')
      expect(await page.locator('main').innerText()).toContain(
        'No consent recorded: this child cannot be put on a voter roll.',
      )
      await shot(page, 'layout-2-child-no-consent-en-phone')
      expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0)
    } finally {
      await context.close()
    }
  }, 60_000)
})

describe('printing', () => {
  it("a child's page prints as a plain record: no menu, no buttons, no forms", async () => {
    const { context, page } = await openPage(b.browser, server.base, 'tablet')
    try {
      await logIn(page, 'rekha', PASSWORD)
      await page.goto(childPath)
      await page.emulateMedia({ media: 'print' })
      await shot(page, 'print-1-child-record')
      expect(await page.locator('header.top').isVisible()).toBe(false)
      expect(await page.getByRole('button', { name: 'गाँव छोड़ दिया — दर्ज करें' }).isVisible()).toBe(false)
      expect(await page.getByRole('heading', { name: 'पूजा देवी' }).isVisible()).toBe(true)
      expect(await page.locator('main').innerText()).toContain('गीता देवी')
    } finally {
      await context.close()
    }
  }, 60_000)
})
