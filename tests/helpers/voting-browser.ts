// Small steps of the shared-tablet voting journey, done as the facilitator and the children do them:
// by names, pictures and buttons on the screen.
import type { Page } from 'playwright-core'
import { AxeBuilder } from '@axe-core/playwright'
import { expect } from 'vitest'
import { shot, type Problems } from './browser.ts'
import { clickTo } from './election-browser.ts'

/** The ballot screen now showing (one contest, or the confirm screen). */
export const current = (page: Page) => page.locator('#ballot .step.current')

/** A candidate's card on the current ballot screen, by the name written on it. */
export const card = (page: Page, name: string) =>
  current(page)
    .locator('.card')
    .filter({ has: page.locator('.card-name', { hasText: name }) })

/**
 * Taps the candidate's picture, as a child does (the whole card is the target). `force`: tap even a
 * card that cannot be marked (Playwright would otherwise wait for it to become enabled).
 */
export async function tapCard(page: Page, name: string, options: { force?: boolean } = {}) {
  await card(page, name).locator('.card-symbol').click(options)
}

export const isMarked = (page: Page, name: string) => card(page, name).locator('input').isChecked()

/** What a child sees of a card: its border/background colour and whether the tick shows (in colour). */
export async function cardLook(page: Page, name: string) {
  return card(page, name).evaluate((el) => {
    const choice = getComputedStyle(el.querySelector('.card-choice')!)
    const tick = getComputedStyle(el.querySelector('.card-tick')!)
    return {
      background: choice.backgroundColor,
      border: choice.borderTopColor,
      tickColour: tick.color,
      tickBackground: tick.backgroundColor,
      opacity: choice.opacity,
    }
  })
}

/** "How many more" on the current screen: the sentence and the filled dots. */
export async function remaining(page: Page) {
  return {
    text: await current(page).locator('.remaining').innerText(),
    filled: await current(page).locator('.dot.filled').count(),
    dots: await current(page).locator('.dot').count(),
  }
}

/** A button of the current screen's navigation ("आगे →", "छोड़ें", "← पीछे"). */
export const stepButton = (page: Page, name: string) =>
  current(page).locator('.step-nav').getByRole('button', { name, exact: true })

/** The confirm screen, contest by contest: heading and the names chosen (or the "none" line). */
export async function summary(page: Page) {
  return page.locator('#ballot .summary-contest').evaluateAll((blocks) =>
    blocks.map((b) => ({
      contest: b.querySelector('h2')!.textContent,
      chosen: [...b.querySelectorAll('.summary-choice')].map((c) => ({
        name: c.querySelector('span:last-child')!.textContent,
        symbol: c.querySelector('svg[data-symbol]')?.getAttribute('data-symbol'),
      })),
      none: b.querySelector('p')?.textContent ?? null,
    })),
  )
}

/**
 * No axe violations, with their ids and targets in the message when there are some. `known`: rule
 * ids of a reported violation, left out so that the rest of the screen is still checked.
 */
export async function expectAccessible(page: Page, screen: string, known: string[] = []) {
  const r = await new AxeBuilder({ page }).analyze()
  const found = r.violations
    .filter((v) => !known.includes(v.id))
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
  expect(found, `axe on ${screen}`).toEqual([])
}

/** The next-voter screen: the facilitator types the PIN and gets the roll back. */
export async function unlock(page: Page, pin: string) {
  expect(await page.locator('h1').innerText()).toBe('अगला मतदाता')
  await page.getByLabel('केंद्र का पिन').fill(pin)
  await clickTo(page, /\/station$/, () => page.getByRole('button', { name: 'मतदाता सूची खोलें' }).click())
  await expect.poll(() => page.locator('#roll').count()).toBe(1)
}

/** From the roll: the child's name, the "is this …?" screen (`screenshot`: its name), then the ballot. */
export async function startBallot(page: Page, name: string, screenshot?: string) {
  await clickTo(page, /\/station\/voters\/\d+$/, () =>
    page
      .locator('#roll')
      .getByRole('link', { name: new RegExp(`^${name}`) })
      .click(),
  )
  expect(await page.locator('h1').innerText()).toBe(`क्या यह ${name} है?`)
  expect(await page.locator('main').innerText()).toContain(`अभिभावक: Guardian of ${name} · वार्ड 1`)
  if (screenshot) await shot(page, screenshot)
  await clickTo(page, /\/ballot$/, () => page.getByRole('button', { name: 'हाँ — इस बच्चे को मतपत्र दें' }).click())
  await expect.poll(() => current(page).getAttribute('data-step')).toBe('0')
}

/** Next screens until the confirm screen. */
export async function toConfirm(page: Page) {
  while ((await current(page).getAttribute('data-step')) !== 'confirm') await stepButton(page, 'आगे →').click()
}

/** What the child reads once the vote is sent: the visible heading of the ballot's answer, or of the thank-you page. */
export const answer = (page: Page) => page.locator('main h1:visible').first().innerText()

/** Casts from the confirm screen and waits for the box's "counted" (sent in the background; the address becomes the thank-you's). */
export async function cast(page: Page) {
  await clickTo(page, /\/ballot\/thanks$/, () => current(page).getByRole('button', { name: 'वोट डालें ✓' }).click())
  await expect.poll(() => answer(page)).toBe('आपका वोट गिना गया ✓')
}

/** The turnout line of the roll: "डाले गए वोट: 1 / 11" etc. */
export const stats = (page: Page) => page.locator('#roll ul.stats li').allInnerTexts()

/** Console errors, apart from the ones the journey expects (Chrome logs each 4xx it receives). */
export const unexpectedConsole = (problems: Problems, statuses: number[]) =>
  problems.console.filter(
    (m) => !statuses.some((s) => m.includes(`Failed to load resource: the server responded with a status of ${s}`)),
  )
