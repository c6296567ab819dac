import type Sqlite from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client } from './client.ts'
import { validForms } from './forms.ts'
import { databaseChecksum, inspector, rowCounts } from './invariants.ts'
import { Rng } from './random.ts'
import { appRoutes, fill, type Route } from './routes.ts'
import { papdiTargets } from './targets.ts'
import { buildWorld, LOGINS, type World } from './world.ts'

/**
 * Every state-changing route refuses a post without its session's CSRF token — none, another
 * session's, a wrong one — with 403, and nothing changes. Each post is one the route would accept
 * with the right token (a correct form, by someone allowed, about a real record), so the refusal can
 * only be the token's doing; the right token is then sent to prove it.
 */
let world: World
let db: Sqlite.Database
const rng = new Rng(20_260_101)

beforeAll(async () => {
  world = await buildWorld()
  db = inspector(world.t.database.sqlite)
}, 120_000)

afterAll(async () => {
  db?.close()
  await world?.t.close()
})

/** Someone the route serves: the coordinator (who may post to every staff route), or a visitor of their own for the public ones. */
async function visitorFor(route: Route, coordinator: Client): Promise<Client> {
  if (!route.public) return coordinator
  const visitor = new Client(world.t.app)
  await visitor.get('/login')
  return visitor
}

type Attempt = {
  name: string
  send: (client: Client, url: string, form: Record<string, string | string[]>) => ReturnType<Client['send']>
}

function attempts(otherSessionToken: string): Attempt[] {
  const form = (client: Client, url: string, body: URLSearchParams, headers: Record<string, string> = {}) =>
    client.send({
      method: 'POST',
      url,
      payload: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    })
  const pairs = (f: Record<string, string | string[]>) =>
    Object.entries(f).flatMap(([k, v]) => [v].flat().map((x) => [k, x] as [string, string]))
  return [
    { name: 'no token', send: (c, url, f) => form(c, url, new URLSearchParams(pairs(f))) },
    { name: 'an empty token', send: (c, url, f) => c.post(url, f, { csrf: '' }) },
    { name: "another session's token", send: (c, url, f) => c.post(url, f, { csrf: otherSessionToken }) },
    { name: 'a wrong token', send: (c, url, f) => c.post(url, f, { csrf: 'wrong-token-123' }) },
    {
      name: 'its own token, one character changed',
      send: (c, url, f) => c.post(url, f, { csrf: c.csrf.slice(0, -1) + (c.csrf.endsWith('A') ? 'B' : 'A') }),
    },
    {
      name: 'the token twice',
      send: (c, url, f) => form(c, url, new URLSearchParams([['_csrf', c.csrf], ['_csrf', c.csrf], ...pairs(f)])),
    },
    {
      name: 'the token only in the address',
      send: (c, url, f) =>
        form(
          c,
          `${url}${url.includes('?') ? '&' : '?'}_csrf=${encodeURIComponent(c.csrf)}`,
          new URLSearchParams(pairs(f)),
        ),
    },
    {
      name: 'a wrong token in the header',
      send: (c, url, f) => form(c, url, new URLSearchParams(pairs(f)), { 'x-csrf-token': otherSessionToken }),
    },
    {
      name: "JSON with another session's token",
      send: (c, url, f) =>
        c.send({
          method: 'POST',
          url,
          payload: JSON.stringify({ ...f, _csrf: otherSessionToken }),
          headers: { 'content-type': 'application/json' },
        }),
    },
  ]
}

describe("CSRF: every state-changing route refuses a post without its session's token", () => {
  it('covers every POST route of the route table', () => {
    const posts = appRoutes(world.t.app).filter((r) => r.method === 'POST')
    expect(posts.length).toBeGreaterThan(55)
    expect(posts.filter((r) => !validForms[r.key]).map((r) => r.key)).toEqual([])
  })

  it('answers 403 to each kind of missing or wrong token, changes nothing, and accepts the right token', async () => {
    // Logging out is tried last, and logging in is tried with a visitor of its own: both end the session they are sent in.
    const posts = appRoutes(world.t.app)
      .filter((r) => r.method === 'POST')
      .sort((a, b) => Number(a.url === '/logout') - Number(b.url === '/logout'))
    const coordinator = await new Client(world.t.app).login(LOGINS.admin)
    const stranger = await new Client(world.t.app).login(LOGINS.admin)
    const wrong: string[] = []
    let refusals = 0
    for (const route of posts) {
      const client = await visitorFor(route, coordinator)
      const params = papdiTargets(world, route.key)
      const url = fill(route.url, params)
      const form = validForms[route.key]({ rng, db, params, villageId: world.papdi.villageId })
      const before = { sum: databaseChecksum(db), counts: rowCounts(db) }
      for (const attempt of attempts(stranger.csrf)) {
        const res = await attempt.send(client, url, form)
        refusals++
        if (res.statusCode !== 403)
          wrong.push(`POST ${url} with ${attempt.name}: ${res.statusCode} ${res.headers.location ?? ''}`)
        if (res.cookies.some((c) => c.name === 'lang')) wrong.push(`POST ${url} with ${attempt.name} set the language`)
      }
      if (databaseChecksum(db) !== before.sum) {
        const after = rowCounts(db)
        wrong.push(
          `POST ${url} changed the database without a token: ${JSON.stringify(Object.fromEntries(Object.entries(after).filter(([t, n]) => before.counts[t] !== n)))}`,
        )
      }
      // Still logged in: a page answers (a polling-station tablet is sent back to its station, not to the login).
      const alive = client.username ? await client.get('/account/password') : null
      if (
        alive &&
        alive.statusCode !== 200 &&
        !(alive.statusCode === 303 && /\/station$/.test(alive.headers.location ?? ''))
      )
        wrong.push(`POST ${url} without a token ended the session`)
      // The same post with the right token gets past the check (to the form's own answer).
      const accepted = await client.post(url, form)
      if ([403, 500].includes(accepted.statusCode) || accepted.statusCode > 500)
        wrong.push(`POST ${url} with the right token: ${accepted.statusCode}`)
    }
    expect(wrong).toEqual([])
    expect(refusals).toBeGreaterThan(500)
  }, 300_000)

  it('refuses a token from before logging in, once the session has changed', async () => {
    const client = new Client(world.t.app)
    await client.get('/login')
    const before = client.csrf
    await client.login(LOGINS.facilitator)
    const res = await client.post(
      `/villages/${world.papdi.villageId}/quorum`,
      { members: '1/2', girls: '1/3' },
      { csrf: before },
    )
    expect(res.statusCode).toBe(403)
    expect(
      (await client.post(`/villages/${world.papdi.villageId}/quorum`, { members: '1/2', girls: '1/3' })).statusCode,
    ).toBe(303)
  })
})
