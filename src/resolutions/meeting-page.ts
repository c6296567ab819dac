import type { Ctx } from '../core/actor.ts'
import {
  actionPointsOf,
  agendaOf,
  amendmentsOf,
  balPanchayatOn,
  cancellationOf,
  getMeeting,
  listMeetings,
  meetingQuorum,
  meetingTimeline,
  minutesOf,
  postponementsOf,
  rollOf,
} from '../meetings/meetings.ts'
import { heldOf } from '../meetings/held.ts'
import { meetingStages } from '../meetings/tables.ts'
import { getVillage } from '../villages/villages.ts'
import { answersOnAgenda, resolutionCountsByMeeting } from './answers.ts'
import { resolutionsOf } from './resolutions.ts'

/**
 * Everything a meeting's page shows, in whatever stage the meeting is: one read, checked once (the
 * meeting's village must be the reader's). It sits in Resolutions, above Meetings, because the page
 * shows the resolutions taken up and the Gram Panchayat's answers read out there.
 */
export function meetingPage(ctx: Ctx, meetingId: number) {
  const { meeting, stage, staff } = getMeeting(ctx, meetingId)
  const db = staff.db
  const roll = rollOf(db, meeting.id)
  const members = stage === 'draft' ? balPanchayatOn(db, meeting.villageId, meeting.date) : []
  return {
    village: getVillage(staff, meeting.villageId),
    meeting,
    stage,
    stages: meetingStages,
    /** When it was actually held (a started meeting), its moves and its cancellation. */
    held: stage === 'draft' ? null : heldOf(meeting),
    postponements: postponementsOf(db, meeting.id),
    cancellation: cancellationOf(db, meeting.id),
    timeline: meetingTimeline(ctx, meeting.id),
    agenda: agendaOf(db, meeting.id),
    roll,
    quorum: meetingQuorum(db, meeting),
    chair: [...roll, ...members].find((m) => m.childId === meeting.chairChildId) ?? null,
    members,
    minutes: minutesOf(db, meeting.id),
    actions: actionPointsOf(db, meeting.id),
    resolutions: resolutionsOf(db, meeting.id),
    amendments: amendmentsOf(db, meeting.id),
    answers: answersOnAgenda(db, meeting.id),
  }
}

/** A village's meetings, each with how many resolutions it took up and how many passed. */
export function meetingList(ctx: Ctx, villageId: number) {
  const list = listMeetings(ctx, villageId)
  const counts = resolutionCountsByMeeting(
    ctx.db,
    list.map((m) => m.id),
  )
  return list.map((m) => ({ ...m, resolutions: counts.get(m.id) ?? { n: 0, passed: 0 } }))
}
