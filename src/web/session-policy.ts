import type { FastifyReply, FastifyRequest } from 'fastify'
import { renewCsrf } from './csrf.ts'

/** A staff session ends after this long without a request (OWASP ASVS L2, a shared device)… */
export const IDLE_LIMIT_MS = 30 * 60_000
/** …and this long after logging in, whatever is done. */
export const ABSOLUTE_LIMIT_MS = 12 * 60 * 60_000
/** When the last request was is written at most this often: a voting tablet makes many requests a minute. */
export const TOUCH_EVERY_MS = 60_000

export type SessionEnd = 'idle' | 'absolute'

declare module 'fastify' {
  interface Session {
    /** When the person logged in, and about when they were last seen (ms since 1970). */
    startedAt?: number
    lastSeenAt?: number
    /** Set by the session store on a session it no longer keeps: why it ended (it holds nothing else). */
    endedFor?: SessionEnd
  }
}

type SessionTimes = { userId?: number; startedAt?: number; lastSeenAt?: number; station?: unknown }

/**
 * The one exemption: a tablet that is a polling station (its session holds `station`) is not
 * ended for being idle nor after 12 hours — children vote on it for hours between the
 * facilitator's visits. The station itself ends when the poll closes (voting.ts).
 */
export function isPollingStation(session: SessionTimes): boolean {
  return Boolean(session.station)
}

/** Why a logged-in session has ended by `now`, or null while it lasts. */
export function sessionEnd(session: SessionTimes, now: number): SessionEnd | null {
  if (!session.userId || isPollingStation(session)) return null
  // A session from before these limits (no start recorded) is ended: its person logs in once more.
  if (typeof session.startedAt !== 'number') return 'absolute'
  const idleAt = (session.lastSeenAt ?? session.startedAt) + IDLE_LIMIT_MS
  const absoluteAt = session.startedAt + ABSOLUTE_LIMIT_MS
  if (now < Math.min(idleAt, absoluteAt)) return null
  return idleAt <= absoluteAt ? 'idle' : 'absolute'
}

/** When the session store may forget a session: its end by the limits, or its cookie's end for a polling station. */
export function sessionDeadline(session: SessionTimes, cookieExpires: number): number {
  if (isPollingStation(session)) return cookieExpires
  if (typeof session.startedAt !== 'number') return 0
  return Math.min(session.startedAt + ABSOLUTE_LIMIT_MS, (session.lastSeenAt ?? session.startedAt) + IDLE_LIMIT_MS)
}

/**
 * Run before anything reads who is logged in: a session past its limits is ended (the request
 * goes on as nobody's, and the answer says why); a live one is marked as seen, at most once a minute.
 */
export async function applySessionLimits(request: FastifyRequest, now: number): Promise<SessionEnd | null> {
  const session = request.session
  const ended = session.endedFor ?? sessionEnd(session, now)
  if (ended) {
    await session.regenerate()
    return ended
  }
  if (session.userId && now - (session.lastSeenAt ?? 0) >= TOUCH_EVERY_MS) session.lastSeenAt = now
  return null
}

/** Logging in: a new session id (a planted cookie is worth nothing) and a new CSRF secret. */
export async function beginSession(request: FastifyRequest, reply: FastifyReply, userId: number): Promise<void> {
  await request.session.regenerate()
  const now = request.server.now()
  request.session.userId = userId
  request.session.startedAt = now
  request.session.lastSeenAt = now
  renewCsrf(request, reply)
}

/** The same person, a new session id (after a password change); the 12 hours still count from the login. */
export async function renewSession(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  await request.session.regenerate(['userId', 'startedAt', 'lastSeenAt'])
  renewCsrf(request, reply)
}

/** Logging out: the stored session is deleted; the request goes on as nobody's. */
export async function endSession(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  await request.session.regenerate()
  renewCsrf(request, reply)
}
