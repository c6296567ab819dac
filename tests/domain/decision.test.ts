// The one-time decision is checked before it is confirmed (checkDecision) and the board shows a late answer as late.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ctxFor, freshDatabase, seedVillages } from '../helpers/app.ts'
import { closedMeetingWithResolutions, commonBalPanchayat, seatBalPanchayat } from '../helpers/meetings.ts'
import {
  acknowledgeResolution,
  board,
  checkDecision,
  decideResolution,
  forwardResolution,
  getJourney,
} from '../../src/resolutions/journeys.ts'
import { responses } from '../../src/resolutions/tables.ts'
import { auditLog } from '../../src/audit/tables.ts'
import { Conflict, Forbidden, InvalidInput } from '../../src/core/errors.ts'
import { todayIso } from '../../src/core/dates.ts'
import type { AppDatabase } from '../../src/db/client.ts'
import type { StaffCtx } from '../../src/web/context.ts'

let database: AppDatabase & { dir: string }
let fx: Awaited<ReturnType<typeof seedVillages>>
let rekha: StaffCtx
let sarpanch: StaffCtx
let ids: { passed: number[]; failed: number }
beforeAll(async () => {
  database = freshDatabase()
  fx = await seedVillages(database)
  rekha = ctxFor(database, fx.users.facilitator)
  sarpanch = ctxFor(database, fx.users.panchayat)
  const kids = seatBalPanchayat(database, fx.users.facilitator, fx.villages.papdi.id, commonBalPanchayat, daysAgo(90))
  ids = closedMeetingWithResolutions(database, fx.users.facilitator, fx.villages.papdi.id, kids, 3, daysAgo(60))
})
afterAll(() => database.close())

function daysAgo(n: number) {
  return new Date(Date.now() - n * 86_400_000 + 5.5 * 3_600_000).toISOString().slice(0, 10)
}
const today = todayIso()
const forward = (id: number, on: string) =>
  forwardResolution(rekha, id, { forwardedOn: on, addressedTo: 'Sarpanch, GP Sothana', way: 'gram_sabha', note: '' })
const written = () => ({
  responses: database.db.select().from(responses).all().length,
  audit: database.db.select().from(auditLog).all().length,
})
const refusal = (fn: () => unknown) => {
  try {
    fn()
  } catch (e) {
    return e
  }
  throw new Error('was not refused')
}

describe('checking a decision before it is confirmed', () => {
  it('accepts what deciding would accept, and writes nothing', () => {
    forward(ids.passed[0], daysAgo(5))
    acknowledgeResolution(sarpanch, ids.passed[0], daysAgo(4))
    const before = written()
    const found = checkDecision(sarpanch, ids.passed[0], {
      decision: 'accepted',
      on: today,
      text: 'A toilet with water',
      targetDate: daysAgo(-60),
    })
    expect(found.journey.id).toBe(ids.passed[0])
    expect(written()).toEqual(before)
    expect(getJourney(rekha, ids.passed[0]).journey.status).toBe('received')
  })

  it('refuses what deciding would refuse, with the same message', () => {
    const bad = { decision: 'accepted' as const, on: today, text: 'Build it', targetDate: daysAgo(1) }
    const checked = refusal(() => checkDecision(sarpanch, ids.passed[0], bad)) as InvalidInput
    const decided = refusal(() => decideResolution(sarpanch, ids.passed[0], bad)) as InvalidInput
    expect(checked).toBeInstanceOf(InvalidInput)
    expect(checked.fields).toEqual({ targetDate: { key: 'v.targetPast' } })
    expect(decided.fields).toEqual(checked.fields)
    const early = { decision: 'declined' as const, on: daysAgo(10), text: 'No money', targetDate: null }
    expect((refusal(() => checkDecision(sarpanch, ids.passed[0], early)) as InvalidInput).fields.on?.key).toBe(
      'v.beforeForwarding',
    )
    expect(refusal(() => checkDecision(rekha, ids.passed[0], early))).toBeInstanceOf(Forbidden)
  })

  it('refuses a second decision once one is recorded', () => {
    decideResolution(sarpanch, ids.passed[0], { decision: 'referred', on: today, text: 'BEO', targetDate: null })
    const again = refusal(() =>
      checkDecision(sarpanch, ids.passed[0], { decision: 'declined', on: today, text: 'No', targetDate: null }),
    ) as Conflict
    expect(again).toBeInstanceOf(Conflict)
    expect(again.messageKey).toBe('answers.alreadyDecided')
  })
})

describe('the board shows a late answer as late', () => {
  it('marks a resolution not acknowledged in time, and one acknowledged but not decided in time', () => {
    forward(ids.passed[1], daysAgo(20))
    forward(ids.passed[2], daysAgo(40))
    acknowledgeResolution(sarpanch, ids.passed[2], daysAgo(35))
    const cards = new Map(board(database.db, fx.villages.papdi).map((c) => [c.id, c]))
    expect(cards.get(ids.passed[1])).toMatchObject({ status: 'sent', overdue: 'acknowledge' })
    expect(cards.get(ids.passed[2])).toMatchObject({ status: 'received', overdue: 'decide' })
    expect(cards.get(ids.passed[0])).toMatchObject({ status: 'referred', overdue: null })
  })
})
