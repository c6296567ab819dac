import { requireRole, type Ctx } from '../core/actor.ts'
import { todayIso } from '../core/dates.ts'
import { NotFound } from '../core/errors.ts'
import { seatedOn } from '../elections/seated.ts'
import { getJourney } from './journeys.ts'

/**
 * The formal letter that carries a passed resolution to the Gram Panchayat: the resolution, the meeting
 * that passed it, whether it passed unanimously, and who signs — the Bal Panchayat Pradhan on the letter's
 * day (the first titled seat, as for a meeting's chair). Only the Pradhan's gender, which chooses भवदीय or
 * भवदीया: the name is written by hand, as children's names leave the staff's pages only when the village chose so.
 */
export function letterPage(ctx: Ctx, resolutionId: number) {
  const staff = requireRole(ctx, 'admin', 'facilitator')
  const { staff: _, ...found } = getJourney(staff, resolutionId)
  const { journey, village } = found
  if (!journey.passed) throw new NotFound()
  const day = journey.forwarding?.forwardedOn ?? todayIso()
  const gender = seatedOn(staff.db, village.id, day).find((m) => m.seatTitle)?.gender
  return {
    ...found,
    /** The i18next context of the closing (`letter.yours_girl`); none when no Pradhan is seated or the gender is neither. */
    signedBy: gender === 'girl' || gender === 'boy' ? gender : undefined,
    /** Everyone who voted was for it: no vote against, no abstention. */
    unanimous: journey.votesFor > 0 && journey.votesAgainst === 0 && journey.votesAbstain === 0,
  }
}
