import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { ctxFor, freshDatabase, seedVillages } from '../helpers/app.ts'
import { commonBalPanchayat, scheduleInput, seatBalPanchayat } from '../helpers/meetings.ts'
import { addChild } from '../../src/people/children.ts'
import type { ChildInput } from '../../src/people/schemas.ts'
import { addDays } from '../../src/cases/machine.ts'
import {
  addStep,
  casePage,
  casesForMeeting,
  firstName,
  openCase,
  raiseAtMeeting,
  villageCases,
} from '../../src/cases/cases.ts'
import { caseSchema, meetingStepSchema, stepSchema } from '../../src/cases/schemas.ts'
import { caseSteps } from '../../src/cases/tables.ts'
import {
  addAgendaItem,
  addOutOfSchoolItem,
  agendaOf,
  renameAgendaItem,
  scheduleMeeting,
  startMeeting,
} from '../../src/meetings/meetings.ts'
import { bornYearsBefore, todayIso } from '../../src/core/dates.ts'
import { Conflict, NotFound } from '../../src/core/errors.ts'
import { seedDemo } from '../../src/demo/seed.ts'
import { users } from '../../src/accounts/tables.ts'

let database: ReturnType<typeof freshDatabase>
let fx: Awaited<ReturnType<typeof seedVillages>>
let papdi: number
beforeEach(async () => {
  database = freshDatabase()
  fx = await seedVillages(database)
  papdi = fx.villages.papdi.id
})
afterEach(() => database.close())

const keeper = () => ctxFor(database, fx.users.facilitator)
const daysAgo = (n: number) => addDays(todayIso(), -n)

const child = (villageId: number, name: string, ward: string, over: Partial<ChildInput> = {}) =>
  addChild(
    villageId === papdi ? keeper() : ctxFor(database, fx.users.otherFacilitator),
    villageId,
    {
      name,
      gender: 'girl',
      dateOfBirth: bornYearsBefore(11),
      ward,
      school: '',
      schoolClass: '',
      inSchool: false,
      outOfSchoolReason: 'working',
      guardianName: 'Kalu Bairwa',
      guardianPhone: '9876543210',
      ...over,
    },
    null,
  ).id

const atTheKiln = (foundOn = daysAgo(20)) =>
  caseSchema.parse({
    reason: 'working',
    workPlace: 'brick_kiln',
    foundBy: 'facilitator',
    foundOn,
    note: 'Carries bricks at the kiln on the Alwar road',
  })

/** A meeting of Papdi with the item "children not in school"; started when asked. */
function meetingWithItem(start: boolean, date = todayIso()) {
  const ctx = keeper()
  seatBalPanchayat(database, fx.users.facilitator, papdi, commonBalPanchayat, daysAgo(200))
  const meeting = scheduleMeeting(ctx, papdi, scheduleInput({ date }))
  addOutOfSchoolItem(ctx, meeting.id, 'स्कूल से बाहर बच्चे')
  const item = agendaOf(database.db, meeting.id).find((i) => i.kind === 'out_of_school')!
  if (start)
    startMeeting(
      ctx,
      meeting.id,
      date === todayIso() ? undefined : { way: 'paper', heldOn: date, from: '16:00', until: '17:00', reason: '' },
    )
  return { meeting, item }
}

describe('the agenda item "children not in school"', () => {
  it('a meeting takes it once, and it cannot be renamed', () => {
    const { meeting, item } = meetingWithItem(false)
    addOutOfSchoolItem(keeper(), meeting.id, 'स्कूल से बाहर बच्चे')
    addAgendaItem(keeper(), meeting.id, 'Hand pump')
    const kinds = agendaOf(database.db, meeting.id).map((i) => i.kind)
    expect(kinds.filter((k) => k === 'out_of_school')).toHaveLength(1)
    expect(() => renameAgendaItem(keeper(), meeting.id, item.id, 'Something else')).toThrow(Conflict)
  })

  it('lists the village’s open cases (children out of school) by first name and ward only: not the enrolled, not the closed', () => {
    const { item } = meetingWithItem(false)
    const pinki = child(papdi, 'Pinki Bairwa', '2')
    const sonu = child(papdi, 'Sonu Meena', '4')
    const closed = child(papdi, 'Kajal Saini', '1')
    const enrolled = child(papdi, 'Ravina Jat', '3')
    openCase(keeper(), papdi, pinki, atTheKiln())
    openCase(keeper(), papdi, sonu, atTheKiln())
    const back = openCase(keeper(), papdi, enrolled, atTheKiln())
    addStep(
      keeper(),
      papdi,
      back.id,
      stepSchema.parse({ kind: 'enrolled', on: daysAgo(3), school: 'GUPS Papdi', schoolClass: '5' }),
    )
    const done = openCase(keeper(), papdi, closed, atTheKiln(daysAgo(30)))
    addStep(
      keeper(),
      papdi,
      done.id,
      stepSchema.parse({ kind: 'closed', on: daysAgo(2), closeReason: 'moved_away', note: 'Went to Jaipur' }),
    )
    const listed = casesForMeeting(keeper(), papdi, item.id)!
    expect(listed.cases.map((c) => [c.firstName, c.ward])).toEqual([
      ['Pinki', '2'],
      ['Sonu', '4'],
    ])
    // Nothing else of the child: no surname, no reason, no guardian, no note.
    for (const c of listed.cases) expect(Object.keys(c).sort()).toEqual(['caseId', 'firstName', 'open', 'said', 'ward'])
    expect(JSON.stringify(listed)).not.toMatch(/Bairwa|Meena|Kalu|9876543210|kiln|working/)
  })

  it('is scoped to the village: another village’s cases are not listed, and only the village’s facilitators and the coordinators get a list', () => {
    const { item } = meetingWithItem(false)
    openCase(keeper(), papdi, child(papdi, 'Pinki Bairwa', '2'), atTheKiln())
    const elsewhere = child(fx.villages.bhangdoli.id, 'Radha Gurjar', '3')
    openCase(ctxFor(database, fx.users.otherFacilitator), fx.villages.bhangdoli.id, elsewhere, atTheKiln())
    expect(casesForMeeting(keeper(), papdi, item.id)!.cases.map((c) => c.firstName)).toEqual(['Pinki'])
    expect(casesForMeeting(ctxFor(database, fx.users.admin), papdi, item.id)!.cases.map((c) => c.firstName)).toEqual([
      'Pinki',
    ])
    expect(casesForMeeting(ctxFor(database, fx.users.otherFacilitator), papdi, item.id)).toBeNull()
    expect(casesForMeeting(ctxFor(database, fx.users.panchayat), papdi, item.id)).toBeNull()
    // The item of another village's meeting is not Papdi's item.
    expect(() =>
      casesForMeeting(ctxFor(database, fx.users.otherFacilitator), fx.villages.bhangdoli.id, item.id),
    ).toThrow(NotFound)
  })

  it('a case found after the meeting’s day is not listed at it', () => {
    const { item } = meetingWithItem(true, daysAgo(10))
    openCase(keeper(), papdi, child(papdi, 'Pinki Bairwa', '2'), atTheKiln(daysAgo(12)))
    openCase(keeper(), papdi, child(papdi, 'Sonu Meena', '4'), atTheKiln(daysAgo(3)))
    expect(casesForMeeting(keeper(), papdi, item.id)!.cases.map((c) => c.firstName)).toEqual(['Pinki'])
  })
})

describe('what the members said, written as a step', () => {
  it('is a step raised with the Bal Panchayat, dated the meeting’s day and linked to the item; the case page names the meeting', () => {
    const { meeting, item } = meetingWithItem(true, daysAgo(4))
    const kase = openCase(keeper(), papdi, child(papdi, 'Pinki Bairwa', '2'), atTheKiln())
    const step = raiseAtMeeting(
      keeper(),
      papdi,
      kase.id,
      item.id,
      meetingStepSchema.parse({ note: 'Her brother says she wants to come back' }),
    )
    expect(step).toMatchObject({ kind: 'raised_bal_panchayat', on: daysAgo(4), agendaItemId: item.id })
    const listed = casesForMeeting(keeper(), papdi, item.id)!
    expect(listed.cases[0].said).toEqual([
      { id: step.id, on: daysAgo(4), note: 'Her brother says she wants to come back' },
    ])
    const page = casePage(keeper(), papdi, kase.id)
    expect(page.steps.at(-1)?.agendaItem).toMatchObject({ id: item.id, meetingId: meeting.id, date: daysAgo(4) })
    // Enrolled since: still on the item, with what was said, and no more form.
    addStep(
      keeper(),
      papdi,
      kase.id,
      stepSchema.parse({ kind: 'enrolled', on: daysAgo(1), school: 'GUPS Papdi', schoolClass: '5' }),
    )
    expect(casesForMeeting(keeper(), papdi, item.id)!.cases).toMatchObject([{ caseId: kase.id, open: false }])
  })

  it('is refused before the meeting starts, on another item, for another village’s staff, or with no words', () => {
    const { item } = meetingWithItem(false)
    const kase = openCase(keeper(), papdi, child(papdi, 'Pinki Bairwa', '2'), atTheKiln())
    const said = meetingStepSchema.parse({ note: 'She works at the kiln' })
    expect(() => raiseAtMeeting(keeper(), papdi, kase.id, item.id, said)).toThrow(Conflict)
    const plain = agendaOf(database.db, item.meetingId).find((i) => i.kind === 'item')!
    expect(() => raiseAtMeeting(keeper(), papdi, kase.id, plain.id, said)).toThrow(NotFound)
    expect(() => raiseAtMeeting(ctxFor(database, fx.users.otherFacilitator), papdi, kase.id, item.id, said)).toThrow(
      NotFound,
    )
    expect(meetingStepSchema.safeParse({ note: '  ' }).success).toBe(false)
    expect(database.db.select().from(caseSteps).all()).toEqual([])
  })

  it('a refusal about the day (a later step of the case) is the form’s, and nothing is written', () => {
    const { item } = meetingWithItem(true, daysAgo(10))
    const kase = openCase(keeper(), papdi, child(papdi, 'Pinki Bairwa', '2'), atTheKiln())
    addStep(
      keeper(),
      papdi,
      kase.id,
      stepSchema.parse({ kind: 'family_visit', on: daysAgo(2), note: 'Met her mother' }),
    )
    try {
      raiseAtMeeting(keeper(), papdi, kase.id, item.id, { note: 'She works at the kiln' })
      expect.unreachable()
    } catch (e) {
      expect((e as { fields: Record<string, unknown> }).fields).toEqual({
        _form: { key: 'cases.refusal.before_previous' },
      })
    }
    expect(database.db.select().from(caseSteps).all()).toHaveLength(1)
  })

  it('first names are the first word of the name', () => {
    expect(firstName('  पिंकी  बैरवा ')).toBe('पिंकी')
    expect(firstName('Sonu')).toBe('Sonu')
  })
})

describe('the demo village’s cases', () => {
  it('has a case at every stage, an overdue 30-day check, and one child out of school whom no one follows', async () => {
    const demo = await seedDemo(database.db)
    const facilitator = database.db.select().from(users).where(eq(users.username, 'facilitator')).get()!
    const ctx = ctxFor(database, { ...facilitator, role: 'facilitator', villageId: demo.villageId })
    const { cases, unfollowed } = villageCases(ctx, demo.villageId)
    const pages = cases.map((c) => casePage(ctx, demo.villageId, c.id))
    const kinds = (p: (typeof pages)[number]) => p.steps.map((s) => s.kind)
    const today = todayIso()

    expect(unfollowed).toHaveLength(1)
    expect(cases.filter((c) => c.overdue === 30)).toHaveLength(1)
    expect(cases[0].overdue).toBe(30)
    // Open, just found at the brick kiln; a family visited.
    expect(
      pages.some(
        (p) => p.kase.workPlace === 'brick_kiln' && p.steps.length === 0 && p.kase.foundOn === addDays(today, -2),
      ),
    ).toBe(true)
    expect(pages.some((p) => p.state.status === 'open' && kinds(p).join() === 'family_visit')).toBe(true)
    // Spoken of at the last meeting's item "children not in school", which the case page links.
    const raised = pages.filter((p) => kinds(p).includes('raised_bal_panchayat'))
    expect(raised).toHaveLength(3)
    for (const p of raised)
      expect(p.steps.find((s) => s.kind === 'raised_bal_panchayat')?.agendaItem?.date).toBe(addDays(today, -5))
    // Raised with the Gram Panchayat through a resolution it answered, then enrolled.
    const gp = pages.find((p) => kinds(p).includes('raised_gram_panchayat'))!
    const resolution = gp.steps.find((s) => s.kind === 'raised_gram_panchayat')!.resolution!
    expect(resolution.answers.map((a) => a.kind)).toContain('accepted')
    expect(gp.state.status).toBe('enrolled')
    // Enrolled; attending at 30 days; back in school after 90; moved away; a marriage prevented.
    expect(pages.filter((p) => p.state.status === 'enrolled').length).toBeGreaterThanOrEqual(3)
    expect(pages.some((p) => p.state.status === 'checked_30' && !p.state.passed90)).toBe(true)
    const closed = pages.filter((p) => p.state.status === 'closed')
    expect(closed.map((p) => [p.kase.reason, p.state.closedAs]).sort()).toEqual([
      ['married', 'back_in_school'],
      ['working', 'back_in_school'],
      ['working', 'moved_away'],
    ])
    // Enrolment kept the register true.
    for (const p of pages.filter((x) => x.state.status === 'enrolled')) expect(p.child.inSchool).toBe(true)
  })
})
