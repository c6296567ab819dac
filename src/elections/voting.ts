import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import { and, asc, eq, sql } from 'drizzle-orm'
import { recordAudit } from '../audit/audit.ts'
import { children, consents, departures } from '../people/tables.ts'
import type { Ctx } from '../web/context.ts'
import { groupCommit } from '../db/client.ts'
import { prepared } from '../db/prepared.ts'
import { Conflict, InvalidInput, NotFound } from '../web/errors.ts'
import { bornYearsBefore, todayIso } from '../web/dates.ts'
import { contestCandidates, getElection } from './elections.ts'
import { ballotMarks, ballots, checkoffs, contests, electionEvents, stations } from './tables.ts'
import { stageOf } from './stages.ts'

/** What a tablet remembers in its session: its station, whether the roll is open, and the one ballot it holds. */
export type StationState = {
  id: number
  electionId: number
  unlocked: boolean
  failedPins: number
  lockedUntil?: number
  ballot?: { childId: number; token: string; issuedAt: number }
}

/** A ballot not cast within this time is abandoned: nothing is cast, the child may vote again. */
export const BALLOT_TTL_MS = 10 * 60 * 1000
const MAX_PIN_TRIES = 5

function pollOpen(ctx: Ctx, electionId: number) {
  const found = getElection(ctx, electionId)
  if (found.stage !== 'poll_open') throw new Conflict('voting.pollNotOpen')
  return found
}

/** On the roll: in the village, guardian's consent recorded, of voting age today. */
function rollQuery(ctx: Ctx, electionId: number, childId?: number) {
  const { election, staff } = getElection(ctx, electionId)
  const today = todayIso()
  return staff.db.select({
    id: children.id, name: children.name, gender: children.gender, ward: children.ward, guardianName: children.guardianName,
    dateOfBirth: children.dateOfBirth,
    voted: sql<number>`EXISTS (SELECT 1 FROM ${checkoffs} v WHERE v.election_id = ${electionId} AND v.child_id = ${children.id})`,
  }).from(children).where(and(
    eq(children.villageId, election.villageId),
    childId === undefined ? undefined : eq(children.id, childId),
    sql`${children.dateOfBirth} <= ${bornYearsBefore(election.voterAgeMin, today)}`,
    sql`${children.dateOfBirth} > ${bornYearsBefore(election.voterAgeMax + 1, today)}`,
    sql`NOT EXISTS (SELECT 1 FROM ${departures} d WHERE d.child_id = ${children.id})`,
    sql`EXISTS (SELECT 1 FROM ${consents} k WHERE k.child_id = ${children.id} AND k.withdrawn_at IS NULL)`,
  )).orderBy(asc(children.name)).all().map((r) => ({ ...r, voted: Boolean(r.voted) }))
}

export function voterOnRoll(ctx: Ctx, electionId: number, childId: number) {
  return rollQuery(ctx, electionId, childId)[0] ?? null
}

/** The voter roll with who has voted — never how — and turnout by gender. */
export function voterRoll(ctx: Ctx, electionId: number, filter: { q?: string; ward?: string } = {}) {
  const rows = rollQuery(ctx, electionId)
  const turnout = (g: string) => ({ voted: rows.filter((r) => r.gender === g && r.voted).length, total: rows.filter((r) => r.gender === g).length })
  const q = filter.q?.trim().toLowerCase()
  return {
    voters: rows.filter((r) => (!q || r.name.toLowerCase().includes(q) || r.guardianName.toLowerCase().includes(q)) && (!filter.ward || r.ward === filter.ward)),
    wards: [...new Set(rows.map((r) => r.ward))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })),
    cast: rows.filter((r) => r.voted).length,
    total: rows.length,
    girls: turnout('girl'), boys: turnout('boy'), others: turnout('other'),
  }
}

export async function openStation(ctx: Ctx, electionId: number, pin: string): Promise<StationState> {
  const { election, staff } = pollOpen(ctx, electionId)
  const pinHash = hashPin(pin)
  return staff.db.transaction((tx) => {
    const row = tx.insert(stations).values({ electionId, pinHash, openedBy: staff.actor.id, openedAt: new Date() }).returning().get()
    recordAudit(tx, staff.actor, { action: 'station.opened', subject: 'election', subjectId: electionId, villageId: election.villageId, detail: { station: row.id } })
    return { id: row.id, electionId, unlocked: true, failedPins: 0 }
  })
}

/** The roll opens again only with the station's PIN; five wrong tries lock it for a minute. */
export async function unlockStation(ctx: Ctx, state: StationState, pin: string): Promise<StationState> {
  const { staff } = getElection(ctx, state.electionId)
  if (state.lockedUntil && state.lockedUntil > Date.now()) throw new InvalidInput({ pin: { key: 'v.pinWait' } })
  const station = staff.db.select().from(stations).where(eq(stations.id, state.id)).get()
  if (!station) throw new NotFound()
  if (!pinMatches(pin, station.pinHash)) {
    const failedPins = state.failedPins + 1
    const next = { ...state, failedPins, lockedUntil: failedPins >= MAX_PIN_TRIES ? Date.now() + 60_000 : undefined }
    throw Object.assign(new InvalidInput({ pin: { key: 'v.pinWrong' } }), { state: failedPins >= MAX_PIN_TRIES ? { ...next, failedPins: 0 } : next })
  }
  return { ...state, unlocked: true, failedPins: 0, lockedUntil: undefined, ballot: undefined }
}

/** Hands the tablet to one child: the roll locks and the ballot is theirs until cast, abandoned or expired. */
export function issueBallot(ctx: Ctx, state: StationState, childId: number): StationState {
  pollOpen(ctx, state.electionId)
  if (!state.unlocked) throw new Conflict('voting.stationLocked')
  const voter = voterOnRoll(ctx, state.electionId, childId)
  if (!voter) throw new NotFound()
  if (voter.voted) throw new Conflict('voting.alreadyVoted', { name: voter.name })
  return { ...state, unlocked: false, ballot: { childId, token: randomUUID(), issuedAt: Date.now() } }
}

export function activeBallot(state: StationState | undefined): StationState['ballot'] | null {
  if (!state?.ballot) return null
  return Date.now() - state.ballot.issuedAt > BALLOT_TTL_MS ? null : state.ballot
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
const contestsOf = prepared((db) => db.select().from(contests).where(eq(contests.electionId, sql.placeholder('id'))).orderBy(asc(contests.position), asc(contests.id)).prepare())
const insertCheckoff = prepared((db) => db.insert(checkoffs).values({ electionId: sql.placeholder('electionId'), childId: sql.placeholder('childId') }).onConflictDoNothing().prepare())
const insertBallot = prepared((db) => db.insert(ballots).values({ id: sql.placeholder('id'), contestId: sql.placeholder('contestId') }).prepare())
const insertMark = prepared((db) => db.insert(ballotMarks).values({ ballotId: sql.placeholder('ballotId'), contestId: sql.placeholder('contestId'), candidateId: sql.placeholder('candidateId') }).prepare())
const stagesReached = prepared((db) => db.select({ stage: electionEvents.stage }).from(electionEvents).where(eq(electionEvents.electionId, sql.placeholder('id'))).prepare())

function readPaper(db: Ctx['db'], electionId: number) {
  const all = contestsOf(db).all({ id: electionId })
  return all.map((c) => ({ contest: { ...c, seatTitles: JSON.parse(c.seatTitles) as string[] }, candidates: contestCandidates(db, c.id) }))
}

/**
 * Casts the ballot in one transaction: the check-off (who voted) and the choices (what was
 * chosen, under a fresh random id per contest, with no time and no voter) in separate tables.
 * A second cast for the same child — double tap, second tablet, replay — writes nothing.
 */
export async function castBallot(ctx: Ctx, state: StationState, token: string, choices: Map<number, number[]>): Promise<StationState> {
  const { staff } = pollOpen(ctx, state.electionId)
  const ballot = activeBallot(state)
  if (!ballot || ballot.token !== token) throw new Conflict('voting.noBallot')
  const paper = paperOf(staff.db, state.electionId)
  for (const contestId of choices.keys()) if (!paper.some((p) => p.contest.id === contestId)) throw new InvalidInput({ _form: { key: 'voting.badChoice' } })
  for (const { contest, candidates } of paper) {
    const marked = choices.get(contest.id) ?? []
    if (new Set(marked).size !== marked.length || marked.length > contest.maxChoices || marked.some((id) => !candidates.some((c) => c.id === id))) {
      throw new InvalidInput({ _form: { key: 'voting.badChoice' } })
    }
  }
  // Casts from several tablets at once share one durable commit (each in its own savepoint,
  // so a refused one leaves no trace); each answer waits for that commit.
  const db = staff.db
  await groupCommit(db).run(() => {
    // Asked again inside the commit: the poll may have closed while this cast waited for it.
    if (stageOf(stagesReached(db).all({ id: state.electionId })) !== 'poll_open') throw new Conflict('voting.pollNotOpen')
    const done = insertCheckoff(db).run({ electionId: state.electionId, childId: ballot.childId })
    if (done.changes === 0) throw new Conflict('voting.alreadyVoted', { name: voterOnRoll(staff, state.electionId, ballot.childId)?.name ?? '' })
    for (const { contest } of paper) {
      const id = randomBytes(16).toString('base64url')
      insertBallot(db).run({ id, contestId: contest.id })
      for (const candidateId of choices.get(contest.id) ?? []) insertMark(db).run({ ballotId: id, contestId: contest.id, candidateId })
    }
  })
  return { ...state, unlocked: false, ballot: undefined }
}

/**
 * A PIN of 4–8 digits has too few values for a slow hash to protect it; what protects it is the
 * pause after five wrong tries. A salted SHA-256 keeps it out of plain sight and the tablet fast.
 */
function hashPin(pin: string): string {
  const salt = randomBytes(16).toString('hex')
  return `sha256$${salt}$${createHash('sha256').update(`${salt}:${pin}`).digest('hex')}`
}

function pinMatches(pin: string, stored: string): boolean {
  const [, salt, hash] = stored.split('$')
  const given = createHash('sha256').update(`${salt}:${pin}`).digest()
  const expected = Buffer.from(hash ?? '', 'hex')
  return expected.length === given.length && timingSafeEqual(given, expected)
}
