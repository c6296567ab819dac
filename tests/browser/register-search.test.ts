// The register searched from a phone: a name typed in Latin letters finds the Devanagari name, the other
// filters fold away under one line so the list is on the first screen, and open on a wide screen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  NO_PROBLEMS,
  PASSWORD,
  logIn,
  openPage,
  shot,
  sidewaysOverflow,
  startServer,
  unexpectedProblems,
  useBrowser,
  type Server,
} from '../helpers/browser.ts'
import { ctxFor } from '../helpers/app.ts'
import { addChild } from '../../src/people/children.ts'
import type { ChildInput } from '../../src/people/schemas.ts'
import { bornYearsBefore } from '../../src/core/dates.ts'

const b = useBrowser()
let server: Server
let register = ''

beforeAll(async () => {
  server = await startServer()
  const v = server.fx.villages.papdi.id
  register = `/villages/${v}/children`
  const ctx = ctxFor(server.database, server.fx.users.facilitator, 'hi')
  const child = (name: string, guardianName: string, gender: ChildInput['gender'], ward: string): ChildInput => ({
    name,
    gender,
    dateOfBirth: bornYearsBefore(11),
    ward,
    school: '',
    schoolClass: '',
    inSchool: true,
    outOfSchoolReason: null,
    guardianName,
    guardianPhone: '',
  })
  addChild(ctx, v, child('सीमा मीणा', 'रमेश', 'girl', '1'), null)
  addChild(ctx, v, child('मीना कुमारी', 'गीता देवी', 'girl', '2'), null)
  addChild(ctx, v, child('सुरेश कुमार', 'रामलाल', 'boy', '3'), null)
  addChild(ctx, v, child('पूजा देवी', 'सुनील', 'girl', '4'), null)
})
afterAll(async () => {
  await server?.close()
})

describe('searching the register', () => {
  it('on a 360px phone: the filters fold away, "meena" finds मीणा and मीना as it is typed', async () => {
    const { context, page, problems } = await openPage(b.browser, server.base, 'phone')
    try {
      await logIn(page, 'rekha', PASSWORD)
      await page.goto(register)
      const fold = page.locator('details.filter-fold')
      expect(await fold.getAttribute('open')).toBeNull()
      expect(await page.getByText('फ़िल्टर', { exact: true }).isVisible()).toBe(true)
      expect(await page.getByLabel('लिंग').isVisible()).toBe(false)
      // The list starts on the first screen.
      const list = await page.locator('#children-list').boundingBox()
      expect(list!.y).toBeLessThan(740)
      expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0)
      await shot(page, 'register-search-1-folded-phone')

      await page.getByLabel('बच्चे या अभिभावक के नाम से खोजें').pressSequentially('meena', { delay: 40 })
      await expect.poll(() => page.locator('#children-list').innerText()).toContain('2 बच्चे मिले')
      const names = await page.locator('#children-list td:first-child a').allInnerTexts()
      expect(names.sort()).toEqual(['मीना कुमारी', 'सीमा मीणा'].sort())
      expect(new URL(page.url()).searchParams.get('q')).toBe('meena')
      await shot(page, 'register-search-2-latin-phone')

      // Opened, the filters narrow the search.
      await page.getByText('फ़िल्टर', { exact: true }).click()
      await page.getByLabel('वार्ड').selectOption('2')
      await expect.poll(() => page.locator('#children-list').innerText()).toContain('1 बच्चा मिला')
      expect(await page.locator('#children-list td:first-child a').allInnerTexts()).toEqual(['मीना कुमारी'])
      expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0)
      await shot(page, 'register-search-3-filters-open-phone')
      expect(unexpectedProblems(problems)).toEqual(NO_PROBLEMS)
    } finally {
      await context.close()
    }
  })

  it('on a laptop the filters stand open in one row', async () => {
    const { context, page, problems } = await openPage(b.browser, server.base, 'phone', {
      viewport: { width: 1280, height: 800 },
    })
    try {
      await logIn(page, 'rekha', PASSWORD)
      await page.goto(register)
      await expect.poll(() => page.locator('details.filter-fold').getAttribute('open')).not.toBeNull()
      expect(await page.getByLabel('लिंग').isVisible()).toBe(true)
      const tops = await Promise.all(
        ['लिंग', 'उम्र', 'वार्ड', 'स्थिति'].map(async (l) => (await page.getByLabel(l, { exact: true }).boundingBox())!.y),
      )
      expect(new Set(tops).size).toBe(1)
      await shot(page, 'register-search-4-laptop')
      expect(unexpectedProblems(problems)).toEqual(NO_PROBLEMS)
    } finally {
      await context.close()
    }
  })

  it('a search typed while offline says it was not sent', async () => {
    const { context, page } = await openPage(b.browser, server.base, 'phone')
    try {
      await logIn(page, 'rekha', PASSWORD)
      await page.goto(register)
      await context.setOffline(true)
      await page.getByLabel('बच्चे या अभिभावक के नाम से खोजें').fill('suresh')
      await expect.poll(() => page.locator('p.send-state.refused').count()).toBe(1)
      expect(await page.locator('p.send-state.refused').innerText()).toBe(
        'भेजा नहीं गया: नेटवर्क नहीं मिला। नेटवर्क आने पर फिर से दबाएँ।',
      )
      await context.setOffline(false)
      // Online again, the next search goes through and the note goes away.
      await page.getByLabel('बच्चे या अभिभावक के नाम से खोजें').fill('suresh kumar')
      await expect.poll(() => page.locator('#children-list').innerText()).toContain('1 बच्चा मिला')
      await expect.poll(() => page.locator('p.send-state.refused').count()).toBe(0)
    } finally {
      await context.close()
    }
  })
})
