import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PASSWORD } from '../helpers/app.ts'
import { Client } from './client.ts'
import { buildWorld, LOGINS, type World } from './world.ts'

/** The 5xx the fuzz found, each pinned down so it stays fixed whatever the seed. */
let world: World
let rekha: Client
beforeAll(async () => {
  world = await buildWorld()
  rekha = await new Client(world.t.app).login(LOGINS.facilitator)
}, 120_000)
afterAll(async () => {
  await world?.t.close()
})

describe('what the fuzz found', () => {
  it('an agenda too long to schedule is a form error, not a crash', async () => {
    const res = await rekha.post(`/villages/${world.papdi.villageId}/meetings`, {
      date: '2030-01-01',
      time: '16:00',
      place: 'School',
      chairChildId: '',
      agenda: 'x'.repeat(4001),
    })
    expect(res.statusCode).toBe(422)
    expect(res.body).toContain('4000')
  })

  it('seat titles too long are a form error, on the form and on the live rule sentence', async () => {
    const form = {
      name: 'Members',
      seats: '3',
      seatTitles: 'x'.repeat(2001),
      maxChoices: '',
      method: 'minimum',
      share: '1/2',
      girlsMinimum: '',
      rounding: 'up',
      protect: 'girls',
      tieBreak: 'girl-first',
      shortfall: 'release',
    }
    const election = world.papdi.elections.draft
    expect((await rekha.post(`/elections/${election}/contests`, form)).statusCode).toBe(422)
    expect((await rekha.post(`/elections/${election}/contests/${world.papdi.contests.draft}`, form)).statusCode).toBe(
      422,
    )
    expect((await rekha.get(`/elections/${election}/contests/rule?${new URLSearchParams(form)}`)).statusCode).toBe(200)
  })

  it('a way back that cannot go into a Location header is not followed', async () => {
    const visitor = new Client(world.t.app)
    await visitor.get('/login')
    for (const back of ['/\u0001', '/\u007f', '/मीना', '/\u202e', '/a\u0000b', '/é']) {
      const res = await visitor.post('/language', { lang: 'en', back })
      expect(res.statusCode, JSON.stringify(back)).toBe(303)
      expect(res.headers.location).toBe('/')
    }
    const login = await visitor.post('/login', {
      username: LOGINS.facilitator,
      password: PASSWORD,
      next: '/villages/\u00e9',
    })
    expect(login.statusCode).toBe(303)
    expect(login.headers.location).toBe('/')
  })
})
