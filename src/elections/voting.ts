import { randomUUID } from 'node:crypto'
import { and, asc, eq, sql } from 'drizzle-orm'
import { recordAudit } from '../audit/audit.ts'
import { auditLog } from '../audit/tables.ts'
import { users } from '../accounts/tables.ts'
import { children } from '../people/tables.ts'
import { requireRole, type Ctx, type StaffCtx } from '../core/actor.ts'
import { authenticate } from '../accounts/accounts.ts'
import { groupCommit, type Db } from '../db/client.ts'
import { prepared } from '../db/prepared.ts'
import { Conflict, InvalidInput, NotFound, type FieldErrors } from '../core/errors.ts'
import { todayIso } from '../core/dates.ts'
import { contestCandidates, getElection } from './elections.ts'
import { contests, electionEvents, stations } from './tables.ts'
import { boxCheckoffs } from './ballot-box-tables.ts'
import { addToBox, boxContestsOf, boxRoll, castIntoBox, encodeMarks, forgetEmptySlots } from './ballot-box.ts'
import { childrenOffRoll, eligibleVoters } from './roll.ts'
import { stageOf } from './stages.ts'
import { hashPin, isLegacyPinHash, lockoutAfter, minutesLeft, verifyPin } from './station-pin.ts'

/**
 * What a tablet's session remembers: its station, whether the roll is open, and the token of the
 * ballot it holds. Which child holds that ballot is kept only in the server's memory (`issued`).
 */
export type StationState = {
  id: number
  electionId: number
  unlocked: boolean
  /** Wrong tries in a row (PINs, and account passwords on a reopen), and the end of a lockout (ms): see `guardedTry`. */
  failedPins: number
  lockedUntil?: number
  ballot?: { token: string }
  /** How the last ballot ended, for the next-voter screen: never which ballot or whose. */
  ended?: BallotEnd
}

/** How a ballot on the tablet ended, as the next-voter screen says it. */
export const ballotEnds = ['counted', 'cancelled', 'timeout'] as const
export type BallotEnd = (typeof ballotEnds)[number]

/** A ballot not cast within this time is abandoned: nothing is cast, the child may vote again. */
export const BALLOT_TTL_MS = 10 * 60 * 1000

/** `seenAt`: the last sign of the child at the tablet (the ballot handed out or shown, a tap), for the idle timeout. */
type Issued = { childId: number; electionId: number; stationId: number; issuedAt: number; seenAt: number }

/** A ballot left untouched this long on the tablet closes by itself, nothing cast; the page warns this long before. */
export const IDLE_TIMEOUT_MS = 120 * 1000
export const IDLE_WARNING_MS = 20 * 1000
/** How often at most the ballot page says the child is still there, and what the server allows for a late one. */
export const PRESENCE_EVERY_MS = 30 * 1000
const PRESENCE_SLACK_MS = 10 * 1000

/**
 * How long the server remembers whether a ballot it handed out was counted, so that a tablet whose
 * answer was lost (Wi-Fi) can ask again. Longer than a ballot lives, short enough to be forgotten soon.
 */
export const OUTCOME_MEMORY_MS = 15 * 60 * 1000
/**
 * A tablet holds one ballot at a time and asks only about the one it last held, so a station's last
 * few outcomes are all it can need: older ones are forgotten at once. The memory stays the size of
 * the stations, not of the votes (100,000 votes on polling day would otherwise be 100,000 entries).
 */
export const OUTCOMES_PER_STATION = 4
/** Whether a ballot (by its one-time token) was counted: no child, no choice, and in memory only. */
type Outcome = { stationId: number; electionId: number; counted: boolean; at: number }

/**
 * The ballots now in children's hands, per database: by token (in the order they were handed out),
 * and the token each child holds. In memory only, never in a session or a file, so no stored byte
 * ties a child to the moment of a cast. A restart forgets them, which cancels them (the station
 * says so). Each is forgotten when cast, given up or handed out again, and once expired.
 */
type Held = {
  byToken: Map<string, Issued>
  byChild: Map<string, string>
  /** Ballots being cast now (waiting for the commit): a retry of the same token waits for the same answer. */
  casting: Map<string, { stationId: number; done: Promise<unknown> }>
  /** Ballots that ended, by token, oldest first: counted or not. Forgotten after OUTCOME_MEMORY_MS. */
  outcomes: Map<string, Outcome>
  /** Each station's remembered outcomes' tokens, oldest first: at most OUTCOMES_PER_STATION. */
  outcomesOf: Map<number, string[]>
}
const issued = new WeakMap<Db, Held>()
function issuedOf(db: Db): Held {
  let found = issued.get(db)
  if (!found) {
    found = { byToken: new Map(), byChild: new Map(), casting: new Map(), outcomes: new Map(), outcomesOf: new Map() }
    issued.set(db, found)
  }
  return found
}
const childKey = (electionId: number, childId: number) => `${electionId}:${childId}`

/** The ballot is no longer held: cast (`counted`) or given up. What remains is whether it counted, for a while. */
function release(held: Held, token: string, counted = false, now = Date.now()): void {
  const ballot = held.byToken.get(token)
  if (!ballot) return
  held.byToken.delete(token)
  const key = childKey(ballot.electionId, ballot.childId)
  if (held.byChild.get(key) === token) held.byChild.delete(key)
  forgetOldOutcomes(held, now)
  held.outcomes.set(token, { stationId: ballot.stationId, electionId: ballot.electionId, counted, at: now })
  const ofStation = held.outcomesOf.get(ballot.stationId)
  if (!ofStation) held.outcomesOf.set(ballot.stationId, [token])
  else {
    ofStation.push(token)
    if (ofStation.length > OUTCOMES_PER_STATION) held.outcomes.delete(ofStation.shift()!)
  }
}

/** The oldest come first, over all stations and within each: no need to look past the first still remembered. */
function forgetOldOutcomes(held: Held, now: number): void {
  for (const [token, outcome] of held.outcomes) {
    if (now - outcome.at <= OUTCOME_MEMORY_MS) break
    held.outcomes.delete(token)
    const ofStation = held.outcomesOf.get(outcome.stationId)
    if (ofStation?.[0] === token) ofStation.shift()
    if (ofStation?.length === 0) held.outcomesOf.delete(outcome.stationId)
  }
}

/** How many ballots' outcomes the server remembers now (over all stations). */
export function outcomesRemembered({ db }: Pick<Ctx, 'db'>): number {
  return issuedOf(db).outcomes.size
}

/** What this station's tablet may learn of a token: only of its own ballots, and only for a while. */
function outcomeFor(held: Held, state: StationState, token: string, now = Date.now()): Outcome | undefined {
  forgetOldOutcomes(held, now)
  const outcome = held.outcomes.get(token)
  return outcome && outcome.stationId === state.id && outcome.electionId === state.electionId ? outcome : undefined
}

/** How many ballots the server holds in its memory (children holding one, or expired and not yet forgotten). */
export function ballotsHeld(db: Db): number {
  return issuedOf(db).byToken.size
}

function pollOpen(ctx: Ctx, electionId: number) {
  const found = getElection(ctx, electionId)
  if (found.stage !== 'poll_open') throw new Conflict('voting.pollNotOpen')
  return found
}

export type Voter = ReturnType<typeof eligibleVoters>[number] & { voted: boolean }

/** The roll laid out when the poll opened (and any child added since), with who has voted. */
function rollOf(ctx: Ctx, electionId: number): Voter[] {
  const { election, staff } = getElection(ctx, electionId)
  return staff.db
    .select({
      id: children.id,
      name: children.name,
      gender: children.gender,
      ward: children.ward,
      guardianName: children.guardianName,
      dateOfBirth: children.dateOfBirth,
      voted: boxCheckoffs.voted,
    })
    .from(boxCheckoffs)
    .innerJoin(children, eq(children.id, boxCheckoffs.childId))
    .where(and(eq(boxCheckoffs.electionId, electionId), eq(children.villageId, election.villageId)))
    .orderBy(asc(children.name))
    .all()
}

/** One child of the roll: asked for every ballot handed out, so the query is built once, not per request. */
const voterById = prepared((db) =>
  db
    .select({
      id: children.id,
      name: children.name,
      gender: children.gender,
      ward: children.ward,
      guardianName: children.guardianName,
      dateOfBirth: children.dateOfBirth,
      voted: boxCheckoffs.voted,
    })
    .from(boxCheckoffs)
    .innerJoin(children, eq(children.id, boxCheckoffs.childId))
    .where(
      and(
        eq(boxCheckoffs.electionId, sql.placeholder('electionId')),
        eq(children.villageId, sql.placeholder('villageId')),
        eq(boxCheckoffs.childId, sql.placeholder('childId')),
      ),
    )
    .prepare(),
)

/** A child of the roll of an election already checked (permissions, stage): no second look. */
function voterIn(db: Db, election: { id: number; villageId: number }, childId: number): Voter | null {
  return voterById(db).get({ electionId: election.id, villageId: election.villageId, childId }) ?? null
}

export function voterOnRoll(ctx: Ctx, electionId: number, childId: number): Voter | null {
  const { election, staff } = getElection(ctx, electionId)
  return voterIn(staff.db, election, childId)
}

/** The voter roll with who has voted — never how — and turnout by gender. */
export function voterRoll(ctx: Ctx, electionId: number, filter: { q?: string; ward?: string } = {}) {
  const rows = rollOf(ctx, electionId)
  const turnout = (g: string) => ({
    voted: rows.filter((r) => r.gender === g && r.voted).length,
    total: rows.filter((r) => r.gender === g).length,
  })
  const q = filter.q?.trim().toLowerCase()
  return {
    voters: rows.filter(
      (r) =>
        (!q || r.name.toLowerCase().includes(q) || r.guardianName.toLowerCase().includes(q)) &&
        (!filter.ward || r.ward === filter.ward),
    ),
    wards: [...new Set(rows.map((r) => r.ward))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })),
    cast: rows.filter((r) => r.voted).length,
    total: rows.length,
    girls: turnout('girl'),
    boys: turnout('boy'),
    others: turnout('other'),
  }
}

/** Children who may vote today but were not on the roll when the poll opened (registered or given consent since). */
export function rollAdditions(ctx: Ctx, electionId: number) {
  const { election, staff } = pollOpen(ctx, electionId)
  const onRoll = new Set(boxRoll(staff.db, electionId).map((r) => r.childId))
  return eligibleVoters(staff.db, election, todayIso()).filter((c) => !onRoll.has(c.id))
}

/**
 * The register beside an open poll's roll: every child of the village not on it, with why (left, too
 * young or old, no consent) or that they may be added now (registered or given consent since it opened).
 */
export function notOnRoll(ctx: Ctx, electionId: number) {
  const { election, staff } = pollOpen(ctx, electionId)
  const onRoll = new Set(boxRoll(staff.db, electionId).map((r) => r.childId))
  return childrenOffRoll(staff.db, election, todayIso(), onRoll)
}

/** Adds a child to an open poll's roll: a deliberate, logged act, laid out in the box as at opening. */
export function addToRoll(ctx: Ctx, electionId: number, childId: number): void {
  const { election, staff } = pollOpen(ctx, electionId)
  const child = rollAdditions(staff, electionId).find((c) => c.id === childId)
  if (!child) {
    if (voterOnRoll(staff, electionId, childId)) return
    throw new NotFound()
  }
  staff.db.transaction((tx) => {
    addToBox(tx, electionId, childId)
    recordAudit(tx, staff.actor, {
      action: 'roll.child_added',
      subject: 'election',
      subjectId: electionId,
      villageId: election.villageId,
      detail: { child: child.name },
    })
  })
  // The new empty slots must be among those a cast picks from.
  forgetEmptySlots(staff.db)
}

export async function openStation(ctx: Ctx, electionId: number, pin: string): Promise<StationState> {
  const { election, staff } = pollOpen(ctx, electionId)
  const pinHash = await hashPin(pin)
  return staff.db.transaction((tx) => {
    const row = tx
      .insert(stations)
      .values({ electionId, pinHash, openedBy: staff.actor.id, openedAt: new Date() })
      .returning()
      .get()
    recordAudit(tx, staff.actor, {
      action: 'station.opened',
      subject: 'election',
      subjectId: electionId,
      villageId: election.villageId,
      detail: { station: row.id },
    })
    return { id: row.id, electionId, unlocked: true, failedPins: 0 }
  })
}

/**
 * A tablet whose roll is locked is opened anew (a forgotten PIN) only with the account's password,
 * never with just a new PIN: a child holding the tablet knows neither. A wrong password counts as a
 * wrong try of the station, so the tablet cannot be used to guess the account's password either.
 */
export async function reopenStation(
  ctx: Ctx,
  state: StationState,
  password: string,
  pin: string,
  now = Date.now(),
): Promise<StationState> {
  const staff = requireRole(ctx, 'admin', 'facilitator')
  pollOpen(staff, state.electionId)
  await guardedTry(
    staff,
    state,
    now,
    'password',
    async () => Boolean(await authenticate(staff.db, staff.actor.username, password)),
    { key: 'voting.reopenWrongPassword' },
  )
  return openStation(staff, state.electionId, pin)
}

/**
 * The roll opens again only with the station's PIN. Five wrong tries lock the tablet for a minute,
 * each further five twice as long (`lockoutAfter`); while locked, no try is even checked.
 */
export async function unlockStation(
  ctx: Ctx,
  state: StationState,
  pin: string,
  now = Date.now(),
): Promise<StationState> {
  const { staff } = getElection(ctx, state.electionId)
  const station = await guardedTry(staff, state, now, 'pin', (row) => verifyPin(pin, row.pinHash), {
    key: 'v.pinWrong',
  })
  // A station opened before PINs were kept with scrypt keeps working; its PIN is rewritten on first use.
  if (isLegacyPinHash(station.pinHash))
    staff.db
      .update(stations)
      .set({ pinHash: await hashPin(pin) })
      .where(eq(stations.id, station.id))
      .run()
  return { ...endBallot(staff, state), unlocked: true, failedPins: 0, lockedUntil: undefined, ended: undefined }
}

/**
 * The facilitator takes the ballot back from the child's screen: only with the station's PIN (wrong
 * tries count towards the lockout, as on the next-voter screen), so no tap of a child's ends it.
 */
export async function cancelBallot(
  ctx: Ctx,
  state: StationState,
  pin: string,
  now = Date.now(),
): Promise<StationState> {
  const { staff } = getElection(ctx, state.electionId)
  await guardedTry(staff, state, now, 'pin', (row) => verifyPin(pin, row.pinHash), { key: 'v.pinWrong' })
  return endBallot(staff, { ...state, failedPins: 0, lockedUntil: undefined }, 'cancelled')
}

/** A wrong PIN or password, or a try during a lockout: the message, and the station's state to keep in the session. */
export class StationTryRefused extends InvalidInput {
  constructor(
    fields: FieldErrors,
    readonly state: StationState,
  ) {
    super(fields)
  }
}

/**
 * Each station's count of wrong tries, per database, in the server's memory: tries sent at once from
 * one session all read the same session, so the session alone cannot stop them. After a restart the
 * count starts from what the session kept. Tries run one at a time per station.
 */
type TryGuard = { failedPins: number; lockedUntil?: number; queue: Promise<unknown> }
const guards = new WeakMap<Db, Map<number, TryGuard>>()
function guardOf(db: Db, state: StationState): TryGuard {
  let byStation = guards.get(db)
  if (!byStation) guards.set(db, (byStation = new Map()))
  let guard = byStation.get(state.id)
  if (!guard)
    byStation.set(
      state.id,
      (guard = { failedPins: state.failedPins ?? 0, lockedUntil: state.lockedUntil, queue: Promise.resolve() }),
    )
  return guard
}

const stationWithOpener = prepared((db) =>
  db
    .select({
      id: stations.id,
      electionId: stations.electionId,
      pinHash: stations.pinHash,
      openedBy: users.displayName,
    })
    .from(stations)
    .innerJoin(users, eq(users.id, stations.openedBy))
    .where(eq(stations.id, sql.placeholder('id')))
    .prepare(),
)
type StationRow = NonNullable<ReturnType<ReturnType<typeof stationWithOpener>['get']>>

/**
 * One try of the station's secret (`check`): refused unchecked during a lockout; a wrong one counted,
 * and the one that starts a lockout written to the audit log.
 */
async function guardedTry(
  staff: StaffCtx,
  state: StationState,
  now: number,
  field: 'pin' | 'password',
  check: (row: StationRow) => Promise<boolean>,
  wrong: FieldErrors[string],
): Promise<StationRow> {
  const guard = guardOf(staff.db, state)
  const refuse = (message: FieldErrors[string]) =>
    new StationTryRefused(
      { [field]: message },
      { ...state, failedPins: guard.failedPins, lockedUntil: guard.lockedUntil },
    )
  const attempt = async () => {
    if (minutesLeft(guard.lockedUntil, now)) throw refuse(waitMessage(guard.lockedUntil, now))
    const row = stationWithOpener(staff.db).get({ id: state.id })
    if (!row || row.electionId !== state.electionId) throw new NotFound()
    if (await check(row)) {
      Object.assign(guard, { failedPins: 0, lockedUntil: undefined })
      return row
    }
    guard.failedPins += 1
    const lockMs = lockoutAfter(guard.failedPins)
    if (!lockMs) throw refuse(wrong)
    guard.lockedUntil = now + lockMs
    const { election } = getElection(staff, state.electionId)
    recordAudit(staff.db, staff.actor, {
      action: 'station.locked_out',
      subject: 'election',
      subjectId: election.id,
      villageId: election.villageId,
      detail: { station: row.id, openedBy: row.openedBy, wrongTries: guard.failedPins, lockedMinutes: lockMs / 60_000 },
    })
    throw refuse(waitMessage(guard.lockedUntil, now))
  }
  const run = guard.queue.then(attempt, attempt)
  guard.queue = run.catch(() => undefined)
  return run
}

const waitMessage = (lockedUntil: number | undefined, now: number) => ({
  key: 'v.pinWait',
  params: { count: minutesLeft(lockedUntil, now) },
})

/** Whole minutes the station stays locked after wrong tries, as the tablet tells it; 0 when not locked. */
export function lockoutMinutes({ db }: Pick<Ctx, 'db'>, state: StationState, now = Date.now()): number {
  return minutesLeft(guardOf(db, state).lockedUntil, now)
}

/** Every time a tablet of this election locked itself after wrong tries: when, after how many, for how long, whose station. */
export function stationLockouts(ctx: Ctx, electionId: number) {
  const { election, staff } = getElection(ctx, electionId)
  return staff.db
    .select({ at: auditLog.at, detail: auditLog.detail })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.villageId, election.villageId),
        eq(auditLog.subject, 'election'),
        eq(auditLog.subjectId, electionId),
        eq(auditLog.action, 'station.locked_out'),
      ),
    )
    .orderBy(asc(auditLog.id))
    .all()
    .map((r) => {
      const d = JSON.parse(r.detail) as { wrongTries?: number; lockedMinutes?: number; openedBy?: string }
      return {
        at: r.at,
        wrongTries: Number(d.wrongTries ?? 0),
        minutes: Number(d.lockedMinutes ?? 0),
        openedBy: String(d.openedBy ?? ''),
      }
    })
}

/**
 * A station lives as long as its poll is open: once the poll is closed (or the result published),
 * the tablet's session ends. Asked on every request of a station session, so one indexed read.
 */
export function stationPollOpen({ db }: Pick<Ctx, 'db'>, state: StationState): boolean {
  return stageOf(stagesReached(db).all({ id: state.electionId })) === 'poll_open'
}

/** Hands the tablet to one child: the roll locks and the ballot is theirs until cast, abandoned or expired. */
export function issueBallot(ctx: Ctx, state: StationState, childId: number): StationState {
  const { election, staff } = pollOpen(ctx, state.electionId)
  if (!state.unlocked) throw new Conflict('voting.stationLocked')
  const voter = voterIn(staff.db, election, childId)
  if (!voter) throw new NotFound()
  if (voter.voted) throw new Conflict('voting.alreadyVoted', { name: voter.name })
  const held = issuedOf(staff.db)
  const now = Date.now()
  // Expired ballots go (the oldest come first: no need to look past the first still valid); so does
  // this child's, if another tablet holds it: one live ballot per child (handing it out again, when
  // the first tablet's battery died, cancels the first). Neither looks at every ballot held.
  for (const [token, b] of held.byToken) {
    if (now - b.issuedAt <= BALLOT_TTL_MS) break
    release(held, token)
  }
  const key = childKey(state.electionId, childId)
  const earlier = held.byChild.get(key)
  if (earlier) release(held, earlier)
  const token = randomUUID()
  held.byToken.set(token, { childId, electionId: state.electionId, stationId: state.id, issuedAt: now, seenAt: now })
  held.byChild.set(key, token)
  return { ...state, unlocked: false, ballot: { token }, ended: undefined }
}

/**
 * Where the tablet's ballot stands: held by a child, expired, lost (the server restarted, so
 * the memory of who held it is gone), or none.
 */
export function ballotStatus(
  { db }: Pick<Ctx, 'db'>,
  state: StationState | undefined,
): 'active' | 'expired' | 'lost' | 'none' {
  if (!state?.ballot) return 'none'
  const found = issuedOf(db).byToken.get(state.ballot.token)
  if (!found || found.stationId !== state.id) return 'lost'
  return Date.now() - found.issuedAt > BALLOT_TTL_MS ? 'expired' : 'active'
}

export function activeBallot({ db }: Pick<Ctx, 'db'>, state: StationState | undefined): { token: string } | null {
  return ballotStatus({ db }, state) === 'active' ? state!.ballot! : null
}

/**
 * The tablet gives its ballot up (cancelled, timed out, expired or forgotten): nothing is cast, the
 * child may vote again. `ended` says why, for the next-voter screen.
 */
export function endBallot({ db }: Pick<Ctx, 'db'>, state: StationState, ended?: BallotEnd): StationState {
  if (state.ballot) release(issuedOf(db), state.ballot.token)
  return { ...state, unlocked: false, ballot: undefined, ended: state.ballot || ended ? ended : state.ended }
}

/** The child is at the tablet (the ballot shown, a tap reported by the page): the idle time counts from now. */
export function ballotSeen({ db }: Pick<Ctx, 'db'>, state: StationState | undefined, now = Date.now()): void {
  const token = activeBallot({ db }, state)?.token
  const ballot = token ? issuedOf(db).byToken.get(token) : undefined
  if (ballot) ballot.seenAt = now
}

/**
 * The idle timeout, as the ballot page's timer asks for it: the ballot ends, nothing cast, only once the
 * server has had no sign of the child for the idle time. Sooner nothing changes (null): saying "timeout"
 * is no way round the PIN that the facilitator's cancel needs.
 */
export function timeOutBallot({ db }: Pick<Ctx, 'db'>, state: StationState, now = Date.now()): StationState | null {
  const token = activeBallot({ db }, state)?.token
  const ballot = token ? issuedOf(db).byToken.get(token) : undefined
  if (ballot && now - ballot.seenAt < IDLE_TIMEOUT_MS - PRESENCE_SLACK_MS) return null
  return endBallot({ db }, state, 'timeout')
}

/** Where a ballot stands, as the tablet may ask after a lost answer. */
export const ballotOutcomes = ['counted', 'not_counted', 'open', 'unknown'] as const
export type BallotOutcome = (typeof ballotOutcomes)[number]

/**
 * Was this tablet's ballot `token` counted? Asked by the tablet when the answer to its cast was lost.
 * Only this station's own ballots are known to it (another's, or one forgotten, is 'unknown'); the
 * answer comes from the server's memory, never from the box, so it says nothing about any child.
 */
export function ballotOutcome(ctx: Ctx, state: StationState, token: string, now = Date.now()): BallotOutcome {
  getElection(ctx, state.electionId)
  const held = issuedOf(ctx.db)
  const casting = held.casting.get(token)
  if (casting && casting.stationId === state.id) return 'open'
  const outcome = outcomeFor(held, state, token, now)
  if (outcome) return outcome.counted ? 'counted' : 'not_counted'
  const ballot = held.byToken.get(token)
  if (!ballot || ballot.stationId !== state.id || ballot.electionId !== state.electionId) return 'unknown'
  return now - ballot.issuedAt > BALLOT_TTL_MS ? 'not_counted' : 'open'
}

/** The ballot paper: every contest with its candidates and how many a child may mark. */
export function ballotPaper(ctx: Ctx, electionId: number) {
  const { staff } = pollOpen(ctx, electionId)
  return paperOf(staff.db, electionId)
}

/**
 * Nothing about contests or candidates can change once the poll is open, so the paper of an
 * open poll is read once and kept (per database) for every ballot after.
 */
const papers = new WeakMap<object, Map<number, ReturnType<typeof readPaper>>>()
function paperOf(db: Ctx['db'], electionId: number) {
  let byElection = papers.get(db)
  if (!byElection) papers.set(db, (byElection = new Map()))
  let paper = byElection.get(electionId)
  if (!paper) byElection.set(electionId, (paper = readPaper(db, electionId)))
  return paper
}

/** The paper of an election already checked to be open (no second look at permissions). */
const contestsOf = prepared((db) =>
  db
    .select()
    .from(contests)
    .where(eq(contests.electionId, sql.placeholder('id')))
    .orderBy(asc(contests.position), asc(contests.id))
    .prepare(),
)
const stagesReached = prepared((db) =>
  db
    .select({ stage: electionEvents.stage })
    .from(electionEvents)
    .where(eq(electionEvents.electionId, sql.placeholder('id')))
    .prepare(),
)

function readPaper(db: Ctx['db'], electionId: number) {
  const all = contestsOf(db).all({ id: electionId })
  const inBox = new Map(boxContestsOf(db, electionId).map((c) => [c.contestId, c.candidateIds]))
  return all.map((c) => ({
    contest: { ...c, seatTitles: JSON.parse(c.seatTitles) as string[] },
    candidates: contestCandidates(db, c.id),
    bitOrder: inBox.get(c.id) ?? [],
  }))
}

/**
 * Casts the ballot in the box: the child's check-off and, for every contest, the marks in a
 * random empty slot (skipped contests too, as a blank), both overwritten in place. The same ballot
 * sent again (a retry after a lost answer, a double tap) writes nothing and answers as the first did:
 * counted. Another ballot for a child who has voted (a second tablet) writes nothing and is refused.
 */
export async function castBallot(
  ctx: Ctx,
  state: StationState,
  token: string,
  choices: Map<number, number[]>,
): Promise<StationState> {
  const found = getElection(ctx, state.electionId)
  const db = found.staff.db
  const held = issuedOf(db)
  // A retry of a cast (its answer lost on the way, or a double tap) gets the first one's answer. A late
  // one, from after the tablet moved on to the next child, leaves the station as it is now.
  const counted = { ...state, unlocked: false, ballot: undefined, ended: 'counted' as const }
  const retried = state.ballot?.token === token || (!state.ballot && !state.unlocked) ? counted : state
  const casting = held.casting.get(token)
  if (casting && casting.stationId === state.id) return casting.done.then(() => retried)
  if (outcomeFor(held, state, token)?.counted) return retried
  if (found.stage !== 'poll_open') throw new Conflict('voting.pollNotOpen')
  const staff = found.staff
  const ballot =
    ballotStatus({ db }, state) === 'active' && state.ballot?.token === token ? held.byToken.get(token)! : null
  if (!ballot || ballot.electionId !== state.electionId) throw new Conflict('voting.noBallot')
  const paper = paperOf(db, state.electionId)
  for (const contestId of choices.keys())
    if (!paper.some((p) => p.contest.id === contestId)) throw new InvalidInput({ _form: { key: 'voting.badChoice' } })
  const marks = new Map<number, Buffer>()
  for (const { contest, candidates, bitOrder } of paper) {
    const marked = choices.get(contest.id) ?? []
    if (
      new Set(marked).size !== marked.length ||
      marked.length > contest.maxChoices ||
      marked.some((id) => !candidates.some((c) => c.id === id))
    ) {
      throw new InvalidInput({ _form: { key: 'voting.badChoice' } })
    }
    marks.set(contest.id, encodeMarks(bitOrder, marked))
  }
  const done = commitCast(staff, state, token, ballot, marks)
  held.casting.set(token, { stationId: state.id, done })
  try {
    await done
  } finally {
    held.casting.delete(token)
  }
  return counted
}

/** Casts from several tablets at once share one durable commit (each in its own savepoint, so a refused one leaves no trace); each answer waits for that commit. */
async function commitCast(
  staff: StaffCtx,
  state: StationState,
  token: string,
  ballot: Issued,
  marks: Map<number, Buffer>,
): Promise<void> {
  const db = staff.db
  let counted = false
  try {
    const outcome = await groupCommit(db).run(() => {
      // Asked again inside the commit: the poll may have closed while this cast waited for it.
      if (stageOf(stagesReached(db).all({ id: state.electionId })) !== 'poll_open') return 'sealed'
      return castIntoBox(db, state.electionId, ballot.childId, marks)
    })
    if (outcome === 'sealed') throw new Conflict('voting.pollNotOpen')
    if (outcome === 'voted')
      throw new Conflict('voting.alreadyVoted', {
        name: voterOnRoll(staff, state.electionId, ballot.childId)?.name ?? '',
      })
    if (outcome === 'not-on-roll') throw new Conflict('voting.noBallot')
    counted = true
  } catch (err) {
    if (!(err instanceof Conflict)) forgetEmptySlots(db)
    throw err
  } finally {
    release(issuedOf(db), token, counted)
  }
}
