import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { ctxFor, freshDatabase, seedVillages } from '../helpers/app.ts'
import { closedMeetingWithResolutions, commonBalPanchayat, seatBalPanchayat } from '../helpers/meetings.ts'
import { addChild, getChild } from '../../src/people/children.ts'
import type { ChildInput } from '../../src/people/schemas.ts'
import { addDays } from '../../src/cases/machine.ts'
import { addStep, casePage, casesOfChild, openCase, stepChoices, villageCases } from '../../src/cases/cases.ts'
import { caseSchema, stepSchema } from '../../src/cases/schemas.ts'
import { caseSteps, cases } from '../../src/cases/tables.ts'
import { auditLog } from '../../src/audit/tables.ts'
import { bornYearsBefore, todayIso } from '../../src/core/dates.ts'
import { Conflict, Forbidden, InvalidInput, NotFound } from '../../src/core/errors.ts'
import { acknowledgeResolution, decideResolution, forwardResolution } from '../../src/resolutions/journeys.ts'
import { eraseChild, exportChild } from '../../src/privacy/child-data.ts'

let database: ReturnType<typeof freshDatabase>
let fx: Awaited<ReturnType<typeof seedVillages>>
let papdi: number
let pinki: number
beforeEach(async () => {
  database = freshDatabase()
  fx = await seedVillages(database)
  papdi = fx.villages.papdi.id
  pinki = addChild(keeper(), papdi, pinkiInput(), null).id
})
afterEach(() => database.close())

const keeper = () => ctxFor(database, fx.users.facilitator)
const daysAgo = (n: number) => addDays(todayIso(), -n)

const pinkiInput = (over: Partial<ChildInput> = {}): ChildInput => ({
  name: 'Pinki Bairwa',
  gender: 'girl',
  dateOfBirth: bornYearsBefore(11),
  ward: '2',
  school: '',
  schoolClass: '',
  inSchool: false,
  outOfSchoolReason: 'working',
  guardianName: 'Kalu Bairwa',
  guardianPhone: '',
  ...over,
})

const atTheKiln = (over: Record<string, string> = {}) =>
  caseSchema.parse({
    reason: 'working',
    workPlace: 'brick_kiln',
    foundBy: 'facilitator',
    foundOn: daysAgo(120),
    note: 'Carries bricks at the kiln on the Alwar road',
    ...over,
  })
const step = (form: Record<string, string>) => stepSchema.parse(form)

/** Catches the typed error a verb throws, to read its fields. */
function refused(f: () => unknown): InvalidInput {
  try {
    f()
  } catch (e) {
    if (e instanceof InvalidInput) return e
    throw e
  }
  throw new Error('not refused')
}

describe('who may follow a case', () => {
  it("only the village's facilitators and coordinators: never a Gram Panchayat member, another village's staff", () => {
    const kase = openCase(keeper(), papdi, pinki, atTheKiln())
    expect(() => casePage(ctxFor(database, fx.users.panchayat), papdi, kase.id)).toThrow(Forbidden)
    expect(() => villageCases(ctxFor(database, fx.users.otherFacilitator), papdi)).toThrow(NotFound)
    expect(() => casePage(ctxFor(database, fx.users.otherFacilitator), papdi, kase.id)).toThrow(NotFound)
    // A coordinator bound to another village does not see this one's cases; the coordinator of all villages does.
    // Accounts give a coordinator no village today; should one ever be bound to another village, it is kept out.
    const alwar = ctxFor(database, { ...fx.users.admin, villageId: fx.villages.bhangdoli.id })
    expect(() => casePage(alwar, papdi, kase.id)).toThrow(NotFound)
    expect(casesOfChild(alwar, papdi, pinki)).toBeNull()
    expect(casePage(ctxFor(database, fx.users.admin), papdi, kase.id).kase.id).toBe(kase.id)
    // The case of another village's id read through this village is not found.
    expect(() => casePage(ctxFor(database, fx.users.otherFacilitator), fx.villages.bhangdoli.id, kase.id)).toThrow(
      NotFound,
    )
  })

  it('a Gram Panchayat member cannot open a case nor add a step', () => {
    const kase = openCase(keeper(), papdi, pinki, atTheKiln())
    const sarpanch = ctxFor(database, fx.users.panchayat)
    expect(() => openCase(sarpanch, papdi, pinki, atTheKiln())).toThrow(Forbidden)
    expect(() =>
      addStep(sarpanch, papdi, kase.id, step({ kind: 'family_visit', on: daysAgo(1), note: 'Went' })),
    ).toThrow(Forbidden)
    expect(database.db.select().from(caseSteps).all()).toEqual([])
  })
})

describe('a case from the brick kiln back to school', () => {
  it('is opened, signed in the log, and listed as open; the child is no longer "not followed"', () => {
    expect(villageCases(keeper(), papdi).unfollowed.map((c) => c.name)).toEqual(['Pinki Bairwa'])
    const kase = openCase(keeper(), papdi, pinki, atTheKiln())
    const list = villageCases(keeper(), papdi)
    expect(list.unfollowed).toEqual([])
    expect(list.cases.map((c) => [c.id, c.child.name, c.state.status, c.workPlace])).toEqual([
      [kase.id, 'Pinki Bairwa', 'open', 'brick_kiln'],
    ])
    const entry = database.db.select().from(auditLog).where(eq(auditLog.action, 'case.opened')).get()
    expect(entry).toMatchObject({ subject: 'child', subjectId: pinki, actorName: 'rekha', villageId: papdi })
    // The log says that a case was opened, not why: the reason stays on the case.
    expect(entry?.detail).not.toContain('kiln')
    expect(() => openCase(keeper(), papdi, pinki, atTheKiln())).toThrow(Conflict)
  })

  it('enrolment writes the school into the register; attending at 30 and 90 days lets it close as back in school', () => {
    const kase = openCase(keeper(), papdi, pinki, atTheKiln())
    addStep(keeper(), papdi, kase.id, step({ kind: 'family_visit', on: daysAgo(118), note: 'Mother agrees' }))
    addStep(keeper(), papdi, kase.id, step({ kind: 'employer_talk', on: daysAgo(117), note: 'Kiln owner agrees' }))
    addStep(
      keeper(),
      papdi,
      kase.id,
      step({ kind: 'enrolled', on: daysAgo(100), school: 'GUPS Papdi', schoolClass: '5', rteAdmission: 'yes' }),
    )
    expect(getChild(keeper(), papdi, pinki)).toMatchObject({
      school: 'GUPS Papdi',
      schoolClass: '5',
      inSchool: true,
      outOfSchoolReason: null,
    })
    expect(casePage(keeper(), papdi, kase.id).overdue).toBe(30)
    addStep(
      keeper(),
      papdi,
      kase.id,
      step({ kind: 'attendance_check', on: daysAgo(70), checkDay: '30', attending: 'yes' }),
    )
    const e = refused(() =>
      addStep(keeper(), papdi, kase.id, step({ kind: 'closed', on: daysAgo(5), closeReason: 'back_in_school' })),
    )
    expect(e.fields.closeReason).toEqual({ key: 'cases.refusal.not_checked_90' })
    addStep(
      keeper(),
      papdi,
      kase.id,
      step({ kind: 'attendance_check', on: daysAgo(9), checkDay: '90', attending: 'yes' }),
    )
    addStep(keeper(), papdi, kase.id, step({ kind: 'closed', on: daysAgo(8), closeReason: 'back_in_school' }))
    const page = casePage(keeper(), papdi, kase.id)
    expect(page.state).toMatchObject({ status: 'closed', closedAs: 'back_in_school' })
    expect(page.steps.map((s) => [s.kind, s.by])).toEqual([
      ['family_visit', 'rekha'],
      ['employer_talk', 'rekha'],
      ['enrolled', 'rekha'],
      ['attendance_check', 'rekha'],
      ['attendance_check', 'rekha'],
      ['closed', 'rekha'],
    ])
    expect(page.offered).toEqual(['reopened'])
    expect(
      database.db
        .select({ action: auditLog.action })
        .from(auditLog)
        .where(eq(auditLog.subjectId, pinki))
        .all()
        .map((a) => a.action)
        .filter((a) => a.startsWith('case.')),
    ).toEqual([
      'case.opened',
      'case.family_visit',
      'case.employer_talk',
      'case.enrolled',
      'case.attendance_check',
      'case.attendance_check',
      'case.closed',
    ])
  })

  it('a failed check marks the child out of school again in the register, for the reason of the case', () => {
    const kase = openCase(keeper(), papdi, pinki, atTheKiln({ reason: 'school_far' }))
    addStep(keeper(), papdi, kase.id, step({ kind: 'enrolled', on: daysAgo(40), school: 'GUPS', schoolClass: '5' }))
    addStep(
      keeper(),
      papdi,
      kase.id,
      step({ kind: 'attendance_check', on: daysAgo(5), checkDay: '30', attending: 'no' }),
    )
    expect(getChild(keeper(), papdi, pinki)).toMatchObject({ inSchool: false, outOfSchoolReason: 'other' })
    expect(casePage(keeper(), papdi, kase.id).state.status).toBe('open')
  })
})

describe('the village list and a reopened case', () => {
  it('lists a case with an overdue check first, the closed last; a closed case reopens and is followed again', () => {
    const sonu = addChild(keeper(), papdi, pinkiInput({ name: 'Sonu Meghwal' }), null).id
    const asha = addChild(keeper(), papdi, pinkiInput({ name: 'Asha Meghwal' }), null).id
    const closed = openCase(keeper(), papdi, asha, atTheKiln({ foundOn: daysAgo(50) }))
    addStep(
      keeper(),
      papdi,
      closed.id,
      step({ kind: 'closed', on: daysAgo(40), closeReason: 'moved_away', note: 'Went to Surat' }),
    )
    const overdue = openCase(keeper(), papdi, sonu, atTheKiln({ foundOn: daysAgo(90) }))
    addStep(keeper(), papdi, overdue.id, step({ kind: 'enrolled', on: daysAgo(60), school: 'GUPS', schoolClass: '4' }))
    const fresh = openCase(keeper(), papdi, pinki, atTheKiln({ foundOn: daysAgo(1) }))
    const list = villageCases(keeper(), papdi)
    expect(list.cases.map((c) => [c.id, c.overdue, c.state.status])).toEqual([
      [overdue.id, 30, 'enrolled'],
      [fresh.id, null, 'open'],
      [closed.id, null, 'closed'],
    ])
    // Asha is still out of school in the register, and her only case is closed: no one follows her.
    expect(list.unfollowed.map((c) => c.name)).toEqual(['Asha Meghwal'])

    addStep(keeper(), papdi, closed.id, step({ kind: 'reopened', on: daysAgo(2), note: 'The family is back' }))
    expect(casePage(keeper(), papdi, closed.id).state.status).toBe('open')
    expect(villageCases(keeper(), papdi).unfollowed).toEqual([])
    expect(casesOfChild(keeper(), papdi, asha)?.map((c) => c.state.status)).toEqual(['open'])
  })
})

describe('a refused step', () => {
  it('says why at its field and changes nothing', () => {
    const kase = openCase(keeper(), papdi, pinki, atTheKiln())
    const tries: [Record<string, string>, string, string][] = [
      [{ kind: 'family_visit', on: daysAgo(121), note: 'x' }, 'on', 'cases.refusal.before_found'],
      [{ kind: 'family_visit', on: addDays(todayIso(), 1), note: 'x' }, 'on', 'cases.refusal.future'],
      [
        { kind: 'attendance_check', on: daysAgo(1), checkDay: '30', attending: 'yes' },
        '_form',
        'cases.refusal.not_enrolled',
      ],
      [{ kind: 'closed', on: daysAgo(1), closeReason: 'moved_away' }, 'note', 'cases.refusal.reason_needed'],
      [{ kind: 'reopened', on: daysAgo(1) }, '_form', 'cases.refusal.not_closed'],
    ]
    for (const [form, field, key] of tries) {
      const e = refused(() => addStep(keeper(), papdi, kase.id, step(form)))
      expect(e.fields[field], form.kind).toEqual({ key })
    }
    expect(database.db.select().from(caseSteps).all()).toEqual([])
  })

  it('refuses in the form what its kind needs, and a link to another village', () => {
    expect(stepSchema.safeParse({ kind: 'enrolled', on: daysAgo(1), school: '' }).success).toBe(false)
    expect(() => step({ kind: 'raised_gram_panchayat', on: daysAgo(1) })).toThrow()
    expect(() => step({ kind: 'family_visit', on: daysAgo(1), note: '' })).toThrow()
    const kase = openCase(keeper(), papdi, pinki, atTheKiln())
    const kids = seatBalPanchayat(database, fx.users.otherFacilitator, fx.villages.bhangdoli.id, commonBalPanchayat)
    const {
      passed: [theirs],
    } = closedMeetingWithResolutions(database, fx.users.otherFacilitator, fx.villages.bhangdoli.id, kids, 1)
    const e = refused(() =>
      addStep(
        keeper(),
        papdi,
        kase.id,
        step({ kind: 'raised_gram_panchayat', on: daysAgo(1), resolutionId: String(theirs) }),
      ),
    )
    expect(e.fields.resolutionId).toEqual({ key: 'v.choose' })
    expect(database.db.select().from(caseSteps).all()).toEqual([])
  })
})

describe('raised with the Gram Panchayat', () => {
  it("links one of the village's resolutions, and shows the Gram Panchayat's answer on the case", () => {
    const kids = seatBalPanchayat(database, fx.users.facilitator, papdi, commonBalPanchayat, daysAgo(200))
    const {
      passed: [resolution],
    } = closedMeetingWithResolutions(database, fx.users.facilitator, papdi, kids, 1, daysAgo(20))
    const kase = openCase(keeper(), papdi, pinki, atTheKiln({ foundBy: 'member', foundByChildId: String(kids.Meena) }))
    expect(stepChoices(keeper(), papdi).resolutions.map((r) => r.id)).toEqual([resolution])
    expect(stepChoices(keeper(), papdi).agendaItems.length).toBeGreaterThan(0)
    const item = stepChoices(keeper(), papdi).agendaItems[0]
    addStep(
      keeper(),
      papdi,
      kase.id,
      step({ kind: 'raised_bal_panchayat', on: daysAgo(20), agendaItemId: String(item.id), note: 'Meena knows her' }),
    )
    addStep(
      keeper(),
      papdi,
      kase.id,
      step({ kind: 'raised_gram_panchayat', on: daysAgo(19), resolutionId: String(resolution) }),
    )
    let page = casePage(keeper(), papdi, kase.id)
    expect(page.foundBy).toBe('Meena')
    expect(page.steps[0].agendaItem).toMatchObject({ id: item.id, title: item.title })
    expect(page.steps[1].resolution).toMatchObject({ id: resolution, status: 'passed', answers: [] })

    forwardResolution(keeper(), resolution, {
      forwardedOn: daysAgo(18),
      addressedTo: 'Sarpanch',
      way: 'letter',
      note: '',
    })
    const sarpanch = ctxFor(database, fx.users.panchayat)
    acknowledgeResolution(sarpanch, resolution, daysAgo(17))
    decideResolution(sarpanch, resolution, {
      decision: 'accepted',
      on: daysAgo(16),
      text: 'The Sarpanch will speak to the kiln owner',
      targetDate: null,
    })
    page = casePage(keeper(), papdi, kase.id)
    expect(page.steps[1].resolution).toMatchObject({ status: 'accepted' })
    expect(page.steps[1].resolution?.answers.map((a) => [a.kind, a.text])).toEqual([
      ['acknowledged', ''],
      ['accepted', 'The Sarpanch will speak to the kiln owner'],
    ])
  })
})

describe("a case in the child's own data", () => {
  it('is in the export of that child only, and the erasure blanks its text', () => {
    const meenaId = addChild(
      keeper(),
      papdi,
      pinkiInput({ name: 'Meena Gurjar', inSchool: true, outOfSchoolReason: null }),
      null,
    ).id
    const kase = openCase(keeper(), papdi, pinki, atTheKiln({ note: 'Kalu sends her to the kiln of Ramji' }))
    addStep(keeper(), papdi, kase.id, step({ kind: 'family_visit', on: daysAgo(100), note: 'Pinki Bairwa cried' }))
    addStep(
      keeper(),
      papdi,
      kase.id,
      step({ kind: 'enrolled', on: daysAgo(99), school: 'GUPS Papdi', schoolClass: '5' }),
    )
    const admin = ctxFor(database, fx.users.admin)
    const exported = exportChild(admin, papdi, pinki)
    expect(exported.cases).toHaveLength(1)
    expect(exported.cases[0]).toMatchObject({ reason: 'working', note: 'Kalu sends her to the kiln of Ramji' })
    expect(exported.cases[0].steps.map((s) => s.kind)).toEqual(['family_visit', 'enrolled'])
    expect(exportChild(admin, papdi, meenaId).cases).toEqual([])

    eraseChild(admin, papdi, pinki)
    expect(
      database.db
        .select()
        .from(cases)
        .all()
        .map((c) => [c.note, c.reason]),
    ).toEqual([['', 'working']])
    expect(
      database.db
        .select()
        .from(caseSteps)
        .all()
        .map((s) => [s.kind, s.note, s.school, s.schoolClass]),
    ).toEqual([
      ['family_visit', '', '', ''],
      ['enrolled', '', '', ''],
    ])
    // Nothing more is recorded on an erased child's case.
    expect(() => addStep(keeper(), papdi, kase.id, step({ kind: 'family_visit', on: daysAgo(1), note: 'x' }))).toThrow(
      Conflict,
    )
  })
})
