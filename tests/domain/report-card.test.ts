import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ctxFor, freshDatabase, seedVillages } from '../helpers/app.ts'
import { closedMeetingWithResolutions, commonBalPanchayat, seatBalPanchayat } from '../helpers/meetings.ts'
import { villageChildren } from '../helpers/elections.ts'
import {
  answersLine,
  backInSchoolThisYear,
  boardBackInSchool,
  cardDate,
  girlsLine,
  marriagesPrevented,
  meetingsLine,
  monthsBefore,
  reportCardRows,
  schoolLine,
  towardGoals,
  villageReportCard,
  workingLine,
  yearUpTo,
  type CaseFacts,
  type RegisterChild,
} from '../../src/figures/report-card.ts'
import type { StepFacts } from '../../src/cases/machine.ts'
import { caseSteps, cases, type CaseReason } from '../../src/cases/tables.ts'
import { forwardResolution, acknowledgeResolution, decideResolution } from '../../src/resolutions/journeys.ts'
import { Forbidden, InvalidInput, NotFound } from '../../src/core/errors.ts'
import { addDays } from '../../src/cases/machine.ts'
import { todayIso } from '../../src/core/dates.ts'
import type { AppDatabase } from '../../src/db/client.ts'

const ON = '2026-11-30'

describe('the card’s dates', () => {
  it('go back whole months, to the month’s last day when it is shorter', () => {
    expect(monthsBefore('2026-11-30', 3)).toBe('2026-08-30')
    expect(monthsBefore('2026-05-31', 3)).toBe('2026-02-28')
    expect(monthsBefore('2024-05-31', 3)).toBe('2024-02-29')
    expect(monthsBefore('2026-01-15', 12)).toBe('2025-01-15')
    expect(monthsBefore('2026-02-10', 3)).toBe('2025-11-10')
  })

  it('cover a year up to the card’s date, both ends included', () => {
    expect(yearUpTo(ON)).toEqual({ from: '2025-12-01', to: ON })
    expect(yearUpTo('2028-02-29')).toEqual({ from: '2027-03-01', to: '2028-02-29' })
  })

  it('take today when none is asked, and refuse a date that is not a real day or is still to come', () => {
    expect(cardDate(undefined, ON)).toBe(ON)
    expect(cardDate('', ON)).toBe(ON)
    expect(cardDate('2026-02-28', ON)).toBe('2026-02-28')
    const refusal = (raw: unknown) => {
      try {
        cardDate(raw, ON)
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidInput)
        return (e as InvalidInput).fields._form.key
      }
      return null
    }
    expect(refusal('2026-02-30')).toBe('reportCard.badDate')
    expect(refusal('30-11-2026')).toBe('reportCard.badDate')
    expect(refusal(['2026-01-01'])).toBe('reportCard.badDate')
    expect(refusal('2026-12-01')).toBe('reportCard.futureDate')
  })
})

describe('children in school', () => {
  const child = (
    gender: RegisterChild['gender'],
    dateOfBirth: string,
    inSchool: boolean,
    leftOn: string | null = null,
  ) => ({
    gender,
    dateOfBirth,
    inSchool,
    leftOn,
  })
  const register: RegisterChild[] = [
    child('girl', '2020-11-30', true), // 6 on the card's day: counted
    child('girl', '2020-12-01', true), // 5: too young
    child('boy', '2011-12-01', false), // 14, 15 tomorrow: counted, out of school
    child('boy', '2014-03-03', true),
    child('other', '2015-01-01', true), // counted among all, neither girls nor boys
    child('girl', '2014-01-01', false, '2026-10-01'), // left the village before the card: not counted
    child('girl', '2013-01-01', false, '2026-12-15'), // leaves after the card's day: counted, out of school
    child('boy', '2011-11-30', true), // 15 on the day: the older line
    child('girl', '2008-12-01', true), // 17
    child('girl', '2008-11-30', false), // 18 on the day
    child('boy', '2007-11-30', false), // 19: not a child of the card
  ]

  it('counts 6 to 14 and 15 to 18, girls and boys apart, by their age on the card’s day', () => {
    expect(schoolLine(register, ON, 'compulsory')).toEqual({
      girls: { count: 1, of: 2 },
      boys: { count: 1, of: 2 },
      all: { count: 3, of: 5 },
    })
    expect(schoolLine(register, ON, 'older')).toEqual({
      girls: { count: 1, of: 2 },
      boys: { count: 1, of: 1 },
      all: { count: 2, of: 3 },
    })
  })

  it('on an earlier day, counts the ages the children had then', () => {
    // On 30 November 2025 the first girl was 5; the boy of 15 was 14, and the young man of 19 was 18.
    expect(schoolLine(register, '2025-11-30', 'compulsory').girls).toEqual({ count: 0, of: 2 })
    expect(schoolLine(register, '2025-11-30', 'compulsory').boys).toEqual({ count: 2, of: 3 })
    expect(schoolLine(register, '2025-11-30', 'older').boys).toEqual({ count: 0, of: 1 })
  })
})

/** A case's steps for the state machine, in the order recorded. */
const enrolledBack = (enrolled: string, closed: string): StepFacts[] => [
  { kind: 'enrolled', on: enrolled },
  { kind: 'attendance_check', on: addDays(enrolled, 30), checkDay: 30, attending: true },
  { kind: 'attendance_check', on: addDays(enrolled, 90), checkDay: 90, attending: true },
  { kind: 'closed', on: closed, closeReason: 'back_in_school' },
]
const kase = (childId: number, reason: CaseReason, foundOn: string, steps: StepFacts[] = []): CaseFacts => ({
  childId,
  reason,
  foundOn,
  steps,
})

describe('children found working', () => {
  it('counts the year’s working children, those back in school and those still to bring back', () => {
    const all = [
      kase(1, 'working', '2026-03-01', enrolledBack('2026-03-10', '2026-06-20')), // back in school
      kase(2, 'working', '2026-09-01', [{ kind: 'family_visit', on: '2026-09-05' }]), // still working
      kase(3, 'working', '2024-05-01', enrolledBack('2024-06-01', '2025-01-10')), // closed before the year
      kase(4, 'working', '2025-06-01'), // found before the year, still open: counted
      kase(5, 'working', '2026-02-01', [{ kind: 'closed', on: '2026-03-01', closeReason: 'moved_away' }]),
      kase(6, 'migrated', '2026-02-01', enrolledBack('2026-02-02', '2026-05-10')), // not working
      kase(7, 'working', '2026-12-01'), // found after the card's day
      // Closed as back in school only after the card's day: on the day it was still being followed.
      kase(8, 'working', '2026-05-01', enrolledBack('2026-06-01', '2026-12-05')),
    ]
    expect(workingLine(all, ON)).toEqual({ found: 5, backInSchool: 1, notYet: 3 })
  })

  it('counts a child once, by the latest case: back in school, then found working again', () => {
    const all = [
      kase(9, 'working', '2026-06-01'),
      kase(9, 'working', '2025-12-10', enrolledBack('2025-12-15', '2026-04-01')),
    ]
    expect(workingLine(all, ON)).toEqual({ found: 1, backInSchool: 0, notYet: 1 })
    expect(workingLine([], ON)).toEqual({ found: 0, backInSchool: 0, notYet: 0 })
  })
})

describe('marriages of children prevented', () => {
  it('are the year’s cases of marriage closed with the child back in school', () => {
    const reopened: StepFacts[] = [...enrolledBack('2026-02-01', '2026-05-05'), { kind: 'reopened', on: '2026-07-01' }]
    const all = [
      kase(1, 'married', '2026-01-10', enrolledBack('2026-01-20', '2026-08-01')), // prevented
      kase(2, 'married', '2026-09-10'), // still open
      kase(3, 'married', '2026-01-10', [{ kind: 'closed', on: '2026-02-01', closeReason: 'moved_away' }]),
      kase(4, 'married', '2025-01-10', enrolledBack('2025-01-20', '2025-06-01')), // the year before
      kase(5, 'married', '2026-01-10', reopened), // back in school, then out again
      kase(6, 'working', '2026-01-10', enrolledBack('2026-01-20', '2026-08-01')), // another reason
      kase(7, 'married', '2026-03-10', enrolledBack('2026-03-20', '2026-07-15')), // prevented
    ]
    expect(marriagesPrevented(all, ON)).toBe(2)
    expect(marriagesPrevented(all, '2026-07-31')).toBe(1)
  })
})

describe('the board’s count', () => {
  it('is the children whose case closed back in school this calendar year, whatever the reason', () => {
    const all = [
      kase(1, 'working', '2025-10-01', enrolledBack('2025-10-02', '2026-01-01')), // 1 January: this year
      kase(2, 'married', '2025-08-01', enrolledBack('2025-08-02', '2025-12-31')), // last year
      kase(3, 'school_far', '2026-02-01', enrolledBack('2026-02-02', '2026-06-01')),
      kase(3, 'working', '2026-07-01', enrolledBack('2026-07-02', '2026-10-30')), // the same child: once
      kase(4, 'working', '2026-02-01', [{ kind: 'closed', on: '2026-03-01', closeReason: 'turned_18' }]),
    ]
    expect(backInSchoolThisYear(all, ON)).toBe(2)
    expect(backInSchoolThisYear(all, '2027-01-01')).toBe(0)
  })
})

describe('meetings with quorum', () => {
  it('counts the meetings held in the last three months and those that had their quorum, against one a month', () => {
    const held = [
      { on: '2026-08-30', quorumMet: true }, // three months ago to the day: outside
      { on: '2026-08-31', quorumMet: true },
      { on: '2026-10-15', quorumMet: false },
      { on: '2026-11-30', quorumMet: true },
      { on: '2026-12-01', quorumMet: true }, // after the card
    ]
    expect(meetingsLine(held, ON)).toEqual({ withQuorum: 2, held: 3, goal: 3, from: '2026-08-31' })
    expect(meetingsLine([], ON)).toEqual({ withQuorum: 0, held: 0, goal: 3, from: '2026-08-31' })
  })
})

describe('answers of the Gram Panchayat', () => {
  const forwarded = [
    { forwardedOn: '2026-10-01', decidedOn: '2026-10-31' }, // 30 days: in time
    { forwardedOn: '2026-10-01', decidedOn: '2026-11-01' }, // 31 days: late
    { forwardedOn: '2026-10-01', decidedOn: null }, // 60 days and no answer: late
    { forwardedOn: '2026-11-15', decidedOn: null }, // 15 days: still in time, counts neither way
    { forwardedOn: '2025-11-30', decidedOn: '2025-12-05' }, // forwarded before the card's year
    { forwardedOn: '2026-11-20', decidedOn: '2026-12-01' }, // decided after the card's day: waiting on it
  ]

  it('counts the decisions within the village’s days, of those decided or past their days', () => {
    expect(answersLine(forwarded, ON, 30)).toEqual({ inTime: 1, due: 3, waiting: 2, days: 30 })
  })

  it('reads a village’s own rule of days', () => {
    expect(answersLine(forwarded, ON, 45)).toEqual({ inTime: 2, due: 3, waiting: 2, days: 45 })
  })
})

describe('girls among the Bal Panchayat', () => {
  it('are counted among all members and among the leaders (the titled seats)', () => {
    const seated = [
      { gender: 'girl' as const, seatTitle: 'बाल पंचायत प्रधान' },
      { gender: 'boy' as const, seatTitle: 'उप-प्रधान' },
      { gender: 'girl' as const, seatTitle: '' },
      { gender: 'girl' as const, seatTitle: '' },
      { gender: 'boy' as const, seatTitle: '' },
    ]
    expect(girlsLine(seated)).toEqual({ members: { count: 3, of: 5 }, leaders: { count: 1, of: 2 } })
    expect(girlsLine([])).toEqual({ members: { count: 0, of: 0 }, leaders: { count: 0, of: 0 } })
  })
})

describe('the card against its goals', () => {
  it('gives each line’s share of its goal, and nothing where there is nothing to measure', () => {
    const empty = {
      on: ON,
      year: yearUpTo(ON),
      school: {
        compulsory: { girls: { count: 0, of: 0 }, boys: { count: 0, of: 0 }, all: { count: 9, of: 10 } },
        older: { girls: { count: 0, of: 0 }, boys: { count: 0, of: 0 }, all: { count: 0, of: 0 } },
      },
      working: { found: 0, backInSchool: 0, notYet: 0 },
      marriagesPrevented: 0,
      meetings: { withQuorum: 4, held: 4, goal: 3, from: '2026-08-31' },
      answers: { inTime: 1, due: 4, waiting: 0, days: 30 },
      girls: { members: { count: 0, of: 0 }, leaders: { count: 0, of: 0 } },
    }
    expect(towardGoals(empty)).toEqual({ school: 0.9, working: null, meetings: 1, answers: 0.25 })
  })
})

describe('the card of a village, from its records', () => {
  let database: AppDatabase & { dir: string }
  let fx: Awaited<ReturnType<typeof seedVillages>>
  let kids: Record<string, number>
  const today = todayIso()
  const daysAgo = (n: number) => addDays(today, -n)

  /** A case planted as the cases' own verbs would write it (this module only reads them). */
  function plant(childId: number, reason: CaseReason, foundOn: string, steps: StepFacts[]) {
    const by = fx.users.facilitator.id
    const now = new Date()
    const { id } = database.db
      .insert(cases)
      .values({
        villageId: fx.villages.papdi.id,
        childId,
        reason,
        foundBy: 'member',
        foundOn,
        note: 'At the brick kiln on the Alwar road',
        openedBy: by,
        openedAt: now,
      })
      .returning({ id: cases.id })
      .get()
    for (const s of steps)
      database.db
        .insert(caseSteps)
        .values({
          caseId: id,
          kind: s.kind,
          on: s.on,
          note: s.note ?? '',
          checkDay: s.checkDay ?? null,
          attending: s.attending ?? null,
          closeReason: s.closeReason ?? null,
          recordedBy: by,
          recordedAt: now,
        })
        .run()
  }

  beforeAll(async () => {
    database = freshDatabase()
    fx = await seedVillages(database)
    kids = seatBalPanchayat(database, fx.users.facilitator, fx.villages.papdi.id, commonBalPanchayat, daysAgo(200))
    const rekha = ctxFor(database, fx.users.facilitator)
    const sarpanch = ctxFor(database, fx.users.panchayat)
    // Two meetings with quorum (six present, two of them girls) in the last three months.
    closedMeetingWithResolutions(database, fx.users.facilitator, fx.villages.papdi.id, kids, 1, daysAgo(50))
    const { passed } = closedMeetingWithResolutions(
      database,
      fx.users.facilitator,
      fx.villages.papdi.id,
      kids,
      2,
      daysAgo(45),
    )
    // One answered in 10 days, one not answered after 40.
    for (const id of passed)
      forwardResolution(rekha, id, { forwardedOn: daysAgo(40), addressedTo: 'Sarpanch', way: 'letter', note: '' })
    acknowledgeResolution(sarpanch, passed[0], daysAgo(35))
    decideResolution(sarpanch, passed[0], { decision: 'declined', on: daysAgo(30), text: 'No land', targetDate: null })
    const out = villageChildren(database, fx.users.facilitator, fx.villages.papdi.id, [
      ['Lali', 'girl', 11],
      ['Bhola', 'boy', 13],
      ['Kali', 'girl', 16],
    ])
    plant(out.Lali, 'married', daysAgo(150), enrolledBack(daysAgo(140), daysAgo(20)))
    plant(out.Bhola, 'working', daysAgo(100), [{ kind: 'family_visit', on: daysAgo(95), note: 'Father agreed' }])
    plant(out.Kali, 'working', daysAgo(130), enrolledBack(daysAgo(120), daysAgo(10)))
  })
  afterAll(() => database.close())

  it('counts every line for its facilitator, and lets out no case’s child', () => {
    const { village, card } = villageReportCard(ctxFor(database, fx.users.facilitator), fx.villages.papdi.id, today)
    expect(village.name).toBe('Papdi')
    // Thirteen children of 12 (the Bal Panchayat, Lali, Bhola) and Kali at 16, all in school on the register.
    expect(card.school.compulsory.all).toEqual({ count: 12, of: 12 })
    expect(card.school.older.girls).toEqual({ count: 1, of: 1 })
    expect(card.working).toEqual({ found: 2, backInSchool: 1, notYet: 1 })
    expect(card.marriagesPrevented).toBe(1)
    expect(card.meetings).toMatchObject({ withQuorum: 2, held: 2, goal: 3 })
    expect(card.answers).toEqual({ inTime: 1, due: 2, waiting: 0, days: 30 })
    expect(card.girls).toEqual({ members: { count: 6, of: 10 }, leaders: { count: 1, of: 1 } })
    const said = JSON.stringify(card)
    for (const word of ['Lali', 'Bhola', 'Kali', 'brick kiln', 'Father', 'childId']) expect(said).not.toContain(word)
  })

  it('is as the records stood on an earlier day', () => {
    const { card } = villageReportCard(ctxFor(database, fx.users.facilitator), fx.villages.papdi.id, daysAgo(60))
    expect(card.working).toEqual({ found: 2, backInSchool: 0, notYet: 2 })
    expect(card.marriagesPrevented).toBe(0)
    expect(card.meetings.withQuorum).toBe(0)
    expect(card.answers.due).toBe(0)
  })

  it('is for the village’s facilitators and the coordinators only', () => {
    expect(() => villageReportCard(ctxFor(database, fx.users.otherFacilitator), fx.villages.papdi.id, today)).toThrow(
      NotFound,
    )
    expect(() => villageReportCard(ctxFor(database, fx.users.panchayat), fx.villages.papdi.id, today)).toThrow(
      Forbidden,
    )
    expect(
      villageReportCard(ctxFor(database, fx.users.admin), fx.villages.papdi.id, today).card.marriagesPrevented,
    ).toBe(1)
    expect(() => reportCardRows(ctxFor(database, fx.users.facilitator))).toThrow(Forbidden)
  })

  it('gives the coordinator a row per village and term, and the board its one count', () => {
    const rows = reportCardRows(ctxFor(database, fx.users.admin))
    expect(rows.map((r) => [r.village, r.term, r.on])).toEqual([
      ['Bhangdoli', '', today],
      ['Papdi', 'Bal Panchayat 2026', today],
    ])
    expect(rows[1]).toMatchObject({
      foundWorking: 2,
      backInSchool: 1,
      marriagesPrevented: 1,
      girlMembers: 6,
      members: 10,
    })
    const thisYear = [daysAgo(20), daysAgo(10)].filter((d) => d.slice(0, 4) === today.slice(0, 4)).length
    expect(boardBackInSchool(database.db, fx.villages.papdi.id, today)).toBe(thisYear)
    expect(boardBackInSchool(database.db, fx.villages.bhangdoli.id, today)).toBe(0)
  })
})
