import { and, asc, eq, sql } from 'drizzle-orm'
import type { Db, Tx } from '../db/client.ts'
import { recordAudit } from '../audit/audit.ts'
import { getVillage } from '../villages/villages.ts'
import { children } from '../people/tables.ts'
import type { Ctx } from '../core/actor.ts'
import { Conflict, InvalidInput } from '../core/errors.ts'
import { agendaOf, getMeeting, meetingQuorum, rollOf } from '../meetings/meetings.ts'
import { isHeld, passes } from '../meetings/quorum.ts'
import { resolutions } from './tables.ts'
import type { ResolutionInput } from './schemas.ts'

export type Resolution = typeof resolutions.$inferSelect

/** The number a passed resolution carries: village/year/serial, as written in the village's register. */
export function resolutionNumber(villageName: string, year: number, serial: number): string {
  const short = villageName.replace(/\s*\(.*\)\s*$/, '').trim() || villageName
  return `${short}/${year}/${serial}`
}

/**
 * Records a resolution moved, seconded and voted by show of hands at a meeting being held.
 * Only a meeting with its quorum may vote; the proposer and seconder must be members present,
 * and no more hands can be counted than members present. A passed resolution gets its number.
 */
export function recordResolution(ctx: Ctx, meetingId: number, input: ResolutionInput): Resolution {
  const { meeting, stage, staff } = getMeeting(ctx, meetingId)
  if (!isHeld(stage)) throw new Conflict(stage === 'closed' ? 'meetings.closedAlready' : 'meetings.notStarted')
  const quorum = meetingQuorum(staff.db, meeting)
  const typed = { ...input, agendaItemId: input.agendaItemId ?? '' }
  if (!quorum.met) throw new InvalidInput({ _form: { key: 'resolutions.noQuorum' } }, typed)
  const present = new Set(
    rollOf(staff.db, meetingId)
      .filter((r) => r.present)
      .map((r) => r.childId),
  )
  const fields: ConstructorParameters<typeof InvalidInput>[0] = {}
  if (!present.has(input.proposerChildId)) fields.proposerChildId = { key: 'v.notPresent' }
  if (!present.has(input.seconderChildId)) fields.seconderChildId = { key: 'v.notPresent' }
  else if (input.seconderChildId === input.proposerChildId) fields.seconderChildId = { key: 'v.seconderSameAsProposer' }
  const hands = input.votesFor + input.votesAgainst + input.votesAbstain
  if (hands > present.size)
    fields.votesFor = { key: 'v.moreVotesThanPresent', params: { n: present.size, count: present.size } }
  if (input.agendaItemId !== null && !agendaOf(staff.db, meetingId).some((i) => i.id === input.agendaItemId))
    fields.agendaItemId = { key: 'v.choose' }
  if (Object.keys(fields).length) throw new InvalidInput(fields, typed)
  const village = getVillage(staff, meeting.villageId)
  const passed = passes({ for: input.votesFor, against: input.votesAgainst })
  const year = Number(meeting.date.slice(0, 4))
  return staff.db.transaction((tx) => {
    const serial = passed
      ? (tx
          .select({ n: sql<number>`coalesce(max(serial), 0)` })
          .from(resolutions)
          .where(and(eq(resolutions.villageId, meeting.villageId), eq(resolutions.year, year)))
          .get()?.n ?? 0) + 1
      : null
    const row = tx
      .insert(resolutions)
      .values({
        ...input,
        villageId: meeting.villageId,
        meetingId,
        year: passed ? year : null,
        serial,
        number: serial ? resolutionNumber(village.name, year, serial) : null,
        recordedBy: staff.actor.id,
        recordedAt: new Date(),
      })
      .returning()
      .get()
    recordAudit(tx, staff.actor, {
      action: passed ? 'resolution.passed' : 'resolution.failed',
      subject: 'resolution',
      subjectId: row.id,
      villageId: meeting.villageId,
      detail: {
        title: input.title,
        number: row.number,
        for: input.votesFor,
        against: input.votesAgainst,
        abstain: input.votesAbstain,
      },
    })
    return row
  })
}

/** A meeting's resolutions with the names of who moved and seconded them. */
export function resolutionsOf(db: Db | Tx, meetingId: number) {
  return db
    .select({
      ...resolutionColumns,
      proposer: sql<string>`(SELECT name FROM ${children} WHERE id = ${resolutions.proposerChildId})`,
      seconder: sql<string>`(SELECT name FROM ${children} WHERE id = ${resolutions.seconderChildId})`,
    })
    .from(resolutions)
    .where(eq(resolutions.meetingId, meetingId))
    .orderBy(asc(resolutions.id))
    .all()
    .map((r) => ({ ...r, passed: r.number !== null }))
}

const resolutionColumns = {
  id: resolutions.id,
  villageId: resolutions.villageId,
  meetingId: resolutions.meetingId,
  agendaItemId: resolutions.agendaItemId,
  title: resolutions.title,
  problem: resolutions.problem,
  request: resolutions.request,
  addressedTo: resolutions.addressedTo,
  category: resolutions.category,
  votesFor: resolutions.votesFor,
  votesAgainst: resolutions.votesAgainst,
  votesAbstain: resolutions.votesAbstain,
  number: resolutions.number,
  recordedAt: resolutions.recordedAt,
}
