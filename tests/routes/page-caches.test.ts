import fs from 'node:fs'
import path from 'node:path'
import Sqlite from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { and, eq, sql } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { build } from '../../src/app.ts'
import { DEMO_PASSWORD, seedDemo } from '../../src/demo/seed.ts'
import { users } from '../../src/accounts/tables.ts'
import { elections, electionEvents } from '../../src/elections/tables.ts'
import { children } from '../../src/people/tables.ts'
import { closePoll } from '../../src/elections/counting.ts'
import { Agent, freshDatabase } from '../helpers/app.ts'
import { OTHERS_SEEN_MS } from '../../src/db/read-cache.ts'

/**
 * The staff pages keep what they read and drew while the database is unchanged (db/read-cache.ts,
 * web/view-engine.ts): only in production, where templates are compiled once. The same database is
 * served twice, by an app in production mode and by one that reads and draws everything afresh:
 * their pages must be the same, byte for byte but for the CSRF tokens, before and after changes.
 */
const database = freshDatabase()
let kept: FastifyInstance
let afresh: FastifyInstance
let villageId: number
let finished: number
let open: number

const withoutTokens = (html: string) =>
  html.replace(/name="csrf-token" content="[^"]+"/g, '').replace(/name="_csrf" value="[^"]+"/g, '')

async function agents(app: FastifyInstance) {
  return {
    facilitator: await new Agent(app).login('facilitator', DEMO_PASSWORD),
    panchayat: await new Agent(app).login('panchayat', DEMO_PASSWORD),
  }
}
let keptAgents: Awaited<ReturnType<typeof agents>>
let afreshAgents: Awaited<ReturnType<typeof agents>>

beforeAll(async () => {
  villageId = (await seedDemo(database.db)).villageId
  const ids = database.db
    .select({ id: elections.id })
    .from(elections)
    .where(eq(elections.villageId, villageId))
    .orderBy(elections.id)
    .all()
  finished = ids[0].id
  open = ids[ids.length - 1].id
  const before = process.env.NODE_ENV
  try {
    process.env.NODE_ENV = 'production'
    kept = await build({ database, sessionSecret: 'test-secret-that-is-long-enough-0123456789' })
    process.env.NODE_ENV = 'test'
    afresh = await build({ database, sessionSecret: 'test-secret-that-is-long-enough-0123456789' })
  } finally {
    process.env.NODE_ENV = before
  }
  keptAgents = await agents(kept)
  afreshAgents = await agents(afresh)
}, 120_000)

afterAll(async () => {
  vi.useRealTimers()
  await kept?.close()
  await afresh?.close()
  database.close()
  fs.rmSync(database.dir, { recursive: true, force: true })
})

const pages = () => [
  { page: 'register', url: `/villages/${villageId}/children`, who: 'facilitator' as const },
  {
    page: 'register, filtered',
    url: `/villages/${villageId}/children?gender=girl&age=10-13`,
    who: 'facilitator' as const,
  },
  { page: 'result', url: `/elections/${finished}/result`, who: 'facilitator' as const },
  { page: 'inbox', url: '/inbox', who: 'panchayat' as const },
]

/** Each page from both apps (the kept one twice): all the same. */
async function samePages() {
  for (const p of pages()) {
    const first = await keptAgents[p.who].get(p.url)
    const again = await keptAgents[p.who].get(p.url)
    const fresh = await afreshAgents[p.who].get(p.url)
    expect([first.statusCode, again.statusCode, fresh.statusCode], p.page).toEqual([200, 200, 200])
    expect(withoutTokens(again.body), p.page).toBe(withoutTokens(first.body))
    expect(withoutTokens(first.body), p.page).toBe(withoutTokens(fresh.body))
  }
}

describe('staff pages kept while the database is unchanged', () => {
  it('are the pages drawn afresh, and so is the table htmx asks for', async () => {
    await samePages()
    const url = `/villages/${villageId}/children?q=${encodeURIComponent('मीणा')}`
    const hx = { 'hx-request': 'true' }
    const [a, b] = [await keptAgents.facilitator.get(url, hx), await afreshAgents.facilitator.get(url, hx)]
    expect(a.body).toBe(b.body)
    expect(a.body).toContain('children-list')
  })

  it('show a change made through the app at once', async () => {
    const child = database.db.select().from(children).where(eq(children.villageId, villageId)).get()!
    await keptAgents.facilitator.get(`/villages/${villageId}/children`)
    database.db.update(children).set({ name: 'अनोखी नई' }).where(eq(children.id, child.id)).run()
    const page = await keptAgents.facilitator.get(`/villages/${villageId}/children`)
    expect(page.body).toContain('अनोखी नई')
    await samePages()
  })

  it("show another process's change (an operator's command) within a moment (OTHERS_SEEN_MS)", async () => {
    const child = database.db.select().from(children).where(eq(children.villageId, villageId)).get()!
    await keptAgents.facilitator.get(`/villages/${villageId}/children`)
    const other = new Sqlite(path.join(database.dir, 'test.sqlite'))
    try {
      other.prepare('UPDATE children SET name = ? WHERE id = ?').run('दूसरी प्रक्रिया', child.id)
    } finally {
      other.close()
    }
    await expect
      .poll(async () => (await keptAgents.facilitator.get(`/villages/${villageId}/children`)).body, {
        timeout: 100 * OTHERS_SEEN_MS,
      })
      .toContain('दूसरी प्रक्रिया')
    await samePages()
  })

  it('count ages from the new day even when nothing was written at midnight', async () => {
    // A child whose tenth birthday is in two days, on the India Standard Time calendar.
    const istDay = (ms: number) => new Date(ms + 5.5 * 3600 * 1000).toISOString().slice(0, 10)
    const birthday = istDay(Date.now() + 2 * 24 * 3600 * 1000)
    const dob = `${Number(birthday.slice(0, 4)) - 10}${birthday.slice(4)}`
    const child = database.db.select().from(children).where(eq(children.villageId, villageId)).get()!
    database.db.update(children).set({ dateOfBirth: dob, name: 'जन्मदिन वाली' }).where(eq(children.id, child.id)).run()
    // Midnight before the birthday, in UTC: 18:30 the day before.
    const midnight = Date.parse(`${birthday}T00:00:00+05:30`)
    const url = `/villages/${villageId}/children?q=${encodeURIComponent('जन्मदिन वाली')}`
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      vi.setSystemTime(midnight - 20_000)
      keptAgents = await agents(kept)
      afreshAgents = await agents(afresh)
      const before = await keptAgents.facilitator.get(url)
      expect(before.body).toContain('जन्मदिन वाली')
      // Twenty seconds later: a new day, no write in between (a session is touched once a minute at most).
      vi.setSystemTime(midnight + 20_000)
      const after = await keptAgents.facilitator.get(url)
      const fresh = await afreshAgents.facilitator.get(url)
      expect(withoutTokens(after.body)).toBe(withoutTokens(fresh.body))
      expect(withoutTokens(after.body)).not.toBe(withoutTokens(before.body))
    } finally {
      vi.useRealTimers()
    }
    keptAgents = await agents(kept)
    afreshAgents = await agents(afresh)
  })

  it('count ages and lateness from the new day', async () => {
    await samePages()
    const inboxBefore = (await keptAgents.panchayat.get('/inbox')).body
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      vi.setSystemTime(Date.now() + 400 * 24 * 3600 * 1000)
      // Sessions end after 12 hours: everyone logs in again on the new day.
      keptAgents = await agents(kept)
      afreshAgents = await agents(afresh)
      const inboxLater = (await keptAgents.panchayat.get('/inbox')).body
      expect(inboxLater).not.toBe(inboxBefore)
      expect(inboxLater).toContain('is-overdue')
      await samePages()
    } finally {
      vi.useRealTimers()
    }
    keptAgents = await agents(kept)
    afreshAgents = await agents(afresh)
  })

  it("draw a closed poll's result afresh each time: its publish form carries the reader's CSRF token", async () => {
    const facilitator = database.db.select().from(users).where(eq(users.username, 'facilitator')).get()!
    const actor = {
      id: facilitator.id,
      username: facilitator.username,
      displayName: facilitator.displayName,
      role: facilitator.role,
      villageId: facilitator.villageId,
    }
    closePoll({ db: database.db, actor, lang: 'en' }, open, { source: 'random' })
    const closed = database.db
      .select({ n: sql<number>`count(*)` })
      .from(electionEvents)
      .where(and(eq(electionEvents.electionId, open), eq(electionEvents.stage, 'poll_closed')))
      .get()!.n
    expect(closed).toBe(1)
    const token = (html: string) =>
      /action="\/elections\/\d+\/publication"><input type="hidden" name="_csrf" value="([^"]+)"/.exec(html)?.[1]
    const first = await keptAgents.facilitator.get(`/elections/${open}/result`)
    const again = await keptAgents.facilitator.get(`/elections/${open}/result`)
    expect(token(first.body)).toBeTruthy()
    expect(token(again.body)).toBeTruthy()
    expect(token(again.body)).not.toBe(token(first.body))
    const fresh = await afreshAgents.facilitator.get(`/elections/${open}/result`)
    expect(withoutTokens(first.body)).toBe(withoutTokens(fresh.body))
    // The token works: the result is published.
    const published = await keptAgents.facilitator.post(`/elections/${open}/publication`)
    expect(published.statusCode).toBe(303)
    await keptAgents.facilitator.get(String(published.headers.location)) // the flash, shown once
    await samePages()
  })
})
