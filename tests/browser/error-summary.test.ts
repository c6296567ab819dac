// On a 360px phone a refused form used to leave the page scrolled to the bottom, the messages off screen:
// it looked as if nothing had happened. Now the error summary at the top of the form comes into view with
// the focus, and each of its links takes the person to the field.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import {
  NO_PROBLEMS,
  PASSWORD,
  SCREENSHOTS,
  logIn,
  openPage,
  startServer,
  unexpectedProblems,
  useBrowser,
  type Server,
} from '../helpers/browser.ts'
import { ctxFor } from '../helpers/app.ts'
import { scheduleInput, seatBalPanchayat } from '../helpers/meetings.ts'
import { recordAttendance, scheduleMeeting, startMeeting } from '../../src/meetings/meetings.ts'

const b = useBrowser()
let server: Server
let meetingId = 0

beforeAll(async () => {
  server = await startServer()
  const v = server.fx.villages.papdi.id
  const kids = seatBalPanchayat(server.database, server.fx.users.facilitator, v, [
    ['मीना मीणा', 'girl'],
    ['सुनीता गुर्जर', 'girl'],
    ['पूजा बैरवा', 'girl'],
    ['रवि गुर्जर', 'boy'],
  ])
  const ctx = ctxFor(server.database, server.fx.users.facilitator, 'hi')
  const meeting = scheduleMeeting(ctx, v, scheduleInput())
  startMeeting(ctx, meeting.id)
  for (const id of Object.values(kids)) recordAttendance(ctx, meeting.id, id, true)
  meetingId = meeting.id
})
afterAll(async () => {
  await server?.close()
})

/** What the person sees now: the screen, not the whole page. */
async function screen(page: Page, name: string) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), caret: 'initial' })
}

/** The focused element is the error summary, and its top is on the screen. */
async function summaryInViewWithFocus(page: Page) {
  await expect
    .poll(() => page.evaluate(() => document.activeElement?.matches('[data-error-summary]') ?? false))
    .toBe(true)
  const box = await page.evaluate(() => {
    const r = document.activeElement!.getBoundingClientRect()
    const heading = document.activeElement!.querySelector('h2')!.getBoundingClientRect()
    return { top: r.top, headingBottom: heading.bottom, height: window.innerHeight }
  })
  // The summary starts on the screen (to within a pixel's rounding), near its top, its heading whole.
  expect(box.top).toBeGreaterThanOrEqual(-1)
  expect(box.top).toBeLessThan(box.height / 2)
  expect(box.headingBottom).toBeLessThanOrEqual(box.height)
}

/** The form's save button, pressed from the bottom of the page as a person on a phone would. */
async function saveFromTheBottom(page: Page, name: string) {
  const save = page.getByRole('button', { name })
  await save.scrollIntoViewIfNeeded()
  expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(300)
  const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), save.click()])
  expect(response.status()).toBe(422)
}

describe('a refused form on a 360px phone', () => {
  it('the register form: the summary comes into view with the focus, and its links lead to the fields', async () => {
    const { context, page, problems } = await openPage(b.browser, server.base, 'phone')
    try {
      await logIn(page, 'rekha', PASSWORD)
      await page.goto(`/villages/${server.fx.villages.papdi.id}/children/new`)
      await page.getByLabel('जन्म तिथि').fill(`${new Date().getFullYear() + 1}-01-01`)
      await page.getByRole('radio', { name: 'लड़की' }).check()
      await page.getByLabel('वार्ड').fill('3')
      await page.getByRole('group', { name: 'स्कूल जाता/जाती है' }).getByRole('radio', { name: 'नहीं' }).check()
      await page.getByLabel('अभिभावक का नाम').fill('रमेश मीणा')
      await saveFromTheBottom(page, 'सहेजें')
      await summaryInViewWithFocus(page)
      const summary = page.locator('[data-error-summary]')
      expect(await summary.getAttribute('role')).toBe('alert')
      expect(await summary.locator('h2').innerText()).toBe('कृपया चिह्नित खाने ठीक करें।')
      expect(await summary.locator('li').allInnerTexts()).toEqual([
        'बच्चे का नाम: यह भरना ज़रूरी है।',
        'जन्म तिथि: यह तारीख़ आगे की नहीं हो सकती।',
        'स्कूल नहीं जाता/जाती तो क्यों: बताएँ कि बच्चा स्कूल क्यों नहीं जाता।',
      ])
      await screen(page, 'error-summary-1-register-phone')

      // The third link: the focus goes to that field, and its label is on the screen with it.
      await summary.getByRole('link', { name: /स्कूल नहीं जाता/ }).click()
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('f-outOfSchoolReason')
      const label = await page.locator('label[for="f-outOfSchoolReason"]').boundingBox()
      expect(label!.y).toBeGreaterThanOrEqual(0)
      expect(label!.y).toBeLessThan(740)
      await screen(page, 'error-summary-2-register-link-phone')

      // Put right, the form is saved.
      await page.getByLabel('बच्चे का नाम').fill('मीना मीणा')
      await page.getByLabel('जन्म तिथि').fill('2014-05-01')
      await page.getByLabel('स्कूल नहीं जाता/जाती तो क्यों').selectOption({ index: 1 })
      await Promise.all([page.waitForURL(/\/children\/\d+$/), page.getByRole('button', { name: 'सहेजें' }).click()])
      expect(await page.locator('[data-error-summary]').count()).toBe(0)
      expect(unexpectedProblems(problems)).toEqual(NO_PROBLEMS)
    } finally {
      await context.close()
    }
  })

  it('the resolution form: the summary comes into view with the focus', async () => {
    const { context, page, problems } = await openPage(b.browser, server.base, 'phone')
    try {
      await logIn(page, 'rekha', PASSWORD)
      await page.goto(`/meetings/${meetingId}/resolutions/new`)
      await page.getByLabel('श्रेणी').selectOption({ index: 1 })
      const record = await page.locator('form button[type="submit"].primary').innerText()
      await saveFromTheBottom(page, record)
      await summaryInViewWithFocus(page)
      const lines = await page.locator('[data-error-summary] li').allInnerTexts()
      expect(lines.length).toBeGreaterThanOrEqual(2)
      expect(lines[0]).toMatch(/^शीर्षक: /)
      // Each line is a link to a field that is on the page.
      for (const href of await page
        .locator('[data-error-summary] li a')
        .evaluateAll((as) => as.map((a) => a.getAttribute('href'))))
        expect(await page.locator(href!).count()).toBe(1)
      await screen(page, 'error-summary-3-resolution-phone')
      expect(unexpectedProblems(problems)).toEqual(NO_PROBLEMS)
    } finally {
      await context.close()
    }
  })

  it('a form refused as a whole page (the login) focuses its summary when the page loads', async () => {
    const { context, page } = await openPage(b.browser, server.base, 'phone')
    try {
      await page.goto('/login')
      await page.getByLabel(/यूज़रनेम/).fill('rekha')
      await page.getByLabel(/^पासवर्ड$/).fill('not her password')
      await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        page.getByRole('button', { name: /लॉग इन करें/ }).click(),
      ])
      await page.waitForLoadState('load')
      await summaryInViewWithFocus(page)
      await screen(page, 'error-summary-4-login-phone')
    } finally {
      await context.close()
    }
  })
})
