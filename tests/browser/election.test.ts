// An election from start to finish, as a facilitator runs it on a phone: set-up, contests with the
// girls' rules, nominations with symbols, paper counts, the close with chits, the explained result,
// the printed sheet, publication and the Bal Panchayat. English for the assertions (switched in the
// header), the final screens also in Hindi.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import {
  NO_PROBLEMS,
  PASSWORD,
  errorAt,
  logIn,
  openPage,
  shot,
  startServer,
  switchLanguage,
  unexpectedProblems,
  useBrowser,
  viewports,
  type Problems,
  type Server,
} from '../helpers/browser.ts'
import { villageChildren } from '../helpers/elections.ts'
import {
  chooseChild,
  clickTo,
  printShot,
  contestPanel,
  expectNoSidewaysScroll,
  fillCount,
  mainText,
  nominate,
  path,
  resultPanel,
  secondTab,
  steps,
  submitExpectingMistakes,
  tapSymbol,
  text,
} from '../helpers/election-browser.ts'
import { todayIso } from '../../src/core/dates.ts'

const b = useBrowser()
let server: Server
let context: BrowserContext
let page: Page
let problems: Problems
let electionPath = ''
let ids: Record<string, number>
/** The election's page, with or without a #contest-… anchor. */
const onElection = () => new RegExp(`${electionPath}(#.*)?$`)

const year = Number(todayIso().slice(0, 4))
const title = `बाल पंचायत चुनाव ${year}`
// Members: 3 boys, 2 girls. Leaders: 2 boys, 1 girl. Four more children who do not stand.
const members = { rahul: 'राहुल मीणा', amit: 'अमित गुर्जर', vikas: 'विकास बैरवा', seema: 'सीमा मीणा', pooja: 'पूजा गुर्जर' }
const leaders = { suresh: 'सुरेश सैनी', deepak: 'दीपक योगी', anita: 'अनीता बैरवा' }

beforeAll(async () => {
  server = await startServer()
  ids = villageChildren(server.database, server.fx.users.facilitator, server.fx.villages.papdi.id, [
    [members.seema, 'girl'],
    [members.pooja, 'girl'],
    [leaders.anita, 'girl'],
    ['रीना सैनी', 'girl'],
    ['कविता मीणा', 'girl'],
    ['सुनीता योगी', 'girl'],
    [members.rahul, 'boy'],
    [members.amit, 'boy'],
    [members.vikas, 'boy'],
    [leaders.suresh, 'boy'],
    [leaders.deepak, 'boy'],
    ['मनोज मीणा', 'boy'],
  ])
  ;({ context, page, problems } = await openPage(b.browser, server.base, 'phone'))
  context.setDefaultTimeout(10_000)
})
afterAll(async () => {
  await context?.close()
  await server?.close()
})

describe('a facilitator runs a Bal Panchayat election on a 360px phone', () => {
  it('creates the election and its two contests, fixing a mistake on the way', async () => {
    expect(Object.keys(ids)).toHaveLength(12)
    await logIn(page, 'rekha', PASSWORD)
    // Switch to English with the header button; the choice is remembered from page to page.
    await switchLanguage(page, 'English', 'en')
    expect(new URL(page.url()).pathname).toMatch(/\/children$/)

    await clickTo(page, /\/elections$/, () =>
      page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Elections' }).click(),
    )
    expect(await text(page, 'h1')).toBe('Elections in Papdi')
    expect(await mainText(page)).toContain('No elections yet.')
    await expectNoSidewaysScroll(page)
    await shot(page, 'election-01-list-empty-phone')

    // 1. New election: a title and the end of the term; the ages keep their defaults.
    await clickTo(page, /\/elections\/new$/, () => page.getByRole('link', { name: 'New election' }).click())
    expect(await page.getByLabel('Term starts').inputValue()).toBe(todayIso())
    expect(await page.getByRole('group', { name: 'Who may vote (age)' }).getByLabel('From age').inputValue()).toBe('6')
    expect(await page.getByRole('radio', { name: 'Children of the ages below may stand' }).isChecked()).toBe(true)
    await page.getByLabel('Title').fill(title)
    await page.getByLabel('Term ends').fill(`${year + 1}-12-31`)
    await expectNoSidewaysScroll(page)
    await shot(page, 'election-02-new-phone')
    await clickTo(page, /\/elections\/\d+$/, () => page.getByRole('button', { name: 'Save' }).click())
    electionPath = path(page)
    expect(await text(page, '#flash')).toBe('The election was created. Now add the contests (the posts to elect).')
    expect(await text(page, 'h1')).toBe(title)
    expect(await page.locator('ol.timeline li[aria-current="step"]').innerText()).toContain('Being set up')
    expect(await page.getByRole('list', { name: 'Stages of the election' }).locator('li').allInnerTexts()).toHaveLength(
      5,
    )
    expect(await mainText(page)).toContain('Children aged 6 to 18 vote. Children aged 10 to 18 may stand.')
    await expectNoSidewaysScroll(page)
    await shot(page, 'election-03-created-phone')

    // 2. Contest "Members": first with 0 seats, which the form refuses at the field.
    await clickTo(page, /\/contests\/new$/, () => page.getByRole('link', { name: 'Add a contest' }).click())
    expect(await page.getByLabel('Number of seats').inputValue()).toBe('10')
    expect(await page.getByRole('radio', { name: 'Minimum number of girls (recommended)' }).isChecked()).toBe(true)
    expect(await page.getByLabel('Seats that must go to girls').inputValue()).toBe('1/2')
    await page.getByLabel('Name of the contest').fill('Members')
    // The rule is said in one sentence under the form, and follows the choices as they change.
    await page.getByLabel('Number of seats').fill('4')
    await page.getByLabel('Number of seats').press('Tab')
    await expect.poll(() => text(page, '#rule-sentence')).toMatch(/at least 2 of the 4 seats must go to girls/i)
    await page.getByLabel('Number of seats').fill('0')
    await page.getByLabel('Number of seats').press('Tab')
    await expect.poll(() => page.locator('#rule-sentence').isVisible()).toBe(false)
    await shot(page, 'election-04-contest-new-phone')
    await submitExpectingMistakes(page, () => page.getByRole('button', { name: 'Save' }).click())
    expect(await errorAt(page, 'seats').innerText()).toBe('A number from 1–50.')
    expect(await page.locator('.field .error').count()).toBe(1)
    expect(await text(page, '[role="alert"] h2')).toBe('Please correct the marked fields.')
    expect(await page.getByLabel('Name of the contest').inputValue()).toBe('Members')
    await expectNoSidewaysScroll(page)
    await shot(page, 'election-05-contest-seats-error-phone')
    await page.getByLabel('Number of seats').fill('4')
    // Leaving the field asks for the rule's sentence; wait for it, so saving does not cut that request short.
    await page.getByLabel('Number of seats').press('Tab')
    await expect.poll(() => page.locator('#rule-sentence').innerText()).toMatch(/\S/)
    await clickTo(page, onElection(), () => page.getByRole('button', { name: 'Save' }).click())
    expect(await text(page, '#flash')).toBe('The contest was added.')
    const membersPanel = await contestPanel(page, 'Members').innerText()
    expect(membersPanel).toContain('4 seats; each voter marks up to 4.')
    expect(membersPanel).toMatch(/at least 2 of the 4 seats must go to girls/i)

    // Contest "Leaders": two named seats, girl first then alternate.
    await clickTo(page, /\/contests\/new$/, () => page.getByRole('link', { name: 'Add a contest' }).click())
    await page.getByLabel('Name of the contest').fill('Leaders')
    await page.getByLabel('Number of seats').fill('2')
    await page.getByLabel('Seat titles, one per line (optional)').fill('Pradhan\nUp-Pradhan')
    await page.getByRole('radio', { name: 'Girl first, then alternate (for named seats)' }).check()
    await expect.poll(() => page.locator('#rule-sentence').innerText()).toMatch(/Pradhan/)
    await expectNoSidewaysScroll(page)
    await shot(page, 'election-06-contest-leaders-phone')
    await clickTo(page, onElection(), () => page.getByRole('button', { name: 'Save' }).click())
    const leadersPanel = await contestPanel(page, 'Leaders').innerText()
    expect(leadersPanel).toContain('2 seats; each voter marks up to 2. (Pradhan, Up-Pradhan)')
    expect(leadersPanel).toMatch(/seat 1 \(Pradhan\)[^.]* girls/i)
    await expectNoSidewaysScroll(page)
    await shot(page, 'election-07-two-contests-phone')
    expect(unexpectedProblems(problems)).toEqual(NO_PROBLEMS)
  }, 90_000)

  it('takes nominations with symbols; a child stands in one contest only; warns while girls are too few', async () => {
    await clickTo(page, onElection(), () => page.getByRole('button', { name: 'Start taking nominations' }).click())
    expect(await text(page, '#flash')).toBe('Nominations are open.')
    expect(await page.locator('ol.timeline li[aria-current="step"]').innerText()).toContain('Nominations')
    // No girl stands yet: both contests warn.
    // (Wording reported: "Only 0 girls stand", and "the 1 seats" for Leaders.)
    expect(await contestPanel(page, 'Members').locator('.warning').innerText()).toMatch(
      /The rule needs 2 girls among the candidates; so far: 0\./,
    )
    expect(await contestPanel(page, 'Leaders').locator('.warning').innerText()).toMatch(
      /The rule needs 1 girl among the candidates/,
    )
    await shot(page, 'election-08-nominations-open-phone')

    await nominate(page, 'Members', members.rahul, 'kite')
    // The nomination form, with the symbol chosen by tapping its picture (screenshot before saving).
    await clickTo(page, /\/candidates\/new$/, () =>
      contestPanel(page, 'Members').getByRole('link', { name: 'Add a candidate' }).click(),
    )
    expect(await page.locator('input[name="symbol"][value="kite"]').count()).toBe(0) // taken in this contest
    await chooseChild(page, members.seema)
    await tapSymbol(page, 'flower')
    await expectNoSidewaysScroll(page)
    await shot(page, 'election-09-nominate-phone')
    // Meanwhile a second tab has the Leaders form open, from before Seema stood anywhere.
    const tab = await secondTab(page, problems)
    await tab.goto(electionPath)
    await clickTo(tab, /\/candidates\/new$/, () =>
      contestPanel(tab, 'Leaders').getByRole('link', { name: 'Add a candidate' }).click(),
    )
    await chooseChild(tab, members.seema)
    await clickTo(page, onElection(), () => page.getByRole('button', { name: 'Add a candidate' }).click())
    expect(await contestPanel(page, 'Members').locator('.warning').innerText()).toBe(
      'The rule needs 2 girls among the candidates; so far: 1.',
    )

    // Seema in Leaders too: refused, with the reason at the child's field.
    await tapSymbol(tab, 'star')
    await submitExpectingMistakes(tab, () => tab.getByRole('button', { name: 'Add a candidate' }).click())
    expect(await errorAt(tab, 'childId').innerText()).toBe(
      'सीमा मीणा already stands in “Members”: a child stands in one contest only.',
    )
    expect(await text(tab, '[role="alert"] h2')).toBe('Please correct the marked fields.')
    await expectNoSidewaysScroll(tab)
    await shot(tab, 'election-10-nominate-twice-refused-phone')
    // Loaded afresh, the list no longer offers her.
    await tab.reload()
    expect(await tab.getByLabel('Child', { exact: true }).locator('option').allInnerTexts()).not.toContainEqual(
      expect.stringContaining(members.seema),
    )
    await tab.close()

    await nominate(page, 'Members', members.amit, 'bicycle')
    await nominate(page, 'Members', members.vikas, 'tree')
    await nominate(page, 'Members', members.pooja, 'butterfly')
    expect(await contestPanel(page, 'Members').locator('.warning').count()).toBe(0)
    await nominate(page, 'Leaders', leaders.suresh, 'sun')
    await nominate(page, 'Leaders', leaders.deepak, 'boat')
    expect(await contestPanel(page, 'Leaders').locator('.warning').innerText()).toMatch(
      /The rule needs 1 girl among the candidates/,
    )
    await nominate(page, 'Leaders', leaders.anita, 'star')
    expect(await page.locator('.warning').count()).toBe(0)
    expect(await contestPanel(page, 'Members').locator('ul.candidates > li').count()).toBe(5)
    expect(await contestPanel(page, 'Leaders').locator('ul.candidates > li').count()).toBe(3)
    expect(await contestPanel(page, 'Leaders').locator('ul.candidates svg[data-symbol]').count()).toBe(3)
    // Each symbol is drawn from the symbols' file the page names: it came, and every one has a size.
    const widths = () =>
      contestPanel(page, 'Leaders')
        .locator('ul.candidates svg[data-symbol] use')
        .evaluateAll((uses) => uses.map((u) => Math.round((u as SVGGraphicsElement).getBBox().width)))
    await expect.poll(async () => (await widths()).filter((w) => w > 20).length, { timeout: 15_000 }).toBe(3)
    await expectNoSidewaysScroll(page)
    await shot(page, 'election-11-candidates-phone')
    expect(unexpectedProblems(problems)).toEqual(NO_PROBLEMS)
  }, 90_000)

  it('counts paper ballots, closes with chits, explains the result, prints it and publishes the Bal Panchayat', async () => {
    // Opening the poll locks the contests, so it asks first.
    await page.getByText('Open the poll', { exact: true }).click()
    expect(await page.locator('details.confirm[open]').innerText()).toContain('contests and candidates are locked')
    await Promise.all([
      page.waitForEvent('framenavigated'),
      page.getByRole('button', { name: 'Yes, open the poll now' }).click(),
    ])
    await page.waitForLoadState('load')
    expect(await text(page, '#flash')).toBe('The poll is open. Contests and candidates can no longer change.')
    expect(await page.getByRole('link', { name: 'Add a candidate' }).count()).toBe(0)

    // 4. Paper count, Members first (its tab is the current one). An impossible count first.
    await clickTo(page, /\/paper-counts\/new$/, () => page.getByRole('link', { name: 'Enter a paper count' }).click())
    const tabs = page.getByRole('navigation', { name: 'Contests' })
    expect(await tabs.getByRole('link', { name: 'Members' }).getAttribute('aria-current')).toBe('page')
    expect(await mainText(page)).toContain('Each ballot marks at most 4 candidates.')
    // Rahul 30, Amit and Vikas 25 each (a tie), Seema 20, Pooja 10: a plain count seats one girl of the two needed.
    const membersVotes = {
      [members.rahul]: 30,
      [members.amit]: 25,
      [members.vikas]: 25,
      [members.seema]: 20,
      [members.pooja]: 10,
    }
    await fillCount(page, 28, membersVotes) // 28 ballots, yet Rahul has 30 votes
    await expectNoSidewaysScroll(page)
    await shot(page, 'election-12-paper-count-phone')
    await submitExpectingMistakes(page, () => page.getByRole('button', { name: 'Save the count' }).click())
    const rahulVotes = page.locator('.field', { has: page.getByLabel(new RegExp(`^${members.rahul} \\(`)) })
    expect(await rahulVotes.locator('.error').innerText()).toBe('More votes than ballots.')
    expect(await page.locator('.field .error').count()).toBe(1)
    await expectNoSidewaysScroll(page)
    await shot(page, 'election-13-paper-count-error-phone')
    await fillCount(page, 40, membersVotes)
    await page.getByLabel('Note (which booth, who counted)').fill('School booth')
    await clickTo(page, onElection(), () => page.getByRole('button', { name: 'Save the count' }).click())
    expect(await text(page, '#flash')).toBe('The paper count was added to the totals.')

    // Leaders, by its tab: Suresh 30, Anita 20, Deepak 10.
    await clickTo(page, /\/paper-counts\/new$/, () => page.getByRole('link', { name: 'Enter a paper count' }).click())
    await clickTo(page, /contest=\d+$/, () => tabs.getByRole('link', { name: 'Leaders' }).click())
    expect(await tabs.getByRole('link', { name: 'Leaders' }).getAttribute('aria-current')).toBe('page')
    expect(await mainText(page)).toContain('Each ballot marks at most 2 candidates.')
    await fillCount(page, 30, { [leaders.suresh]: 30, [leaders.anita]: 20, [leaders.deepak]: 10 })
    await shot(page, 'election-14-paper-count-leaders-phone')
    await clickTo(page, onElection(), () => page.getByRole('button', { name: 'Save the count' }).click())
    expect(
      await page.getByRole('heading', { name: 'Paper counts' }).locator('..').locator('li').allInnerTexts(),
    ).toHaveLength(2)
    await shot(page, 'election-15-poll-open-phone')

    // 5. Close the poll with the chits drawn in public: Amit 1 before Vikas 2 decides their tie.
    await clickTo(page, /\/closing$/, () => page.getByRole('link', { name: 'Close the poll and count' }).click())
    await page.getByRole('radio', { name: "We drew chits in public: type each candidate's chit number here" }).check()
    const lots = {
      [members.amit]: 1,
      [members.vikas]: 2,
      [members.rahul]: 3,
      [members.seema]: 4,
      [members.pooja]: 5,
      [leaders.suresh]: 1,
      [leaders.anita]: 2,
      [leaders.deepak]: 3,
    }
    for (const [name, lot] of Object.entries(lots)) await page.getByLabel(name, { exact: true }).fill(String(lot))
    await expectNoSidewaysScroll(page)
    await shot(page, 'election-16-closing-chits-phone')
    await clickTo(page, `${electionPath}/result`, () =>
      page.getByRole('button', { name: 'Close the poll and count' }).click(),
    )
    expect(await text(page, '#flash')).toBe('The poll is closed and the votes are counted.')
    expect(await text(page, 'h1')).toBe(`Result: ${title}`)
    expect(await mainText(page)).toContain('Not published yet')

    // The result explained: the seats, the swap for a girl, the tie decided by the draw, a plain count.
    const m = resultPanel(page, 'Members')
    expect(await m.locator('p.rule').innerText()).toMatch(/at least 2 of the 4 seats must go to girls\./i)
    expect((await m.locator('ol.seats li').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim())).toEqual([
      `${members.rahul} Boy`,
      `${members.amit} Boy`,
      `${members.seema} Girl`,
      `${members.pooja} Girl`,
    ])
    expect(await steps(page, 'Members')).toEqual([
      `${members.amit} and ${members.vikas} had the same number of votes (25 each); ${members.amit} was ahead in the draw (lot 1 against lot 2).`,
      `${members.pooja} (10 votes) takes the seat instead of ${members.vikas} (25 votes), because at least 2 of the 4 seats must go to girls.`,
    ])
    expect(await m.locator('p.warning').innerText()).toBe(
      `A plain count (most votes wins) would have elected: ${members.rahul}, ${members.amit}, ${members.vikas} and ${members.seema}.`,
    )
    expect(await m.locator('svg.bars').getAttribute('aria-label')).toBe('Votes per candidate in Members')
    expect(await m.locator('svg.bars rect').count()).toBe(5)
    expect(await m.locator('svg.bars text').allTextContents()).toEqual(
      expect.arrayContaining([members.vikas, '25', members.pooja, '10']),
    )
    const l = resultPanel(page, 'Leaders')
    expect((await l.locator('ol.seats li').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim())).toEqual([
      `Pradhan: ${leaders.anita} Girl`,
      `Up-Pradhan: ${leaders.suresh} Boy`,
    ])
    expect(await l.locator('svg.bars rect').count()).toBe(3)
    expect((await steps(page, 'Leaders')).join(' ')).toContain(
      `goes to ${leaders.anita} (20 votes), ahead of ${leaders.suresh} (30 votes)`,
    )
    expect(await l.locator('p.warning').innerText()).toBe(
      `A plain count (most votes wins) would have elected: ${leaders.suresh} (Pradhan) and ${leaders.anita} (Up-Pradhan).`,
    )
    // Reported: the long "Not published yet…" badge does not wrap and pushes the page 250px wide.
    await expectNoSidewaysScroll(page, '.badge.warn')
    await shot(page, 'election-17-result-phone')
    await page.setViewportSize(viewports.tablet)
    await shot(page, 'election-18-result-tablet')
    await page.setViewportSize(viewports.phone)

    // The printable sheet: the same result, with lines to sign for the facilitator and two child witnesses.
    await clickTo(page, `${electionPath}/result/print`, () =>
      page.getByRole('link', { name: 'Printable result sheet' }).click(),
    )
    expect(await text(page, 'h1')).toBe(`Result sheet: ${title}`)
    expect(await page.locator('.signatures > div').allInnerTexts()).toEqual([
      'Facilitator\nName:',
      'Child witness 1\nName:',
      'Child witness 2\nName:',
    ])
    expect(await page.locator('svg.bars').count()).toBe(2)
    await printShot(page, 'election-19-result-sheet-print', async () =>
      expect(await page.getByRole('link', { name: /Result/ }).isVisible()).toBe(false),
    )
    await page.goBack()

    // 6. Publish: the elected become the Bal Panchayat.
    await page.getByText('Publish the result', { exact: true }).click()
    await clickTo(page, /\/bal-panchayat$/, () => page.getByRole('button', { name: 'Yes, publish the result' }).click())
    expect(await text(page, '#flash')).toBe('The result is published: the elected are the Bal Panchayat.')
    expect(await text(page, 'h1')).toBe('Bal Panchayat of Papdi')
    const bp = await mainText(page)
    for (const line of [
      `Pradhan: ${leaders.anita}`,
      `Up-Pradhan: ${leaders.suresh}`,
      members.rahul,
      members.amit,
      members.seema,
      members.pooja,
    ])
      expect(bp).toContain(line)
    expect(bp).not.toContain(members.vikas)
    await expectNoSidewaysScroll(page)
    await shot(page, 'election-20-bal-panchayat-phone')

    // The final screens again in Hindi.
    await clickTo(page, /\/bal-panchayat$/, () => page.getByRole('button', { name: 'हिन्दी' }).click())
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('hi')
    expect(await text(page, 'h1')).toBe('Papdi की बाल पंचायत')
    expect(await mainText(page)).toContain(`Pradhan: ${leaders.anita}`) // seat titles are as typed
    await shot(page, 'election-21-bal-panchayat-hindi-phone')
    await clickTo(page, /\/elections$/, () => page.getByRole('navigation').getByRole('link', { name: 'चुनाव' }).click())
    await clickTo(page, onElection(), () => page.getByRole('link', { name: title }).click())
    expect(await page.locator('ol.timeline li[aria-current="step"]').innerText()).toContain('परिणाम घोषित')
    await clickTo(page, `${electionPath}/result`, () => page.getByRole('link', { name: 'परिणाम देखें' }).click())
    expect(await mainText(page)).toContain(`${members.pooja} (10 वोट)`)
    await expectNoSidewaysScroll(page)
    await shot(page, 'election-22-result-hindi-phone')
    await page.setViewportSize(viewports.tablet)
    await shot(page, 'election-23-result-hindi-tablet')
    await page.setViewportSize(viewports.phone)
    await page.goto(`${electionPath}/result/print`)
    await printShot(page, 'election-24-result-sheet-hindi-print')
    expect(unexpectedProblems(problems)).toEqual(NO_PROBLEMS)
  }, 120_000)
})
