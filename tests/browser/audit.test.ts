// The coordinator reads the audit log on a 360px phone: each entry a card, nothing wider than the
// screen, even a long value with no space to break at.
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  NO_PROBLEMS,
  PASSWORD,
  SCREENSHOTS,
  logIn,
  openPage,
  shot,
  startServer,
  unexpectedProblems,
  useBrowser,
  viewports,
  type Server,
} from '../helpers/browser.ts'
import { ctxFor } from '../helpers/app.ts'
import { addChild, editChild } from '../../src/people/children.ts'
import type { ChildInput } from '../../src/people/schemas.ts'
import { bornYearsBefore, todayIso } from '../../src/core/dates.ts'

const b = useBrowser()
let server: Server

beforeAll(async () => {
  server = await startServer()
  const v = server.fx.villages.papdi.id
  const ctx = ctxFor(server.database, server.fx.users.facilitator, 'hi')
  const input: ChildInput = {
    name: 'सीमा मीणा',
    gender: 'girl',
    dateOfBirth: bornYearsBefore(11),
    ward: '3',
    school: 'राजकीय उच्च माध्यमिक विद्यालय',
    schoolClass: '5',
    inSchool: true,
    outOfSchoolReason: null,
    guardianName: 'रमेश मीणा',
    guardianPhone: '',
  }
  const child = addChild(ctx, v, input, todayIso())
  // Values with no place to break a line: a school typed without spaces, a long ward code.
  editChild(ctx, v, child.id, {
    ...input,
    school: 'राजकीयउच्चमाध्यमिकविद्यालय'.repeat(5).slice(0, 150),
    ward: 'W'.repeat(40),
  })
  editChild(ctx, v, child.id, { ...input, guardianName: 'रमेशचंद्रमीणापुत्रश्रीरामस्वरूपमीणा'.repeat(3).slice(0, 100) })
})
afterAll(async () => {
  await server?.close()
})

/** How much wider the page is than its window (0 or less: no sideways scroll). */
const sideways = (page: import('playwright-core').Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)

describe('the audit log on a phone', () => {
  it('fits a 360px screen: entries are cards, long values wrap, no sideways scroll', async () => {
    const { context, page, problems } = await openPage(b.browser, server.base, 'phone')
    try {
      await logIn(page, 'coordinator', PASSWORD)
      await page.goto('/audit')
      expect(await page.locator('table.audit-list tbody tr').count()).toBeGreaterThanOrEqual(3)
      expect(await page.locator('table.audit-list thead').isVisible()).toBe(false)
      expect(await sideways(page)).toBeLessThanOrEqual(0)
      // Nothing inside reaches past the right edge either (a cell cut off by its card would hide words).
      const widest = await page.evaluate(() =>
        Math.max(...[...document.querySelectorAll('main *')].map((e) => e.getBoundingClientRect().right)),
      )
      expect(widest).toBeLessThanOrEqual(viewports.phone.width)
      await shot(page, 'audit-1-phone')
      await page
        .locator('table.audit-list tbody tr')
        .first()
        .screenshot({ path: path.join(SCREENSHOTS, 'audit-1-first-entry-phone.png'), caret: 'initial' })

      // Filtered by village (htmx swaps the list): still no sideways scroll.
      await page.getByLabel('गाँव').selectOption({ index: 1 })
      await page.waitForURL(/village=/)
      await expect.poll(() => page.locator('#audit-entries').count()).toBe(1)
      expect(await sideways(page)).toBeLessThanOrEqual(0)
      expect(unexpectedProblems(problems)).toEqual(NO_PROBLEMS)
    } finally {
      await context.close()
    }
  })

  it('on a laptop it is a table with its headings', async () => {
    const { context, page } = await openPage(b.browser, server.base, 'phone', {
      viewport: { width: 1280, height: 800 },
    })
    try {
      await logIn(page, 'coordinator', PASSWORD)
      await page.goto('/audit')
      expect(await page.locator('table.audit-list thead').isVisible()).toBe(true)
      expect(await sideways(page)).toBeLessThanOrEqual(0)
      await shot(page, 'audit-2-laptop')
    } finally {
      await context.close()
    }
  })
})
