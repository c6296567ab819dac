import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import {
  NO_PROBLEMS,
  PASSWORD,
  errorAt,
  logIn,
  openPage,
  shot,
  sidewaysOverflow,
  startServer,
  switchLanguage,
  unexpectedProblems,
  useBrowser,
  viewports,
  type Server,
} from '../helpers/browser.ts'
import { ctxFor } from '../helpers/app.ts'
import { addChild } from '../../src/people/children.ts'
import { bornYearsBefore, todayIso } from '../../src/core/dates.ts'

const b = useBrowser()
let server: Server
let registerPath: string

beforeAll(async () => {
  server = await startServer()
  const { papdi } = server.fx.villages
  registerPath = `/villages/${papdi.id}/children`
  // Two children already in Papdi's register, so that a search has something to leave out.
  const ctx = ctxFor(server.database, server.fx.users.facilitator, 'hi')
  const child = {
    school: 'राजकीय विद्यालय',
    schoolClass: '5',
    inSchool: true,
    outOfSchoolReason: null,
    guardianPhone: '',
  } as const
  addChild(
    ctx,
    papdi.id,
    { ...child, name: 'सुनील कुमार', gender: 'boy', dateOfBirth: bornYearsBefore(10), ward: '1', guardianName: 'रामलाल' },
    todayIso(),
  )
  addChild(
    ctx,
    papdi.id,
    {
      ...child,
      name: 'पूजा देवी',
      gender: 'girl',
      dateOfBirth: bornYearsBefore(14),
      ward: '2',
      guardianName: 'गीता देवी',
    },
    null,
  )
})
afterAll(async () => {
  await server?.close()
})

const path = (page: Page) => new URL(page.url()).pathname
const text = (page: Page, selector: string) => page.locator(selector).innerText()

/** The page is no wider than the screen: nothing to scroll sideways on a phone. */
const expectNoSidewaysScroll = async (page: Page) => expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0)

describe('a facilitator keeps the register on a 360px phone', () => {
  it('adds a child after fixing mistakes, switches to English and searches the register', async () => {
    const { context, page, problems } = await openPage(b.browser, server.base, 'phone')
    try {
      // Log in: a facilitator lands straight on their village's register, in Hindi.
      await page.goto('/')
      expect(path(page)).toBe('/login')
      await shot(page, 'register-1-login-phone')
      await logIn(page, 'rekha', PASSWORD)
      expect(path(page)).toBe(registerPath)
      expect(await text(page, 'h1')).toBe('Papdi के बच्चे')
      expect(await text(page, '#children-list')).toContain('2 बच्चे मिले')
      await expectNoSidewaysScroll(page)
      await shot(page, 'register-2-list-phone')

      // Add a child, with three mistakes.
      await page.getByRole('link', { name: 'बच्चा जोड़ें' }).click()
      await page.waitForURL(`**${registerPath}/new`)
      const nextYear = `${Number(todayIso().slice(0, 4)) + 1}-01-15`
      await page.getByLabel('बच्चे का नाम').fill('')
      await page.getByLabel('जन्म तिथि').fill(nextYear)
      await page.getByRole('radio', { name: 'लड़की' }).check()
      await page.getByLabel('वार्ड').fill('3')
      await page.getByRole('group', { name: 'स्कूल जाता/जाती है' }).getByRole('radio', { name: 'नहीं' }).check()
      await page.getByLabel('अभिभावक का नाम').fill('रमेश मीणा')
      await page.getByLabel('अभिभावक का फ़ोन').fill('98765 43210')
      await page.getByLabel('अभिभावक ने सहमति दी है').check()
      await shot(page, 'register-3-new-child-phone')
      await page.getByRole('button', { name: 'सहेजें' }).click()

      // Each message appears next to its own field, in Hindi; nothing typed is lost.
      await expect.poll(() => errorAt(page, 'name').count()).toBe(1)
      expect(path(page)).toBe(`${registerPath}/new`)
      expect(await errorAt(page, 'name').innerText()).toBe('यह भरना ज़रूरी है।')
      expect(await errorAt(page, 'dateOfBirth').innerText()).toBe('यह तारीख़ आगे की नहीं हो सकती।')
      expect(await errorAt(page, 'outOfSchoolReason').innerText()).toBe('बताएँ कि बच्चा स्कूल क्यों नहीं जाता।')
      expect(await page.locator('.field .error').count()).toBe(3)
      expect(await text(page, '[role="alert"]')).toContain('कृपया चिह्नित खाने ठीक करें।')
      expect(await page.getByLabel('अभिभावक का नाम').inputValue()).toBe('रमेश मीणा')
      expect(await page.getByLabel('वार्ड').inputValue()).toBe('3')
      expect(await page.getByLabel('जन्म तिथि').inputValue()).toBe(nextYear)
      expect(await page.getByRole('radio', { name: 'लड़की' }).isChecked()).toBe(true)
      expect(
        await page.getByRole('group', { name: 'स्कूल जाता/जाती है' }).getByRole('radio', { name: 'नहीं' }).isChecked(),
      ).toBe(true)
      expect(await page.getByLabel('अभिभावक ने सहमति दी है').isChecked()).toBe(true)
      await expectNoSidewaysScroll(page)
      await shot(page, 'register-4-new-child-errors-phone')

      // Corrected and saved: the child's own page, with the flash message.
      await page.getByLabel('बच्चे का नाम').fill('मीना मीणा')
      await page.getByLabel('जन्म तिथि').fill(bornYearsBefore(12))
      await page.getByLabel('स्कूल नहीं जाता/जाती तो क्यों').selectOption({ label: 'काम करता/करती है' })
      await Promise.all([
        page.waitForURL(new RegExp(`${registerPath}/\\d+$`)),
        page.getByRole('button', { name: 'सहेजें' }).click(),
      ])
      const childPath = path(page)
      expect(await text(page, '#flash')).toBe('बच्चे को रजिस्टर में जोड़ दिया गया।')
      expect(await text(page, 'h1')).toBe('मीना मीणा')
      const facts = await text(page, 'main')
      for (const fact of ['लड़की', '12 साल', 'नहीं — काम करती है', 'रमेश मीणा', '9876543210']) expect(facts).toContain(fact)
      expect(facts).not.toContain('सहमति दर्ज नहीं')
      await expectNoSidewaysScroll(page)
      await shot(page, 'register-5-child-phone')

      // The flash is shown once only.
      await page.reload()
      expect((await text(page, '#flash')).trim()).toBe('')

      // Switch to English: the same page, now in English.
      await switchLanguage(page, 'English', 'en')
      expect(path(page)).toBe(childPath)
      const english = await text(page, 'main')
      for (const label of [
        'Date of birth',
        "Guardian's name",
        "Guardian's consent",
        'Goes to school',
        'No — Working',
        '12 years',
      ])
        expect(english).toContain(label)
      expect(await page.getByRole('button', { name: 'हिन्दी' }).isVisible()).toBe(true)
      await shot(page, 'register-6-child-english-phone')

      // English is remembered on the next page.
      await page.getByRole('link', { name: "Children's register" }).first().click()
      await page.waitForURL(`**${registerPath}`)
      expect(await text(page, 'h1')).toBe('Children of Papdi')
      expect(await page.getByLabel("Search by child's or guardian's name").isVisible()).toBe(true)
      expect(await text(page, '#children-list')).toContain('3 children found')
      await page.goto(`${registerPath}/new`)
      expect(await page.getByLabel("Child's name").isVisible()).toBe(true)
      expect(await text(page, 'main')).not.toMatch(/[\u0900-\u097F]/)
      await page.goBack()

      // Search by typing: only the list changes, the page is not reloaded.
      await page.evaluate(() => {
        ;(window as unknown as { stillHere: boolean }).stillHere = true
      })
      const search = page.getByLabel("Search by child's or guardian's name")
      await search.pressSequentially('मीना', { delay: 60 })
      await expect.poll(() => text(page, '#children-list')).toContain('1 child found')
      const list = await text(page, '#children-list')
      expect(list).toContain('मीना मीणा')
      expect(list).not.toContain('सुनील कुमार')
      expect(list).not.toContain('पूजा देवी')
      expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true)
      expect(await search.inputValue()).toBe('मीना')
      expect(new URL(page.url()).searchParams.get('q')).toBe('मीना')
      await expectNoSidewaysScroll(page)
      await shot(page, 'register-7-search-phone')

      // A guardian's name finds the child too; clearing the box brings everyone back.
      await search.fill('गीता')
      await expect.poll(() => text(page, '#children-list')).toContain('पूजा देवी')
      await search.fill('')
      await expect.poll(() => text(page, '#children-list')).toContain('3 children found')

      // The same register on a tablet: a table with column headings.
      await page.setViewportSize(viewports.tablet)
      await page.goto(`${registerPath}?q=${encodeURIComponent('मीना')}`)
      expect(await page.locator('table.list thead').isVisible()).toBe(true)
      expect(await text(page, '#children-list')).toContain('1 child found')
      await shot(page, 'register-8-search-tablet')
      await page.goto(registerPath)
      await expectNoSidewaysScroll(page)
      await shot(page, 'register-9-list-tablet')

      expect(unexpectedProblems(problems)).toEqual(NO_PROBLEMS)
    } finally {
      await context.close()
    }
  }, 90_000)
})

describe('the add-a-child form without JavaScript', () => {
  it('shows the messages on a full page, keeps what was typed, then saves', async () => {
    const { context, page, problems } = await openPage(b.browser, server.base, 'phone', { javaScriptEnabled: false })
    // Kamla keeps Bhangdoli's register, so this test does not change the counts Papdi's test sees.
    const bhangdoli = `/villages/${server.fx.villages.bhangdoli.id}/children`
    try {
      await logIn(page, 'kamla', PASSWORD)
      expect(path(page)).toBe(bhangdoli)
      await page.goto(`${bhangdoli}/new`)
      await page.getByLabel('जन्म तिथि').fill(bornYearsBefore(9))
      await page.getByRole('radio', { name: 'लड़का' }).check()
      await page.getByLabel('वार्ड').fill('5')
      await page.getByRole('group', { name: 'स्कूल जाता/जाती है' }).getByRole('radio', { name: 'हाँ' }).check()
      await page.getByLabel('अभिभावक का नाम').fill('सीता बाई')
      await page.getByLabel('अभिभावक का फ़ोन').fill('12345')
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        page.getByRole('button', { name: 'सहेजें' }).click(),
      ])
      await page.waitForLoadState('load')
      expect(response?.status()).toBe(422)
      expect(await errorAt(page, 'name').innerText()).toBe('यह भरना ज़रूरी है।')
      expect(await errorAt(page, 'guardianPhone').innerText()).toBe('10 अंकों का मोबाइल नंबर लिखें।')
      expect(await page.getByLabel('अभिभावक का नाम').inputValue()).toBe('सीता बाई')
      expect(await page.getByLabel('वार्ड').inputValue()).toBe('5')
      expect(await page.getByRole('radio', { name: 'लड़का' }).isChecked()).toBe(true)
      expect(await page.locator('header').innerText()).toContain('बच्चों का रजिस्टर')
      await shot(page, 'register-10-no-js-errors-phone')

      await page.getByLabel('बच्चे का नाम').fill('गोपाल')
      await page.getByLabel('अभिभावक का फ़ोन').fill('')
      await Promise.all([
        page.waitForURL(new RegExp(`${bhangdoli}/\\d+$`)),
        page.getByRole('button', { name: 'सहेजें' }).click(),
      ])
      expect(await text(page, '#flash')).toBe('बच्चे को रजिस्टर में जोड़ दिया गया।')
      expect(await text(page, 'h1')).toBe('गोपाल')
      expect(await text(page, 'main')).toContain('सहमति दर्ज नहीं')
      expect(unexpectedProblems(problems)).toEqual(NO_PROBLEMS)
    } finally {
      await context.close()
    }
  }, 60_000)
})
