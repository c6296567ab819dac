import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm'
import type { Db, Tx } from '../core/db.ts'
import {
  agendaOf,
  nextMeetingToHold,
  onMeetingCancelled,
  onMeetingScheduled,
  placeAnswerItem,
} from '../meetings/meetings.ts'
import { agendaItems } from '../meetings/tables.ts'
import { resolutions, responses } from './tables.ts'

/**
 * The Gram Panchayat's answers not yet read out at a meeting (decisions, actions, done) become
 * agenda items of this meeting, one per resolution, so the children hear them. An item covers its
 * resolution's answers up to `responseId`; a later answer moves that mark on, or makes a new item.
 */
export function addAnswerItems(tx: Db | Tx, meetingId: number, villageId: number, userId: number): number {
  const waiting = tx
    .select({
      responseId: responses.id,
      resolutionId: resolutions.id,
      number: resolutions.number,
      title: resolutions.title,
    })
    .from(responses)
    .innerJoin(resolutions, eq(resolutions.id, responses.resolutionId))
    .where(
      and(
        eq(resolutions.villageId, villageId),
        ne(responses.kind, 'acknowledged'),
        sql`NOT EXISTS (SELECT 1 FROM ${agendaItems} a WHERE a.resolution_id = ${responses.resolutionId} AND a.response_id >= ${responses.id})`,
      ),
    )
    .orderBy(asc(responses.id))
    .all()
  const latest = new Map<number, (typeof waiting)[number]>()
  for (const w of waiting) latest.set(w.resolutionId, w)
  for (const w of latest.values())
    placeAnswerItem(
      tx,
      meetingId,
      { resolutionId: w.resolutionId, responseId: w.responseId, title: `${w.number ?? ''} ${w.title}`.trim() },
      userId,
    )
  return latest.size
}

// A meeting scheduled while answers wait takes them onto its agenda, in the same transaction.
onMeetingScheduled((tx, meeting, userId) => {
  addAnswerItems(tx, meeting.id, meeting.villageId, userId)
})

/**
 * A cancelled meeting will not read its answers out: its answer items are taken off its agenda (they were
 * put there by the app, not typed) and the answers go to the next meeting to hold, or wait for the next
 * one scheduled, which takes them on like any answer not yet read out.
 */
export function moveAnswersOff(tx: Db | Tx, meetingId: number, villageId: number, userId: number): void {
  const items = agendaOf(tx, meetingId).filter((i) => i.kind === 'answer')
  if (items.length === 0) return
  tx.delete(agendaItems)
    .where(
      inArray(
        agendaItems.id,
        items.map((i) => i.id),
      ),
    )
    .run()
  carryAnswersToNextMeeting(tx, villageId, userId)
}

// Cancelling a meeting moves its answers on, in the same transaction (the cancellation is written first,
// so the next meeting to hold is another one).
onMeetingCancelled((tx, meeting, userId) => {
  moveAnswersOff(tx, meeting.id, meeting.villageId, userId)
})

/** For each answer item of the meeting, the answers it reads out: those after the resolution's previous item, up to its own mark. */
export function answersOnAgenda(db: Db | Tx, meetingId: number) {
  const items = agendaOf(db, meetingId).filter(
    (i) => i.kind === 'answer' && i.resolutionId !== null && i.responseId !== null,
  )
  const out = new Map<
    number,
    { kind: (typeof responses.$inferSelect)['kind']; on: string; text: string; targetDate: string | null }[]
  >()
  for (const item of items) {
    const before =
      db
        .select({ mark: sql<number | null>`max(${agendaItems.responseId})` })
        .from(agendaItems)
        .where(
          and(
            eq(agendaItems.resolutionId, item.resolutionId!),
            eq(agendaItems.kind, 'answer'),
            sql`${agendaItems.responseId} < ${item.responseId}`,
          ),
        )
        .get()?.mark ?? 0
    out.set(
      item.id,
      db
        .select({ kind: responses.kind, on: responses.on, text: responses.text, targetDate: responses.targetDate })
        .from(responses)
        .where(
          and(
            eq(responses.resolutionId, item.resolutionId!),
            ne(responses.kind, 'acknowledged'),
            sql`${responses.id} > ${before}`,
            sql`${responses.id} <= ${item.responseId}`,
          ),
        )
        .orderBy(asc(responses.id))
        .all(),
    )
  }
  return out
}

/** An answer that arrives goes onto the agenda of the next meeting to hold, if one is scheduled. */
export function carryAnswersToNextMeeting(tx: Db | Tx, villageId: number, userId: number): void {
  const next = nextMeetingToHold(tx, villageId)
  if (next !== null) addAnswerItems(tx, next, villageId, userId)
}

/** For each meeting, how many resolutions it took up and how many passed. */
export function resolutionCountsByMeeting(db: Db, meetingIds: number[]): Map<number, { n: number; passed: number }> {
  if (meetingIds.length === 0) return new Map()
  const rows = db
    .select({
      meetingId: resolutions.meetingId,
      n: sql<number>`count(*)`,
      passed: sql<number>`count(${resolutions.number})`,
    })
    .from(resolutions)
    .where(sql`${resolutions.meetingId} IN (${sql.join(meetingIds, sql`, `)})`)
    .groupBy(resolutions.meetingId)
    .all()
  return new Map(rows.map((r) => [r.meetingId, { n: r.n, passed: r.passed }]))
}
