// The letter's read-model (resolutions/letter.ts): who signs it (the Bal Panchayat Pradhan on the
// letter's day, by gender only), whether the resolution passed unanimously, and who may print it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { and, eq } from 'drizzle-orm'
import { ctxFor, freshDatabase, seedVillages } from '../helpers/app.ts'
import {
  closedMeetingWithResolutions,
  commonBalPanchayat,
  resolutionForm,
  scheduleInput,
  seatBalPanchayat,
} from '../helpers/meetings.ts'
import { letterPage } from '../../src/resolutions/letter.ts'
import { memberLeaves } from '../../src/elections/bal-panchayat.ts'
import { members } from '../../src/elections/tables.ts'
import { closeMeeting, recordAttendance, scheduleMeeting, startMeeting } from '../../src/meetings/meetings.ts'
import { recordResolution } from '../../src/resolutions/resolutions.ts'
import { resolutionSchema } from '../../src/resolutions/schemas.ts'
import { Forbidden, NotFound } from '../../src/core/errors.ts'
import { todayIso } from '../../src/core/dates.ts'
import type { AppDatabase } from '../../src/db/client.ts'

let database: AppDatabase & { dir: string }
let fx: Awaited<ReturnType<typeof seedVillages>>
let kids: Record<string, number>
let papdi: { meetingId: number; passed: number[]; failed: number }

beforeAll(async () => {
  database = freshDatabase()
  fx = await seedVillages(database)
  kids = seatBalPanchayat(database, fx.users.facilitator, fx.villages.papdi.id, commonBalPanchayat)
  papdi = closedMeetingWithResolutions(database, fx.users.facilitator, fx.villages.papdi.id, kids, 1)
})
afterAll(() => {
  database.close()
})

const rekha = () => ctxFor(database, fx.users.facilitator)

/** A resolution passed at a new meeting of Papdi with the votes given. */
function passedWith(votes: { for: string; against: string; abstain: string }): number {
  const ctx = rekha()
  const meeting = scheduleMeeting(
    ctx,
    fx.villages.papdi.id,
    scheduleInput({ place: `Hall ${votes.for}-${votes.against}-${votes.abstain}` }),
  )
  startMeeting(ctx, meeting.id)
  for (const name of ['Meena', 'Sunita', 'Pooja', 'Ravi', 'Sunil', 'Gopal'])
    recordAttendance(ctx, meeting.id, kids[name], true)
  const form = resolutionForm({
    proposerChildId: String(kids.Sunita),
    seconderChildId: String(kids.Gopal),
    votesFor: votes.for,
    votesAgainst: votes.against,
    votesAbstain: votes.abstain,
  })
  const { id } = recordResolution(ctx, meeting.id, resolutionSchema.parse(form))
  closeMeeting(ctx, meeting.id)
  return id
}

describe('the letter of a passed resolution', () => {
  it('is passed unanimously only when no one voted against and no one abstained', () => {
    expect(letterPage(rekha(), papdi.passed[0]).unanimous).toBe(false) // 5 for, 1 against
    expect(letterPage(rekha(), passedWith({ for: '6', against: '0', abstain: '0' })).unanimous).toBe(true)
    expect(letterPage(rekha(), passedWith({ for: '5', against: '0', abstain: '1' })).unanimous).toBe(false)
  })

  it('is signed by the Pradhan seated on its day, known by gender only', () => {
    const page = letterPage(rekha(), papdi.passed[0])
    expect(page.signedBy).toBe('girl')
    expect(JSON.stringify(page)).not.toContain('"gender"')
  })

  it('has no gendered closing when no Pradhan is seated on its day', () => {
    const seat = database.db
      .select()
      .from(members)
      .where(and(eq(members.childId, kids.Meena), eq(members.seatTitle, 'Pradhan')))
      .get()!
    memberLeaves(rekha(), fx.villages.papdi.id, seat.id, { leftOn: todayIso(), reason: 'moved away' })
    expect(letterPage(rekha(), papdi.passed[0]).signedBy).toBeUndefined()
  })

  it('is not there for a resolution that failed, nor for another village, nor for a Gram Panchayat member', () => {
    expect(() => letterPage(rekha(), papdi.failed)).toThrow(NotFound)
    expect(() => letterPage(ctxFor(database, fx.users.otherFacilitator), papdi.passed[0])).toThrow(NotFound)
    expect(() => letterPage(ctxFor(database, fx.users.panchayat), papdi.passed[0])).toThrow(Forbidden)
    expect(() => letterPage(rekha(), 999_999)).toThrow(NotFound)
  })
})
