// Attendance is ticked on the facilitator's phone, where the Wi-Fi comes and goes. A tap made offline
// shows as made but not yet saved, is kept in the phone and sent when the connection is back: it never
// vanishes silently. Other actions say plainly that they were not sent.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { and, eq, isNotNull } from 'drizzle-orm'
import {
  NO_PROBLEMS,
  PASSWORD,
  logIn,
  SCREENSHOTS,
  openPage,
  startServer,
  unexpectedProblems,
  useBrowser,
  type Server,
} from '../helpers/browser.ts'
import { ctxFor } from '../helpers/app.ts'
import { scheduleInput, seatBalPanchayat } from '../helpers/meetings.ts'
import { scheduleMeeting, startMeeting } from '../../src/meetings/meetings.ts'
import { attendance } from '../../src/meetings/tables.ts'

const b = useBrowser()
let server: Server
let meetingId = 0
let kids: Record<string, number>

beforeAll(async () => {
  server = await startServer()
  const v = server.fx.villages.papdi.id
  kids = seatBalPanchayat(server.database, server.fx.users.facilitator, v, [
    ['मीना मीणा', 'girl'],
    ['सुनीता गुर्जर', 'girl'],
    ['पूजा बैरवा', 'girl'],
    ['रवि गुर्जर', 'boy'],
    ['सुनील मीणा', 'boy'],
  ])
  const ctx = ctxFor(server.database, server.fx.users.facilitator, 'hi')
  const meeting = scheduleMeeting(ctx, v, scheduleInput())
  startMeeting(ctx, meeting.id)
  meetingId = meeting.id
})
afterAll(async () => {
  await server?.close()
})

/** Who the database has as present at the meeting. */
const presentInDb = () =>
  server.db
    .select({ childId: attendance.childId })
    .from(attendance)
    .where(and(eq(attendance.meetingId, meetingId), isNotNull(attendance.presentAt)))
    .all()
    .map((r) => r.childId)
    .sort((a, b) => a - b)
/** The part of the page that matters, as the person sees it (a full page on a phone is too tall to judge). */
async function sectionShot(page: Page, selector: string, name: string) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
  await page.locator(selector).screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), caret: 'initial' })
}
const member = (page: Page, name: string) => page.locator('#attendance button.member').filter({ hasText: name })
const queued = (page: Page) =>
  page.evaluate(() => JSON.parse(localStorage.getItem('bal-panchayat:queue') ?? '[]').length)

describe('attendance on a 360px phone with a connection that drops', () => {
  it('taps made offline show as not yet saved, and are saved once the phone is online again', async () => {
    const { context, page, problems } = await openPage(b.browser, server.base, 'phone')
    try {
      await logIn(page, 'rekha', PASSWORD)
      await page.goto(`/meetings/${meetingId}`)
      // One tap online, as usual.
      await member(page, 'मीना मीणा').click()
      await expect.poll(() => member(page, 'मीना मीणा').getAttribute('aria-pressed')).toBe('true')
      expect(presentInDb()).toEqual([kids['मीना मीणा']])

      await context.setOffline(true)
      for (const name of ['सुनीता गुर्जर', 'रवि गुर्जर']) {
        await member(page, name).click()
        await expect.poll(() => member(page, name).getAttribute('class')).toContain('unsaved')
        expect(await member(page, name).getAttribute('aria-pressed')).toBe('true')
        expect(await member(page, name).innerText()).toContain('अभी सहेजा नहीं — नेटवर्क आते ही अपने-आप भेजा जाएगा')
        expect(await member(page, name).innerText()).toMatch(/· उपस्थित/)
      }
      // A second tap on the same member, still offline, takes the first back: the latest tap is what is sent.
      await member(page, 'रवि गुर्जर').click()
      await expect.poll(() => member(page, 'रवि गुर्जर').getAttribute('aria-pressed')).toBe('false')
      expect(await member(page, 'रवि गुर्जर').innerText()).toMatch(/· अनुपस्थित/)
      expect(await queued(page)).toBe(2)
      expect(presentInDb()).toEqual([kids['मीना मीणा']])
      await sectionShot(page, '#attendance', 'attendance-offline-1-taps-kept-phone')

      await context.setOffline(false)
      await expect
        .poll(presentInDb, { timeout: 15_000 })
        .toEqual([kids['मीना मीणा'], kids['सुनीता गुर्जर']].sort((a, b) => a - b))
      await expect.poll(() => page.locator('#attendance .send-state.saved').count()).toBe(1)
      expect(await page.locator('#attendance .send-state.saved').innerText()).toBe('नेटवर्क वापस आया: सब सहेज दिया गया।')
      expect(await page.locator('#attendance .member.unsaved').count()).toBe(0)
      expect(await member(page, 'सुनीता गुर्जर').getAttribute('aria-pressed')).toBe('true')
      expect(await member(page, 'रवि गुर्जर').getAttribute('aria-pressed')).toBe('false')
      expect(await queued(page)).toBe(0)
      await sectionShot(page, '#attendance', 'attendance-offline-2-saved-phone')

      // The list drawn by the server still answers taps (htmx took over the new list).
      await member(page, 'पूजा बैरवा').click()
      await expect.poll(() => member(page, 'पूजा बैरवा').getAttribute('aria-pressed')).toBe('true')
      await expect.poll(() => presentInDb().includes(kids['पूजा बैरवा'])).toBe(true)
      // Offline, the taps' requests failed, as they should; nothing else went wrong.
      const offline = /ERR_INTERNET_DISCONNECTED|Failed to fetch|htmx:error/
      expect(problems.failedRequests.every((r) => offline.test(r))).toBe(true)
      expect(
        unexpectedProblems({
          ...problems,
          failedRequests: [],
          console: problems.console.filter((m) => !offline.test(m)),
        }),
      ).toEqual(NO_PROBLEMS)
    } finally {
      await context.close()
    }
  })

  it('a tap kept when the page was closed offline is sent when the meeting page is opened again', async () => {
    const { context, page } = await openPage(b.browser, server.base, 'phone')
    try {
      await logIn(page, 'rekha', PASSWORD)
      await page.goto(`/meetings/${meetingId}`)
      await context.setOffline(true)
      await member(page, 'सुनील मीणा').click()
      await expect.poll(() => member(page, 'सुनील मीणा').getAttribute('class')).toContain('unsaved')
      expect(await queued(page)).toBe(1)
      // Closed before its next try (a try while the page closes could slip past the emulated offline).
      await page.route('**/attendance/**', (route) => route.abort())
      await page.close()
      expect(presentInDb()).not.toContain(kids['सुनील मीणा'])

      await context.setOffline(false)
      const again = await context.newPage()
      await again.goto(`/meetings/${meetingId}`)
      await expect.poll(presentInDb, { timeout: 15_000 }).toContain(kids['सुनील मीणा'])
      await expect.poll(() => member(again, 'सुनील मीणा').getAttribute('aria-pressed')).toBe('true')
      await expect.poll(() => queued(again)).toBe(0)
    } finally {
      await context.close()
    }
  })

  it('a plain form sent offline says it was not sent, and the page stays with what was typed', async () => {
    const { context, page } = await openPage(b.browser, server.base, 'phone')
    try {
      await logIn(page, 'rekha', PASSWORD)
      await page.goto(`/meetings/${meetingId}`)
      await context.setOffline(true)
      const guests = page.locator('#f-guests')
      await guests.fill('आंगनवाड़ी दीदी')
      const form = page.locator('form').filter({ has: guests })
      await form.locator('button[type="submit"]').click()
      await expect.poll(() => page.locator('p.send-state.refused').count()).toBe(1)
      expect(await page.locator('p.send-state.refused').innerText()).toBe(
        'भेजा नहीं गया: नेटवर्क नहीं मिला। नेटवर्क आने पर फिर से दबाएँ।',
      )
      expect(await guests.inputValue()).toBe('आंगनवाड़ी दीदी')
      expect(new URL(page.url()).pathname).toBe(`/meetings/${meetingId}`)
      await sectionShot(page, '#attendance', 'attendance-offline-3-plain-form-phone')
      await context.setOffline(false)
    } finally {
      await context.close()
    }
  })
})
