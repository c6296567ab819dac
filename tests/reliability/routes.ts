import type { FastifyInstance } from 'fastify'
import type Sqlite from 'better-sqlite3'
import type { Rng } from './random.ts'

/** A route of the app as the route table lists it: static files and HEAD/OPTIONS left out. */
export type Route = {
  method: 'GET' | 'POST'
  url: string
  public: boolean
  roles: readonly string[] | null
  key: string
}

export function appRoutes(app: FastifyInstance): Route[] {
  return app.routeTable
    .filter(
      (r) => !['HEAD', 'OPTIONS'].includes(r.method) && !r.url.startsWith('/static/') && !r.url.startsWith('/vendor/'),
    )
    .map((r) => {
      if (r.method !== 'GET' && r.method !== 'POST')
        throw new Error(`the reliability suites know GET and POST, not ${r.method} ${r.url}`)
      return {
        method: r.method,
        url: r.url,
        public: Boolean(r.config.public),
        roles: r.config.roles ?? null,
        key: `${r.method} ${r.url}`,
      }
    })
}

export const paramNames = (url: string) => [...url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1])

/** The URL with its parameters filled in (values are put in as given: a garbage value stays garbage). */
export function fill(url: string, params: Record<string, string>): string {
  return url.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    if (!(name in params)) throw new Error(`no value for :${name} in ${url}`)
    return params[name]
  })
}

/** What kind of record each URL parameter names. A parameter this does not know fails loudly. */
export type Entity =
  | 'village'
  | 'user'
  | 'child'
  | 'election'
  | 'contest'
  | 'candidate'
  | 'paperCount'
  | 'member'
  | 'meeting'
  | 'item'
  | 'action'
  | 'resolution'
  | 'case'

export function entityOf(url: string, param: string): Entity {
  const byName: Record<string, Entity> = {
    villageId: 'village',
    contestId: 'contest',
    candidateId: 'candidate',
    paperCountId: 'paperCount',
    memberId: 'member',
    itemId: 'item',
    actionId: 'action',
    childId: 'child',
  }
  if (byName[param]) return byName[param]
  if (param === 'id') {
    if (url.startsWith('/users/')) return 'user'
    if (url.startsWith('/villages/:villageId/children/')) return 'child'
    if (url.startsWith('/villages/:villageId/cases/')) return 'case'
    if (url.startsWith('/villages/:id')) return 'village'
    if (url.startsWith('/elections/')) return 'election'
    if (url.startsWith('/meetings/')) return 'meeting'
    if (url.startsWith('/resolutions/')) return 'resolution'
  }
  throw new Error(
    `the reliability suites do not know what :${param} of ${url} names; teach tests/reliability/routes.ts`,
  )
}

/**
 * Ids of real records for a route's parameters, each one belonging to the one before (the meeting's
 * own agenda item, the election's own contest), in the given village.
 */
export function coherentParams(
  db: Sqlite.Database,
  rng: Rng,
  url: string,
  villageId: number,
  hints: Hints = {},
): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of paramNames(url)) {
    const hinted = hints[name] ? (db.prepare(hints[name]).pluck().all(villageId) as number[]) : []
    if (hinted.length) {
      out[name] = String(rng.pick(hinted))
      continue
    }
    const pool = recordsFor(
      db,
      url,
      name,
      Number(out.id),
      villageId,
      `SELECT id FROM users WHERE username LIKE 'spare-%' OR username LIKE 'fuzz-%'`,
    )
    out[name] = String(pool.length ? rng.pick(pool) : 999_999)
  }
  return out
}

/**
 * The village's records a route parameter may name: of the record the URL's :id names (`parent`)
 * where it belongs to one (a meeting's agenda items, an election's contests). `users` picks the accounts.
 */
export function recordsFor(
  db: Sqlite.Database,
  url: string,
  name: string,
  parent: number,
  villageId: number,
  users = 'SELECT id FROM users',
): number[] {
  const ids = (sql: string, ...args: unknown[]) =>
    db
      .prepare(sql)
      .pluck()
      .all(...args) as number[]
  switch (entityOf(url, name)) {
    case 'village':
      return [villageId]
    case 'user':
      return ids(users)
    case 'child':
      return url.startsWith('/meetings/')
        ? ids('SELECT child_id FROM attendance WHERE meeting_id = ?', parent)
        : ids('SELECT id FROM children WHERE village_id = ?', villageId)
    case 'election':
      return ids('SELECT id FROM elections WHERE village_id = ?', villageId)
    case 'contest':
      return ids('SELECT id FROM contests WHERE election_id = ?', parent)
    case 'candidate':
      return ids('SELECT id FROM candidates WHERE election_id = ?', parent)
    case 'paperCount':
      return ids(
        'SELECT p.id FROM paper_counts p JOIN contests c ON c.id = p.contest_id WHERE c.election_id = ?',
        parent,
      )
    case 'member':
      return ids(
        'SELECT m.id FROM members m JOIN elections e ON e.id = m.election_id WHERE e.village_id = ?',
        villageId,
      )
    case 'meeting':
      return ids('SELECT id FROM meetings WHERE village_id = ?', villageId)
    case 'item':
      return ids('SELECT id FROM agenda_items WHERE meeting_id = ?', parent)
    case 'action':
      return ids(
        'SELECT p.id FROM action_points p JOIN agenda_items i ON i.id = p.agenda_item_id WHERE i.meeting_id = ?',
        parent,
      )
    case 'resolution':
      return ids('SELECT id FROM resolutions WHERE village_id = ?', villageId)
    case 'case':
      return ids('SELECT id FROM cases WHERE village_id = ?', villageId)
  }
}

/** For a parameter, a query (of the village id) for the records in the state the route acts on. */
export type Hints = Record<string, string>

const meetingReached = (stage: string) =>
  `EXISTS (SELECT 1 FROM meeting_events e WHERE e.meeting_id = m.id AND e.stage = '${stage}')`
const meetingsWhere = (where: string) => `SELECT id FROM meetings m WHERE village_id = ? AND ${where}`
const draftMeetings = meetingsWhere(`NOT ${meetingReached('in_progress')}`)
const heldMeetings = meetingsWhere(`${meetingReached('in_progress')} AND NOT ${meetingReached('closed')}`)
const closedMeetings = meetingsWhere(meetingReached('closed'))
const electionsAt = (...stages: string[]) => `SELECT id FROM elections e WHERE village_id = ?
  AND coalesce((SELECT stage FROM election_events v WHERE v.election_id = e.id ORDER BY v.id DESC LIMIT 1), 'draft') IN (${stages.map((x) => `'${x}'`).join(', ')})`
const answered = (kinds: string) =>
  `EXISTS (SELECT 1 FROM responses s WHERE s.resolution_id = r.id AND s.kind IN (${kinds}))`
const resolutionsWhere = (where: string) => `SELECT id FROM resolutions r WHERE village_id = ? AND ${where}`
const forwarded = 'EXISTS (SELECT 1 FROM forwardings f WHERE f.resolution_id = r.id)'
const consented = 'EXISTS (SELECT 1 FROM consents k WHERE k.child_id = c.id AND k.withdrawn_at IS NULL)'
const departed = 'EXISTS (SELECT 1 FROM departures d WHERE d.child_id = c.id)'
const childrenWhere = (where: string) => `SELECT id FROM children c WHERE village_id = ? AND ${where}`

/**
 * Where a route acts on a record in one state (attendance on a meeting being held, a decision on an
 * acknowledged resolution), the fuzz mostly aims at records in that state, so that its posts get past
 * the state checks to the validation and the writes behind them.
 */
export const stateHints: Record<string, Hints> = {
  'POST /meetings/:id': { id: draftMeetings },
  'POST /meetings/:id/agenda': { id: draftMeetings },
  'POST /meetings/:id/agenda/:itemId': { id: draftMeetings },
  'POST /villages/:villageId/cases/:id/meeting-steps/:itemId': {
    itemId: `SELECT a.id FROM agenda_items a JOIN meetings m ON m.id = a.meeting_id WHERE m.village_id = ? AND a.kind = 'out_of_school'`,
  },
  'POST /meetings/:id/agenda/:itemId/removal': { id: draftMeetings },
  'POST /meetings/:id/agenda/:itemId/move': { id: draftMeetings },
  'POST /meetings/:id/start': { id: draftMeetings },
  'POST /meetings/:id/postponement': { id: draftMeetings },
  'POST /meetings/:id/cancellation': { id: draftMeetings },
  'POST /meetings/:id/attendance/:childId': { id: heldMeetings },
  'POST /meetings/:id/guests': { id: heldMeetings },
  'POST /meetings/:id/items/:itemId/minutes': { id: heldMeetings },
  'POST /meetings/:id/items/:itemId/actions': { id: heldMeetings },
  'POST /meetings/:id/actions/:actionId/removal': { id: heldMeetings },
  'POST /meetings/:id/resolutions': { id: heldMeetings },
  'POST /meetings/:id/closing': { id: heldMeetings },
  'POST /meetings/:id/amendments': { id: closedMeetings },
  'POST /elections/:id': { id: electionsAt('draft', 'nominations') },
  'POST /elections/:id/contests': { id: electionsAt('draft', 'nominations') },
  'POST /elections/:id/contests/:contestId': { id: electionsAt('draft', 'nominations') },
  'POST /elections/:id/contests/:contestId/removal': { id: electionsAt('draft', 'nominations') },
  'POST /elections/:id/contests/:contestId/candidates': { id: electionsAt('nominations') },
  'POST /elections/:id/candidates/:candidateId/withdrawal': { id: electionsAt('nominations') },
  'POST /elections/:id/nominations': { id: electionsAt('draft') },
  'POST /elections/:id/poll': { id: electionsAt('nominations') },
  'POST /elections/:id/closing': { id: electionsAt('poll_open') },
  'POST /elections/:id/paper-counts': { id: electionsAt('poll_open', 'poll_closed') },
  'POST /elections/:id/paper-counts/:paperCountId/voiding': { id: electionsAt('poll_open', 'poll_closed') },
  'POST /elections/:id/publication': { id: electionsAt('poll_closed') },
  'POST /elections/:id/station': { id: electionsAt('poll_open') },
  'POST /elections/:id/station/ballot': { id: electionsAt('poll_open') },
  'POST /elections/:id/ballot': { id: electionsAt('poll_open') },
  'GET /elections/:id/roll/additions': { id: electionsAt('poll_open') },
  'POST /elections/:id/roll': { id: electionsAt('poll_open') },
  'POST /villages/:villageId/bal-panchayat/members/:memberId/departure': {
    memberId:
      'SELECT m.id FROM members m JOIN elections e ON e.id = m.election_id WHERE e.village_id = ? AND m.left_on IS NULL',
  },
  'POST /villages/:villageId/children/:id/consent': { id: childrenWhere(`NOT ${consented}`) },
  'POST /villages/:villageId/children/:id/consent/withdrawal': { id: childrenWhere(consented) },
  'POST /villages/:villageId/children/:id/departure': { id: childrenWhere(`NOT ${departed}`) },
  'POST /villages/:villageId/children/:id/return': { id: childrenWhere(departed) },
  'POST /resolutions/:id/forwarding': {
    id: resolutionsWhere(
      `number IS NOT NULL AND NOT ${forwarded} AND EXISTS (SELECT 1 FROM meeting_events e WHERE e.meeting_id = r.meeting_id AND e.stage = 'closed')`,
    ),
  },
  'POST /resolutions/:id/acknowledgement': {
    id: resolutionsWhere(`${forwarded} AND NOT ${answered(`'acknowledged'`)}`),
  },
  'POST /resolutions/:id/decision': {
    id: resolutionsWhere(`${answered(`'acknowledged'`)} AND NOT ${answered(`'accepted', 'referred', 'declined'`)}`),
  },
  'POST /resolutions/:id/actions': {
    id: resolutionsWhere(`${answered(`'accepted', 'referred'`)} AND NOT ${answered(`'done'`)}`),
  },
  'POST /resolutions/:id/completion': { id: resolutionsWhere(`${answered(`'action'`)} AND NOT ${answered(`'done'`)}`) },
}

/** Ids of records of any village, with no regard to which record they belong to. */
export function mixedParams(db: Sqlite.Database, rng: Rng, url: string): Record<string, string> {
  const table: Record<Entity, string> = {
    village: 'villages',
    user: 'users',
    child: 'children',
    election: 'elections',
    contest: 'contests',
    candidate: 'candidates',
    paperCount: 'paper_counts',
    member: 'members',
    meeting: 'meetings',
    item: 'agenda_items',
    action: 'action_points',
    resolution: 'resolutions',
    case: 'cases',
  }
  const out: Record<string, string> = {}
  for (const name of paramNames(url)) {
    const entity = entityOf(url, name)
    // Never the accounts the suites are logged in with: a coordinator may switch those off.
    const pool = db
      .prepare(
        `SELECT id FROM ${table[entity]}${entity === 'user' ? ` WHERE username LIKE 'spare-%' OR username LIKE 'fuzz-%'` : ''}`,
      )
      .pluck()
      .all() as number[]
    out[name] = String(pool.length ? rng.pick(pool) : 999_999)
  }
  return out
}

/** Values no record has: out of range, not numbers, encoded strangely. Each is put into the path as is. */
export const garbageParams = [
  '0',
  '-1',
  '999999',
  '2147483647',
  '2147483648',
  '4294967297',
  '9007199254740993',
  '99999999999999999999999999',
  '1e3',
  '0x10',
  '01',
  '1.5',
  '+1',
  '%201',
  '1%20',
  'abc',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '__proto__',
  'constructor',
  'toString',
  '%00',
  '1%00',
  '%0A1',
  '%E2%80%AE1',
  '%D9%A1',
  '%E0%A5%A7',
  '%F0%9F%91%A7',
  '%C0%AE',
  '%FF',
  '%E0%A4',
  '..',
  '%2e%2e',
  '%2F',
  '1%2F2',
  '%3Cscript%3E',
  '9'.repeat(120),
  'x'.repeat(500),
] as const
