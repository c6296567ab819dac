import { entityOf, paramNames } from './routes.ts'
import type { World } from './world.ts'

/**
 * For each route, Papdi's record it is asked about: one in the state the route serves (the result of
 * a published election, the attendance of a meeting being held), so that whoever may reach the route
 * gets its page, and whoever may not is refused something real. Routes that remove a record get one
 * nothing else is asked about, so the order the routes are tried in does not matter.
 */
export function papdiTargets(world: World, routeKey: string): Record<string, string> {
  const p = world.papdi
  const url = routeKey.slice(routeKey.indexOf(' ') + 1)
  const out: Record<string, string> = {}
  const set = (values: Record<string, number>) => {
    for (const [k, v] of Object.entries(values)) out[k] = String(v)
  }

  // The record each kind of parameter names, unless the route needs another.
  for (const name of paramNames(url)) {
    const entity = entityOf(url, name)
    out[name] = String(
      {
        village: p.villageId,
        user: world.spareUsers.papdi.id,
        child: p.bp.Meena,
        election: p.elections.draft,
        contest: p.contests.draft,
        candidate: p.candidates.nominations[0],
        paperCount: p.paperCounts.open,
        member: p.members[1],
        meeting: p.meetings.live,
        item: p.agendaItems.live[0],
        action: p.actionPoints.live,
        resolution: p.resolutions.sent,
        case: p.cases.open,
      }[entity],
    )
  }

  if (url.startsWith('/elections/:id/result') || url === '/elections/:id/publication') set({ id: p.elections.closed })
  if (url.startsWith('/elections/:id/station') || url.startsWith('/elections/:id/ballot'))
    set({ id: p.elections.tablet })
  if (url === '/elections/:id/station/voters/:childId') set({ childId: p.voters[0] })
  if (url.startsWith('/elections/:id/paper-counts') || url === '/elections/:id/closing') set({ id: p.elections.open })
  if (url.startsWith('/elections/:id/candidates/') || url === '/elections/:id/poll')
    set({ id: p.elections.nominations })
  if (url === '/elections/:id/contests/:contestId/removal') set({ contestId: p.contests.draftSpare })

  if (
    url.startsWith('/meetings/:id/agenda') ||
    url === '/meetings/:id/edit' ||
    url === '/meetings/:id' ||
    url === '/meetings/:id/start'
  ) {
    set({ id: p.meetings.scheduled, itemId: p.agendaItems.scheduled[0] })
  }
  if (url === '/meetings/:id/agenda/:itemId/removal') set({ itemId: p.agendaItems.scheduled[2] })
  if (url === '/villages/:villageId/cases/:id/meeting-steps/:itemId') set({ itemId: p.agendaItems.liveOutOfSchool })
  if (url === '/meetings/:id/amendments' || url === '/meetings/:id/minutes') set({ id: p.meetings.closed })
  if (url === '/meetings/:id/attendance/:childId') set({ childId: p.bp.Meena })

  if (url === '/resolutions/:id/letter' || url === '/resolutions/:id/forwarding')
    set({ id: p.resolutions.notForwarded })
  if (url === '/resolutions/:id/decision') set({ id: p.resolutions.received })
  if (url === '/resolutions/:id/actions' || url === '/resolutions/:id/completion') set({ id: p.resolutions.accepted })
  return out
}

/** The same parameters with every record swapped for one that does not exist. */
export function missingTargets(params: Record<string, string>, keepVillage = false): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params).map(([k, v]) => [k, keepVillage && k === 'villageId' ? v : '999999']),
  )
}

/** A query some pages need to have anything to show. */
export function targetQuery(routeKey: string): string {
  return (
    (
      {
        'GET /figures.csv': '?table=representation',
        'GET /villages/:villageId/cases/:id/steps/new': '?kind=family_visit',
      } as Record<string, string>
    )[routeKey] ?? ''
  )
}
