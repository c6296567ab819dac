// The coordinator's figures on a phone, with the demo village's data: every table with its chart,
// narrowed to one village, printed; then a child's data downloaded and erased on the child's page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import {
  NO_PROBLEMS,
  logIn,
  openPage,
  shot,
  startServer,
  unexpectedProblems,
  useBrowser,
  type Problems,
  type Server,
} from '../helpers/browser.ts'
import { clickTo, expectNoSidewaysScroll, mainText, printShot, text } from '../helpers/election-browser.ts'
import { expectAccessible } from '../helpers/voting-browser.ts'
import { DEMO_PASSWORD, seedDemo } from '../../src/demo/seed.ts'

const b = useBrowser()
let server: Server
let context: BrowserContext
let page: Page
let problems: Problems
let villageId: number

beforeAll(async () => {
  server = await startServer({ seed: false })
  villageId = (await seedDemo(server.db)).villageId
  ;({ context, page, problems } = await openPage(b.browser, server.base, 'phone'))
  context.setDefaultTimeout(10_000)
})
afterAll(async () => {
  await context?.close()
  await server?.close()
})

describe('the coordinator reads the figures on a phone', () => {
  it('shows each table with its chart and a download, readable at 360px', async () => {
    await logIn(page, 'coordinator', DEMO_PASSWORD)
    await clickTo(page, /\/figures$/, () => page.getByRole('navigation').getByRole('link', { name: 'आँकड़े' }).click())
    expect(await text(page, 'h1')).toBe('आँकड़े')
    for (const id of ['representation', 'turnout', 'attendance', 'resolutions', 'answers']) {
      expect(await page.locator(`#${id}`).getByRole('link', { name: 'यह तालिका डाउनलोड करें (CSV)' }).count(), id).toBe(1)
    }
    expect(await page.locator('#representation svg.chart').getAttribute('aria-label')).toBe(
      'उम्मीदवारों, चुने गए सदस्यों और पदाधिकारियों में लड़कियाँ',
    )
    expect(await mainText(page)).toContain('बाल विवाह')
    await expectNoSidewaysScroll(page)
    await shot(page, 'figures-01-all-phone')
    await expectAccessible(page, 'figures')
    const csv = await page.request.get('/figures.csv?table=resolutions')
    expect(csv.headers()['content-type']).toContain('text/csv')
    expect(await csv.text()).toContain('child_marriage,0,0,0,1,0,1')
  })

  it('narrows to one village and prints', async () => {
    await page.getByLabel('गाँव').selectOption({ label: 'पापड़ी (Papdi)' })
    await clickTo(page, /\/figures\?village=\d+$/, () => page.getByRole('button', { name: 'दिखाएँ' }).click())
    expect(await text(page, 'h1')).toBe('आँकड़े: पापड़ी (Papdi)')
    await printShot(page, 'figures-02-print', async () => {
      expect(await page.locator('form.inline-form').isVisible()).toBe(false)
    })
  })
})

describe('a child’s data, on the coordinator’s word', () => {
  it('downloads everything about the child and erases the personal data after confirming', async () => {
    await page.goto(`/villages/${villageId}/children`)
    const first = page.locator('table.list tbody tr a').first()
    const name = (await first.innerText()).trim()
    await clickTo(page, /\/children\/\d+$/, () => first.click())
    const download = await page.request.get(`${new URL(page.url()).pathname}/export.json`)
    expect((await download.json()).child.name).toBe(name)
    await page.locator('summary', { hasText: 'निजी डेटा मिटाएँ' }).click()
    await shot(page, 'figures-03-erase-confirm-phone')
    await clickTo(page, /\/children\/\d+$/, () =>
      page.getByRole('button', { name: 'हाँ, इस बच्चे का निजी डेटा मिटाएँ' }).click(),
    )
    expect(await text(page, '#flash')).toBe('बच्चे का निजी डेटा मिटा दिया गया।')
    expect(await text(page, 'h1')).toMatch(/^— #\d+$/)
    expect(await mainText(page)).not.toContain(name)
    expect(await page.getByRole('link', { name: 'बदलें' }).count()).toBe(0)
    // The coordinator is told that copies made before still hold the data.
    expect(await text(page, '#backups-still-hold')).toContain('डेटा फ़ोल्डर की कोई और प्रति')
    await shot(page, 'figures-04-erased-phone')
    expect(unexpectedProblems(problems)).toEqual(NO_PROBLEMS)
  })
})
