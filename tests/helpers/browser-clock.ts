// Moving a page's clock instead of waiting for its timers in real time. The page needs Playwright's fake
// clock (`page.clock.install()`, before the page loads): time then still flows by itself, and these
// jump it forward on top of that, firing the timers that fall due on the way.
import type { Page } from 'playwright-core'

/**
 * For `expect.poll`: each try first moves the page's clock on by `ms` (its due timers fire, `Date.now()`
 * jumps), then reads. A wait that the page's own timers would take in real time, without the waiting:
 * `await expect.poll(afterClock(page, 2000, () => read(page))).toBe(…)`.
 */
export function afterClock<T>(page: Page, ms: number, read: () => Promise<T>): () => Promise<T> {
  return async () => {
    await page.clock.fastForward(ms)
    return read()
  }
}
