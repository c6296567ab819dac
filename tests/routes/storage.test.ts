import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { StorageWatch } from '../../src/web/storage.ts'
import { addContest, createElection, nominate, openNominations } from '../../src/elections/elections.ts'
import { symbols } from '../../src/elections/symbols.ts'
import { translator } from '../../src/i18n/translator.ts'
import { ctxFor, testApp, textOf, type TestApp } from '../helpers/app.ts'
import { contestInput, electionInput, villageChildren } from '../helpers/elections.ts'
import { commonBalPanchayat, scheduleInput, seatBalPanchayat } from '../helpers/meetings.ts'
import { scheduleMeeting } from '../../src/meetings/meetings.ts'

const MB = 1024 * 1024
const hi = translator('hi')
let t: TestApp
let free = 1000 * MB
let electionId: number
let meetingId: number

beforeAll(async () => {
  t = await testApp({ storage: new StorageWatch(() => free, 200 * MB, Date.now, 0) })
  const papdi = t.fx.villages.papdi.id
  const ctx = ctxFor(t.database, t.fx.users.facilitator)
  seatBalPanchayat(t.database, t.fx.users.facilitator, papdi, commonBalPanchayat)
  const kids = villageChildren(t.database, t.fx.users.facilitator, papdi, [
    ['Asha', 'girl'],
    ['Bhola', 'boy'],
  ])
  electionId = createElection(ctx, papdi, electionInput({ title: 'Room election' })).id
  const contest = addContest(ctx, electionId, contestInput({ seats: '1' })).id
  openNominations(ctx, electionId)
  nominate(ctx, electionId, contest, { childId: kids.Asha, symbol: symbols[0] })
  meetingId = scheduleMeeting(ctx, papdi, scheduleInput({ place: 'Chaupal' })).id
})
afterAll(async () => t.close())

describe('the box running out of storage', () => {
  it('the health check keeps its contract while there is room, and says "low" or "full" when not', async () => {
    free = 1000 * MB
    expect(JSON.parse((await t.app.inject('/health')).body)).toEqual({ status: 'ok' })
    free = 150 * MB
    expect(JSON.parse((await t.app.inject('/health')).body)).toEqual({ status: 'ok', storage: 'low' })
    free = 100 * 1024
    expect(JSON.parse((await t.app.inject('/health')).body)).toEqual({ status: 'ok', storage: 'full' })
  })

  it('staff see a warning with the megabytes left on their start page and the meeting page; nobody logged out does', async () => {
    const facilitator = await t.agent().login('rekha')
    const start = (await facilitator.get('/')).headers.location as string
    free = 1000 * MB
    expect(textOf((await facilitator.get(start)).body)).not.toContain(hi('errors.storageLow', { mb: 1000 }))
    free = 150 * MB
    for (const url of [start, `/meetings/${meetingId}`]) {
      const page = await facilitator.get(url)
      expect(page.statusCode, url).toBe(200)
      expect(textOf(page.body), url).toContain(hi('errors.storageLow', { mb: 150 }))
    }
    expect(textOf((await t.agent().get('/login')).body)).not.toContain('MB')
  })

  it('opening a poll is refused when the disk could not hold its box several times over, and nothing changes', async () => {
    const facilitator = await t.agent().login('rekha')
    await facilitator.get(`/elections/${electionId}`)
    free = 512 * 1024
    const refused = await facilitator.post(`/elections/${electionId}/poll`)
    expect(refused.statusCode).toBe(409)
    expect(textOf(refused.body)).toContain(hi('elections.noRoomForBox', { needed: 2, free: 0 }))
    const stage = t.database.sqlite
      .prepare('SELECT count(*) FROM box.box_checkoffs WHERE election_id = ?')
      .pluck()
      .get(electionId)
    expect(stage).toBe(0)
    free = 1000 * MB
    expect((await facilitator.post(`/elections/${electionId}/poll`)).statusCode).toBe(303)
    expect(
      t.database.sqlite.prepare('SELECT count(*) FROM box.box_checkoffs WHERE election_id = ?').pluck().get(electionId),
    ).toBeGreaterThan(0)
  })
})
