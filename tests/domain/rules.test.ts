import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ctxFor, freshDatabase, seedVillages } from '../helpers/app.ts'
import { commonBalPanchayat, seatBalPanchayat } from '../helpers/meetings.ts'
import { isProtected } from '../../src/elections/allocation.ts'
import { SHARES, shareChoiceOf } from '../../src/elections/schemas.ts'
import { shareChoices, protections } from '../../src/elections/tables.ts'
import { genders } from '../../src/people/tables.ts'
import { seatedOn } from '../../src/elections/seated.ts'
import { balPanchayat } from '../../src/elections/bal-panchayat.ts'
import type { Actor } from '../../src/core/actor.ts'
import { currentMemberChildIds } from '../../src/elections/elections.ts'
import { balPanchayatOn } from '../../src/meetings/meetings.ts'
import { markLeftVillage } from '../../src/people/children.ts'
import { todayIso } from '../../src/core/dates.ts'
import type { AppDatabase } from '../../src/db/client.ts'

/** One function per rule: each rule is asked of the one function that holds it, and every user of it agrees. */
describe('the girls’ rule protects', () => {
  it('every girl; a child of another gender only where the contest says so; never a boy', () => {
    const table = protections.flatMap((p) => genders.map((g) => `${p}/${g}: ${isProtected(g, p)}`))
    expect(table).toEqual([
      'girls/girl: true',
      'girls/boy: false',
      'girls/other: false',
      'girls-and-other/girl: true',
      'girls-and-other/boy: false',
      'girls-and-other/other: true',
    ])
  })
})

describe('the share of seats owed to girls, read back for the form', () => {
  it('gives back each choice from the share it stores, and "a number" when a minimum is set', () => {
    for (const choice of shareChoices.filter((c) => c !== 'number'))
      expect(shareChoiceOf({ girlsShare: SHARES[choice as keyof typeof SHARES], girlsMinimum: null })).toBe(choice)
    expect(shareChoiceOf({ girlsShare: null, girlsMinimum: 2 })).toBe('number')
    // A contest saved before the share was chosen counts as half (the allocation's default).
    expect(shareChoiceOf({ girlsShare: null, girlsMinimum: null })).toBe('1/2')
    // A stored third is a float: read back as 1/3, not as the default; an unknown share as half.
    expect(shareChoiceOf({ girlsShare: 0.3333333333333333, girlsMinimum: null })).toBe('1/3')
    expect(shareChoiceOf({ girlsShare: 0.4, girlsMinimum: null })).toBe('1/2')
    expect(shareChoiceOf({ girlsShare: 1 / 3, girlsMinimum: null })).toBe('1/3')
  })
})

describe('the Bal Panchayat on a day', () => {
  let database: AppDatabase
  let kids: Record<string, number>
  let papdi: number
  let facilitator: Actor
  beforeAll(async () => {
    database = freshDatabase()
    const fx = await seedVillages(database)
    papdi = fx.villages.papdi.id
    facilitator = fx.users.facilitator
    kids = seatBalPanchayat(database, fx.users.facilitator, papdi, commonBalPanchayat)
    // Kavita's family moved away today: she is no longer in the Bal Panchayat, for anyone.
    markLeftVillage(ctxFor(database, fx.users.facilitator), papdi, kids.Kavita, todayIso(), '')
  })
  afterAll(() => database.close())

  it('is the same children for the meetings’ roll and for who may stand in a leaders’ election', () => {
    const seated = seatedOn(database.db, papdi, todayIso()).map((m) => m.childId)
    expect(seated).toHaveLength(commonBalPanchayat.length - 1)
    expect(seated).not.toContain(kids.Kavita)
    expect(balPanchayatOn(database.db, papdi, todayIso()).map((m) => m.childId)).toEqual(seated)
    expect([...currentMemberChildIds(database.db, papdi)].sort()).toEqual([...seated].sort())
    // The Bal Panchayat page: who holds each seat now is who is seated (Kavita's seat stands empty).
    const page = balPanchayat(ctxFor(database, facilitator), papdi)
    const holding = page.flatMap((t) =>
      t.contests.flatMap((c) => c.seats.flatMap((s) => (s.current ? [s.current] : []))),
    )
    expect(holding.map((m) => m.childId).sort()).toEqual([...seated].sort())
  })

  it('holds only within the term: nobody before it starts, everyone but the departed on its first day', () => {
    const yesterday = new Date(Date.parse(`${todayIso()}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10)
    expect(seatedOn(database.db, papdi, yesterday)).toEqual([])
  })
})
