// A double tap, and a form sent again after its answer was lost, make one record; the same words
// entered again on a fresh form make a second. The form's own one-time key does it, in a real browser.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  NO_PROBLEMS,
  PASSWORD,
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

const named = (name: string) =>
  server.database.sqlite.prepare('SELECT count(*) FROM children WHERE name = ?').pluck().get(name) as number
const child = {
  name: 'गुड्डी बैरवा',
  gender: 'girl',
  dateOfBirth: bornYearsBefore(9),
  ward: '4',
  school: 'राजकीय प्राथमिक विद्यालय',
  schoolClass: '3',
  inSchool: 'yes',
  guardianName: 'कमला बैरवा',
  guardianPhone: '',
}

describe("the register's add form on a phone", () => {
  it('sent twice at once, then tapped again: one child; the same words on a fresh form: a second child', async () => {
    const { context, page, problems } = await openPage(b.browser, server.base, 'phone')
    try {
      await logIn(page, 'rekha', PASSWORD)
      const newChild = `/villages/${server.fx.villages.papdi.id}/children/new`
      const fill = async () => {
        await page.goto(newChild)
        await page.evaluate((values) => {
          const form = document.querySelector('#child-form') as HTMLFormElement
          for (const [name, value] of Object.entries(values)) {
            const field = form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | RadioNodeList | null
            if (field instanceof RadioNodeList) {
              for (const r of Array.from(field) as HTMLInputElement[]) r.checked = r.value === value
            } else if (field) field.value = value
          }
        }, child)
      }
      await fill()
      // The phone sends the form twice (a double tap on a slow network, a resend after a lost answer).
      const statuses = await page.evaluate(async () => {
        const form = document.querySelector('#child-form') as HTMLFormElement
        const body = new URLSearchParams(new FormData(form) as unknown as Record<string, string>)
        const send = () => fetch(form.action, { method: 'POST', body, redirect: 'manual' }).then((r) => r.status)
        return Promise.all([send(), send()])
      })
      expect(statuses.every((s) => s === 0 || s === 303)).toBe(true)
      expect(named(child.name)).toBe(1)
      // Those two did not follow their redirects (redirect: 'manual'): Chrome lists that as aborted.
      problems.failedRequests.length = 0
      // And a tap on the very same form afterwards: the answer the first got, the child's page, still one child.
      await Promise.all([
        page.waitForURL(/\/children\/\d+$/),
        page.locator('#child-form button[type="submit"]').click(),
      ])
      expect(await page.locator('h1').innerText()).toBe(child.name)
      expect(named(child.name)).toBe(1)
      await shot(page, 'double-tap-1-one-child-phone')
      // Another child with the same name and guardian, entered on a fresh form: two children.
      await fill()
      await Promise.all([
        page.waitForURL(/\/children\/\d+$/),
        page.locator('#child-form button[type="submit"]').click(),
      ])
      expect(named(child.name)).toBe(2)
      expect(unexpectedProblems(problems)).toEqual(NO_PROBLEMS)
    } finally {
      await context.close()
    }
  }, 120_000)
})
