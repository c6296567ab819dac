import { asc, eq, sql } from 'drizzle-orm'
import type { Db, Tx } from '../core/db.ts'
import { attendance, meetings } from './tables.ts'

/** Meetings' part of a child's export: each meeting they were expected at, and whether they came. */
export function meetingPartOf(db: Db | Tx, childId: number) {
  return db
    .select({
      number: meetings.number,
      date: meetings.date,
      present: sql<number>`${attendance.presentAt} IS NOT NULL`,
    })
    .from(attendance)
    .innerJoin(meetings, eq(meetings.id, attendance.meetingId))
    .where(eq(attendance.childId, childId))
    .orderBy(asc(meetings.date))
    .all()
    .map((m) => ({ ...m, present: Boolean(m.present) }))
}
