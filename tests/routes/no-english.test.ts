import type Sqlite from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { build } from '../../src/app.ts'
import { DEMO_PASSWORD, seedDemo } from '../../src/demo/seed.ts'
import { Agent, freshDatabase } from '../helpers/app.ts'
import { IDLE_TIMEOUT_MS } from '../../src/elections/voting.ts'

/**
 * No Hindi page of the demo village shows an English word outside what people typed. Each role's pages
 * are walked from its home page by following links (as a person clicking through), and every page's
 * visible text, with its labels for the blind (aria-label, title, placeholder, alt), is read for Latin
 * words. Words of the village's own data (names, places, the demo's texts, anything in the database)
 * are struck out first.
 */
const allowed: Record<string, string> = {
  CSV: 'a file format: a download says "तालिका (CSV)", the name a computer shows for the file',
  JSON: 'a file format, as CSV',
  PIN: 'the word every phone and bank card uses for a short secret number; पिन is written too',
  RTE: 'the Right to Education admission, as schools and their forms name it; शिक्षा का अधिकार is written beside it',
  English: 'the language switch names the other language in that language, so a reader of it finds it',
  HTTPS: 'the certificate page explains the box’s secure connection by the name browsers show',
  password: 'the example of a common password not to choose ("password1") is shown as people type it',
}

const database = freshDatabase()
let app: FastifyInstance
let userWords: Set<string>

/**
 * Every Latin word of what people (or the demo) typed into the database. Not the codes the app stores
 * (an enum's value such as 'letter', an audit detail's field names, hashes and tokens): a code shown on a
 * page is exactly the English this test is for.
 */
function wordsInDatabase(db: Sqlite.Database): Set<string> {
  const words = new Set<string>()
  const add = (v: unknown) => {
    if (typeof v === 'string') for (const w of v.match(/[A-Za-z]+/g) ?? []) words.add(w)
  }
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]
  for (const table of tables) {
    const columns = (db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name)
    for (const row of db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[])
      for (const column of columns) {
        const v = row[column]
        if (typeof v !== 'string' || /hash|secret|token|salt|digest|key|sess/i.test(column)) continue
        if (column === 'username') add(v)
        else if (/^[[{]/.test(v)) add(JSON.stringify(Object.values(JSON.parse(v) as object)))
        else if (!/^[a-z0-9_/.-]+$/.test(v)) add(v)
      }
  }
  return words
}

/**
 * What a reader sees or hears of a page: its text and its labels, without markup, scripts and styles. The
 * words a page's script shows later (data-* attributes: "sending…", the idle warning's count) are read too;
 * a data attribute that is a path, a number or a code is not words.
 */
function readable(html: string): string {
  const labels = [...html.matchAll(/\s(?:aria-label|title|placeholder|alt)="([^"]*)"/g)].map((m) => m[1])
  for (const m of html.matchAll(/\sdata-[\w-]+="([^"]*)"/g)) if (!/^[\w/.:?=&#%-]*$/.test(m[1])) labels.push(m[1])
  const text = html
    // A command to type at the box (<code>, as "npm run cli -- verify-count 1") is typed as it is.
    .replace(/<(script|style|svg|template|code)\b[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&[a-z]+;|&#\d+;/g, ' ')
    // A digest or fingerprint (hex, to compare figure by figure) is not words.
    .replace(/\b[0-9a-fA-F:]{16,}\b/g, ' ')
  return `${text} ${labels.join(' ')}`
}

function englishWords(html: string, known: Set<string>): string[] {
  const words = readable(html).match(/[A-Za-z]{2,}/g) ?? []
  return [...new Set(words.filter((w) => !known.has(w) && !Object.hasOwn(allowed, w)))]
}

const kindOf = (url: string) => url.replace(/\d+/g, 'N').replace(/\?.*$/, '')

/** Pages reachable by links from `start`, as one role (GET only; no downloads, no English, no logout). */
async function walk(agent: Agent, start: string, limit = 250): Promise<Map<string, string>> {
  const pages = new Map<string, string>()
  const queue = [start]
  while (queue.length > 0 && pages.size < limit) {
    const url = queue.shift()!
    if (pages.has(url)) continue
    const res = await agent.get(url)
    const to = res.headers.location
    if (res.statusCode >= 300 && res.statusCode < 400 && typeof to === 'string' && to.startsWith('/')) queue.push(to)
    if (res.statusCode !== 200 || !String(res.headers['content-type']).startsWith('text/html')) {
      pages.set(url, '')
      continue
    }
    pages.set(url, res.body)
    for (const m of res.body.matchAll(/<a\s[^>]*href="(\/[^"#]*)"/g)) {
      const href = m[1].replace(/&amp;/g, '&')
      if (/\.(csv|json|pdf|svg|png|js|css)(\?|$)|lang=en|\/logout|\/language/.test(href)) continue
      // A few pages of each kind: /meetings/3 and /meetings/4 are one template, in different stages.
      const kind = kindOf(href)
      if (pages.has(href) || queue.includes(href)) continue
      if ([...pages.keys(), ...queue].filter((seen) => kindOf(seen) === kind).length >= 4) continue
      queue.push(href)
    }
  }
  return pages
}

beforeAll(async () => {
  await seedDemo(database.db)
  app = await build({ database, sessionSecret: 'test-secret-that-is-long-enough-0123456789' })
  userWords = wordsInDatabase(database.sqlite)
})
afterAll(async () => {
  await app?.close()
  database.close()
})

/**
 * The shared tablet, which no link reaches: the demo's open poll taken through a station as a facilitator
 * and children would — the PIN to open it, the roll, a child's name to confirm, the ballot (with its idle
 * warning and the cancel's refusal), the thank-you, the next-voter screen after a vote, a cancel and a
 * timeout, the lockout after wrong PINs, the poll closed — and the words the ballot's script asks for.
 */
async function tabletPages(agent: Agent): Promise<[string, string][]> {
  const id = database.sqlite.prepare("SELECT id FROM elections WHERE title LIKE '%टैबलेट%'").pluck().get() as number
  const base = `/elections/${id}`
  const pages: [string, string][] = []
  const keep = async (what: string, res: { statusCode: number; body: string }, status = 200) => {
    expect(res.statusCode, what).toBe(status)
    pages.push([what, res.body])
    return res.body
  }
  const PIN = '2468'
  await keep('open the station', await agent.get(`${base}/station`))
  expect((await agent.post(`${base}/station`, { pin: PIN, confirm: '1' })).statusCode).toBe(422)
  expect((await agent.post(`${base}/station`, { pin: PIN, confirm: PIN })).statusCode).toBe(303)
  const roll = await keep('the roll', await agent.get(`${base}/station`))
  await keep('children added to the roll', await agent.get(`${base}/roll/additions`))
  const voters = [...roll.matchAll(/href="\/elections\/\d+\/station\/voters\/(\d+)"/g)].map((m) => m[1])
  expect(voters.length).toBeGreaterThan(3)
  await keep('a voter to confirm', await agent.get(`${base}/station/voters/${voters[0]}`))
  const ballotFor = async (childId: string) => {
    expect((await agent.post(`${base}/station/ballot`, { childId })).headers.location).toBe(`${base}/ballot`)
    return keep('the ballot', await agent.get(`${base}/ballot`))
  }
  const unlock = async () => expect((await agent.post(`${base}/station/unlock`, { pin: PIN })).statusCode).toBe(303)
  // A ballot cancelled: a wrong PIN first, then the right one.
  let ballot = await ballotFor(voters[0])
  await keep('a cancel refused', await agent.post(`${base}/ballot/abandonment`, { reason: 'cancel', pin: '0000' }), 422)
  await agent.post(`${base}/ballot/abandonment`, { reason: 'cancel', pin: PIN })
  await keep('next voter, after a cancel', await agent.get(`${base}/station`))
  // A ballot timed out.
  await unlock()
  ballot = await ballotFor(voters[1])
  vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + IDLE_TIMEOUT_MS })
  try {
    await agent.post(`${base}/ballot/abandonment`, { reason: 'timeout' })
  } finally {
    vi.useRealTimers()
  }
  await keep('next voter, after a timeout', await agent.get(`${base}/station`))
  // A vote cast, and asked about after.
  await unlock()
  ballot = await ballotFor(voters[2])
  const token = /name="token" value="([^"]+)"/.exec(ballot)![1]
  const [, contest, candidate] = /name="c_(\d+)" value="(\d+)"/.exec(ballot)!
  const asked = async () =>
    (await agent.get(`${base}/ballot/status?token=${token}`, { accept: 'application/json' })).json()
  pages.push(['the ballot asked about, open', `<p>${(await asked()).message}</p>`])
  expect((await agent.post(`${base}/ballot`, { token, [`c_${contest}`]: candidate })).headers.location).toBe(
    `${base}/ballot/thanks`,
  )
  pages.push(['the ballot asked about, counted', `<p>${(await asked()).message}</p>`])
  await keep('thanks', await agent.get(`${base}/ballot/thanks`))
  await keep('next voter, after a vote', await agent.get(`${base}/station`))
  // Wrong PINs until the tablet locks itself.
  for (let i = 0; i < 5; i++)
    await keep('a wrong PIN', await agent.post(`${base}/station/unlock`, { pin: '0000' }), 422)
  await keep('locked after wrong PINs', await agent.get(`${base}/station`))
  // Where the tablet goes once the poll closed, its session over.
  await keep('voting is over', await new Agent(app).get('/station/closed'))
  return pages
}

describe('Hindi pages of the demo village', () => {
  for (const [role, username] of [
    ['coordinator', 'coordinator'],
    ['facilitator', 'facilitator'],
    ['Gram Panchayat member', 'panchayat'],
    ['anyone (the board, the login page)', null],
  ] as const)
    it(`show no English word outside the village’s data, as ${role}`, async () => {
      const agent = new Agent(app)
      if (username) await agent.login(username, DEMO_PASSWORD)
      const pages = await walk(agent, username ? '/' : '/board')
      if (!username) for (const [url, res] of [['/login', await agent.get('/login')]] as const) pages.set(url, res.body)
      const shown = [...pages].filter(([, html]) => html !== '')
      expect(shown.length).toBeGreaterThan(username === null ? 1 : 5)
      const found = shown.flatMap(([url, html]) => englishWords(html, userWords).map((w) => `${url}: ${w}`))
      if (process.env.SHOW_WALK) console.log(role, [...pages.keys()].join(' '), found)
      expect(found).toEqual([])
    })

  it('show no English word on the shared tablet, from opening the station to the lockout', async () => {
    const agent = new Agent(app)
    await agent.login('facilitator', DEMO_PASSWORD)
    const pages = await tabletPages(agent)
    expect(pages.length).toBeGreaterThan(15)
    const found = pages.flatMap(([what, html]) => englishWords(html, userWords).map((w) => `${what}: ${w}`))
    expect(found).toEqual([])
  })

  it('control: an English word planted in a page is found, a word of the village’s data is not', () => {
    const known = new Set(['Papdi'])
    expect(englishWords('<p>पापड़ी (Papdi) — Minutes in English</p>', known)).toEqual(['Minutes', 'in'])
    expect(englishWords('<a href="/x" title="Letter">पत्र</a>', known)).toEqual(['Letter'])
    expect(englishWords('<p data-slow="भेज रहे हैं… still sending" data-next="/elections/1/station">', known)).toEqual([
      'still',
      'sending',
    ])
    expect(englishWords('<p>तालिका (CSV) डाउनलोड करें</p><script>var x = "code"</script>', known)).toEqual([])
  })
})
