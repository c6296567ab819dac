import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { endSession } from '../session-policy.ts'
import { once } from '../../audit/form-keys.ts'
import { z } from 'zod'
import { parseForm, routeId } from '../forms.ts'
import { redirectAfter, render, submitForm } from '../render.ts'
import { Conflict, InvalidInput } from '../../core/errors.ts'
import { getElection } from '../../elections/elections.ts'
import {
  activeBallot,
  addToRoll,
  ballotOutcome,
  ballotPaper,
  ballotSeen,
  ballotStatus,
  cancelBallot,
  castBallot,
  endBallot,
  IDLE_TIMEOUT_MS,
  IDLE_WARNING_MS,
  notOnRoll,
  issueBallot,
  lockoutMinutes,
  openStation,
  PRESENCE_EVERY_MS,
  reopenStation,
  stationPollOpen,
  StationTryRefused,
  timeOutBallot,
  unlockStation,
  voterOnRoll,
  voterRoll,
  type StationState,
} from '../../elections/voting.ts'

declare module 'fastify' {
  interface Session {
    station?: StationState
  }
}

const pin = z
  .string('v.required')
  .trim()
  .regex(/^[0-9]{4,8}$/, 'v.pinFormat')
const openSchema = z
  .object({ pin, confirm: z.string('v.required').trim() })
  .refine((v) => v.pin === v.confirm, { message: 'v.pinMismatch', path: ['confirm'] })
const reopenSchema = z
  .object({
    password: z.string('v.required').min(1, 'v.required').max(200, 'voting.reopenWrongPassword'),
    newPin: pin,
    newConfirm: z.string('v.required').trim(),
  })
  .refine((v) => v.newPin === v.newConfirm, { message: 'v.pinMismatch', path: ['newConfirm'] })
const unlockSchema = z.object({ pin: z.string('v.required').trim().min(1, 'v.required').max(20, 'v.pinWrong') })
/** The child a ballot is handed to, or added to the roll: built once, not per request (a zod schema costs more to build than to run). */
const childForm = z.object({ childId: z.coerce.number('v.invalid').int().positive() })
/** Where a tablet goes when its poll has closed under it: its session has ended, so this page needs none. */
export const POLL_CLOSED_URL = '/station/closed'
/** The ballot a tablet asks about after a lost answer: its one-time token, as the ballot page holds it. */
const statusQuery = z.object({ token: z.uuid() })
/** Why a ballot is given up: the idle timeout (the default), or the facilitator's cancel, with the station's PIN. */
const abandonSchema = z
  .object({
    reason: z.enum(['cancel', 'timeout'], 'v.invalid').default('timeout'),
    pin: z.string('v.required').trim().max(20, 'v.pinWrong').optional(),
  })
  .refine((v) => v.reason !== 'cancel' || Boolean(v.pin), { message: 'v.required', path: ['pin'] })
/** The tablet's script sends the cast in the background and wants a word back, not a page. */
const wantsJson = (request: FastifyRequest) => (request.headers.accept ?? '').startsWith('application/json')
const rollQuery = z.object({
  q: z.string().max(100).optional().catch(undefined),
  ward: z.string().max(40).optional().catch(undefined),
})

/**
 * The shared tablet. While it holds a ballot, or its roll is locked, it shows nothing but the
 * ballot and the next-voter screen: see `kioskRedirect`, called for every request.
 */
export async function votingRoutes(app: FastifyInstance) {
  const organisers = { config: { roles: ['admin', 'facilitator'] as const } }
  const stationUrl = (id: number) => `/elections/${id}/station`
  const stationOf = (request: FastifyRequest, id: number) => {
    const state = request.session.get('station')
    return state && state.electionId === id ? state : undefined
  }

  app.get('/elections/:id/station', organisers, async (request, reply) => {
    const id = routeId(request.params)
    const { election, stage } = getElection(request.ctx, id)
    const state = stationOf(request, id)
    if (!state) return reply.view('voting/open', { election, stage, values: {}, errors: {} })
    const status = ballotStatus(request.ctx, state)
    if (status === 'active') return reply.redirect(`/elections/${id}/ballot`, 303)
    // A ballot the server no longer knows of (it restarted) or that expired was cancelled: say so.
    if (status !== 'none') request.session.set('station', endBallot(request.ctx, state))
    if (!state.unlocked) {
      const wait = lockoutMinutes(request.ctx, state)
      return reply.view('voting/locked', {
        election,
        values: {},
        errors: wait ? { pin: { key: 'v.pinWait', params: { count: wait } } } : {},
        cancelled: status === 'none' ? null : status,
        ended: status === 'none' ? state.ended : undefined,
      })
    }
    const query = rollQuery.parse(request.query ?? {})
    return render(request, reply, 'voting/station', 'voting/_roll', {
      election,
      stage,
      query,
      roll: voterRoll(request.ctx, id, query),
    })
  })

  app.post('/elections/:id/station', organisers, async (request, reply) => {
    const id = routeId(request.params)
    const { election, stage } = getElection(request.ctx, id)
    // A tablet already a station (its roll locked for the next child) opens anew only with the account's password.
    const existing = stationOf(request, id)
    if (existing && activeBallot(request.ctx, existing)) throw new Conflict('voting.stationLocked')
    const page = existing ? 'voting/locked' : 'voting/open'
    return submitForm(request, reply, { page, partial: page, data: { election, stage, reopening: true } }, async () => {
      if (!existing)
        request.session.set('station', await openStation(request.ctx, id, parseForm(openSchema, request.body).pin))
      else {
        const input = parseForm(reopenSchema, request.body)
        request.session.set(
          'station',
          await keepingTries(request, () => reopenStation(request.ctx, existing, input.password, input.newPin)),
        )
      }
      return { to: stationUrl(id), flash: 'voting.stationOpened' }
    })
  })

  app.post('/elections/:id/station/unlock', organisers, async (request, reply) => {
    const id = routeId(request.params)
    const state = stationOf(request, id)
    if (!state) return reply.redirect(stationUrl(id), 303)
    const { election } = getElection(request.ctx, id)
    return submitForm(
      request,
      reply,
      { page: 'voting/locked', partial: 'voting/locked', data: { election } },
      async () => {
        const { pin } = parseForm(unlockSchema, request.body)
        request.session.set('station', await keepingTries(request, () => unlockStation(request.ctx, state, pin)))
        return { to: stationUrl(id) }
      },
    )
  })

  app.post('/elections/:id/station/closing', organisers, async (request, reply) => {
    const id = routeId(request.params)
    const state = stationOf(request, id)
    if (state && (!state.unlocked || activeBallot(request.ctx, state))) throw new Conflict('voting.stationLocked')
    request.session.set('station', undefined)
    return redirectAfter(request, reply, `/elections/${id}`, 'voting.stationClosed')
  })

  app.get('/elections/:id/station/voters/:childId', organisers, async (request, reply) => {
    const id = routeId(request.params)
    const state = stationOf(request, id)
    if (!state?.unlocked) return reply.redirect(stationUrl(id), 303)
    const { election } = getElection(request.ctx, id)
    const voter = voterOnRoll(request.ctx, id, routeId(request.params, 'childId'))
    if (!voter) return reply.redirect(stationUrl(id), 303)
    return reply.view('voting/confirm-voter', { election, voter })
  })

  app.post('/elections/:id/station/ballot', organisers, async (request, reply) => {
    const id = routeId(request.params)
    const state = stationOf(request, id)
    if (!state) return reply.redirect(stationUrl(id), 303)
    const { childId } = parseForm(childForm, request.body)
    request.session.set('station', issueBallot(request.ctx, state, childId))
    return reply.redirect(`/elections/${id}/ballot`, 303)
  })

  app.get('/elections/:id/ballot', organisers, async (request, reply) => {
    const id = routeId(request.params)
    const ballot = activeBallot(request.ctx, stationOf(request, id))
    if (!ballot) return reply.redirect(stationUrl(id), 303)
    ballotSeen(request.ctx, stationOf(request, id))
    reply.header('Cache-Control', 'no-store')
    return reply.view('voting/ballot', ballotPage(request, id, ballot.token))
  })

  const ballotPage = (request: FastifyRequest, id: number, token: string) => ({
    election: getElection(request.ctx, id).election,
    paper: ballotPaper(request.ctx, id),
    token,
    idle: { timeout: IDLE_TIMEOUT_MS / 1000, warn: IDLE_WARNING_MS / 1000, presence: PRESENCE_EVERY_MS / 1000 },
    values: {},
    errors: {},
  })

  // The ballot page's word that the child is still there (a tap): the idle timeout counts from it.
  app.post('/elections/:id/ballot/presence', organisers, async (request, reply) => {
    ballotSeen(request.ctx, stationOf(request, routeId(request.params)))
    return reply.code(204).send()
  })

  app.post('/elections/:id/ballot', organisers, async (request, reply) => {
    const id = routeId(request.params)
    const state = stationOf(request, id)
    if (!state && wantsJson(request)) throw new Conflict('voting.noBallot')
    if (!state) return reply.redirect(stationUrl(id), 303)
    const body = (request.body ?? {}) as Record<string, unknown>
    try {
      request.session.set('station', await castBallot(request.ctx, state, String(body.token ?? ''), choicesOf(body)))
    } catch (err) {
      // A refused cast (or one the full disk could not keep) ends this ballot too: the tablet goes
      // back to the next-voter screen, which says the ballot was cancelled.
      if (!(err instanceof InvalidInput)) request.session.set('station', endBallot(request.ctx, state))
      throw err
    }
    // Only now, with the cast committed, may the child be told it counted.
    if (wantsJson(request)) return { status: 'counted', message: request.ctx.t('voting.outcome.counted') }
    return reply.redirect(`/elections/${id}/ballot/thanks`, 303)
  })

  // After a lost answer: was this tablet's ballot counted? Asked by the ballot's script, answered in words.
  app.get('/elections/:id/ballot/status', organisers, async (request, reply) => {
    const id = routeId(request.params)
    getElection(request.ctx, id)
    const state = stationOf(request, id)
    // Not a station (a laptop, a station closed meanwhile): to the station's page, as every ballot route does.
    if (!state) return reply.redirect(stationUrl(id), 303)
    const query = statusQuery.safeParse(request.query ?? {})
    if (!query.success) throw new InvalidInput({ _form: { key: 'voting.badToken' } })
    const status = ballotOutcome(request.ctx, state, query.data.token)
    reply.header('Cache-Control', 'no-store')
    return { status, message: request.ctx.t(`voting.outcome.${status}`) }
  })

  // Children who may vote but were not on the roll when the poll opened: added one by one, logged.
  app.get('/elections/:id/roll/additions', organisers, async (request, reply) => {
    const id = routeId(request.params)
    const { election, stage } = getElection(request.ctx, id)
    return reply.view('voting/additions', {
      election,
      open: stage === 'poll_open',
      children: stage === 'poll_open' ? notOnRoll(request.ctx, id) : [],
      kiosk: Boolean(request.session.get('station')),
    })
  })

  app.post('/elections/:id/roll', organisers, async (request, reply) => {
    const id = routeId(request.params)
    const { childId } = parseForm(childForm, request.body)
    const done = await once(request, () => {
      addToRoll(request.ctx, id, childId)
      return { to: `/elections/${id}/roll/additions`, flash: 'voting.addedToRoll' }
    })
    return redirectAfter(request, reply, done.to, done.flash)
  })

  // The thank-you only after a cast that counted: typed in, or reloaded after anything else, it is the next-voter screen.
  app.get('/elections/:id/ballot/thanks', organisers, async (request, reply) => {
    const id = routeId(request.params)
    if (stationOf(request, id)?.ended !== 'counted') return reply.redirect(stationUrl(id), 303)
    return reply.header('Cache-Control', 'no-store').view('voting/thanks', { next: stationUrl(id) })
  })

  // The tablet after its poll closed: its session is over (see kioskRedirect), so the page is public and names nothing.
  app.get(POLL_CLOSED_URL, { config: { public: true } }, async (_request, reply) => reply.view('voting/closed'))

  // The ballot given up: by the idle timeout (only once the server too has seen no sign of the child for
  // that long; sooner, back to the ballot, nothing changed), or cancelled by the facilitator with the PIN.
  app.post('/elections/:id/ballot/abandonment', organisers, async (request, reply) => {
    const id = routeId(request.params)
    const state = stationOf(request, id)
    if (!state) return reply.redirect(stationUrl(id), 303)
    const token = state.ballot?.token ?? ''
    const page = {
      page: 'voting/ballot',
      partial: 'voting/ballot',
      data: () => ({ ...ballotPage(request, id, token), cancelling: true }),
    }
    return submitForm(request, reply, page, async () => {
      const input = parseForm(abandonSchema, request.body)
      if (input.reason === 'cancel')
        request.session.set(
          'station',
          await keepingTries(request, () => cancelBallot(request.ctx, state, input.pin ?? '')),
        )
      else {
        const ended = timeOutBallot(request.ctx, state)
        if (!ended) return { to: `/elections/${id}/ballot` }
        request.session.set('station', ended)
      }
      return { to: stationUrl(id) }
    })
  })
}

/** A refused try of the station's PIN or password still counts: the session keeps the count and any lockout. */
async function keepingTries(request: FastifyRequest, tryIt: () => Promise<StationState>): Promise<StationState> {
  try {
    return await tryIt()
  } catch (err) {
    if (err instanceof StationTryRefused) request.session.set('station', err.state)
    throw err
  }
}

/** Marks as fields c_<contestId>, one or many: as a map from contest to candidate ids. */
function choicesOf(body: Record<string, unknown>): Map<number, number[]> {
  const out = new Map<number, number[]>()
  for (const [k, v] of Object.entries(body)) {
    const m = /^c_(\d+)$/.exec(k)
    if (!m) continue
    out.set(Number(m[1]), [v].flat().map(Number))
  }
  return out
}

/**
 * A tablet that is a polling station goes nowhere but its station: while its roll is locked or a
 * child holds its ballot, only the ballot, the next-voter screen and its PIN; with the roll open (the
 * facilitator at it), also the roll's own pages — never the register or the rest of the app, whatever
 * the method. Closing the station frees the session; the poll closing ends it (logged out), and the
 * tablet is sent to a page saying so. Returns where to send the request, or null.
 */
export async function kioskRedirect(request: FastifyRequest, reply: FastifyReply): Promise<string | null> {
  const state = request.session?.get('station')
  if (!state) return null
  const path = request.url.split('?')[0]
  if (path.startsWith('/static/') || path.startsWith('/vendor/')) return null
  if (!stationPollOpen(request.ctx, state)) {
    endBallot(request.ctx, state)
    await endSession(request, reply)
    return POLL_CLOSED_URL
  }
  const base = `/elections/${state.electionId}`
  // Logging out ends the station too: the facilitator's, with the roll open, not a child's on a locked tablet.
  const child = [
    `${base}/station`,
    `${base}/station/unlock`,
    `${base}/ballot`,
    `${base}/ballot/thanks`,
    `${base}/ballot/status`,
    `${base}/ballot/presence`,
    `${base}/ballot/abandonment`,
    '/language',
    '/health',
  ]
  const facilitator = [
    `${base}/station/ballot`,
    `${base}/station/closing`,
    `${base}/roll`,
    `${base}/roll/additions`,
    '/logout',
  ]
  const rollOpen = state.unlocked && !activeBallot(request.ctx, state)
  if (child.includes(path) || (rollOpen && (facilitator.includes(path) || path.startsWith(`${base}/station/voters/`))))
    return null
  return `${base}/station`
}
