// The coordinator on a small phone: the start page says when the last good backup was made and
// where; when the USB stick the backups go to is pulled out, the next backup fails and the page warns,
// in Hindi, with what to do, above the villages, and nothing reaches past the screen's edge.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { formatInstant } from '../../src/core/dates.ts'
import { testApp, type TestApp } from '../helpers/app.ts'
import { FakeTime } from '../helpers/fake-time.ts'
import {
  logIn,
  NO_PROBLEMS,
  openPage,
  PASSWORD,
  shot,
  sidewaysOverflow,
  unexpectedProblems,
  useBrowser,
  type Problems,
} from '../helpers/browser.ts'

/** The box's clock at noon: no nightly backup falls due while a test moves it on by minutes. */
const MIDDAY = new Date(2026, 0, 10, 12).getTime()

const b = useBrowser()
let t: TestApp
let media: string
let stick: string
let page: Page
let problems: Problems

beforeAll(async () => {
  media = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-media-'))
  stick = path.join(media, 'usb', 'bal-panchayat-backups')
  fs.mkdirSync(stick, { recursive: true })
  const time = new FakeTime(MIDDAY)
  t = await testApp({ backups: { dir: stick, keep: 14, now: time.now, timers: time.timers } })
  t.app.backups!.start()
  await t.app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = t.app.server.address() as AddressInfo
  ;({ page, problems } = await openPage(b.browser, `http://127.0.0.1:${port}`, 'phone'))
  await logIn(page, 'coordinator', PASSWORD)
}, 120_000)
afterAll(async () => {
  await page?.context().close()
  await t?.close()
  fs.rmSync(media, { recursive: true, force: true })
})

describe("the coordinator's start page on a phone", () => {
  it('shows the last good backup, then the warning when the stick is pulled out', async () => {
    await t.app.backups!.runNow('test')
    const at = t.app.backups!.status().lastGood!.at
    await page.goto('/villages')
    await expect.poll(() => page.locator('.backup-last').innerText()).toBe(`आखिरी सही बैकअप: ${formatInstant(at, 'hi')}`)
    expect(await page.locator('.backup-where').innerText()).toContain(stick)
    expect(await page.locator('.backup-warning').count()).toBe(0)
    await shot(page, 'backups-01-last-good-phone')

    // The stick is pulled out: its folder is gone, and the next backup fails.
    fs.renameSync(path.join(media, 'usb'), path.join(media, 'usb-pulled-out'))
    await t.app.backups!.runNow('test')
    await page.reload()
    const warning = page.getByRole('alert').filter({ hasText: 'बैकअप समय पर नहीं बना' })
    await expect.poll(() => warning.isVisible()).toBe(true)
    expect(await warning.innerText()).toContain('क्या USB स्टिक लगी है?')
    expect(await warning.innerText()).toContain('क्या करें:')
    // The last good backup is still said, below the warning.
    expect(await page.locator('.backup-last').innerText()).toBe(`आखिरी सही बैकअप: ${formatInstant(at, 'hi')}`)
    const warningTop = (await warning.boundingBox())!.y
    expect(warningTop).toBeLessThan((await page.locator('.backup-last').boundingBox())!.y)
    expect(await sidewaysOverflow(page)).toBe(0)
    await shot(page, 'backups-02-overdue-phone')
    expect(unexpectedProblems(problems)).toEqual(NO_PROBLEMS)
  }, 60_000)
})
