// Election day over HTTPS. The real server (plain HTTP for the box itself, HTTPS for every other
// device) and Chromium that trusts the box's key alone: the facilitator logs in on the 800x1280
// tablet, opens the polling station, a child votes, the tablet locks. And the certificate page a
// facilitator installs the box's certificate from, on a 360 px phone, in Hindi.
import fs from 'node:fs'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import {
  NO_PROBLEMS,
  PASSWORD,
  launchBrowser,
  logIn,
  openPage,
  shot,
  unexpectedProblems,
  type Problems,
} from '../helpers/browser.ts'
import { ctxFor, freshDatabase, seedVillages } from '../helpers/app.ts'
import { contestInput, electionInput, villageChildren } from '../helpers/elections.ts'
import { clickTo, expectNoSidewaysScroll, mainText, text } from '../helpers/election-browser.ts'
import {
  cast,
  current,
  expectAccessible,
  startBallot,
  stats,
  stepButton,
  tapCard,
  toConfirm,
} from '../helpers/voting-browser.ts'
import { spkiHash, startBox, type BoxServer } from '../helpers/box-server.ts'
import { addContest, createElection, nominate, openNominations, openPoll } from '../../src/elections/elections.ts'
import { build } from '../../src/app.ts'
import { ensureBoxCertificate, fingerprintLines } from '../../src/web/box-certificate.ts'
import type { AppDatabase } from '../../src/db/client.ts'

const PIN = '4826'
const reena = 'रीना सैनी'
const members = { seema: 'सीमा मीणा', rahul: 'राहुल मीणा', pooja: 'पूजा गुर्जर' }
const leaders = { anita: 'अनीता बैरवा', suresh: 'सुरेश सैनी' }

/** A village with an open poll: two contests, and Reena, who does not stand, to vote. */
async function villageWithOpenPoll(database: AppDatabase) {
  const fx = await seedVillages(database)
  const ids = villageChildren(database, fx.users.facilitator, fx.villages.papdi.id, [
    [members.seema, 'girl'],
    [members.pooja, 'girl'],
    [leaders.anita, 'girl'],
    [reena, 'girl'],
    [members.rahul, 'boy'],
    [leaders.suresh, 'boy'],
  ])
  const ctx = ctxFor(database, fx.users.facilitator, 'hi')
  const electionId = createElection(ctx, fx.villages.papdi.id, electionInput({ title: 'बाल पंचायत चुनाव' })).id
  const m = addContest(ctx, electionId, contestInput({ name: 'सदस्य', seats: '2' })).id
  const l = addContest(ctx, electionId, contestInput({ name: 'प्रधान', seats: '1', maxChoices: '1' })).id
  openNominations(ctx, electionId)
  const symbols: [number, string, string][] = [
    [m, members.seema, 'flower'],
    [m, members.rahul, 'kite'],
    [m, members.pooja, 'butterfly'],
    [l, leaders.anita, 'star'],
    [l, leaders.suresh, 'sun'],
  ]
  for (const [contest, name, symbol] of symbols) nominate(ctx, electionId, contest, { childId: ids[name], symbol })
  openPoll(ctx, electionId)
  return { electionId }
}

/**
 * Chromium told to accept the one key of the box's server certificate (as a tablet that installed
 * the box's CA would): any other certificate error still stops it.
 */
const launchTrusting = (spki: string) => launchBrowser([`--ignore-certificate-errors-spki-list=${spki}`])

let box: BoxServer & { prepared: { electionId: number } }
let browser: Browser
/** A browser as any test starts it: it has not been told about the box's certificate. */
let plain: Browser
beforeAll(async () => {
  box = await startBox(villageWithOpenPoll)
  plain = await launchBrowser()
  browser = await launchTrusting(spkiHash(fs.readFileSync(path.join(box.tlsDir, 'server.crt'), 'utf8')))
}, 120_000)
afterAll(async () => {
  await browser?.close()
  await plain?.close()
  await box?.stop()
})

describe('election day over HTTPS on the shared tablet (800x1280, Hindi)', () => {
  let context: BrowserContext
  let page: Page
  let problems: Problems
  afterAll(async () => {
    await context?.close()
  })
  const base = () => `/elections/${box.prepared.electionId}`

  it('the facilitator logs in over https and opens the polling station; the session cookie is Secure', async () => {
    ;({ context, page, problems } = await openPage(browser, box.https, 'tablet'))
    context.setDefaultTimeout(15_000)
    await logIn(page, 'rekha', PASSWORD)
    expect(new URL(page.url()).protocol).toBe('https:')
    const session = (await context.cookies()).find((c) => c.name === 'bp_session')
    expect(session?.secure).toBe(true)
    expect(session?.httpOnly).toBe(true)
    // The cookie holding the forms' CSRF secret too (it is not in the session: visitors have none).
    expect((await context.cookies()).find((c) => c.name === 'bp_csrf')).toMatchObject({
      secure: true,
      httpOnly: true,
      sameSite: 'Lax',
    })

    await page.goto(base())
    await clickTo(page, `${box.https}${base()}/station`, () =>
      page.getByRole('link', { name: 'इस टैबलेट पर मतदान केंद्र' }).click(),
    )
    expect(await text(page, 'h1')).toBe('इस टैबलेट पर मतदान केंद्र खोलें')
    await page.getByLabel('केंद्र का पिन').fill(PIN)
    await page.getByLabel('पिन दोबारा').fill(PIN)
    await clickTo(page, `${box.https}${base()}/station`, () =>
      page.getByRole('button', { name: 'मतदान केंद्र खोलें' }).click(),
    )
    expect(await text(page, '#flash')).toBe('इस टैबलेट पर मतदान केंद्र खुल गया।')
    expect(await stats(page)).toEqual(['डाले गए वोट: 0 / 6', 'वोट दे चुकी लड़कियाँ: 0 / 4', 'वोट दे चुके लड़के: 0 / 2'])
    await shot(page, 'https-01-station-tablet')
  }, 90_000)

  it('a child votes: a card per contest, the confirm screen, cast; thanked, then the tablet locks', async () => {
    await startBallot(page, reena, 'https-02-is-this-the-child-tablet')
    expect(await current(page).locator('h1').innerText()).toBe('सदस्य')
    await tapCard(page, members.seema)
    await tapCard(page, members.rahul)
    await stepButton(page, 'आगे →').click()
    expect(await current(page).locator('h1').innerText()).toBe('प्रधान')
    await tapCard(page, leaders.anita)
    await toConfirm(page)
    expect(await current(page).locator('h1').innerText()).toBe('क्या यही आपका वोट है?')
    await shot(page, 'https-03-confirm-tablet')
    await cast(page)
    expect(await mainText(page)).toContain('धन्यवाद! आपका वोट गुप्त है')
    await shot(page, 'https-04-thanks-tablet')
    // By itself, after a few seconds: the next-voter screen, asking for the PIN.
    await page.waitForURL(`${box.https}${base()}/station`, { timeout: 20_000 })
    expect(await text(page, 'h1')).toBe('अगला मतदाता')
    await expect.poll(() => page.getByLabel('केंद्र का पिन').isVisible()).toBe(true)
    await shot(page, 'https-05-locked-tablet')

    // Every request of the journey went over HTTPS to the box, and nothing went wrong behind the page.
    expect(problems.responses.map((r) => r.url()).filter((u) => !u.startsWith(`${box.https}/`))).toEqual([])
    expect(unexpectedProblems(problems)).toEqual(NO_PROBLEMS)
  }, 90_000)
})

describe("a browser that does not have the box's certificate", () => {
  it('is stopped at the https address: nothing else makes it trusted', async () => {
    const page = await plain.newPage()
    try {
      await expect(page.goto(`${box.https}/login`)).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/)
    } finally {
      await page.close()
    }
  }, 60_000)
})

describe('the certificate page (Hindi, 360 px phone)', () => {
  it('on the box itself: the address and QR code for the tablets, the steps and the fingerprint', async () => {
    const { context, page, problems } = await openPage(browser, box.http, 'phone')
    try {
      await page.goto('/certificate')
      expect(await text(page, 'h1')).toBe('टैबलेट या फ़ोन में बॉक्स का सर्टिफ़िकेट लगाएँ')
      expect(await mainText(page)).toContain('यह पन्ना बॉक्स पर ही खुला है')
      const fingerprint = await page.locator('.fingerprint span').allInnerTexts()
      const ca = fs.readFileSync(path.join(box.tlsDir, 'ca.crt'), 'utf8')
      expect(fingerprint).toEqual(
        fingerprintLines(new (await import('node:crypto')).X509Certificate(ca).fingerprint256.replace(/:/g, '')),
      )
      const qr = (await page.locator('svg.qr').boundingBox())!
      expect(Math.min(qr.width, qr.height)).toBeGreaterThanOrEqual(180)
      await expectNoSidewaysScroll(page)
      await expectAccessible(page, 'the certificate page')
      await shot(page, 'certificate-01-at-box-phone')
      expect(unexpectedProblems(problems)).toEqual(NO_PROBLEMS)
    } finally {
      await context.close()
    }
  }, 60_000)

  describe('from another device over plain HTTP', () => {
    // The app in this process answers as if to a phone at 192.168.1.23 asking 192.168.1.5: the browser's
    // requests are handed to app.inject, and nothing goes out on any network.
    let app: FastifyInstance
    let database: ReturnType<typeof freshDatabase>
    beforeAll(async () => {
      database = freshDatabase()
      const certificate = await ensureBoxCertificate(path.join(database.dir, 'tls'), {
        hostname: 'papdi-box',
        addresses: ['192.168.1.5'],
      })
      app = await build({
        database,
        sessionSecret: 'test-secret-that-is-long-enough-0123456789',
        https: { port: 3443, httpPort: 3000, certificate },
      })
      await seedVillages(database)
    })
    afterAll(async () => {
      await app?.close()
      database?.close()
      fs.rmSync(database.dir, { recursive: true, force: true })
    })

    async function phoneOnWifi(viewport: 'phone' | 'tablet' = 'phone', locale = 'hi-IN') {
      const opened = await openPage(browser, 'http://192.168.1.5:3000', viewport, { locale })
      await opened.context.route('**/*', async (route) => {
        const request = route.request()
        const url = new URL(request.url())
        if (url.origin !== 'http://192.168.1.5:3000') return route.abort()
        // Uncompressed: the answer is handed to the page as it is.
        const { 'accept-encoding': _, ...sent } = await request.allHeaders()
        const headers = { ...sent, host: url.host }
        const res = await app.inject({
          method: request.method() as 'GET',
          url: url.pathname + url.search,
          headers,
          payload: request.postDataBuffer() ?? undefined,
          remoteAddress: '192.168.1.23',
        })
        const out = Object.fromEntries(
          Object.entries(res.headers)
            .filter(([k]) => !['content-length', 'transfer-encoding', 'connection'].includes(k))
            .map(([k, v]) => [k, [v].flat().join(k === 'set-cookie' ? '\n' : ', ')]),
        )
        await route.fulfill({ status: res.statusCode, headers: out, body: res.rawPayload })
      })
      return opened
    }

    /**
     * Chrome notes that it ignores helmet's Cross-Origin-Opener-Policy on a plain HTTP origin other
     * than localhost; that is all it is, a note: the page loses nothing by it.
     */
    const problemsOnPlainHttp = (problems: Problems) => ({
      ...unexpectedProblems(problems),
      console: unexpectedProblems(problems).console.filter(
        (m) => !m.includes('The Cross-Origin-Opener-Policy header has been ignored'),
      ),
    })

    it('shows the download, the QR code, the steps and the secure address to open', async () => {
      const { context, page, problems } = await phoneOnWifi()
      try {
        await page.goto('/certificate')
        expect(await text(page, 'h1')).toBe('टैबलेट या फ़ोन में बॉक्स का सर्टिफ़िकेट लगाएँ')
        expect(await page.getByRole('link', { name: 'सर्टिफ़िकेट डाउनलोड करें' }).getAttribute('href')).toBe(
          '/certificate/bal-panchayat-ca.crt',
        )
        expect(await page.getByRole('link', { name: 'https://192.168.1.5:3443/' }).count()).toBe(1)
        expect(await page.getByRole('img', { name: 'सर्टिफ़िकेट डाउनलोड करने वाले लिंक का QR कोड' }).count()).toBe(1)
        expect(await page.locator('ol.install-steps li').count()).toBe(5)
        // The fonts and styles came over plain HTTP too: the page looks like the rest of the app.
        expect(await page.evaluate(() => document.fonts.check('16px "Noto Sans Devanagari"', 'अ'))).toBe(true)
        expect(await page.locator('.top').evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(154, 52, 18)')
        await expectNoSidewaysScroll(page)
        await expectAccessible(page, 'the certificate page from another device')
        await shot(page, 'certificate-02-wifi-phone')
        expect(problemsOnPlainHttp(problems)).toEqual(NO_PROBLEMS)
      } finally {
        await context.close()
      }
    }, 60_000)

    it('in English, on the tablet', async () => {
      // The language switch itself (a redirect, which an intercepted page cannot follow) is in tests/routes/https.test.ts.
      const { context, page, problems } = await phoneOnWifi('tablet')
      try {
        await context.addCookies([{ name: 'lang', value: 'en', url: 'http://192.168.1.5:3000' }])
        await page.goto('/certificate')
        expect(await text(page, 'h1')).toBe("Put the box's certificate on a tablet or phone")
        await expectNoSidewaysScroll(page)
        await shot(page, 'certificate-03-wifi-tablet-en')
        expect(problemsOnPlainHttp(problems)).toEqual(NO_PROBLEMS)
      } finally {
        await context.close()
      }
    }, 60_000)

    it('a form sent over plain HTTP gets the refusal, with the secure address', async () => {
      const { context, page } = await phoneOnWifi()
      try {
        await page.goto('/certificate')
        // A login form left open from before HTTPS, sent as it was.
        await page.evaluate(() => {
          const form = Object.assign(document.createElement('form'), { method: 'post', action: '/login' })
          form.append(Object.assign(document.createElement('input'), { name: 'username', value: 'rekha' }))
          document.body.append(form)
          form.submit()
        })
        await page.waitForURL(/\/login$/)
        await page.waitForLoadState('load')
        expect(await text(page, 'h1')).toBe('कुछ नहीं किया गया')
        expect(await page.getByRole('link', { name: 'सुरक्षित पता खोलें' }).getAttribute('href')).toBe(
          'https://192.168.1.5:3443/',
        )
        await expectNoSidewaysScroll(page)
        await shot(page, 'certificate-04-refused-phone')
      } finally {
        await context.close()
      }
    }, 60_000)
  })
})
