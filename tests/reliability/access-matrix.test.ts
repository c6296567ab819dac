import type Sqlite from 'better-sqlite3'
import type { LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Client } from './client.ts'
import { databaseChecksum, inspector, rowCounts } from './invariants.ts'
import { appRoutes, fill, type Route } from './routes.ts'
import { missingTargets, papdiTargets, targetQuery } from './targets.ts'
import { buildWorld, LOGINS, type World } from './world.ts'

/**
 * Every route of the route table, asked by every kind of visitor about Papdi's records, against a
 * policy written down here as data. tests/routes/access.test.ts checks the route table's own
 * role lists and the anonymous refusals; this file checks what each person actually gets, village
 * by village, for GET and POST alike, and that nothing of Papdi reaches anyone it should not.
 */
type Who = 'anonymous' | keyof typeof LOGINS
const everyone: Who[] = ['anonymous', 'admin', 'facilitator', 'otherFacilitator', 'panchayat', 'otherPanchayat']

/**
 * What a visitor gets:
 * - open: the route serves them (any answer but a refusal, a missing page or a server error);
 * - ok: they reach the page or the action (GET: 200 or a redirect elsewhere than the login; POST: the
 *   handler answers: done, refused as a conflict, or the form again with its mistakes);
 * - login: sent to log in; forbidden: 403, whatever the record;
 * - hidden: Papdi's record is, to them, exactly as if it did not exist (404, or the very answer a
 *   made-up id gets: the station routes, which look only at the tablet's own session, redirect alike).
 */
type Expect = 'open' | 'ok' | 'login' | 'forbidden' | 'hidden'
type Policy = Record<Who, Expect>

const open: Policy = {
  anonymous: 'open',
  admin: 'open',
  facilitator: 'open',
  otherFacilitator: 'open',
  panchayat: 'open',
  otherPanchayat: 'open',
}
const ownAccount: Policy = {
  anonymous: 'login',
  admin: 'ok',
  facilitator: 'ok',
  otherFacilitator: 'ok',
  panchayat: 'ok',
  otherPanchayat: 'ok',
}
const coordinators: Policy = {
  anonymous: 'login',
  admin: 'ok',
  facilitator: 'forbidden',
  otherFacilitator: 'forbidden',
  panchayat: 'forbidden',
  otherPanchayat: 'forbidden',
}
const villageStaff: Policy = {
  anonymous: 'login',
  admin: 'ok',
  facilitator: 'ok',
  otherFacilitator: 'hidden',
  panchayat: 'forbidden',
  otherPanchayat: 'forbidden',
}
const inbox: Policy = {
  anonymous: 'login',
  admin: 'forbidden',
  facilitator: 'forbidden',
  otherFacilitator: 'forbidden',
  panchayat: 'ok',
  otherPanchayat: 'ok',
}
const forwarded: Policy = {
  anonymous: 'login',
  admin: 'ok',
  facilitator: 'ok',
  otherFacilitator: 'hidden',
  panchayat: 'ok',
  otherPanchayat: 'hidden',
}
const answers: Policy = {
  anonymous: 'login',
  admin: 'ok',
  facilitator: 'forbidden',
  otherFacilitator: 'forbidden',
  panchayat: 'ok',
  otherPanchayat: 'hidden',
}

/** The policy, first match wins. A route no rule matches fails the suite: a new route must be placed here on purpose. */
const POLICY: [pattern: RegExp, policy: Policy, why: string][] = [
  [
    /^(GET|POST) \/(login|setup|logout|language)$|^GET \/(health)?$|^GET \/board\/:villageId$|^GET \/station\/closed$/,
    open,
    "the way in and out, the health check, the children's public board, the tablet's page after its poll closed",
  ],
  [/^(GET|POST) \/account\/password$/, ownAccount, "one's own password: anyone logged in"],
  [
    /^(GET|POST) \/(users|villages)(\/new|\/:id(\/edit|\/password|\/activation)?)?$|^GET \/(audit|figures|figures\.csv)$/,
    coordinators,
    'accounts, villages, the audit log and the figures across villages: coordinators only',
  ],
  [
    /^(GET|POST) \/villages\/:villageId\/children\/:id\/(export\.json|erasure)$/,
    coordinators,
    "a child's data taken out or erased: coordinators only",
  ],
  [/^GET \/inbox$/, inbox, "the Gram Panchayat's inbox: its members, each their own village's"],
  [/^GET \/resolutions\/:id$/, forwarded, "a forwarded resolution: its village's staff and its Gram Panchayat"],
  [
    /^POST \/resolutions\/:id\/(acknowledgement|decision|actions|completion)$/,
    answers,
    "the Gram Panchayat's answers: its members (a coordinator may help)",
  ],
  [
    /^(GET|POST) \/(villages\/:villageId|elections|meetings|resolutions)\//,
    villageStaff,
    "a village's register, elections, polling station, meetings and resolutions: its facilitators and the coordinators",
  ],
]

function policyOf(route: Route): Policy | undefined {
  return POLICY.find(([pattern]) => pattern.test(route.key))?.[1]
}

let world: World
let db: Sqlite.Database
let clients: Record<Who, Client>
/**
 * Papdi's children's and guardians' names: none may appear in a page refused to someone, nor on a
 * Gram Panchayat member's or the public's page. For Bhangdoli's facilitator, only the names no child
 * of Bhangdoli has (both villages have a Meena).
 */
let papdiNames: string[]
let papdiOnlyNames: string[]

async function loginEveryone(w: World): Promise<Record<Who, Client>> {
  const out = { anonymous: new Client(w.t.app) } as Record<Who, Client>
  await out.anonymous.get('/login')
  for (const [who, username] of Object.entries(LOGINS) as [Exclude<Who, 'anonymous'>, string][])
    out[who] = await new Client(w.t.app).login(username)
  return out
}

beforeAll(async () => {
  world = await buildWorld()
  db = inspector(world.t.database.sqlite)
  clients = await loginEveryone(world)
  const names = (villageId: number) =>
    (db.prepare('SELECT name, guardian_name FROM children WHERE village_id = ?').raw().all(villageId) as string[][])
      .flat()
      .filter((n) => n.length > 2)
  papdiNames = names(world.papdi.villageId)
  const elsewhere = new Set(names(world.bhangdoli.villageId))
  papdiOnlyNames = papdiNames.filter((n) => !elsewhere.has(n))
}, 120_000)

afterAll(async () => {
  db?.close()
  await world?.t.close()
})

const routes = () => appRoutes(world.t.app)

async function ask(client: Client, route: Route, params: Record<string, string>): Promise<LightMyRequestResponse> {
  const url = fill(route.url, params) + targetQuery(route.key)
  return route.method === 'GET' ? client.get(url) : client.post(url, {})
}

/** Whether an answer is what the policy says; for 'hidden', the answer for a made-up id is fetched to compare. */
async function judge(
  expect: Expect,
  client: Client,
  route: Route,
  params: Record<string, string>,
  res: LightMyRequestResponse,
): Promise<boolean> {
  const status = res.statusCode
  const location = String(res.headers.location ?? '')
  switch (expect) {
    case 'open':
      return status < 500 && ![401, 403, 404].includes(status)
    case 'ok':
      return route.method === 'GET'
        ? status === 200 || (status === 303 && !location.startsWith('/login'))
        : [200, 204, 409, 422].includes(status) || (status === 303 && !location.startsWith('/login'))
    case 'login':
      return status === 303 && location.startsWith('/login')
    case 'forbidden':
      return status === 403
    case 'hidden': {
      if (status === 404) return true
      const made = missingTargets(params)
      const other = await ask(client, route, made)
      // The same answer once the ids in a redirect are put back as ':id'.
      const shape = (r: LightMyRequestResponse, p: Record<string, string>) =>
        `${r.statusCode} ${String(r.headers.location ?? '')
          .split('/')
          .map((seg) => (Object.values(p).includes(seg) ? ':id' : seg))
          .join('/')}`
      return shape(res, params) === shape(other, made)
    }
  }
}

/** Papdi's children's names in a page that is not for Papdi's staff, if any. */
function namesIn(body: string, who: Who = 'anonymous'): string[] {
  return (who === 'otherFacilitator' ? papdiOnlyNames : papdiNames).filter((n) => body.includes(n))
}

describe('the access policy, route by route and person by person', () => {
  it('places every route of the route table', () => {
    const unplaced = routes()
      .filter((r) => !policyOf(r))
      .map((r) => r.key)
    expect(unplaced, 'routes without a policy: add them to POLICY in tests/reliability/access-matrix.test.ts').toEqual(
      [],
    )
    expect(routes().length).toBeGreaterThan(100)
  })

  it('agrees with the roles the route table declares', () => {
    // The declared roles and the policy must tell the same story; the responses are checked below.
    const disagreements: string[] = []
    for (const route of routes()) {
      const policy = policyOf(route)!
      for (const role of ['admin', 'facilitator', 'panchayat'] as const) {
        const declared = route.public || !route.roles || route.roles.includes(role)
        const stated = policy[role] !== 'forbidden'
        if (declared !== stated)
          disagreements.push(
            `${route.key}: ${role} ${declared ? 'allowed' : 'refused'} by the route, ${stated ? 'allowed' : 'refused'} by the policy`,
          )
      }
    }
    expect(disagreements).toEqual([])
  })

  it('GET: everyone gets what the policy says, refused pages carry nothing of Papdi, and no page changes the database', async () => {
    // Reading is not writing; the one exception is the audit log's note that a child's data was taken out.
    const readOnly = () => databaseChecksum(db, { except: ['audit_log', 'sqlite_sequence'] })
    const before = readOnly()
    const lastAudit = db.prepare('SELECT max(id) FROM audit_log').pluck().get() as number
    // The names are there to be found: Papdi's own facilitator sees them on the register.
    expect(
      namesIn((await clients.facilitator.get(`/villages/${world.papdi.villageId}/children`)).body, 'otherFacilitator')
        .length,
    ).toBeGreaterThan(10)
    const wrong: string[] = []
    const leaks: string[] = []
    for (const route of routes().filter((r) => r.method === 'GET')) {
      const params = papdiTargets(world, route.key)
      for (const who of everyone) {
        const expected = policyOf(route)![who]
        const res = await ask(clients[who], route, params)
        if (!(await judge(expected, clients[who], route, params, res)))
          wrong.push(
            `${who} GET ${fill(route.url, params)}: expected ${expected}, got ${res.statusCode} ${res.headers.location ?? ''}`,
          )
        const refused = expected === 'login' || expected === 'forbidden' || expected === 'hidden'
        const mayNotSeeChildren =
          who === 'anonymous' || who === 'panchayat' || who === 'otherPanchayat' || who === 'otherFacilitator'
        if ((refused || mayNotSeeChildren) && namesIn(res.body, who).length)
          leaks.push(`${who} GET ${route.url} shows ${namesIn(res.body, who).join(', ')}`)
      }
    }
    expect(wrong).toEqual([])
    expect(leaks).toEqual([])
    expect(readOnly(), 'a GET changed the database').toBe(before)
    expect(db.prepare('SELECT DISTINCT action FROM audit_log WHERE id > ?').pluck().all(lastAudit)).toEqual([
      'child.exported',
    ])
  }, 120_000)

  it('POST: everyone the policy refuses is refused, with a valid CSRF token, and nothing changes', async () => {
    const before = databaseChecksum(db)
    const counts = rowCounts(db)
    const wrong: string[] = []
    const leaks: string[] = []
    for (const route of routes().filter((r) => r.method === 'POST')) {
      const params = papdiTargets(world, route.key)
      for (const who of everyone) {
        const expected = policyOf(route)![who]
        if (expected === 'ok' || expected === 'open') continue
        const res = await ask(clients[who], route, params)
        if (!(await judge(expected, clients[who], route, params, res)))
          wrong.push(
            `${who} POST ${fill(route.url, params)}: expected ${expected}, got ${res.statusCode} ${res.headers.location ?? ''}`,
          )
        if (namesIn(res.body, who).length)
          leaks.push(`${who} POST ${route.url} shows ${namesIn(res.body, who).join(', ')}`)
      }
    }
    expect(wrong).toEqual([])
    expect(leaks).toEqual([])
    expect(rowCounts(db)).toEqual(counts)
    expect(databaseChecksum(db), 'a refused POST changed the database').toBe(before)
  }, 120_000)

  it('a Gram Panchayat member sees and answers a resolution only once it is forwarded to them', async () => {
    const r = world.papdi.resolutions
    for (const id of [r.notForwarded, r.failed, r.live]) {
      expect((await clients.panchayat.get(`/resolutions/${id}`)).statusCode, `resolution ${id}`).toBe(404)
      expect(
        (await clients.panchayat.post(`/resolutions/${id}/acknowledgement`, { on: '2026-01-01' })).statusCode,
        `resolution ${id}`,
      ).toBe(404)
      expect((await clients.facilitator.get(`/resolutions/${id}`)).statusCode, `resolution ${id}`).toBe(200)
    }
    for (const id of [r.sent, r.received, r.accepted, r.referred, r.declined, r.done]) {
      const page = await clients.panchayat.get(`/resolutions/${id}`)
      expect(page.statusCode, `resolution ${id}`).toBe(200)
      expect(
        namesIn(page.body),
        "children's names stay with the facilitators unless the village chose otherwise",
      ).toEqual([])
      expect((await clients.otherPanchayat.get(`/resolutions/${id}`)).statusCode, `resolution ${id}`).toBe(404)
    }
  })

  // The coordinator and the facilitator each in a village of their own: what one allowed post does
  // (a meeting closed, a contest removed) must not decide what the next finds. The others' allowed
  // posts (a form sent empty, a language chosen) change nothing of Papdi, and log out last.
  for (const who of ['admin', 'facilitator', 'panchayat', 'otherPanchayat', 'anonymous'] as const) {
    it(`POST: the ${who === 'admin' ? 'coordinator' : who} reaches every action the policy gives them`, async () => {
      const fresh = who === 'admin' || who === 'facilitator' ? await buildWorld() : null
      try {
        const w = fresh ?? world
        const client = fresh ? (await loginEveryone(fresh))[who] : clients[who]
        const wrong: string[] = []
        const allowed = routes()
          .filter((r) => r.method === 'POST' && ['ok', 'open'].includes(policyOf(r)![who]))
          .sort((a, b) => Number(a.url === '/logout') - Number(b.url === '/logout'))
        for (const route of allowed) {
          const params = papdiTargets(w, route.key)
          const res = await ask(client, route, params)
          if (!(await judge(policyOf(route)![who], client, route, params, res)))
            wrong.push(`POST ${fill(route.url, params)}: got ${res.statusCode} ${res.headers.location ?? ''}`)
        }
        expect(wrong).toEqual([])
        expect(allowed.length).toBeGreaterThan(who === 'admin' ? 50 : 3)
      } finally {
        await fresh?.t.close()
      }
    }, 120_000)
  }
})
