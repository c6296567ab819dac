import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { consoleErrors, openPage, shot, startServer, useBrowser, type Server } from '../helpers/browser.ts'

const b = useBrowser()
let server: Server
beforeAll(async () => {
  server = await startServer({ seed: false })
})
afterAll(async () => {
  await server?.close()
})

describe('first run on an empty database (phone)', () => {
  it('creates the first coordinator in Hindi, then a village', async () => {
    const { context, page, problems } = await openPage(b.browser, server.base, 'phone')
    try {
      // The address everyone types first leads to the set-up page, in Hindi.
      await page.goto('/')
      expect(new URL(page.url()).pathname).toBe('/setup')
      await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('hi')
      await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toContain('पहला समन्वयक खाता बनाएँ')
      await shot(page, 'first-run-1-setup-phone')

      // Two different passwords: the form comes back with the message at the second one.
      await page.getByLabel('पूरा नाम').fill('सुनीता शर्मा')
      await page.getByLabel('यूज़रनेम').fill('sunita')
      await page.getByLabel('पासवर्ड', { exact: true }).fill('gaon-ki-sarkar-1')
      await page.getByLabel('पासवर्ड दोबारा लिखें').fill('gaon-ki-sarkar-2')
      await Promise.all([
        page.waitForLoadState('load'),
        page.getByRole('button', { name: 'खाता बनाएँ और लॉग इन करें' }).click(),
      ])
      await page.waitForSelector('.field .error')
      expect(new URL(page.url()).pathname).toBe('/setup')
      const confirmField = page.locator('.field:has([name="confirm"])')
      expect(await confirmField.locator('.error').innerText()).toBe('दोनों पासवर्ड एक जैसे नहीं हैं।')
      expect(await page.locator('.field:has([name="password"]) .error').count()).toBe(0)
      expect(await page.locator('[role="alert"]').innerText()).toContain('कृपया चिह्नित खाने ठीक करें।')
      // What was typed (except passwords) is still there.
      expect(await page.getByLabel('पूरा नाम').inputValue()).toBe('सुनीता शर्मा')
      expect(await page.getByLabel('यूज़रनेम').inputValue()).toBe('sunita')
      await shot(page, 'first-run-2-setup-mismatch-phone')

      // Fixed: logged in, on the villages page with the welcome flash.
      await page.getByLabel('पासवर्ड', { exact: true }).fill('gaon-ki-sarkar-1')
      await page.getByLabel('पासवर्ड दोबारा लिखें').fill('gaon-ki-sarkar-1')
      await Promise.all([
        page.waitForURL('**/villages'),
        page.getByRole('button', { name: 'खाता बनाएँ और लॉग इन करें' }).click(),
      ])
      expect(await page.locator('#flash').innerText()).toContain('समन्वयक खाता बन गया। अब एक गाँव जोड़ें।')
      expect(await page.locator('main').innerText()).toContain('अभी कोई गाँव नहीं है। पहला गाँव जोड़ें।')
      expect(await page.locator('footer').innerText()).toContain('सुनीता शर्मा (समन्वयक)')
      await shot(page, 'first-run-3-villages-empty-phone')

      // Add a village (the form is submitted by htmx; success moves to the village's page).
      await page.getByRole('link', { name: 'नया गाँव' }).click()
      await page.waitForURL('**/villages/new')
      await page.getByLabel('गाँव', { exact: true }).fill('पापड़ी')
      await page.getByLabel('ग्राम पंचायत').fill('सोठाना')
      await page.getByLabel('पंचायत समिति').fill('विराटनगर')
      await page.getByLabel('ज़िला').fill('जयपुर')
      await page.getByLabel('राज्य').fill('राजस्थान')
      await shot(page, 'first-run-4-village-form-phone')
      await Promise.all([page.waitForURL(/\/villages\/\d+$/), page.getByRole('button', { name: 'सहेजें' }).click()])
      expect(await page.locator('#flash').innerText()).toContain('गाँव जोड़ दिया गया।')
      expect(await page.locator('main').innerText()).toContain('पापड़ी')
      await shot(page, 'first-run-5-village-phone')

      // The list of villages now has it.
      await page.getByRole('link', { name: 'गाँव', exact: true }).click()
      await page.waitForURL('**/villages')
      expect(await page.locator('table.list').innerText()).toContain('पापड़ी')
      expect(await page.locator('table.list').innerText()).toContain('सोठाना')
      await shot(page, 'first-run-6-villages-phone')

      // Set-up is over: the set-up page cannot be used again (a logged-in coordinator ends up at the villages).
      await page.goto('/setup')
      expect(new URL(page.url()).pathname).toBe('/villages')
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)

      expect(problems.pageErrors).toEqual([])
      expect(consoleErrors(problems)).toEqual([])
      expect(problems.failedRequests).toEqual([])
    } finally {
      await context.close()
    }
  })
})
