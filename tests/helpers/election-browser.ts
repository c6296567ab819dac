// Small steps of the election journey in a browser, done the way a facilitator does them: by
// labels, buttons and pictures on the page, never by posting forms behind its back.
import type { Page } from 'playwright-core'
import { expect } from 'vitest'
import { shot, sidewaysOverflow, viewports, type Problems } from './browser.ts'

export const path = (page: Page) => new URL(page.url()).pathname
export const text = (page: Page, selector: string) => page.locator(selector).first().innerText()
/** The whole of <main>, with runs of white space made single, to compare sentences. */
export const mainText = async (page: Page) => (await page.locator('main').innerText()).replace(/\s+/g, ' ')

/**
 * The page is no wider than the screen: nothing to scroll sideways on a phone. `except`: a selector
 * for a known, reported overflow, so that the rest of the page is still checked until it is fixed.
 */
export async function expectNoSidewaysScroll(page: Page, except?: string) {
  if (!except) return expect(await sidewaysOverflow(page), `sideways overflow on ${path(page)}`).toBeLessThanOrEqual(0)
  const wide = await page.evaluate(
    (known) =>
      [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5 && !e.closest(known))
        .map((e) => `${e.tagName.toLowerCase()}.${e.className}: ${(e.textContent ?? '').trim().slice(0, 40)}`),
    except,
  )
  expect(wide, `sideways overflow on ${path(page)}`).toEqual([])
}

/**
 * Clicks and waits for the page the click leads to (a form post answered by a redirect, or a link),
 * then for it to finish loading. It waits for a navigation that happens after the click: when the
 * page comes back to its own address (a form that redirects to the page it is on), waiting for the
 * address alone would return at once and read the old page. `url` is a whole address, a path or a pattern.
 */
export async function clickTo(page: Page, url: string | RegExp, click: () => Promise<unknown>) {
  const arrives = (address: string) =>
    typeof url === 'string' ? address === url || new URL(address).pathname === url : url.test(address)
  await Promise.all([
    page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame() && arrives(frame.url()) }),
    click(),
  ])
  await page.waitForLoadState('load')
}

/** Submits a form that comes back with its mistakes (422): waits for the answer and the page it gives. */
export async function submitExpectingMistakes(page: Page, click: () => Promise<unknown>) {
  const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), click()])
  await page.waitForLoadState('load')
  expect(response.status()).toBe(422)
}

/** A second tab in the same browser (same login), whose problems go into the same record. */
export async function secondTab(page: Page, problems: Problems) {
  const tab = await page.context().newPage()
  tab.on('console', (m) => {
    if (m.type() === 'error') problems.console.push(`${tab.url()}: ${m.text()}`)
  })
  tab.on('pageerror', (e) => problems.pageErrors.push(`${tab.url()}: ${e.message}`))
  tab.on('requestfailed', (r) => problems.failedRequests.push(`${r.url()}: ${r.failure()?.errorText}`))
  tab.on('response', (r) => problems.responses.push(r))
  return tab
}

/** The election page's section for one contest. */
export const contestPanel = (page: Page, name: string) =>
  page.locator('section[id^="contest-"]').filter({ has: page.getByRole('heading', { level: 2, name, exact: true }) })

/**
 * Nominates a child from the election page: "Add a candidate" in the contest's section, the child
 * from the list, a tap on the symbol's picture, then the button. Back on the election page.
 */
export async function nominate(page: Page, contest: string, child: string, symbol: string) {
  await clickTo(page, /\/candidates\/new$/, () =>
    contestPanel(page, contest).getByRole('link', { name: 'Add a candidate' }).click(),
  )
  expect(await text(page, 'h1')).toBe(`Add a candidate: ${contest}`)
  await chooseChild(page, child)
  await tapSymbol(page, symbol)
  await clickTo(page, /\/elections\/\d+(#contest-\d+)?$/, () =>
    page.getByRole('button', { name: 'Add a candidate' }).click(),
  )
  expect(await text(page, '#flash')).toBe('The candidate was added.')
}

/** Picks the child whose option starts with the name ("name — Girl, 12 years, Ward 1"). */
export async function chooseChild(page: Page, child: string) {
  const select = page.getByLabel('Child', { exact: true })
  const option = select.locator('option').filter({ hasText: new RegExp(`^${child} — `) })
  expect(await option.count(), `${child} in the list of children who may stand`).toBe(1)
  await select.selectOption((await option.getAttribute('value')) as string)
}

/** Taps the picture of a ballot symbol (not the radio button): the picture itself must select it. */
export async function tapSymbol(page: Page, symbol: string) {
  const choice = page.locator('label.symbol-choice').filter({ has: page.locator(`input[value="${symbol}"]`) })
  await choice.locator('svg').click()
  expect(await choice.locator('input').isChecked()).toBe(true)
}

/** Types a paper count's totals: ballots, then each candidate's votes by the name in the label. */
export async function fillCount(page: Page, ballots: number, votes: Record<string, number>) {
  await page.getByLabel('Number of ballot papers').fill(String(ballots))
  for (const [name, n] of Object.entries(votes)) await page.getByLabel(new RegExp(`^${name} \\(`)).fill(String(n))
}

/** The explanation sentences ("How the seats were decided") of one contest on the result page. */
export const steps = (page: Page, contest: string) =>
  page
    .locator('section.result')
    .filter({ has: page.getByRole('heading', { level: 2, name: contest, exact: true }) })
    .locator('ol.steps li')
    .allInnerTexts()

/** The result section of one contest. */
export const resultPanel = (page: Page, contest: string) =>
  page.locator('section.result').filter({ has: page.getByRole('heading', { level: 2, name: contest, exact: true }) })

/** A screenshot as printed: print media on an A4-wide page (96 dpi), then back to the phone screen. */
export async function printShot(page: Page, name: string, check?: () => Promise<void>) {
  await page.emulateMedia({ media: 'print' })
  await page.setViewportSize({ width: 794, height: 1123 })
  await check?.()
  await shot(page, name)
  await page.emulateMedia({ media: 'screen' })
  await page.setViewportSize(viewports.phone)
}
