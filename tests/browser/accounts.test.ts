import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import {
  NO_PROBLEMS,
  PASSWORD,
  errorAt,
  logIn,
  openPage,
  shot,
  startServer,
  unexpectedProblems,
  useBrowser,
  type Server,
} from '../helpers/browser.ts'
import { bornYearsBefore } from '../../src/core/dates.ts'

const b = useBrowser()
let server: Server
beforeAll(async () => {
  server = await startServer()
})
afterAll(async () => {
  await server?.close()
})

const path = (page: Page) => new URL(page.url()).pathname
const sessionRows = () => server.database.sessions.prepare('SELECT count(*) FROM sessions').pluck().get() as number

describe("a facilitator's account on a 360px phone", () => {
  it('a common new password is refused at the field; a good one logs out the other phone; logging out leaves nothing stored', async () => {
    const phone = await openPage(b.browser, server.base, 'phone')
    const other = await openPage(b.browser, server.base, 'phone')
    try {
      const { page, context } = phone
      // A visitor on the login page has a CSRF cookie, and no session.
      await page.goto('/login')
      expect((await context.cookies()).map((c) => c.name)).toEqual(['bp_csrf'])
      expect(sessionRows()).toBe(0)
      await logIn(page, 'rekha', PASSWORD)
      await logIn(other.page, 'rekha', PASSWORD)
      expect(sessionRows()).toBe(2)

      await page.getByRole('link', { name: 'मेरा पासवर्ड' }).click()
      await page.waitForURL('**/account/password')
      await page.getByLabel('मौजूदा पासवर्ड').fill(PASSWORD)
      await page.getByLabel('नया पासवर्ड').fill('password-123')
      await page.getByLabel('पासवर्ड दोबारा लिखें').fill('password-123')
      await page.getByRole('button', { name: 'पासवर्ड बदलें' }).click()
      await expect.poll(() => errorAt(page, 'password').count()).toBe(1)
      expect(await errorAt(page, 'password').innerText()).toBe(
        'यह पासवर्ड बहुत आम है, कोई भी इसका अंदाज़ा लगा सकता है। तीन-चार ऐसे शब्द जोड़कर बनाएँ जो सिर्फ़ आप जानते हों।',
      )
      expect(await errorAt(page, 'password').isVisible()).toBe(true)
      await shot(page, 'accounts-1-common-password-phone')

      await page.getByLabel('मौजूदा पासवर्ड').fill(PASSWORD)
      await page.getByLabel('नया पासवर्ड').fill('neem-ki-chhaon-9')
      await page.getByLabel('पासवर्ड दोबारा लिखें').fill('neem-ki-chhaon-9')
      await Promise.all([
        page.waitForURL((u) => u.pathname !== '/account/password'),
        page.getByRole('button', { name: 'पासवर्ड बदलें' }).click(),
      ])
      await expect
        .poll(() => page.locator('#flash').innerText())
        .toContain('बाकी सभी फ़ोन और कंप्यूटर पर आप लॉग आउट हो गए हैं।')
      await shot(page, 'accounts-2-password-changed-phone')
      // The other phone is logged out at its next page.
      await other.page.reload()
      expect(path(other.page)).toBe('/login')
      expect(sessionRows()).toBe(1)

      await Promise.all([page.waitForURL('**/login'), page.getByRole('button', { name: 'लॉग आउट' }).click()])
      await expect.poll(() => page.locator('#flash').innerText()).toBe('आप लॉग आउट हो गए।')
      expect((await context.cookies()).map((c) => c.name).sort()).toEqual(['bp_csrf'])
      expect(sessionRows()).toBe(0)
      await shot(page, 'accounts-3-logged-out-phone')

      for (const p of [phone, other]) expect(unexpectedProblems(p.problems)).toEqual(NO_PROBLEMS)
    } finally {
      await phone.context.close()
      await other.context.close()
    }
  }, 120_000)

  it("a child's name pasted with a hidden right-to-left mark is refused at the field", async () => {
    const { context, page, problems } = await openPage(b.browser, server.base, 'phone')
    try {
      await logIn(page, 'kamla', PASSWORD)
      await page.goto(`/villages/${server.fx.villages.bhangdoli.id}/children/new`)
      await page.getByLabel('बच्चे का नाम').fill('Ravi\u202eatinuS')
      await page.getByLabel('जन्म तिथि').fill(bornYearsBefore(11))
      await page.getByRole('radio', { name: 'लड़का' }).check()
      await page.getByLabel('वार्ड').fill('2')
      await page.getByRole('group', { name: 'स्कूल जाता/जाती है' }).getByRole('radio', { name: 'हाँ' }).check()
      await page.getByLabel('अभिभावक का नाम').fill('गोपाल')
      await page.getByRole('button', { name: 'सहेजें' }).click()
      await expect.poll(() => errorAt(page, 'name').count()).toBe(1)
      expect(await errorAt(page, 'name').innerText()).toBe(
        'नाम में कोई छिपा हुआ चिह्न है जो नाम को बदलकर दिखा सकता है। नाम कहीं से कॉपी न करें, ख़ुद टाइप करें।',
      )
      await shot(page, 'accounts-4-hidden-character-in-name-phone')
      // Typed again by hand, it is saved.
      await page.getByLabel('बच्चे का नाम').fill('रवि सुनीत')
      await Promise.all([page.waitForURL(/\/children\/\d+$/), page.getByRole('button', { name: 'सहेजें' }).click()])
      expect(await page.locator('h1').innerText()).toContain('रवि सुनीत')
      expect(unexpectedProblems(problems)).toEqual(NO_PROBLEMS)
    } finally {
      await context.close()
    }
  }, 90_000)
})
