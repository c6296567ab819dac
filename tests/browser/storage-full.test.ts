// The box's disk runs low, then full, while a facilitator keeps the minutes on a phone: the pages
// warn with the megabytes left; the minutes say the storage is full (the text stays on the phone and
// is sent again) and are saved once space is freed. The database is held to its size with
// max_page_count, and the free space the box reads is made up, so this runs on any machine.
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { StorageWatch } from '../../src/web/storage.ts'
import { agendaOf, scheduleMeeting, startMeeting } from '../../src/meetings/meetings.ts'
import { minutes } from '../../src/meetings/tables.ts'
import { ctxFor, testApp, type TestApp } from '../helpers/app.ts'
import { commonBalPanchayat, scheduleInput, seatBalPanchayat } from '../helpers/meetings.ts'
import {
  logIn,
  NO_PROBLEMS,
  openPage,
  PASSWORD,
  shot,
  unexpectedProblems,
  useBrowser,
  type Problems,
} from '../helpers/browser.ts'

const MB = 1024 * 1024
const b = useBrowser()
let t: TestApp
let free = 1000 * MB
let meetingId: number
let page: Page
let problems: Problems

beforeAll(async () => {
  t = await testApp({ storage: new StorageWatch(() => free, 200 * MB, Date.now, 0) })
  const papdi = t.fx.villages.papdi.id
  seatBalPanchayat(t.database, t.fx.users.facilitator, papdi, commonBalPanchayat)
  const ctx = ctxFor(t.database, t.fx.users.facilitator)
  meetingId = scheduleMeeting(ctx, papdi, scheduleInput({ place: 'Chaupal', agenda: 'वार्ड 2 का हैंडपंप' })).id
  startMeeting(ctx, meetingId)
  expect(agendaOf(t.db, meetingId)).toHaveLength(1)
  await t.app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = t.app.server.address() as AddressInfo
  ;({ page, problems } = await openPage(b.browser, `http://127.0.0.1:${port}`, 'phone'))
  await logIn(page, 'rekha', PASSWORD)
}, 120_000)
afterAll(async () => {
  await page?.context().close()
  await t?.close()
})

const hold = (full: boolean) => {
  for (const conn of [t.database.sqlite, t.database.sessions]) {
    conn.pragma(`main.max_page_count = ${full ? conn.pragma('main.page_count', { simple: true }) : 1073741823}`)
  }
}

describe('a facilitator keeping minutes while the box fills up', () => {
  it('warns with the megabytes left, says the minutes could not be saved, and saves them once space is freed', async () => {
    free = 150 * MB
    await page.goto(`/meetings/${meetingId}`)
    await expect.poll(() => page.locator('.storage-warning').innerText()).toContain('सिर्फ़ 150 MB बचे हैं')
    await shot(page, 'storage-01-low-phone')

    free = 100 * 1024
    hold(true)
    const text = 'हैंडपंप एक महीने से खराब है।'.repeat(300)
    await page.getByLabel('चर्चा').fill(text)
    await expect
      .poll(() => page.locator('.save-state').innerText(), { timeout: 15_000 })
      .toContain('बॉक्स की जगह (स्टोरेज) भर गई है')
    await shot(page, 'storage-02-minutes-full-phone')
    expect(
      t.db
        .select()
        .from(minutes)
        .all()
        .map((m) => m.discussion),
    ).not.toContain(text)

    hold(false)
    free = 1000 * MB
    await expect.poll(() => page.locator('.save-state').innerText(), { timeout: 40_000 }).toMatch(/^सहेजा गया /)
    expect(
      t.db
        .select()
        .from(minutes)
        .all()
        .map((m) => m.discussion),
    ).toContain(text)
    await page.reload()
    expect(await page.locator('.storage-warning').count()).toBe(0)
    // Chrome reports the 507 answers themselves as console errors: those are the point of this test.
    problems.console = problems.console.filter((m) => !m.includes('status of 507'))
    problems.responses = problems.responses.filter((r) => r.status() !== 507)
    expect(unexpectedProblems(problems)).toEqual(NO_PROBLEMS)
  }, 120_000)
})
