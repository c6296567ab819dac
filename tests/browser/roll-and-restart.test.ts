// Two things a facilitator meets on polling day, on the 800x1280 tablet in Hindi: a child who was
// registered after the poll opened is missing from the voter roll and is added on purpose; and the
// box restarts while a child holds a ballot — the tablet says the ballot was cancelled, and the
// child votes again; Back from the thank-you brings nothing of the roll back.
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { BrowserContext, Page } from 'playwright-core'
import { build } from '../../src/app.ts'
import type { AppDatabase } from '../../src/db/client.ts'
import { openDatabase } from '../../src/database.ts'
import { addContest, createElection, nominate, openNominations, openPoll } from '../../src/elections/elections.ts'
import {
  PASSWORD,
  logIn,
  openPage,
  shot,
  startServer,
  useBrowser,
  unexpectedProblems,
  type Problems,
  type Server,
} from '../helpers/browser.ts'
import { ctxFor } from '../helpers/app.ts'
import { contestInput, electionInput, villageChildren } from '../helpers/elections.ts'
import { clickTo } from '../helpers/election-browser.ts'
import { cast, expectAccessible, startBallot, stats, tapCard, toConfirm, unlock } from '../helpers/voting-browser.ts'

// The back-forward cache allowed, even for no-store pages (as newer Chrome may do): Back must still show nothing.
const b = useBrowser(['--enable-features=BackForwardCache,CacheControlNoStoreEnterBackForwardCache'])
let server: Server
let restarted: { app: FastifyInstance; database: AppDatabase } | undefined
let context: BrowserContext
let page: Page
let problems: Problems
let electionId = 0
const PIN = '5173'
const late = 'पूजा बैरवा',
  sunita = 'सुनीता मीणा',
  ravi = 'रवि गुर्जर',
  meena = 'मीना सैनी'

beforeAll(async () => {
  server = await startServer()
  const fx = server.fx
  const ids = villageChildren(server.database, fx.users.facilitator, fx.villages.papdi.id, [
    [sunita, 'girl'],
    [ravi, 'boy'],
    [meena, 'girl'],
  ])
  const ctx = ctxFor(server.database, fx.users.facilitator, 'hi')
  electionId = createElection(ctx, fx.villages.papdi.id, electionInput({ title: 'उप-चुनाव' })).id
  const contest = addContest(ctx, electionId, contestInput({ name: 'सदस्य', seats: '1' })).id
  openNominations(ctx, electionId)
  nominate(ctx, electionId, contest, { childId: ids[ravi], symbol: 'kite' })
  nominate(ctx, electionId, contest, { childId: ids[meena], symbol: 'flower' })
  openPoll(ctx, electionId)
  // Registered the morning after the poll opened.
  villageChildren(server.database, fx.users.facilitator, fx.villages.papdi.id, [[late, 'girl']])
  ;({ context, page, problems } = await openPage(b.browser, server.base, 'tablet'))
  context.setDefaultTimeout(10_000)
})
afterAll(async () => {
  await context?.close()
  if (restarted) {
    await restarted.app.close()
    restarted.database.close()
  }
  await server?.close()
})

const base = () => `/elections/${electionId}`

describe('the voter roll and a restart on polling day', () => {
  it('a child registered after the poll opened is added to the roll on purpose, then votes', async () => {
    await logIn(page, 'rekha', PASSWORD)
    await page.goto(`${base()}/station`)
    await page.getByLabel('केंद्र का पिन').fill(PIN)
    await page.getByLabel('पिन दोबारा').fill(PIN)
    await clickTo(page, `${base()}/station`, () => page.getByRole('button', { name: 'मतदान केंद्र खोलें' }).click())
    expect(await stats(page)).toContain('डाले गए वोट: 0 / 3')
    expect(await page.locator('#roll').innerText()).not.toContain(late)

    await clickTo(page, `${base()}/roll/additions`, () =>
      page.getByRole('link', { name: 'कोई बच्चा मतदाता सूची में नहीं है' }).click(),
    )
    expect(await page.locator('h1').innerText()).toBe('बच्चे को मतदाता सूची में जोड़ें')
    const row = page.locator('ul.roll li').filter({ hasText: late })
    await row.getByText('मतदाता सूची में जोड़ें', { exact: true }).click()
    await expect.poll(() => row.getByRole('button', { name: `हाँ, ${late} को जोड़ें` }).isVisible()).toBe(true)
    await expectAccessible(page, 'adding a child to the roll')
    await shot(page, 'roll-01-add-a-child-tablet')
    await clickTo(page, `${base()}/roll/additions`, () =>
      row.getByRole('button', { name: `हाँ, ${late} को जोड़ें` }).click(),
    )
    expect(await page.locator('#flash').innerText()).toBe('बच्चा अब मतदाता सूची में है।')
    expect(await page.locator('main').innerText()).toContain('वोट दे सकने वाले सभी बच्चे पहले से मतदाता सूची में हैं।')

    await clickTo(page, `${base()}/station`, () => page.getByRole('link', { name: 'मतदाता सूची पर वापस' }).click())
    expect(await stats(page)).toContain('डाले गए वोट: 0 / 4')
    await startBallot(page, late)
    await tapCard(page, meena)
    await toConfirm(page)
    await cast(page)
  }, 60_000)

  it('a ballot open when the box restarts is cancelled, the tablet says so, and the child votes after all', async () => {
    await page.goto(`${base()}/station`)
    await unlock(page, PIN)
    await startBallot(page, sunita)
    // The box restarts: a new server on the same database file, at the same address.
    const { port } = server.app.server.address() as AddressInfo
    await server.app.close()
    const database = openDatabase(server.database.sqlite.name)
    const app = await build({
      database,
      sessionSecret: 'test-secret-that-is-long-enough-0123456789',
      loginRateLimit: { max: 1000, timeWindow: 60_000 },
    })
    restarted = { app, database }
    await app.listen({ port, host: '127.0.0.1' })

    await page.reload()
    await expect.poll(() => new URL(page.url()).pathname).toBe(`${base()}/station`)
    expect(await page.locator('h1').innerText()).toBe('अगला मतदाता')
    expect(await page.locator('main').innerText()).toContain(
      'बॉक्स फिर से चालू हुआ, इसलिए इस टैबलेट पर खुला मतपत्र रद्द हो गया। कुछ भी गिना नहीं गया: बच्चा अब वोट दे सकता है।',
    )
    await expectAccessible(page, 'the tablet after a restart')
    await shot(page, 'roll-02-ballot-cancelled-by-restart-tablet')

    await unlock(page, PIN)
    expect(await stats(page)).toContain('डाले गए वोट: 1 / 4')
    await startBallot(page, sunita)
    await tapCard(page, ravi)
    await toConfirm(page)
    await cast(page)
    expect(database.sqlite.prepare('SELECT count(*) FROM box_checkoffs WHERE voted').pluck().get()).toBe(2)
    // Back, again and again, from the thank-you: nothing of the roll or the child's screen comes back
    // from the browser's cache (every page a logged-in person saw was sent no-store).
    for (let i = 0; i < 4; i++) {
      await page.goBack().catch(() => null)
      await page.waitForLoadState()
      const shown = await page.locator('body').innerText()
      for (const name of [ravi, meena, late]) expect(shown, `after Back ×${i + 1}`).not.toContain(name)
    }
    expect(unexpectedProblems(problems).pageErrors).toEqual([])
    expect(unexpectedProblems(problems).serverErrors).toEqual([])
  }, 60_000)
})
