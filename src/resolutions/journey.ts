import type { ResponseKind } from './tables.ts'

/** Where a forwarded resolution stands, as the board and the inbox show it. */
export const journeyStatuses = ['sent', 'received', 'accepted', 'referred', 'in_action', 'done', 'declined'] as const
export type JourneyStatus = (typeof journeyStatuses)[number]
export type Status = 'not_passed' | 'passed' | JourneyStatus

export type FollowUpRule = { acknowledgeDays: number; decideDays: number; boardShowsProposers: boolean }
export const defaultFollowUpRule: FollowUpRule = { acknowledgeDays: 14, decideDays: 30, boardShowsProposers: false }

/** Where a resolution stands, read from its vote, its forwarding and the Gram Panchayat's answers in order. */
export function statusOf(passed: boolean, forwarded: boolean, responses: { kind: ResponseKind }[]): Status {
  if (!passed) return 'not_passed'
  if (!forwarded) return 'passed'
  let status: Status = 'sent'
  for (const r of responses) {
    if (r.kind === 'acknowledged') status = 'received'
    else if (r.kind === 'action') status = 'in_action'
    else status = r.kind
  }
  return status
}

/** What the Gram Panchayat may record next. A decision is made once; declined and done are final. */
export function nextSteps(status: Status): ResponseKind[] {
  switch (status) {
    case 'sent':
      return ['acknowledged']
    case 'received':
      return ['accepted', 'referred', 'declined']
    case 'accepted':
    case 'referred':
      return ['action']
    case 'in_action':
      return ['action', 'done']
    default:
      return []
  }
}

/** Whole days from one ISO date to another. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000)
}

/**
 * Overdue: not acknowledged more than the rule's days after it was forwarded, or acknowledged but
 * not decided more than its days after forwarding. Says which answer is late, or null.
 */
export function overdue(
  status: Status,
  forwardedOn: string | null,
  today: string,
  rule: FollowUpRule,
): 'acknowledge' | 'decide' | null {
  if (!forwardedOn) return null
  const waited = daysBetween(forwardedOn, today)
  if (status === 'sent' && waited > rule.acknowledgeDays) return 'acknowledge'
  if (status === 'received' && waited > rule.decideDays) return 'decide'
  return null
}
