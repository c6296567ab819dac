// The children's board left showing on a TV brings its cards up to date by itself (public/board.js), without htmx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NO_PROBLEMS, openPage, startServer, unexpectedProblems, useBrowser, type Server } from '../helpers/browser.ts'

const b = useBrowser()
let server: Server
beforeAll(async () => {
  server = await startServer()
})
afterAll(async () => {
  await server?.close()
})

describe('the children’s board on a TV', () => {
  it('fetches itself again every two minutes and puts the fresh cards in place of the old', async () => {
    const board = `/board/${server.fx.villages.papdi.id}`
    const { context, page, problems } = await openPage(b.browser, server.base, 'tablet')
    try {
      await page.clock.install()
      await page.goto(board)
      expect(await page.locator('script[src*="htmx"]').count()).toBe(0)
      await page.evaluate(() => {
        document.getElementById('board-cards')!.dataset.seen = 'before'
      })
      const again = page.waitForRequest((r) => new URL(r.url()).pathname === board && r.resourceType() === 'fetch')
      await page.clock.fastForward(60_000)
      expect(await page.evaluate(() => document.getElementById('board-cards')!.dataset.seen)).toBe('before')
      await page.clock.fastForward(60_000)
      await again
      await expect
        .poll(() => page.evaluate(() => document.getElementById('board-cards')?.dataset.seen ?? 'fresh'))
        .toBe('fresh')
      expect(unexpectedProblems(problems)).toEqual(NO_PROBLEMS)
    } finally {
      await context.close()
    }
  }, 60_000)
})
