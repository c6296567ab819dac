// The papers, printed as Chromium prints them to A4: the result sheet of a normal village election
// (2 contests, 9 candidates) on one sheet, the demo village's minutes with no page left half blank,
// each letter on one page with its receipt, signatures kept with what they sign. Every sheet has a
// print button that opens the browser's Print and is never printed itself. Each sheet is saved as a
// PDF and as a screenshot in print media under test-artifacts/, for a person to look at.
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { and, eq, isNotNull } from 'drizzle-orm'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  NO_PROBLEMS,
  PASSWORD,
  SCREENSHOTS,
  logIn,
  openPage,
  shot,
  startServer,
  unexpectedProblems,
  useBrowser,
  type Problems,
  type Server,
} from '../helpers/browser.ts'
import { ctxFor } from '../helpers/app.ts'
import { contestInput, electionInput, villageChildren } from '../helpers/elections.ts'
import { addContest, createElection, nominate, openNominations, openPoll } from '../../src/elections/elections.ts'
import { closePoll, enterPaperCount, publishResult } from '../../src/elections/counting.ts'
import { symbols } from '../../src/elections/symbols.ts'
import { elections, results } from '../../src/elections/tables.ts'
import { meetingEvents, meetings } from '../../src/meetings/tables.ts'
import { resolutions } from '../../src/resolutions/tables.ts'
import { seedDemo } from '../../src/demo/seed.ts'
import type { Gender } from '../../src/people/tables.ts'

const b = useBrowser()
let server: Server
let context: BrowserContext
let page: Page
let problems: Problems
let demoVillage: number
let nineCandidates: number
let noRuleNeeded: number

beforeAll(async () => {
  server = await startServer()
  demoVillage = (await seedDemo(server.db)).villageId
  nineCandidates = villageElection('bhangdoli', swapped)
  noRuleNeeded = villageElection('papdi', inOrder)
  ;({ context, page, problems } = await openPage(b.browser, server.base, 'tablet'))
  context.setDefaultTimeout(15_000)
  await logIn(page, 'coordinator', PASSWORD)
})
afterAll(async () => {
  await context?.close()
  await server?.close()
})

type Votes = [string, Gender, number][]
const leaders: Votes = [
  ['सुरेश गुर्जर', 'boy', 41],
  ['अनीता मीणा', 'girl', 33],
  ['पूजा सैनी', 'girl', 29],
]
/** Four boys ahead of the two girls: the rule seats both girls in place of two boys. */
const swapped: Votes = [
  ['राहुल मीणा', 'boy', 38],
  ['अमित शर्मा', 'boy', 35],
  ['विकास गुर्जर', 'boy', 31],
  ['दीपक बैरवा', 'boy', 27],
  ['सीमा मीणा', 'girl', 22],
  ['कविता सैनी', 'girl', 19],
]
/** The two girls among the first four: no rule needed. */
const inOrder: Votes = [
  ['सीमा मीणा', 'girl', 38],
  ['राहुल मीणा', 'boy', 35],
  ['कविता सैनी', 'girl', 31],
  ['अमित शर्मा', 'boy', 27],
  ['विकास गुर्जर', 'boy', 22],
  ['दीपक बैरवा', 'boy', 19],
]

/**
 * A normal village election, published: office-bearers (Pradhan and Up-Pradhan, at least one a girl)
 * from three candidates, and four members (half of them girls) from six.
 */
function villageElection(village: 'papdi' | 'bhangdoli', members: Votes): number {
  const actor = village === 'papdi' ? server.fx.users.facilitator : server.fx.users.otherFacilitator
  const ctx = ctxFor(server.database, actor)
  const villageId = server.fx.villages[village].id
  const kids = villageChildren(
    server.database,
    actor,
    villageId,
    [...leaders, ...members].map(([name, gender]): [string, Gender] => [name, gender]),
  )
  const election = createElection(ctx, villageId, electionInput({ title: 'बाल पंचायत चुनाव 2026' }))
  const contests = [
    {
      list: leaders,
      contest: addContest(
        ctx,
        election.id,
        contestInput({
          name: 'पदाधिकारी',
          seats: '2',
          seatTitles: 'प्रधान\nउप-प्रधान',
          share: 'number',
          girlsMinimum: '1',
        }),
      ),
    },
    { list: members, contest: addContest(ctx, election.id, contestInput({ name: 'सदस्य', seats: '4' })) },
  ]
  openNominations(ctx, election.id)
  const votes = contests.map(({ list, contest }) =>
    list.map(([name, , n], i): [number, number] => [
      nominate(ctx, election.id, contest.id, { childId: kids[name], symbol: symbols[i] }).id,
      n,
    ]),
  )
  openPoll(ctx, election.id)
  contests.forEach(({ contest }, i) =>
    enterPaperCount(ctx, election.id, contest.id, {
      ballots: 64,
      note: '',
      votes: new Map(votes[i]),
    }),
  )
  closePoll(ctx, election.id, { source: 'random' })
  publishResult(ctx, election.id)
  return election.id
}

/** Pages in a PDF as Chromium writes it: one `/Type /Page` object each. */
function pageCount(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-z])/g)?.length ?? 0
}

type Matrix = [number, number, number, number, number, number]
const times = (a: Matrix, b: Matrix): Matrix => [
  a[0] * b[0] + a[1] * b[2],
  a[0] * b[1] + a[1] * b[3],
  a[2] * b[0] + a[3] * b[2],
  a[2] * b[1] + a[3] * b[3],
  a[4] * b[0] + a[5] * b[2] + b[4],
  a[4] * b[1] + a[5] * b[3] + b[5],
]

/**
 * How far down each page of a PDF written by Chromium its drawing reaches, from 0 (blank) to 1 (the
 * bottom edge): the lowest line of text or painted box in the page's content stream (Flate-compressed,
 * drawn under `cm` transforms kept between q and Q), the page's white background left out.
 */
function pageFills(pdf: Buffer): number[] {
  const text = pdf.toString('latin1')
  const pages = text.matchAll(/\/Type \/Page\n[\s\S]*?\/MediaBox \[0 0 [\d.]+ ([\d.]+)\]\n\/Contents (\d+) 0 R/g)
  return [...pages].map(([, h, contents]) => {
    const height = Number(h)
    const stream = new RegExp(`\\n${contents} 0 obj\\s*<<[\\s\\S]*?>>\\s*stream\\r?\\n`).exec(text)
    if (!stream) throw new Error(`no content stream ${contents}`)
    const start = stream.index + stream[0].length
    const drawing = zlib.inflateSync(pdf.subarray(start, text.indexOf('endstream', start))).toString('latin1')
    return 1 - lowestDrawn(drawing, height) / height
  })
}

/** The lowest point drawn (in PDF points from the bottom edge) by a page's content stream. */
function lowestDrawn(drawing: string, height: number): number {
  let ctm: Matrix = [1, 0, 0, 1, 0, 0]
  const saved: Matrix[] = []
  let operands: number[] = []
  let box: [number, number] | null = null
  let lowest = height
  const yOf = (x: number, y: number) => x * ctm[1] + y * ctm[3] + ctm[5]
  for (const [token] of drawing.matchAll(/<[^>]*>|\[|\]|\/\w+|[-\d.]+|[A-Za-z*']+/g)) {
    if (/^[-\d.]+$/.test(token)) {
      operands.push(Number(token))
      continue
    }
    const [a, b, c, d, e, f] = operands.slice(-6)
    const [x, y, , h] = operands.slice(-4)
    if (token === 'q') saved.push(ctm)
    else if (token === 'Q') ctm = saved.pop() ?? ctm
    else if (token === 'cm') ctm = times([a, b, c, d, e, f], ctm)
    else if (token === 'Tm') lowest = Math.min(lowest, yOf(e, f))
    else if (token === 're') box = [yOf(x, y), yOf(x, y + h)]
    else if (/^(f\*?|F|B\*?|b\*?|S)$/.test(token)) {
      if (box && Math.abs(box[0] - box[1]) < height * 0.9) lowest = Math.min(lowest, ...box)
      box = null
    } else if (/^(W\*?|n)$/.test(token)) box = null
    operands = []
  }
  return lowest
}

/** The A4 page less the margins of app.css's @page (10 mm top, 12 mm sides and bottom), in CSS pixels. */
const printable = { width: Math.floor(((210 - 24) * 96) / 25.4), height: Math.floor(((297 - 22) * 96) / 25.4) }

/**
 * The open page printed to A4 as Chromium prints it: the PDF, a screenshot on the screen and one in print
 * media (at the printable width) saved under test-artifacts/; the number of pages, and how far down each is drawn.
 */
async function printed(name: string): Promise<{ pages: number; fills: number[] }> {
  await shot(page, `${name}-screen`)
  await page.emulateMedia({ media: 'print' })
  await page.evaluate(() => document.fonts.ready)
  const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true })
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
  fs.writeFileSync(path.join(SCREENSHOTS, `${name}.pdf`), pdf)
  const viewport = page.viewportSize()!
  await page.setViewportSize(printable)
  await shot(page, name)
  await page.setViewportSize(viewport)
  await page.emulateMedia({ media: 'screen' })
  const fills = pageFills(pdf)
  expect(fills).toHaveLength(pageCount(pdf))
  return { pages: fills.length, fills }
}

/** Opens a sheet and checks its print button: shown on the screen, it opens Print; in print it is gone. */
async function openSheet(url: string) {
  const res = await page.goto(url)
  expect(res?.status()).toBe(200)
  const button = page.locator('button[data-print]')
  await expect.poll(() => button.isVisible()).toBe(true)
  await page.evaluate(() => {
    const w = window as unknown as { printed: number }
    w.printed = 0
    window.print = () => {
      w.printed++
    }
  })
  await button.click()
  expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1)
  await page.emulateMedia({ media: 'print' })
  expect(await button.isVisible()).toBe(false)
  expect(await page.locator('.print-bar').isVisible()).toBe(false)
  await page.emulateMedia({ media: 'screen' })
}

/** In print media: the signatures are kept whole and with what comes before them; headings with what follows. */
async function expectKeptTogether() {
  await page.emulateMedia({ media: 'print' })
  const style = (selector: string) =>
    page
      .locator(selector)
      .first()
      .evaluate((el) => {
        const s = getComputedStyle(el)
        return { inside: s.breakInside, before: s.breakBefore, after: s.breakAfter }
      })
  expect(await style('.signatures')).toMatchObject({ inside: 'avoid-page', before: 'avoid-page' })
  expect((await style('h2')).after).toBe('avoid-page')
  await page.emulateMedia({ media: 'screen' })
}

describe('the result sheet', () => {
  it('of a village election of 2 contests and 9 candidates fits on one A4 page, signatures included', async () => {
    await openSheet(`/elections/${noRuleNeeded}/result/print`)
    expect(await page.locator('section.result').count()).toBe(2)
    expect(await page.locator('section.result tbody tr').count()).toBe(9)
    expect(await page.locator('.steps li').count()).toBe(0)
    await expectKeptTogether()
    expect((await printed('print-01-result-sheet-9-candidates')).pages).toBe(1)
  }, 60_000)

  it('takes two pages at most when the girls’ rule stepped in and the sheet explains it', async () => {
    await openSheet(`/elections/${nineCandidates}/result/print`)
    expect(await page.locator('section.result tbody tr').count()).toBe(9)
    expect(await page.locator('.steps li').count()).toBe(2)
    const { pages } = await printed('print-01-result-sheet-9-candidates-explained')
    expect(pages).toBeLessThanOrEqual(2)
  }, 60_000)

  it('of the demo village (2 contests, 18 candidates) takes two pages at most', async () => {
    const counted = server.db
      .selectDistinct({ id: results.electionId })
      .from(results)
      .innerJoin(elections, eq(elections.id, results.electionId))
      .where(eq(elections.villageId, demoVillage))
      .all()
    expect(counted.length).toBeGreaterThan(0)
    for (const [i, { id }] of counted.entries()) {
      await openSheet(`/elections/${id}/result/print`)
      const { pages } = await printed(`print-02-result-sheet-demo-${i + 1}`)
      expect(pages).toBeLessThanOrEqual(2)
    }
  }, 60_000)
})

describe('the minutes', () => {
  it('of each of the demo village’s meetings leave no page half blank, with a column to sign in', async () => {
    const closed = server.db
      .select({ id: meetings.id, number: meetings.number })
      .from(meetings)
      .innerJoin(meetingEvents, and(eq(meetingEvents.meetingId, meetings.id), eq(meetingEvents.stage, 'closed')))
      .where(eq(meetings.villageId, demoVillage))
      .all()
    expect(closed.length).toBeGreaterThan(0)
    for (const m of closed) {
      await openSheet(`/meetings/${m.id}/minutes`)
      const present = await page.locator('table.attended tbody tr').count()
      expect(present).toBeGreaterThan(0)
      expect(await page.locator('table.attended tbody td.sign').count()).toBe(present)
      await expectKeptTogether()
      const { fills } = await printed(`print-03-minutes-meeting-${m.number}`)
      // Nothing kept whole pushed a big gap ahead of it: every page but the last is drawn three quarters down.
      const drawn = fills.map((f) => f.toFixed(2)).join(', ')
      for (const fill of fills.slice(0, -1))
        expect(fill, `meeting ${m.number}: pages drawn ${drawn}`).toBeGreaterThan(0.75)
    }
  }, 120_000)
})

describe('the letter', () => {
  it('to the Gram Panchayat fits on one page with its receipt, for each resolution the demo village passed', async () => {
    const passed = server.db
      .select({ id: resolutions.id })
      .from(resolutions)
      .where(and(eq(resolutions.villageId, demoVillage), isNotNull(resolutions.number)))
      .all()
    expect(passed.length).toBeGreaterThan(0)
    for (const [i, { id }] of passed.entries()) {
      await openSheet(`/resolutions/${id}/letter`)
      expect(await page.locator('main').innerText()).toMatch(/भवदीया?\n/)
      await expectKeptTogether()
      const { pages } = await printed(`print-04-letter-${i + 1}`)
      expect(pages).toBe(1)
    }
    await openSheet(`/resolutions/${passed[0].id}/letter?lang=en`)
    expect(await page.locator('main').innerText()).toContain('Yours faithfully,')
    expect((await printed('print-05-letter-english')).pages).toBe(1)
    expect(unexpectedProblems(problems)).toEqual(NO_PROBLEMS)
  }, 120_000)
})

describe('other pages meant for paper', () => {
  it('have a print button too: the Bal Panchayat, the attendance record and the figures', async () => {
    for (const url of [
      `/villages/${demoVillage}/bal-panchayat`,
      `/villages/${demoVillage}/bal-panchayat/attendance`,
      `/figures?village=${demoVillage}`,
    ]) {
      await openSheet(url)
      await shot(page, `print-06-button${url.replace(/[/?=]+/g, '-')}`)
    }
    expect(unexpectedProblems(problems)).toEqual(NO_PROBLEMS)
  }, 60_000)
})
