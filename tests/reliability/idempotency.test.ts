import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { todayIso } from '../../src/core/dates.ts'
import { PASSWORD } from '../helpers/app.ts'
import { Client } from './client.ts'
import { shiftDays, type Form } from './forms.ts'
import { appRoutes } from './routes.ts'
import { buildWorld, LOGINS, type World } from './world.ts'

/**
 * Every form that creates something carries a one-time key, taken from the route table so that a
 * new form cannot be forgotten: the page shows the form with its key; sending it twice (a double
 * tap, a resend after a lost answer) creates one record and answers both alike; two genuine entries
 * with the same words (two keys) create two. Nothing is guessed from content or time.
 */
type Who = keyof typeof LOGINS
type Creating = {
  who: Who
  /** The page that shows the form, and the address it posts to. */
  page: (w: World) => string
  url: (w: World) => string
  form: (w: World) => Form
  /** The table it adds a row to. */
  table: string
  /**
   * many: two keys, two records; unique: the record exists once by its nature (a username, a child's
   * candidacy or place on the roll), so the second key is refused or changes nothing;
   * once: a step of a journey (forwarded, acknowledged, decided, done), taken once whatever the key.
   */
  kind: 'many' | 'unique' | 'once'
}

const today = todayIso()
const p = (w: World) => w.papdi

const CREATING: Record<string, Creating> = {
  'POST /villages': {
    who: 'admin',
    page: () => '/villages/new',
    url: () => '/villages',
    table: 'villages',
    kind: 'many',
    form: () => ({
      name: 'Nayi Basti',
      gramPanchayat: 'Sothana',
      block: 'Viratnagar',
      district: 'Jaipur',
      state: 'Rajasthan',
    }),
  },
  'POST /users': {
    who: 'admin',
    page: () => '/users/new',
    url: () => '/users',
    table: 'users',
    kind: 'unique',
    form: (w) => ({
      displayName: 'Asha Didi',
      username: 'asha-didi',
      role: 'facilitator',
      villageId: String(p(w).villageId),
      password: PASSWORD,
    }),
  },
  'POST /villages/:villageId/children': {
    who: 'facilitator',
    page: (w) => `/villages/${p(w).villageId}/children/new`,
    url: (w) => `/villages/${p(w).villageId}/children`,
    table: 'children',
    kind: 'many',
    form: () => ({
      name: 'Rani Bairwa',
      gender: 'girl',
      dateOfBirth: shiftDays(today, -365 * 11),
      ward: '3',
      school: 'GUPS Papdi',
      schoolClass: '5',
      inSchool: 'yes',
      outOfSchoolReason: '',
      guardianName: 'Kamla Bairwa',
      guardianPhone: '',
      consent: 'on',
      consentOn: today,
    }),
  },
  'POST /villages/:villageId/children/:id/cases': {
    who: 'facilitator',
    page: (w) => `/villages/${p(w).villageId}/children/${p(w).bp.Sunita}/cases/new`,
    url: (w) => `/villages/${p(w).villageId}/children/${p(w).bp.Sunita}/cases`,
    table: 'cases',
    // A child has one case followed at a time: a second key is refused.
    kind: 'unique',
    form: () => ({ reason: 'married', foundBy: 'teacher', foundOn: today, note: 'Her wedding is fixed' }),
  },
  'POST /villages/:villageId/cases/:id/meeting-steps/:itemId': {
    who: 'facilitator',
    page: (w) => `/meetings/${p(w).meetings.live}`,
    url: (w) =>
      `/villages/${p(w).villageId}/cases/${p(w).cases.open}/meeting-steps/${p(w).agendaItems.liveOutOfSchool}`,
    table: 'case_steps',
    kind: 'many',
    form: () => ({ note: 'Her friend says she wants to come back' }),
  },
  'POST /villages/:villageId/cases/:id/steps': {
    who: 'facilitator',
    page: (w) => `/villages/${p(w).villageId}/cases/${p(w).cases.open}/steps/new?kind=family_visit`,
    url: (w) => `/villages/${p(w).villageId}/cases/${p(w).cases.open}/steps`,
    table: 'case_steps',
    kind: 'many',
    form: () => ({ kind: 'family_visit', on: today, note: 'Met the family again' }),
  },
  'POST /villages/:villageId/elections': {
    who: 'facilitator',
    page: (w) => `/villages/${p(w).villageId}/elections/new`,
    url: (w) => `/villages/${p(w).villageId}/elections`,
    table: 'elections',
    kind: 'many',
    form: () => ({
      title: 'By-election',
      termStart: today,
      termEnd: `${Number(today.slice(0, 4)) + 1}-12-31`,
      voterAgeMin: '6',
      voterAgeMax: '18',
      candidateAgeMin: '10',
      candidateAgeMax: '18',
      candidacy: 'age',
    }),
  },
  'POST /elections/:id/contests': {
    who: 'facilitator',
    page: (w) => `/elections/${p(w).elections.draft}/contests/new`,
    url: (w) => `/elections/${p(w).elections.draft}/contests`,
    table: 'contests',
    kind: 'many',
    form: () => ({
      name: 'Ward members',
      seats: '2',
      seatTitles: '',
      maxChoices: '',
      method: 'minimum',
      share: '1/2',
      girlsMinimum: '',
      rounding: 'up',
      protect: 'girls',
      tieBreak: 'girl-first',
      shortfall: 'release',
    }),
  },
  'POST /elections/:id/contests/:contestId/candidates': {
    who: 'facilitator',
    table: 'candidates',
    kind: 'unique',
    page: (w) => `/elections/${p(w).elections.nominations}/contests/${p(w).contests.nominations}/candidates/new`,
    url: (w) => `/elections/${p(w).elections.nominations}/contests/${p(w).contests.nominations}/candidates`,
    form: (w) => ({ childId: String(p(w).bp.Seema), symbol: 'tree' }),
  },
  'POST /elections/:id/paper-counts': {
    who: 'facilitator',
    page: (w) => `/elections/${p(w).elections.open}/paper-counts/new`,
    url: (w) => `/elections/${p(w).elections.open}/paper-counts`,
    table: 'paper_counts',
    kind: 'many',
    form: (w) => {
      const contest = p(w).contests.open[1]
      const form: Form = { contestId: String(contest), ballots: '4', note: 'box 3' }
      for (const c of p(w).candidates.open[contest]) form[`votes_${c}`] = '1'
      return form
    },
  },
  'POST /elections/:id/roll': {
    who: 'facilitator',
    page: (w) => `/elections/${p(w).elections.tablet}/roll/additions`,
    url: (w) => `/elections/${p(w).elections.tablet}/roll`,
    table: 'box_checkoffs',
    kind: 'unique',
    form: (w) => ({
      childId: String(w.t.database.sqlite.prepare("SELECT id FROM children WHERE name = 'Late joiner'").pluck().get()),
    }),
  },
  'POST /villages/:villageId/meetings': {
    who: 'facilitator',
    page: (w) => `/villages/${p(w).villageId}/meetings/new`,
    url: (w) => `/villages/${p(w).villageId}/meetings`,
    table: 'meetings',
    kind: 'many',
    form: () => ({ date: shiftDays(today, 10), time: '16:00', place: 'Chaupal', chairChildId: '', agenda: 'Games' }),
  },
  'POST /meetings/:id/agenda': {
    who: 'facilitator',
    page: (w) => `/meetings/${p(w).meetings.scheduled}`,
    url: (w) => `/meetings/${p(w).meetings.scheduled}/agenda`,
    table: 'agenda_items',
    kind: 'many',
    form: () => ({ title: 'Library books' }),
  },
  'POST /meetings/:id/items/:itemId/actions': {
    who: 'facilitator',
    page: (w) => `/meetings/${p(w).meetings.live}`,
    url: (w) => `/meetings/${p(w).meetings.live}/items/${p(w).agendaItems.live[0]}/actions`,
    table: 'action_points',
    kind: 'many',
    form: () => ({ what: 'Visit the school', who: 'Sunita', byDate: '' }),
  },
  'POST /meetings/:id/amendments': {
    who: 'facilitator',
    page: (w) => `/meetings/${p(w).meetings.closed}`,
    url: (w) => `/meetings/${p(w).meetings.closed}/amendments`,
    table: 'amendments',
    kind: 'many',
    form: () => ({ agendaItemId: '', text: 'Pooja was present too.' }),
  },
  'POST /meetings/:id/resolutions': {
    who: 'facilitator',
    page: (w) => `/meetings/${p(w).meetings.live}/resolutions/new`,
    url: (w) => `/meetings/${p(w).meetings.live}/resolutions`,
    table: 'resolutions',
    kind: 'many',
    form: (w) => ({
      agendaItemId: '',
      title: 'Swings for the anganwadi',
      problem: 'There is nothing to play on.',
      request: 'Put up two swings.',
      addressedTo: 'Sarpanch',
      category: 'play',
      proposerChildId: String(p(w).bp.Sunita),
      seconderChildId: String(p(w).bp.Gopal),
      votesFor: '4',
      votesAgainst: '0',
      votesAbstain: '0',
    }),
  },
  'POST /resolutions/:id/actions': {
    who: 'panchayat',
    page: (w) => `/resolutions/${p(w).resolutions.accepted}`,
    url: (w) => `/resolutions/${p(w).resolutions.accepted}/actions`,
    table: 'responses',
    kind: 'many',
    form: () => ({ on: today, text: 'Work started', evidence: 'photo' }),
  },
  'POST /resolutions/:id/forwarding': {
    who: 'facilitator',
    page: (w) => `/resolutions/${p(w).resolutions.notForwarded}`,
    url: (w) => `/resolutions/${p(w).resolutions.notForwarded}/forwarding`,
    table: 'forwardings',
    kind: 'once',
    form: () => ({ forwardedOn: today, addressedTo: 'Sarpanch, Gram Panchayat Sothana', way: 'letter', note: '' }),
  },
  'POST /resolutions/:id/acknowledgement': {
    who: 'panchayat',
    page: (w) => `/resolutions/${p(w).resolutions.sent}`,
    url: (w) => `/resolutions/${p(w).resolutions.sent}/acknowledgement`,
    table: 'responses',
    kind: 'once',
    form: () => ({ on: today }),
  },
  'POST /resolutions/:id/decision': {
    who: 'panchayat',
    page: (w) => `/resolutions/${p(w).resolutions.received}`,
    url: (w) => `/resolutions/${p(w).resolutions.received}/decision`,
    table: 'responses',
    kind: 'once',
    form: () => ({
      decision: 'referred',
      on: today,
      plan: '',
      targetDate: '',
      referredTo: 'Block education officer',
      reason: '',
      // The decision is made once: its form is shown back, and this is the post that confirms it.
      confirm: 'yes',
    }),
  },
  'POST /resolutions/:id/completion': {
    who: 'panchayat',
    page: (w) => `/resolutions/${p(w).resolutions.accepted}`,
    url: (w) => `/resolutions/${p(w).resolutions.accepted}/completion`,
    table: 'responses',
    kind: 'once',
    form: () => ({ on: today }),
  },
}

/** POST routes that create nothing a double tap could make twice: each with why. */
const NOT_CREATING: Record<string, string> = {
  'POST /setup': 'the first coordinator, only while there is none',
  'POST /login': 'a session',
  'POST /logout': 'ends a session',
  'POST /language': 'a cookie',
  'POST /account/password': 'changes a password',
  'POST /users/:id/password': 'changes a password',
  'POST /users/:id/activation': 'on or off',
  'POST /villages/:id': 'edits',
  'POST /villages/:villageId/children/:id': 'edits',
  'POST /villages/:villageId/children/:id/consent': 'recorded once per child',
  'POST /villages/:villageId/children/:id/consent/withdrawal': 'a state',
  'POST /villages/:villageId/children/:id/departure': 'a state',
  'POST /villages/:villageId/children/:id/return': 'a state',
  'POST /villages/:villageId/children/:id/erasure': 'once',
  'POST /elections/:id': 'edits',
  'POST /elections/:id/contests/:contestId': 'edits',
  'POST /elections/:id/contests/:contestId/removal': 'removes',
  'POST /elections/:id/candidates/:candidateId/withdrawal': 'a state',
  'POST /elections/:id/nominations': 'a stage',
  'POST /elections/:id/poll': 'a stage',
  'POST /elections/:id/closing': 'a stage',
  'POST /elections/:id/publication': 'a stage',
  'POST /elections/:id/paper-counts/:paperCountId/voiding': 'a state',
  'POST /villages/:villageId/bal-panchayat/members/:memberId/departure': 'a state',
  'POST /elections/:id/station': "the tablet's station",
  'POST /elections/:id/station/unlock': 'a state',
  'POST /elections/:id/station/closing': 'a state',
  'POST /elections/:id/station/ballot': 'a ballot in memory',
  'POST /elections/:id/ballot': "cast once by its ballot's own one-time token",
  'POST /elections/:id/ballot/abandonment': 'a state',
  'POST /elections/:id/ballot/presence': 'a time in memory',
  'POST /villages/:villageId/quorum': 'a setting',
  'POST /villages/:villageId/follow-up': 'a setting',
  'POST /meetings/:id': 'edits',
  'POST /meetings/:id/agenda/out-of-school': 'the one item "children not in school": asked again, nothing more',
  'POST /meetings/:id/agenda/:itemId': 'renames',
  'POST /meetings/:id/agenda/:itemId/removal': 'removes',
  'POST /meetings/:id/agenda/:itemId/move': 'moves',
  'POST /meetings/:id/start': 'a stage',
  'POST /meetings/:id/postponement': 'a move (its form carries a key: a double tap moves it once)',
  'POST /meetings/:id/cancellation': 'once',
  'POST /meetings/:id/closing': 'a stage',
  'POST /meetings/:id/attendance/:childId': 'a tick',
  'POST /meetings/:id/guests': 'counts',
  'POST /meetings/:id/items/:itemId/minutes': 'saved by revision',
  'POST /meetings/:id/actions/:actionId/removal': 'removes',
}

let world: World
const clients = new Map<Who, Client>()
beforeAll(async () => {
  world = await buildWorld()
  // A child registered after the tablet poll opened, to be added to its roll.
  const late = await new Client(world.t.app).login(LOGINS.facilitator)
  await late.get(`/villages/${world.papdi.villageId}/children/new`)
  const added = await late.post(`/villages/${world.papdi.villageId}/children`, {
    ...CREATING['POST /villages/:villageId/children'].form(world),
    name: 'Late joiner',
  })
  expect(added.statusCode).toBe(303)
  for (const who of ['admin', 'facilitator', 'panchayat'] as const)
    clients.set(who, await new Client(world.t.app).login(LOGINS[who]))
}, 180_000)
afterAll(async () => world?.t.close())

const rows = (table: string) =>
  world.t.database.sqlite
    .prepare(`SELECT count(*) FROM ${table === 'box_checkoffs' ? 'box.' : ''}"${table}"`)
    .pluck()
    .get() as number

/** The one-time key of the form on the page that posts to `action`. */
function keyOfForm(html: string, action: string): string | null {
  for (const form of html.matchAll(/<form\b[^>]*>[\s\S]*?<\/form>/g)) {
    if (!form[0].includes(`action="${action}"`)) continue
    const key = /name="_key" value="([^"]+)"/.exec(form[0])?.[1]
    if (key) return key
  }
  return null
}

describe('one-time keys on the forms that create something', () => {
  it('every POST route of the app is placed: creating (with a key) or not, on purpose', () => {
    const keys = appRoutes(world.t.app)
      .filter((r) => r.method === 'POST')
      .map((r) => r.key)
    expect(keys.filter((k) => !(k in CREATING) && !(k in NOT_CREATING))).toEqual([])
    expect(Object.keys(CREATING).filter((k) => !keys.includes(k))).toEqual([])
  })

  for (const [route, c] of Object.entries(CREATING)) {
    it(`${route}: the form carries a key; the same key twice makes one, ${c.kind === 'many' ? 'two keys make two' : 'a second key makes no second'}`, async () => {
      const client = clients.get(c.who)!
      const url = c.url(world)
      const firstPage = await client.get(c.page(world))
      expect(firstPage.statusCode, c.page(world)).toBe(200)
      const key = keyOfForm(firstPage.body, url)
      expect(key, `the form posting to ${url} carries a one-time key`).toMatch(/^[A-Za-z0-9_-]{16,}$/)
      const before = rows(c.table)
      const first = await client.post(url, { ...c.form(world), _key: key! })
      expect(first.statusCode, `${url}: ${first.body.slice(0, 300)}`).toBe(303)
      expect(rows(c.table)).toBe(before + 1)
      // A double tap, or the browser resending after the answer was lost: nothing more, the same answer.
      const again = await client.post(url, { ...c.form(world), _key: key! })
      expect([again.statusCode, again.headers.location]).toEqual([first.statusCode, first.headers.location])
      expect(rows(c.table)).toBe(before + 1)
      // The same words sent again from a fresh form: a second record when records may repeat.
      const secondKey = keyOfForm((await client.get(c.page(world))).body, url) ?? 'a-fresh-key-0123456789'
      expect(secondKey).not.toBe(key)
      const second = await client.post(url, { ...c.form(world), _key: secondKey })
      expect(second.statusCode).toBeLessThan(500)
      expect(rows(c.table)).toBe(before + (c.kind === 'many' ? 2 : 1))
    })
  }
})
