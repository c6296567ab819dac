// The order of a Gram Panchayat member's inbox (src/resolutions/inbox.ts): a pure function, no database.
import { describe, expect, it } from 'vitest'
import { inboxSections, type InboxEntry } from '../../src/resolutions/inbox.ts'

const entry = (id: number, status: InboxEntry['status'], over: Partial<InboxEntry> = {}): InboxEntry => ({
  id,
  status,
  overdue: null,
  forwarding: { forwardedOn: '2026-11-01' },
  lastAnswer: null,
  ...over,
})
const ids = (list: InboxEntry[]) => list.map((e) => e.id)

describe('the inbox’s order', () => {
  it('puts what waits on the Gram Panchayat above what is finished, each in its own list', () => {
    const { pending, finished } = inboxSections([
      entry(1, 'done', { lastAnswer: { on: '2026-11-20' } }),
      entry(2, 'sent'),
      entry(3, 'declined', { lastAnswer: { on: '2026-11-10' } }),
      entry(4, 'in_action'),
    ])
    expect(ids(pending)).toEqual([2, 4])
    expect(ids(finished)).toEqual([1, 3])
  })

  it('shows late ones first, then receipt due, decision due and work to record, each the longest waiting first', () => {
    const { pending } = inboxSections([
      entry(1, 'in_action', { forwarding: { forwardedOn: '2026-09-01' } }),
      entry(2, 'received', { forwarding: { forwardedOn: '2026-11-20' } }),
      entry(3, 'sent', { forwarding: { forwardedOn: '2026-11-25' } }),
      entry(4, 'received', { overdue: 'decide', forwarding: { forwardedOn: '2026-10-01' } }),
      entry(5, 'sent', { forwarding: { forwardedOn: '2026-11-21' } }),
      entry(6, 'accepted', { forwarding: { forwardedOn: '2026-10-15' } }),
      entry(7, 'sent', { overdue: 'acknowledge', forwarding: { forwardedOn: '2026-10-20' } }),
      entry(8, 'referred', { forwarding: { forwardedOn: '2026-08-01' } }),
    ])
    expect(ids(pending)).toEqual([7, 4, 5, 3, 2, 8, 1, 6])
  })

  it('lists the finished most recently finished first, and keeps equal ones in a fixed order', () => {
    const { finished } = inboxSections([
      entry(1, 'declined', { lastAnswer: { on: '2026-11-02' } }),
      entry(2, 'done', { lastAnswer: { on: '2026-11-28' } }),
      entry(3, 'done', { lastAnswer: { on: '2026-11-02' } }),
    ])
    expect(ids(finished)).toEqual([2, 3, 1])
    const same = [entry(9, 'sent'), entry(8, 'sent')]
    expect(ids(inboxSections(same).pending)).toEqual([8, 9])
    expect(ids(inboxSections([...same].reverse()).pending)).toEqual([8, 9])
  })

  it('leaves the list it was given as it was, and an empty inbox is two empty lists', () => {
    const given = [entry(2, 'sent'), entry(1, 'done', { lastAnswer: { on: '2026-11-02' } })]
    inboxSections(given)
    expect(ids(given)).toEqual([2, 1])
    expect(inboxSections([])).toEqual({ pending: [], finished: [] })
  })
})
