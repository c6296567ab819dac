import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq, sql } from 'drizzle-orm'
import { ctxFor, freshDatabase, seedVillages } from '../helpers/app.ts'
import { commonBalPanchayat, resolutionForm, scheduleInput, seatBalPanchayat } from '../helpers/meetings.ts'
import {
  addActionPoint,
  addAgendaItem,
  addAmendment,
  agendaOf,
  attendanceRecord,
  balPanchayatOn,
  closeMeeting,
  getMeeting,
  meetingQuorum,
  minutesOf,
  moveAgendaItem,
  recordAttendance,
  removeAgendaItem,
  saveMinutes,
  scheduleMeeting,
  setQuorumRule,
  startMeeting,
} from '../../src/meetings/meetings.ts'
import { recordResolution, resolutionsOf } from '../../src/resolutions/resolutions.ts'
import { resolutionSchema } from '../../src/resolutions/schemas.ts'
import { auditLog } from '../../src/audit/tables.ts'
import { resolutions } from '../../src/resolutions/tables.ts'
import { minutes } from '../../src/meetings/tables.ts'
import { Conflict, InvalidInput, NotFound, Forbidden } from '../../src/core/errors.ts'
import type { AppDatabase } from '../../src/db/client.ts'
import type { StaffCtx } from '../../src/web/context.ts'

let database: AppDatabase & { dir: string }
let rekha: StaffCtx
let kamla: StaffCtx
let kids: Record<string, number>
let fx: Awaited<ReturnType<typeof seedVillages>>
beforeAll(async () => {
  database = freshDatabase()
  fx = await seedVillages(database)
  rekha = ctxFor(database, fx.users.facilitator)
  kamla = ctxFor(database, fx.users.otherFacilitator)
  kids = seatBalPanchayat(database, fx.users.facilitator, fx.villages.papdi.id, commonBalPanchayat)
})
afterAll(() => database.close())

const papdi = () => fx.villages.papdi.id
const audits = (action: string) =>
  database.db.select({ n: sql<number>`count(*)` }).from(auditLog).where(eq(auditLog.action, action)).get()!.n
const refusal = (fn: () => unknown) => {
  try {
    fn()
  } catch (e) {
    return e
  }
  throw new Error('was not refused')
}
const tick = (meetingId: number, ...names: string[]) =>
  names.forEach((n) => recordAttendance(rekha, meetingId, kids[n], true))
const vote = (over: Record<string, string>) => resolutionSchema.parse(resolutionForm(over))
let rooms = 0
const meetingInput = (over: Record<string, string> = {}) => scheduleInput({ place: `Room ${++rooms}`, ...over })

describe('scheduling a meeting', () => {
  it('numbers meetings in the village, makes the Pradhan the chair, and keeps the agenda in order', () => {
    const a = scheduleMeeting(rekha, papdi(), scheduleInput())
    // The same meeting asked for twice is two meetings: a double tap is caught by the form's key (routes), not guessed here.
    const same = scheduleMeeting(rekha, papdi(), scheduleInput())
    expect(same.number).toBe(a.number + 1)
    const b = scheduleMeeting(rekha, papdi(), meetingInput({ agenda: '', time: '17:00' }))
    expect(b.number).toBe(a.number + 2)
    expect(a.chairChildId).toBe(kids.Meena)
    expect(agendaOf(database.db, a.id).map((i) => i.title)).toEqual([
      'Hand pump in ward 2',
      'Girls toilet at the school',
    ])
    expect(audits('meeting.scheduled')).toBeGreaterThanOrEqual(2)
  })

  it('sees the Bal Panchayat once per child, the Pradhan first', () => {
    const bp = balPanchayatOn(database.db, papdi(), scheduleInput().date)
    expect(bp).toHaveLength(10)
    expect(bp[0]).toMatchObject({ childId: kids.Meena, seatTitle: 'Pradhan' })
  })

  it('refuses a chair who is not a member, and another village’s facilitator', () => {
    expect(refusal(() => scheduleMeeting(rekha, papdi(), meetingInput({ chairChildId: '999' })))).toBeInstanceOf(
      InvalidInput,
    )
    expect(refusal(() => scheduleMeeting(kamla, papdi(), meetingInput()))).toBeInstanceOf(NotFound)
  })

  it('refuses a village that has no Bal Panchayat yet', () => {
    const e = refusal(() => scheduleMeeting(kamla, fx.villages.bhangdoli.id, meetingInput())) as InvalidInput
    expect(e.fields._form?.key).toBe('meetings.noBalPanchayat')
  })

  it('lets the agenda be added to, moved and trimmed until the meeting starts, and not after', () => {
    const m = scheduleMeeting(rekha, papdi(), meetingInput({ agenda: 'One\nTwo\nThree' }))
    addAgendaItem(rekha, m.id, 'Four')
    const [one, , three] = agendaOf(database.db, m.id)
    moveAgendaItem(rekha, m.id, three.id, 'up')
    moveAgendaItem(rekha, m.id, one.id, 'up')
    removeAgendaItem(rekha, m.id, one.id)
    expect(agendaOf(database.db, m.id).map((i) => i.title)).toEqual(['Three', 'Two', 'Four'])
    startMeeting(rekha, m.id)
    startMeeting(rekha, m.id)
    expect(refusal(() => addAgendaItem(rekha, m.id, 'Five'))).toBeInstanceOf(Conflict)
    expect(agendaOf(database.db, m.id)).toHaveLength(3)
  })
})

describe('holding a meeting', () => {
  let id: number
  beforeAll(() => {
    id = scheduleMeeting(rekha, papdi(), meetingInput()).id
    startMeeting(rekha, id)
  })

  it('meets its quorum only when enough members, and enough girls among them, are ticked', () => {
    tick(id, 'Ravi', 'Sunil', 'Gopal', 'Mukesh', 'Meena')
    expect(meetingQuorum(database.db, getMeeting(rekha, id).meeting)).toMatchObject({
      present: 5,
      girlsPresent: 1,
      membersMet: true,
      girlsMet: false,
      met: false,
    })
    tick(id, 'Sunita')
    expect(meetingQuorum(database.db, getMeeting(rekha, id).meeting)).toMatchObject({
      present: 6,
      girlsPresent: 2,
      met: true,
    })
    recordAttendance(rekha, id, kids.Sunita, true)
    expect(audits('attendance.present')).toBe(6)
  })

  it('refuses a resolution whose proposer was not ticked present, or whose votes exceed those present', () => {
    const before = database.db.select({ n: sql<number>`count(*)` }).from(resolutions).get()!.n
    const absent = refusal(() =>
      recordResolution(rekha, id, vote({ proposerChildId: String(kids.Pooja), seconderChildId: String(kids.Ravi) })),
    ) as InvalidInput
    expect(absent.fields.proposerChildId?.key).toBe('v.notPresent')
    const many = refusal(() =>
      recordResolution(
        rekha,
        id,
        vote({
          proposerChildId: String(kids.Meena),
          seconderChildId: String(kids.Ravi),
          votesFor: '5',
          votesAgainst: '1',
          votesAbstain: '1',
        }),
      ),
    ) as InvalidInput
    expect(many.fields.votesFor).toEqual({ key: 'v.moreVotesThanPresent', params: { n: 6, count: 6 } })
    expect(database.db.select({ n: sql<number>`count(*)` }).from(resolutions).get()!.n).toBe(before)
  })

  it('numbers a passed resolution village/year/serial and leaves a failed one without a number', () => {
    const passed = recordResolution(
      rekha,
      id,
      vote({
        proposerChildId: String(kids.Meena),
        seconderChildId: String(kids.Ravi),
        votesFor: '4',
        votesAgainst: '1',
        votesAbstain: '1',
      }),
    )
    const failed = recordResolution(
      rekha,
      id,
      vote({
        title: 'Cricket ground',
        category: 'play',
        proposerChildId: String(kids.Sunil),
        seconderChildId: String(kids.Gopal),
        votesFor: '2',
        votesAgainst: '3',
        votesAbstain: '1',
      }),
    )
    const year = new Date().getFullYear()
    expect(passed.number).toMatch(new RegExp(`^Papdi/${year}/\\d+$`))
    expect(failed.number).toBeNull()
    const again = recordResolution(
      rekha,
      id,
      vote({ proposerChildId: String(kids.Meena), seconderChildId: String(kids.Sunita), votesFor: '5' }),
    )
    expect(again.serial).toBe(passed.serial! + 1)
    expect(resolutionsOf(database.db, id).map((r) => [r.proposer, r.passed])).toEqual([
      ['Meena', true],
      ['Sunil', false],
      ['Meena', true],
    ])
  })

  it('records two resolutions with the same words as two, each with its number: nothing is guessed from content', () => {
    const form = vote({
      title: 'Swings for the anganwadi',
      category: 'play',
      proposerChildId: String(kids.Gopal),
      seconderChildId: String(kids.Mukesh),
      votesFor: '4',
      votesAgainst: '0',
    })
    const first = recordResolution(rekha, id, form)
    const second = recordResolution(rekha, id, form)
    expect(second.id).not.toBe(first.id)
    expect(second.serial).toBe(first.serial! + 1)
    expect(resolutionsOf(database.db, id).filter((r) => r.title === 'Swings for the anganwadi')).toHaveLength(2)
  })

  it('saves minutes as they are typed, one revision per change, and refuses a save from a stale revision', () => {
    const [item] = agendaOf(database.db, id)
    const first = saveMinutes(rekha, id, item.id, {
      discussion: 'The pump in ward 2 has been broken for a month.',
      decisions: '',
      revision: 0,
    })
    const same = saveMinutes(rekha, id, item.id, {
      discussion: 'The pump in ward 2 has been broken for a month.',
      decisions: '',
      revision: 0,
    })
    expect(same.revision).toBe(first.revision)
    const second = saveMinutes(rekha, id, item.id, {
      discussion: 'The pump in ward 2 has been broken for a month.',
      decisions: 'Write to the Sarpanch.',
      revision: 1,
    })
    expect(second.revision).toBe(2)
    expect(
      refusal(() => saveMinutes(rekha, id, item.id, { discussion: 'An older text', decisions: '', revision: 1 })),
    ).toBeInstanceOf(Conflict)
    expect(minutesOf(database.db, id)[0]).toMatchObject({ decisions: 'Write to the Sarpanch.', revision: 2 })
  })

  it('refuses an action point due before the meeting', () => {
    const [item] = agendaOf(database.db, id)
    expect(
      refusal(() => addActionPoint(rekha, id, item.id, { what: 'Visit the pump', who: 'Ravi', byDate: '2001-01-01' })),
    ).toBeInstanceOf(InvalidInput)
    addActionPoint(rekha, id, item.id, { what: 'Visit the pump', who: 'Ravi and Meena', byDate: null })
  })

  it('freezes the minutes when closed: edits are refused, amendments are added with their date', () => {
    closeMeeting(rekha, id)
    closeMeeting(rekha, id)
    const [item] = agendaOf(database.db, id)
    const before = database.db.select().from(minutes).where(eq(minutes.agendaItemId, item.id)).get()
    expect(refusal(() => saveMinutes(rekha, id, item.id, { discussion: 'rewritten', decisions: '' }))).toBeInstanceOf(
      Conflict,
    )
    expect(refusal(() => recordAttendance(rekha, id, kids.Pooja, true))).toBeInstanceOf(Conflict)
    expect(
      refusal(() =>
        recordResolution(rekha, id, vote({ proposerChildId: String(kids.Meena), seconderChildId: String(kids.Ravi) })),
      ),
    ).toBeInstanceOf(Conflict)
    addAmendment(rekha, id, { agendaItemId: item.id, text: 'The pump is in ward 3, not ward 2.' })
    expect(database.db.select().from(minutes).where(eq(minutes.agendaItemId, item.id)).get()).toEqual(before)
    expect(audits('minutes.amended')).toBe(1)
    expect(audits('meeting.closed')).toBe(1)
  })

  it('keeps each member’s attendance over the term', () => {
    const record = attendanceRecord(rekha, papdi())
    expect(record.find((m) => m.childId === kids.Meena)).toMatchObject({ meetings: 1, present: 1 })
    expect(record.find((m) => m.childId === kids.Pooja)).toMatchObject({ meetings: 1, present: 0 })
  })
})

describe('a meeting without its quorum', () => {
  it('takes minutes but passes no resolution', () => {
    const m = scheduleMeeting(rekha, papdi(), meetingInput())
    startMeeting(rekha, m.id)
    tick(m.id, 'Ravi', 'Sunil', 'Gopal')
    const [item] = agendaOf(database.db, m.id)
    saveMinutes(rekha, m.id, item.id, { discussion: 'Few came because of the harvest.', decisions: '' })
    const e = refusal(() =>
      recordResolution(
        rekha,
        m.id,
        vote({
          proposerChildId: String(kids.Ravi),
          seconderChildId: String(kids.Sunil),
          votesFor: '3',
          votesAgainst: '0',
        }),
      ),
    ) as InvalidInput
    expect(e.fields._form?.key).toBe('resolutions.noQuorum')
  })

  it('uses the rule fixed when it started, not a later change', () => {
    const m = scheduleMeeting(rekha, papdi(), meetingInput())
    startMeeting(rekha, m.id)
    setQuorumRule(rekha, papdi(), { members: '1/4', girls: 'none' })
    tick(m.id, 'Ravi', 'Sunil', 'Gopal')
    expect(meetingQuorum(database.db, getMeeting(rekha, m.id).meeting).met).toBe(false)
    const later = scheduleMeeting(rekha, papdi(), meetingInput())
    startMeeting(rekha, later.id)
    tick(later.id, 'Ravi', 'Sunil', 'Gopal')
    expect(meetingQuorum(database.db, getMeeting(rekha, later.id).meeting).met).toBe(true)
    setQuorumRule(rekha, papdi(), { members: '1/2', girls: '1/3' })
  })

  it('is not open to a Gram Panchayat member', () => {
    const m = scheduleMeeting(rekha, papdi(), meetingInput())
    expect(refusal(() => getMeeting(ctxFor(database, fx.users.panchayat), m.id))).toBeInstanceOf(Forbidden)
  })
})
