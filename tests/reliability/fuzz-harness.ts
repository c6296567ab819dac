import { createHash } from 'node:crypto'
import { PassThrough } from 'node:stream'
import type Sqlite from 'better-sqlite3'
import type { LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client } from './client.ts'
import { validForms, type FormContext } from './forms.ts'
import { databaseChecksum, inspector, invariantViolations } from './invariants.ts'
import { badValue, encode, mutateForm } from './mutations.ts'
import { Rng, seedFrom } from './random.ts'
import {
  appRoutes,
  coherentParams,
  fill,
  garbageParams,
  mixedParams,
  paramNames,
  stateHints,
  type Route,
} from './routes.ts'
import { buildWorld, LOGINS, replenish, type Who, type World } from './world.ts'
import { testApp } from '../helpers/app.ts'

/**
 * Thousands of generated form posts, from every role, to every state-changing route: correct forms
 * bent in every way a phone, a stuck key or a curious person could bend them. None may answer 5xx,
 * and afterwards the database must still be whole and keep every rule it promises.
 *
 * The posts are shared between suites that run side by side (vitest gives each file a worker), each
 * with its own village and seed. FUZZ_SEED=<n> replays a run; FUZZ_POSTS=<n> sets the total number
 * of posts (10,000 by default); FUZZ_PROFILE=1 prints where the time went and which posts got through.
 */
export const FUZZ_SEED = seedFrom(process.env.FUZZ_SEED, 0xba1_2026)
export const FUZZ_POSTS = Math.max(400, Number(process.env.FUZZ_POSTS) || 10_000)
export const FUZZ_SUITES = 4
const TABLET_SHARE = 0.15
/** GET requests with bent addresses, on top of the posts, as a share of them. */
const GET_SHARE = 0.1

/**
 * How often each route is posted to, against 1 for the rest: routes that hash a password (scrypt,
 * ~0.1 s each) less, to keep the suite quick; routes that end a record's life (closing a meeting,
 * erasing a child) less, so the fuzz does not spend the village's records too soon.
 */
const weights: Record<string, number> = {
  'POST /login': 0.08,
  'POST /account/password': 0.08,
  'POST /users': 0.15,
  'POST /users/:id/password': 0.1,
  'POST /villages/:villageId/children/:id/erasure': 0.15,
  'POST /meetings/:id/closing': 0.4,
  'POST /elections/:id/publication': 0.5,
  'POST /villages/:villageId/bal-panchayat/members/:memberId/departure': 0.4,
  'POST /villages/:villageId/children/:id/departure': 0.5,
}
/** Posted by a client of their own: they log in, log out, or change who the session belongs to. */
const sessionRoutes = new Set(['POST /login', 'POST /logout', 'POST /setup', 'POST /language'])
const isTabletRoute = (url: string) => /^\/elections\/:id\/(station|ballot)/.test(url)

type Who5 = Who | 'anonymous'

/** One fuzz suite: its own village, its own seed, its share of the posts. */
export function fuzzSuite(suite: number) {
  const SEED = (FUZZ_SEED + suite - 1) >>> 0
  const POSTS = Math.ceil(FUZZ_POSTS / FUZZ_SUITES)
  let world: World
  let db: Sqlite.Database
  let clients: Record<Who5, Client>
  /** The same people on a second device each, for the polling-station routes (a tablet may lock itself to its station). */
  let tablets: Record<Who5, Client>
  let posts = 0
  const failures: string[] = []
  const reached = new Map<string, number>()
  const statuses = new Map<number, number>()
  let relogins = 0
  let gets = 0
  const statusesByRoute = new Map<string, number[]>()
  /** Every answer in order, hashed: two runs with one seed print the same trace. */
  const trace = createHash('sha256')
  const timeByRoute = new Map<string, number>()
  const succeeded = new Map<string, number>()

  /** The app's own log of what went wrong, so a 5xx is reported with its cause. */
  let lastError = ''
  const log = new PassThrough()
  log.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.includes('"unhandled error"')) lastError = line
  })

  beforeAll(async () => {
    world = await buildWorld(await testApp({ logStream: log }))
    db = inspector(world.t.database.sqlite)
    const login = async () => {
      const out = {} as Record<Who5, Client>
      for (const [who, username] of Object.entries(LOGINS) as [Who, string][])
        out[who] = await new Client(world.t.app).login(username)
      out.anonymous = new Client(world.t.app)
      await out.anonymous.get('/login')
      return out
    }
    clients = await login()
    tablets = await login()
    console.log(
      `[fuzz] suite ${suite}: seed ${SEED}, ${POSTS} posts (replay: FUZZ_SEED=${FUZZ_SEED} FUZZ_POSTS=${FUZZ_POSTS} npx vitest run tests/reliability/fuzz-${suite}.test.ts)`,
    )
  }, 120_000)

  afterAll(async () => {
    db?.close()
    await world?.t.close()
    if (process.env.FUZZ_PROFILE) {
      console.log(
        `[fuzz] ${Math.round([...timeByRoute.values()].reduce((a, b) => a + b, 0))} ms in the app; posts that got through, by route: ${JSON.stringify(Object.fromEntries(succeeded))}`,
      )
      console.log(
        [...timeByRoute]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 15)
          .map(([k, ms]) => `${Math.round(ms)} ms ${k}`)
          .join('\n'),
      )
    }
    console.log(
      `[fuzz] ${posts} posts and ${gets} gets, trace ${trace.digest('hex').slice(0, 16)}; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}; re-logins ${relogins}`,
    )
  })

  function note(route: string, res: LightMyRequestResponse, label: () => string, kind: 'post' | 'get' = 'post') {
    if (kind === 'post') posts++
    else gets++
    trace.update(`${route} ${res.statusCode} ${res.headers.location ?? ''}\n`)
    statusesByRoute.set(route, [...(statusesByRoute.get(route) ?? []), res.statusCode].slice(-20))
    statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
    const location = String(res.headers.location ?? '')
    // (Set-up on a database that has its coordinator answers with the way to the login, as it should.)
    if (
      [200, 204, 409, 422].includes(res.statusCode) ||
      (res.statusCode === 303 && (!location.startsWith('/login') || route === 'POST /setup'))
    )
      reached.set(route, (reached.get(route) ?? 0) + 1)
    if (res.statusCode === 204 || (res.statusCode === 303 && !location.startsWith('/login')))
      succeeded.set(route, (succeeded.get(route) ?? 0) + 1)
    if (res.statusCode >= 500) {
      const cause = lastError
        ? (JSON.parse(lastError) as { err?: { message?: string; stack?: string } }).err
        : undefined
      failures.push(
        `${label()} → ${res.statusCode}: ${cause?.stack?.split('\n').slice(0, 3).join(' ') ?? res.body.slice(0, 300)}`,
      )
      lastError = ''
    }
  }

  /** Ids of records of either village, and of none, for fields that take an id (read again every few hundred posts). */
  let foreign: { at: number; ids: string[] } = { at: -1, ids: [] }
  const foreignRng = new Rng(SEED ^ 0xf0e1)
  const foreignIds = () => {
    if (foreign.at >= 0 && posts - foreign.at < 250) return foreign.ids
    const pick = (sql: string) => (db.prepare(sql).pluck().all() as number[]).map(String)
    const ids = [
      ...foreignRng.shuffle(pick('SELECT id FROM children')).slice(0, 6),
      ...pick('SELECT id FROM agenda_items ORDER BY id DESC LIMIT 3'),
      ...pick('SELECT id FROM candidates ORDER BY id DESC LIMIT 3'),
      String(world.bhangdoli.villageId),
      String(world.papdi.villageId),
      '999999',
      '0',
      '-7',
    ]
    foreign = { at: posts, ids }
    return ids
  }

  describe(`fuzzing every state-changing route (suite ${suite})`, () => {
    it('the polling station: tablets issue and cast ballots of every shape, and nothing answers 5xx', async () => {
      const rng = new Rng(SEED ^ 0x7ab1e7)
      const budget = Math.round(POSTS * TABLET_SHARE)
      const stations = [
        { client: tablets.facilitator, v: world.papdi },
        { client: tablets.admin, v: world.bhangdoli },
        { client: tablets.otherFacilitator, v: world.bhangdoli },
      ]
      const pin = '2468'
      const wrongPins = new Map<Client, number>()
      let issued = 0
      let cast = 0
      const start = posts
      while (posts - start < budget) {
        const { client, v } = rng.weighted(stations.map((s, i) => [s, i === 0 ? 6 : 2] as const))
        const base = `/elections/${v.elections.tablet}`
        const post = async (url: string, form: Record<string, string | string[]>, label: string) => {
          const res = await client.post(url, form)
          note(
            `POST ${url.replace(/^\/elections\/\d+/, '/elections/:id')}`,
            res,
            () => `tablet #${posts} ${client.username} POST ${url} ${label} ${JSON.stringify(form).slice(0, 200)}`,
          )
          return res
        }
        const page = await client.get(`${base}/station`)
        if (page.statusCode === 303 && String(page.headers.location).endsWith('/ballot')) {
          // A ballot is waiting: cast it, bent or straight, or give it up.
          const ballot = await client.get(`${base}/ballot`)
          const token = /name="token" value="([^"]+)"/.exec(ballot.body)?.[1] ?? ''
          if (rng.chance(0.08)) {
            // The facilitator's cancel with the PIN, or a "timeout" sent at once (refused: the child is still there).
            await post(`${base}/ballot/abandonment`, rng.chance(0.7) ? { reason: 'cancel', pin } : {}, 'abandon')
            continue
          }
          const form: Record<string, string | string[]> = {
            token: rng.weighted<string | string[]>([
              [token, 12],
              ['', 1],
              ['not-the-token', 1],
              [[token, token], 1],
              [`${token} `, 1],
              [badValue(rng, foreignIds), 1],
            ]),
          }
          for (const [contest, cands] of Object.entries(v.candidates.tablet)) {
            const allOther = Object.values(world.papdi.candidates.open).flat()
            form[`c_${contest}`] = rng.weighted<string | string[]>([
              [String(rng.pick(cands)), 10],
              [[], 2],
              [cands.map(String), 3],
              [[String(cands[0]), String(cands[0])], 1],
              [String(rng.pick(allOther)), 1],
              [badValue(rng, foreignIds), 2],
              [[String(cands[0]), badValue(rng, foreignIds)], 1],
            ])
            if (Array.isArray(form[`c_${contest}`]) && form[`c_${contest}`].length === 0) delete form[`c_${contest}`]
          }
          if (rng.chance(0.05))
            form[`c_${rng.pick([999_999, v.contests.open[0], world.papdi.contests.tablet[0]])}`] = String(
              rng.pick(Object.values(v.candidates.tablet).flat()),
            )
          const res = await post(`${base}/ballot`, form, 'cast')
          if (res.statusCode === 303 && String(res.headers.location).endsWith('/thanks')) cast++
        } else if (page.body.includes('name="confirm"')) {
          const p = rng.weighted([
            [pin, 8],
            ['12', 1],
            ['123456789', 1],
            [badValue(rng, foreignIds), 1],
          ])
          await post(`${base}/station`, { pin: p, confirm: rng.chance(0.9) ? p : `${p}0` }, 'open')
        } else if (page.body.includes('/station/unlock')) {
          // Four wrong PINs at most in a row: a fifth locks the tablet for a minute of wall-clock time, and the run would depend on how fast it goes.
          const tries = wrongPins.get(client) ?? 0
          const given =
            tries >= 4
              ? pin
              : rng.weighted<string | string[]>([
                  [pin, 8],
                  ['0000', 1],
                  [[pin, pin], 1],
                  [badValue(rng, foreignIds), 1],
                ])
          wrongPins.set(client, given === pin ? 0 : tries + 1)
          await post(`${base}/station/unlock`, { pin: given }, 'unlock')
        } else {
          const voter = rng.weighted<string>([
            [String(rng.pick(v.voters)), 10],
            [String(rng.pick(v.childIds)), 3],
            [String(rng.pick(world.papdi.childIds.concat(world.bhangdoli.childIds))), 2],
            [badValue(rng, foreignIds), 2],
            ['999999', 1],
          ])
          const action = rng.weighted([
            ['issue', 12],
            ['close', 0.5],
            ['abandon', 0.5],
          ] as const)
          if (action === 'close') await post(`${base}/station/closing`, {}, 'close')
          else if (action === 'abandon') await post(`${base}/ballot/abandonment`, {}, 'abandon')
          else if (
            (await post(`${base}/station/ballot`, { childId: rng.chance(0.1) ? [voter, voter] : voter }, 'issue'))
              .statusCode === 303
          )
            issued++
        }
      }
      console.log(`[fuzz] polling station: ${posts - start} posts, ${issued} ballots issued, ${cast} cast`)
      expect(failures, `seed ${SEED}`).toEqual([])
      expect(cast, 'ballots cast').toBeGreaterThan(5)
      expect(invariantViolations(db), `seed ${SEED}`).toEqual([])
    }, 600_000)

    it("every POST route: forms bent out of shape, from every role, with other villages' ids, answer below 500", async () => {
      const rng = new Rng(SEED)
      const routes = appRoutes(world.t.app).filter((r) => r.method === 'POST')
      const missing = routes.filter((r) => !validForms[r.key]).map((r) => r.key)
      expect(missing, 'every POST route needs a correct form in tests/reliability/forms.ts').toEqual([])
      const weighted = routes.map((r) => [r, weights[r.key] ?? 1] as const)
      const budget = POSTS - posts
      for (let i = 0; i < budget; i++) {
        if (i % 500 === 0) replenish(world)
        // Each route a few times first, however rarely its weight would pick it; then as weighted.
        const route = i < routes.length * 3 ? routes[i % routes.length] : rng.weighted(weighted)
        const who = chooseWho(rng, route)
        const client = sessionRoutes.has(route.key)
          ? clients.anonymous
          : isTabletRoute(route.url)
            ? tablets[who]
            : clients[who]
        const villageId = targetVillage(world, rng, who)
        const mode =
          paramNames(route.url).length === 0
            ? 'none'
            : rng.weighted([
                ['coherent', 75],
                ['mixed', 15],
                ['garbage', 10],
              ] as const)
        const hints = rng.chance(0.7) ? stateHints[route.key] : undefined
        const params =
          mode === 'mixed' ? mixedParams(db, rng, route.url) : coherentParams(db, rng, route.url, villageId, hints)
        if (mode === 'garbage') params[rng.pick(Object.keys(params))] = rng.pick(garbageParams)
        const context: FormContext = { rng, db, params, villageId }
        const { pairs, how } = mutateForm(rng, validForms[route.key](context), foreignIds)
        const body = encode(rng, pairs, client.csrf)
        const headers: Record<string, string> = { ...body.headers }
        if (rng.chance(0.2)) headers['hx-request'] = 'true'
        if (rng.chance(0.03)) headers['hx-boosted'] = 'true'
        if (rng.chance(0.05)) headers.accept = rng.pick(['application/json', '*/*', 'text/html, application/json'])
        const url =
          fill(route.url, params) +
          (rng.chance(0.03)
            ? rng.pick(['?next=//evil.example', '?_csrf=x', '?lang=xx&a[b]=c', `?${'q'.repeat(3000)}`])
            : '')
        const started = performance.now()
        const res = await client.send({ method: 'POST', url, headers, payload: body.payload })
        timeByRoute.set(route.key, (timeByRoute.get(route.key) ?? 0) + performance.now() - started)
        note(
          route.key,
          res,
          () =>
            `#${posts} ${who} POST ${url.slice(0, 200)} [${mode}, ${body.kind}${headers['hx-request'] ? ', htmx' : ''}] ${how.join(' ')}`,
        )
        // A session ended by what was posted (a coordinator switched the account off): log in again.
        if (client.username && res.statusCode === 303 && String(res.headers.location).startsWith('/login')) {
          relogins++
          await client.relogin()
        }
        // Logging in or out starts a new session, with a new token: read it as a browser would from the next page.
        if (sessionRoutes.has(route.key) && res.statusCode === 303) await freshToken(client)
        if (i % 2500 === 2499)
          expect(invariantViolations(db), `invariants after ${posts} posts, seed ${SEED}`).toEqual([])
      }
      expect(failures, `seed ${SEED}`).toEqual([])
      const neverReached = routes
        .filter((r) => !reached.get(r.key))
        .map((r) => `${r.key} (answered ${statusesByRoute.get(r.key)?.join(', ')})`)
      expect(neverReached, 'every route was reached by at least one post that passed the CSRF check').toEqual([])
      expect(posts).toBeGreaterThanOrEqual(POSTS)
    }, 600_000)

    it('every GET route, asked with bent addresses and queries by every role, answers below 500', async () => {
      const rng = new Rng(SEED ^ 0x6e7)
      const routes = appRoutes(world.t.app).filter((r) => r.method === 'GET')
      const keys = [
        'q',
        'ward',
        'gender',
        'age',
        'school',
        'status',
        'page',
        'contest',
        'item',
        'lang',
        'next',
        'village',
        'before',
        'table',
        'villageId',
        'seats',
        'seatTitles',
        'method',
        'share',
        'girlsMinimum',
        'maxChoices',
        'name',
        '__proto__',
        'constructor',
        'toString',
        'a[b]',
      ]
      const gets = Math.round(POSTS * GET_SHARE)
      for (let i = 0; i < gets; i++) {
        const route = rng.pick(routes)
        const who = chooseWho(rng, route)
        const client = isTabletRoute(route.url) ? tablets[who] : clients[who]
        const mode =
          paramNames(route.url).length === 0
            ? 'none'
            : rng.weighted([
                ['coherent', 70],
                ['mixed', 15],
                ['garbage', 15],
              ] as const)
        const params =
          mode === 'mixed'
            ? mixedParams(db, rng, route.url)
            : coherentParams(db, rng, route.url, targetVillage(world, rng, who))
        if (mode === 'garbage') params[rng.pick(Object.keys(params))] = rng.pick(garbageParams)
        const query = new URLSearchParams()
        for (let k = rng.int(5); k > 0; k--) {
          const key = rng.pick(keys)
          for (let n = rng.chance(0.2) ? 2 + rng.int(2) : 1; n > 0; n--)
            query.append(
              key,
              rng.chance(0.5)
                ? badValue(rng, foreignIds).slice(0, 2000)
                : rng.pick(['1', 'yes', 'girl', 'en', 'representation', 'passed', '/villages', '3']),
            )
        }
        const raw = rng.chance(0.05)
          ? rng.pick(['%', '%E0%A4', 'a=%ZZ', '&&==', 'q=%00', 'page=1e999', 'status[]=x'])
          : query.toString()
        const url = fill(route.url, params) + (raw ? `?${raw}` : '')
        const headers: Record<string, string> = rng.chance(0.2) ? { 'hx-request': 'true' } : {}
        if (rng.chance(0.05)) headers.accept = 'application/json'
        const res = await client.send({ method: 'GET', url, headers })
        note(route.key, res, () => `GET #${i} ${who} ${url.slice(0, 300)}`, 'get')
      }
      expect(failures, `seed ${SEED}`).toEqual([])
    }, 600_000)

    it('afterwards the database is whole and keeps every invariant', () => {
      expect(invariantViolations(db), `seed ${SEED}`).toEqual([])
      expect(databaseChecksum(db)).toMatch(/^[0-9a-f]{64}$/)
    })
  })
}

async function freshToken(client: Client) {
  const res = await client.get('/login')
  if (res.statusCode === 303) await client.get('/account/password')
}

function chooseWho(rng: Rng, route: Route): Who5 {
  const roles = route.roles ?? []
  if (roles.includes('facilitator')) {
    return rng.weighted([
      ['admin', 35],
      ['facilitator', 35],
      ['otherFacilitator', 15],
      ['panchayat', 7],
      ['otherPanchayat', 3],
      ['anonymous', 5],
    ] as const)
  }
  if (roles.includes('panchayat')) {
    return rng.weighted([
      ['admin', 30],
      ['panchayat', 40],
      ['otherPanchayat', 15],
      ['facilitator', 10],
      ['anonymous', 5],
    ] as const)
  }
  if (roles.includes('admin'))
    return rng.weighted([
      ['admin', 80],
      ['facilitator', 8],
      ['panchayat', 7],
      ['anonymous', 5],
    ] as const)
  return rng.weighted([
    ['admin', 19],
    ['facilitator', 19],
    ['otherFacilitator', 19],
    ['panchayat', 19],
    ['otherPanchayat', 19],
    ['anonymous', 5],
  ] as const)
}

/** Mostly the person's own village; sometimes the other one, whose records they must not reach. */
function targetVillage(world: World, rng: Rng, who: Who5): number {
  const home =
    who === 'facilitator' || who === 'panchayat'
      ? world.papdi
      : who === 'otherFacilitator' || who === 'otherPanchayat'
        ? world.bhangdoli
        : null
  if (!home) return rng.pick([world.papdi.villageId, world.bhangdoli.villageId])
  return rng.chance(0.8) ? home.villageId : (home === world.papdi ? world.bhangdoli : world.papdi).villageId
}
