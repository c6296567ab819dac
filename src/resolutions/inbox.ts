import { journeyStatuses, type JourneyStatus, type Status } from './journey.ts'

/** What the inbox needs of a forwarded resolution to place it. */
export type InboxEntry = {
  id: number
  status: Status
  overdue: 'acknowledge' | 'decide' | null
  forwarding: { forwardedOn: string } | null
  lastAnswer: { on: string } | null
}

/** Nothing more can be recorded on these: the Gram Panchayat declined, or the work is done. */
export const finishedStatuses = ['done', 'declined'] as const satisfies readonly JourneyStatus[]
/** Still waiting on the Gram Panchayat: its inbox card names the next step. */
export const waitingStatuses = journeyStatuses.filter((s) => !isFinished(s))

function isFinished(status: Status): boolean {
  return (finishedStatuses as readonly Status[]).includes(status)
}

/** The member's own next step first: acknowledge, then decide, then record the work. */
const stepOrder: Partial<Record<Status, number>> = { sent: 0, received: 1, accepted: 2, referred: 2, in_action: 2 }

/**
 * A Gram Panchayat member's inbox in two parts. Waiting on the Gram Panchayat: late ones first, then
 * by the step due (receipt, decision, work), then the longest waiting. Finished (done or declined),
 * below: the most recently finished first.
 */
export function inboxSections<T extends InboxEntry>(entries: readonly T[]): { pending: T[]; finished: T[] } {
  const pending: T[] = []
  const finished: T[] = []
  for (const e of entries) (isFinished(e.status) ? finished : pending).push(e)
  pending.sort(
    (a, b) =>
      Number(!a.overdue) - Number(!b.overdue) ||
      (stepOrder[a.status] ?? 3) - (stepOrder[b.status] ?? 3) ||
      forwardedOn(a).localeCompare(forwardedOn(b)) ||
      a.id - b.id,
  )
  finished.sort((a, b) => finishedOn(b).localeCompare(finishedOn(a)) || b.id - a.id)
  return { pending, finished }
}

const forwardedOn = (e: InboxEntry) => e.forwarding?.forwardedOn ?? ''
const finishedOn = (e: InboxEntry) => e.lastAnswer?.on ?? ''
