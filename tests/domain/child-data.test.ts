import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { ctxFor, freshDatabase, seedVillages } from '../helpers/app.ts'
import { closedMeetingWithResolutions, commonBalPanchayat, seatBalPanchayat } from '../helpers/meetings.ts'
import { eraseChild, erasedName, exportChild } from '../../src/privacy/child-data.ts'
import { editChild, getChild } from '../../src/people/children.ts'
import { representation } from '../../src/figures/figures.ts'
import { children } from '../../src/people/tables.ts'
import { auditLog } from '../../src/audit/tables.ts'
import { members } from '../../src/elections/tables.ts'
import { minutes } from '../../src/meetings/tables.ts'
import { agendaOf } from '../../src/meetings/meetings.ts'
import { Conflict, Forbidden } from '../../src/core/errors.ts'
import type { AppDatabase } from '../../src/db/client.ts'

let database: AppDatabase & { dir: string }
let fx: Awaited<ReturnType<typeof seedVillages>>
let kids: Record<string, number>
beforeAll(async () => {
  database = freshDatabase()
  fx = await seedVillages(database)
  kids = seatBalPanchayat(database, fx.users.facilitator, fx.villages.papdi.id, commonBalPanchayat)
  const { meetingId } = closedMeetingWithResolutions(database, fx.users.facilitator, fx.villages.papdi.id, kids, 1)
  const [item] = agendaOf(database.db, meetingId)
  database.db
    .insert(minutes)
    .values({
      agendaItemId: item.id,
      discussion: 'Meena said the pump is broken.',
      decisions: '',
      updatedBy: fx.users.facilitator.id,
      updatedAt: new Date(),
    })
    .run()
  database.db.update(children).set({ guardianPhone: '9812345678' }).where(eq(children.id, kids.Meena)).run()
})
afterAll(() => database.close())

describe('everything held about one child', () => {
  it('exports the register entry, candidacy, seat, meetings and resolutions, for a coordinator only', () => {
    const data = exportChild(ctxFor(database, fx.users.admin), fx.villages.papdi.id, kids.Meena)
    expect(data.child).toMatchObject({ name: 'Meena', gender: 'girl', guardianPhone: '9812345678' })
    expect(data.candidacies).toEqual([expect.objectContaining({ contest: 'Pradhan' })])
    expect(data.seats).toEqual([expect.objectContaining({ seatTitle: 'Pradhan' })])
    expect(data.meetings).toEqual([expect.objectContaining({ number: 1, present: true })])
    expect(data.resolutions).toEqual([expect.objectContaining({ role: 'proposer' })])
    expect(data.auditLog.map((e) => e.action)).toContain('child.added')
    expect(() => exportChild(ctxFor(database, fx.users.facilitator), fx.villages.papdi.id, kids.Meena)).toThrow(
      Forbidden,
    )
  })

  it('erases the name and details, keeps gender, year, seat and figures, and strikes the name from the log', () => {
    const before = representation(database.db, fx.villages.papdi.id)
    eraseChild(ctxFor(database, fx.users.admin), fx.villages.papdi.id, kids.Meena)
    eraseChild(ctxFor(database, fx.users.admin), fx.villages.papdi.id, kids.Meena)
    const row = database.db.select().from(children).where(eq(children.id, kids.Meena)).get()!
    expect(row).toMatchObject({
      name: erasedName(kids.Meena),
      gender: 'girl',
      guardianName: '',
      guardianPhone: '',
      ward: '',
      school: '',
    })
    expect(row.dateOfBirth).toMatch(/^\d{4}-07-01$/)
    expect(database.db.select().from(members).where(eq(members.childId, kids.Meena)).all()).toHaveLength(1)
    expect(representation(database.db, fx.villages.papdi.id)).toEqual(before)
    expect(
      database.db
        .select()
        .from(minutes)
        .all()
        .some((m) => m.discussion.includes('Meena')),
    ).toBe(false)
    const log = database.db.select().from(auditLog).all()
    expect(log.filter((e) => e.detail.includes('Meena') || e.detail.includes('9812345678'))).toEqual([])
    expect(log.filter((e) => e.action === 'child.erased')).toHaveLength(1)
    const child = getChild(ctxFor(database, fx.users.admin), fx.villages.papdi.id, kids.Meena)
    expect(child.consent).toBeNull()
    expect(child.departure).not.toBeNull()
    expect(() =>
      editChild(ctxFor(database, fx.users.admin), fx.villages.papdi.id, kids.Meena, { ...row, name: 'Meena again' }),
    ).toThrow(Conflict)
  })
})
