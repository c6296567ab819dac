import { describe, expect, it } from 'vitest'
import { atLeast, meetingStageOf, passes, quorumOf, type RollEntry } from '../../src/meetings/quorum.ts'

const roll = (girlsPresent: number, boysPresent: number, girlsAbsent: number, boysAbsent: number): RollEntry[] => [
  ...Array.from({ length: girlsPresent }, () => ({ gender: 'girl' as const, present: true })),
  ...Array.from({ length: boysPresent }, () => ({ gender: 'boy' as const, present: true })),
  ...Array.from({ length: girlsAbsent }, () => ({ gender: 'girl' as const, present: false })),
  ...Array.from({ length: boysAbsent }, () => ({ gender: 'boy' as const, present: false })),
]
const rule = { members: '1/2', girls: '1/3' } as const

describe('the quorum of a Bal Panchayat meeting', () => {
  it('counts "at least half" and "at least a third" exactly, rounding up', () => {
    expect(atLeast('1/2', 11)).toBe(6)
    expect(atLeast('1/2', 10)).toBe(5)
    expect(atLeast('1/3', 6)).toBe(2)
    expect(atLeast('1/3', 7)).toBe(3)
    expect(atLeast('2/3', 9)).toBe(6)
    expect(atLeast('3/4', 0)).toBe(0)
  })

  it('is met with half the members present and a third of them girls', () => {
    const q = quorumOf(rule, roll(2, 4, 4, 2))
    expect(q).toMatchObject({
      members: 12,
      present: 6,
      girlMembers: 6,
      girlsPresent: 2,
      membersNeeded: 6,
      girlsNeeded: 2,
      met: true,
    })
  })

  it('is not met when enough members come but too few of them are girls', () => {
    const q = quorumOf(rule, roll(1, 6, 5, 0))
    expect(q.membersMet).toBe(true)
    expect(q.girlsMet).toBe(false)
    expect(q.met).toBe(false)
  })

  it('is not met when too few members come, however many are girls', () => {
    const q = quorumOf(rule, roll(5, 0, 1, 6))
    expect(q).toMatchObject({ membersMet: false, girlsMet: true, met: false })
  })

  it('is never met with nobody present, and a village may drop the girls’ part of the rule', () => {
    expect(quorumOf(rule, roll(0, 0, 3, 3)).met).toBe(false)
    expect(quorumOf({ members: '1/2', girls: 'none' }, roll(0, 3, 3, 0))).toMatchObject({ girlsNeeded: 0, met: true })
    expect(quorumOf({ members: '3/4', girls: '1/2' }, roll(4, 4, 2, 2)).met).toBe(false)
  })
})

describe('a resolution’s vote by show of hands', () => {
  it('passes by a simple majority of those voting; abstentions do not count and a tie fails', () => {
    expect(passes({ for: 5, against: 4 })).toBe(true)
    expect(passes({ for: 4, against: 4 })).toBe(false)
    expect(passes({ for: 1, against: 0 })).toBe(true)
    expect(passes({ for: 0, against: 0 })).toBe(false)
  })
})

describe('the stages of a meeting', () => {
  it('is scheduled until it starts, and closed once closed', () => {
    expect(meetingStageOf([])).toBe('draft')
    expect(meetingStageOf([{ stage: 'in_progress' }])).toBe('in_progress')
    expect(meetingStageOf([{ stage: 'closed' }, { stage: 'in_progress' }])).toBe('closed')
  })
})
