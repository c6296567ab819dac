import type { Gender } from '../people/tables.ts'
import { meetingStages, type GirlsQuorumShare, type MeetingStage, type QuorumShare } from './tables.ts'

export type QuorumRule = { members: QuorumShare; girls: GirlsQuorumShare }
export const defaultQuorumRule: QuorumRule = { members: '1/2', girls: '1/3' }

export type RollEntry = { gender: Gender; present: boolean }

export type Quorum = {
  members: number
  present: number
  girlMembers: number
  girlsPresent: number
  /** Members who must be present, and girls who must be among them, for the quorum. */
  membersNeeded: number
  girlsNeeded: number
  membersMet: boolean
  girlsMet: boolean
  met: boolean
}

/** The smallest whole number at or above share × n, computed exactly ("at least half of 11" is 6). */
export function atLeast(share: QuorumShare, n: number): number {
  const [num, den] = share.split('/').map(Number)
  return Math.floor((num * n + den - 1) / den)
}

/**
 * Whether the members present make a quorum: at least the rule's share of all members present,
 * and at least its share of those present girls. Nobody present is never a quorum.
 */
export function quorumOf(rule: QuorumRule, roll: RollEntry[]): Quorum {
  const members = roll.length
  const present = roll.filter((r) => r.present).length
  const girlMembers = roll.filter((r) => r.gender === 'girl').length
  const girlsPresent = roll.filter((r) => r.present && r.gender === 'girl').length
  const membersNeeded = Math.max(1, atLeast(rule.members, members))
  const girlsNeeded = rule.girls === 'none' ? 0 : atLeast(rule.girls, present)
  const membersMet = present >= membersNeeded
  const girlsMet = girlsPresent >= girlsNeeded
  return {
    members,
    present,
    girlMembers,
    girlsPresent,
    membersNeeded,
    girlsNeeded,
    membersMet,
    girlsMet,
    met: membersMet && girlsMet,
  }
}

/** Passed by a simple majority of those voting: more hands for than against (abstentions do not vote). */
export function passes(votes: { for: number; against: number }): boolean {
  return votes.for > votes.against
}

/** The stage reached by the latest event, or draft when none. */
export function meetingStageOf(events: { stage: MeetingStage }[]): MeetingStage {
  let reached: MeetingStage = 'draft'
  for (const e of events) if (meetingStages.indexOf(e.stage) > meetingStages.indexOf(reached)) reached = e.stage
  return reached
}

/** The agenda and the meeting's details change until it starts; minutes, attendance and votes only while it is held. */
export const canEditAgenda = (stage: MeetingStage) => stage === 'draft'
export const isHeld = (stage: MeetingStage) => stage === 'in_progress'
export const isClosed = (stage: MeetingStage) => stage === 'closed'
