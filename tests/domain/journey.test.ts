import { describe, expect, it } from 'vitest'
import { daysBetween, defaultFollowUpRule, nextSteps, overdue, statusOf } from '../../src/resolutions/journey.ts'

describe('where a resolution stands', () => {
  it('reads the status from the vote, the forwarding and each answer in turn', () => {
    expect(statusOf(false, false, [])).toBe('not_passed')
    expect(statusOf(true, false, [])).toBe('passed')
    expect(statusOf(true, true, [])).toBe('sent')
    expect(statusOf(true, true, [{ kind: 'acknowledged' }])).toBe('received')
    expect(statusOf(true, true, [{ kind: 'acknowledged' }, { kind: 'accepted' }])).toBe('accepted')
    expect(statusOf(true, true, [{ kind: 'acknowledged' }, { kind: 'referred' }, { kind: 'action' }])).toBe('in_action')
    expect(
      statusOf(true, true, [
        { kind: 'acknowledged' },
        { kind: 'accepted' },
        { kind: 'action' },
        { kind: 'action' },
        { kind: 'done' },
      ]),
    ).toBe('done')
    expect(statusOf(true, true, [{ kind: 'acknowledged' }, { kind: 'declined' }])).toBe('declined')
  })

  it('allows one decision after receipt, actions after a decision to act, and nothing after done or declined', () => {
    expect(nextSteps('passed')).toEqual([])
    expect(nextSteps('sent')).toEqual(['acknowledged'])
    expect(nextSteps('received')).toEqual(['accepted', 'referred', 'declined'])
    expect(nextSteps('accepted')).toEqual(['action'])
    expect(nextSteps('in_action')).toEqual(['action', 'done'])
    expect(nextSteps('declined')).toEqual([])
    expect(nextSteps('done')).toEqual([])
  })
})

describe('an overdue answer', () => {
  it('is late to acknowledge after 14 days and late to decide after 30, by default', () => {
    expect(daysBetween('2026-01-01', '2026-01-15')).toBe(14)
    expect(overdue('sent', '2026-01-01', '2026-01-15', defaultFollowUpRule)).toBeNull()
    expect(overdue('sent', '2026-01-01', '2026-01-16', defaultFollowUpRule)).toBe('acknowledge')
    expect(overdue('received', '2026-01-01', '2026-01-31', defaultFollowUpRule)).toBeNull()
    expect(overdue('received', '2026-01-01', '2026-02-01', defaultFollowUpRule)).toBe('decide')
    expect(overdue('accepted', '2026-01-01', '2027-01-01', defaultFollowUpRule)).toBeNull()
    expect(overdue('passed', null, '2027-01-01', defaultFollowUpRule)).toBeNull()
  })

  it('follows the village’s own number of days', () => {
    expect(overdue('sent', '2026-03-01', '2026-03-09', { ...defaultFollowUpRule, acknowledgeDays: 7 })).toBe(
      'acknowledge',
    )
  })
})
