import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { and, eq } from 'drizzle-orm'
import { freshDatabase, seedVillages, ctxFor } from '../helpers/app.ts'
import {
  addChild,
  editChild,
  getChild,
  listChildren,
  markLeftVillage,
  markReturned,
  recordConsent,
  registerSummary,
  withdrawConsent,
} from '../../src/people/children.ts'
import { filterSchema, type ChildInput } from '../../src/people/schemas.ts'
import { auditLog } from '../../src/audit/tables.ts'
import { children } from '../../src/people/tables.ts'
import { bornYearsBefore, todayIso } from '../../src/core/dates.ts'
import { Forbidden, NotFound } from '../../src/core/errors.ts'

let database: ReturnType<typeof freshDatabase>
let fx: Awaited<ReturnType<typeof seedVillages>>
beforeEach(async () => {
  database = freshDatabase()
  fx = await seedVillages(database)
})
afterEach(() => database.close())

const meena = (over: Partial<ChildInput> = {}): ChildInput => ({
  name: 'Meena Meena',
  gender: 'girl',
  dateOfBirth: bornYearsBefore(12),
  ward: '3',
  school: 'Govt school',
  schoolClass: '6',
  inSchool: true,
  outOfSchoolReason: null,
  guardianName: 'Ramesh',
  guardianPhone: '9876543210',
  ...over,
})
const filter = (f: Record<string, string> = {}) => filterSchema.parse(f)

describe("the children's register", () => {
  it('a facilitator adds a child to their village and the audit log says who did it', () => {
    const ctx = ctxFor(database, fx.users.facilitator)
    const child = addChild(ctx, fx.villages.papdi.id, meena(), todayIso())
    const list = listChildren(ctx, fx.villages.papdi.id, filter())
    expect(list.rows.map((r) => r.name)).toEqual(['Meena Meena'])
    expect(list.rows[0].hasConsent).toBe(true)
    const entries = database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subject, 'child'), eq(auditLog.subjectId, child.id)))
      .all()
    expect(entries.map((e) => e.action)).toEqual(['child.added', 'child.consent_recorded'])
    expect(entries[0].actorId).toBe(fx.users.facilitator.id)
  })

  it('a facilitator of another village neither sees nor changes the child', () => {
    const child = addChild(ctxFor(database, fx.users.facilitator), fx.villages.papdi.id, meena(), null)
    const other = ctxFor(database, fx.users.otherFacilitator)
    expect(() => listChildren(other, fx.villages.papdi.id, filter())).toThrow(NotFound)
    expect(() => getChild(other, fx.villages.papdi.id, child.id)).toThrow(NotFound)
    // Asking through their own village for a child of another village finds nothing either.
    expect(() => getChild(other, fx.villages.bhangdoli.id, child.id)).toThrow(NotFound)
    expect(() => editChild(other, fx.villages.bhangdoli.id, child.id, meena({ name: 'Changed' }))).toThrow(NotFound)
    expect(database.db.select().from(children).get()?.name).toBe('Meena Meena')
  })

  it('a panchayat member cannot read the register at all', () => {
    expect(() => listChildren(ctxFor(database, fx.users.panchayat), fx.villages.papdi.id, filter())).toThrow(Forbidden)
  })

  it('a coordinator reaches every village', () => {
    addChild(ctxFor(database, fx.users.otherFacilitator), fx.villages.bhangdoli.id, meena({ name: 'Pooja' }), null)
    expect(listChildren(ctxFor(database, fx.users.admin), fx.villages.bhangdoli.id, filter()).total).toBe(1)
  })

  it('filters by gender, age band, ward, schooling and a search that treats % and _ as letters', () => {
    const ctx = ctxFor(database, fx.users.facilitator)
    const v = fx.villages.papdi.id
    addChild(ctx, v, meena(), null)
    addChild(ctx, v, meena({ name: 'Ravi', gender: 'boy', dateOfBirth: bornYearsBefore(7), ward: '1' }), null)
    addChild(
      ctx,
      v,
      meena({
        name: 'Sunita 100%',
        dateOfBirth: bornYearsBefore(16),
        inSchool: false,
        outOfSchoolReason: 'working',
        school: '',
        schoolClass: '',
      }),
      null,
    )
    const names = (f: Record<string, string>) => listChildren(ctx, v, filter(f)).rows.map((r) => r.name)
    expect(names({ gender: 'girl' })).toEqual(['Meena Meena', 'Sunita 100%'])
    expect(names({ age: '6-9' })).toEqual(['Ravi'])
    expect(names({ age: '14-18' })).toEqual(['Sunita 100%'])
    expect(names({ ward: '1' })).toEqual(['Ravi'])
    expect(names({ school: 'no' })).toEqual(['Sunita 100%'])
    expect(names({ q: '100%' })).toEqual(['Sunita 100%'])
    expect(names({ q: '%' })).toEqual(['Sunita 100%'])
    expect(names({ q: 'ramesh' })).toHaveLength(3)
    expect(names({ gender: 'nonsense' })).toHaveLength(3)
  })

  it('a child turns eleven on their birthday, not the day after', () => {
    const ctx = ctxFor(database, fx.users.facilitator)
    addChild(ctx, fx.villages.papdi.id, meena({ dateOfBirth: bornYearsBefore(10) }), null)
    expect(listChildren(ctx, fx.villages.papdi.id, filter({ age: '10-13' })).total).toBe(1)
    expect(listChildren(ctx, fx.villages.papdi.id, filter({ age: '6-9' })).total).toBe(0)
  })

  it('editing records each changed field with its old and new value', () => {
    const ctx = ctxFor(database, fx.users.facilitator)
    const child = addChild(ctx, fx.villages.papdi.id, meena(), null)
    editChild(ctx, fx.villages.papdi.id, child.id, meena({ ward: '5', inSchool: false, outOfSchoolReason: 'married' }))
    const entry = database.db.select().from(auditLog).where(eq(auditLog.action, 'child.edited')).get()!
    expect(JSON.parse(entry.detail)).toEqual({
      ward: ['3', '5'],
      inSchool: [true, false],
      outOfSchoolReason: [null, 'married'],
    })
    // Saving without a change writes nothing.
    editChild(ctx, fx.villages.papdi.id, child.id, meena({ ward: '5', inSchool: false, outOfSchoolReason: 'married' }))
    expect(database.db.select().from(auditLog).where(eq(auditLog.action, 'child.edited')).all()).toHaveLength(1)
  })

  it('consent is recorded once, with who and when, and can be withdrawn', () => {
    const ctx = ctxFor(database, fx.users.facilitator)
    const v = fx.villages.papdi.id
    const child = addChild(ctx, v, meena(), null)
    expect(getChild(ctx, v, child.id).consent).toBeNull()
    recordConsent(ctx, v, child.id, '2026-01-15')
    recordConsent(ctx, v, child.id, '2026-02-01') // a double tap changes nothing
    const consent = getChild(ctx, v, child.id).consent!
    expect(consent.givenOn).toBe('2026-01-15')
    expect(consent.recordedBy).toBe('rekha')
    withdrawConsent(ctx, v, child.id)
    expect(getChild(ctx, v, child.id).consent).toBeNull()
    expect(registerSummary(ctx, v).noConsent).toBe(1)
  })

  it('a child who left the village stays in the register, marked, and can come back', () => {
    const ctx = ctxFor(database, fx.users.facilitator)
    const v = fx.villages.papdi.id
    const child = addChild(ctx, v, meena(), null)
    markLeftVillage(ctx, v, child.id, '2026-10-01', 'moved to Jaipur')
    markLeftVillage(ctx, v, child.id, '2026-10-05', 'again')
    expect(listChildren(ctx, v, filter()).total).toBe(0)
    expect(listChildren(ctx, v, filter({ status: 'left' })).rows[0].leftOn).toBe('2026-10-01')
    expect(listChildren(ctx, v, filter({ status: 'all' })).total).toBe(1)
    expect(registerSummary(ctx, v).total).toBe(0)
    markReturned(ctx, v, child.id)
    expect(listChildren(ctx, v, filter()).total).toBe(1)
  })

  it('lists a page of fifty at a time', () => {
    const ctx = ctxFor(database, fx.users.facilitator)
    for (let i = 0; i < 55; i++)
      addChild(ctx, fx.villages.papdi.id, meena({ name: `Child ${String(i).padStart(2, '0')}` }), null)
    const second = listChildren(ctx, fx.villages.papdi.id, filter({ page: '2' }))
    expect(second).toMatchObject({ total: 55, pages: 2, page: 2 })
    expect(second.rows.map((r) => r.name)).toEqual(['Child 50', 'Child 51', 'Child 52', 'Child 53', 'Child 54'])
    expect(listChildren(ctx, fx.villages.papdi.id, filter({ page: '99' })).page).toBe(2)
  })
})
