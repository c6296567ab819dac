import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm'
import type { Db, Tx } from '../db/client.ts'
import { recordAudit } from '../audit/audit.ts'
import { prepared } from '../db/prepared.ts'
import { readCache } from '../db/read-cache.ts'
import { getVillage } from '../villages/villages.ts'
import { changes } from '../core/diff.ts'
import { children, consents, departures, type Gender } from '../people/tables.ts'
import { requireRole, type Ctx, type StaffCtx } from '../core/actor.ts'
import { Conflict, InvalidInput, NotFound } from '../core/errors.ts'
import { ageOn, todayIso } from '../core/dates.ts'
import { layOutBox } from './ballot-box.ts'
import { eligibleVoters } from './roll.ts'
import { isSymbol } from './symbols.ts'
import { canChangeSetup, canNominate, nextStage, stageOf } from './stages.ts'
import { candidates, contests, electionEvents, elections, type Stage } from './tables.ts'
import { seatedOn } from './seated.ts'
import type { ContestInput, ElectionInput } from './schemas.ts'

export type Election = typeof elections.$inferSelect
export type Contest = Omit<typeof contests.$inferSelect, 'seatTitles'> & { seatTitles: string[] }

/** Elections are run by the village's facilitators; coordinators may help anywhere. */
function organiser(ctx: Ctx, villageId: number): StaffCtx {
  const staff = requireRole(ctx, 'admin', 'facilitator')
  getVillage(staff, villageId)
  return staff
}

/** The election, checked against the actor's village, with its stage. Anyone else's id is not found. */
const electionById = prepared((db) =>
  db
    .select()
    .from(elections)
    .where(eq(elections.id, sql.placeholder('id')))
    .prepare(),
)
const eventsOf = prepared((db) =>
  db
    .select()
    .from(electionEvents)
    .where(eq(electionEvents.electionId, sql.placeholder('id')))
    .orderBy(asc(electionEvents.id))
    .prepare(),
)

export function getElection(ctx: Ctx, electionId: number) {
  const staff = requireRole(ctx, 'admin', 'facilitator')
  const found = electionsById(staff.db, String(electionId), () => {
    const election = electionById(staff.db).get({ id: electionId })
    return election ? { election, stage: stageOf(eventsOf(staff.db).all({ id: electionId })) } : null
  })
  if (!found) throw new NotFound()
  organiser(staff, found.election.villageId)
  return { election: found.election, stage: found.stage, staff }
}
/** An election and its stage, asked several times by every page of it: kept while the database is unchanged. */
const electionsById = readCache<{ election: Election; stage: Stage } | null>()

export function listElections(ctx: Ctx, villageId: number) {
  const staff = organiser(ctx, villageId)
  const rows = staff.db
    .select()
    .from(elections)
    .where(eq(elections.villageId, villageId))
    .orderBy(desc(elections.termStart), desc(elections.id))
    .all()
  const events = rows.length
    ? staff.db
        .select()
        .from(electionEvents)
        .where(
          inArray(
            electionEvents.electionId,
            rows.map((r) => r.id),
          ),
        )
        .all()
    : []
  return rows.map((e) => ({ ...e, stage: stageOf(events.filter((ev) => ev.electionId === e.id)) }))
}

/** Who moved the election to each stage, and when. */
export function timeline(ctx: Ctx, electionId: number) {
  return timelineOf(getElection(ctx, electionId).staff.db, electionId)
}

/** As timeline, for a read-model that has already checked the election (overview.ts). */
export function timelineOf(db: Db | Tx, electionId: number) {
  return db
    .select({
      stage: electionEvents.stage,
      at: electionEvents.at,
      by: sql<string>`(SELECT display_name FROM users WHERE id = ${electionEvents.by})`,
    })
    .from(electionEvents)
    .where(eq(electionEvents.electionId, electionId))
    .orderBy(asc(electionEvents.id))
    .all()
}

export function createElection(ctx: Ctx, villageId: number, input: ElectionInput): Election {
  const staff = organiser(ctx, villageId)
  return staff.db.transaction((tx) => {
    const election = tx
      .insert(elections)
      .values({ ...input, villageId, createdBy: staff.actor.id, createdAt: new Date() })
      .returning()
      .get()
    recordAudit(tx, staff.actor, {
      action: 'election.created',
      subject: 'election',
      subjectId: election.id,
      villageId,
      detail: { title: input.title },
    })
    return election
  })
}

export function updateElection(ctx: Ctx, electionId: number, input: ElectionInput): void {
  const { election, stage, staff } = getElection(ctx, electionId)
  if (!canChangeSetup(stage)) throw new Conflict('elections.lockedAfterPoll')
  staff.db.transaction((tx) => {
    tx.update(elections).set(input).where(eq(elections.id, electionId)).run()
    recordAudit(tx, staff.actor, {
      action: 'election.updated',
      subject: 'election',
      subjectId: electionId,
      villageId: election.villageId,
      detail: changes(election, input),
    })
  })
}

export function listContests(ctx: Ctx, electionId: number): Contest[] {
  return contestsOf(getElection(ctx, electionId).staff.db, electionId)
}

/** As listContests, for a read-model that has already checked the election (overview.ts). */
export function contestsOf(db: Db | Tx, electionId: number): Contest[] {
  return db
    .select()
    .from(contests)
    .where(eq(contests.electionId, electionId))
    .orderBy(asc(contests.position), asc(contests.id))
    .all()
    .map((c) => ({ ...c, seatTitles: JSON.parse(c.seatTitles) as string[] }))
}

export function getContest(ctx: Ctx, electionId: number, contestId: number): Contest {
  const contest = listContests(ctx, electionId).find((c) => c.id === contestId)
  if (!contest) throw new NotFound()
  return contest
}

export function addContest(ctx: Ctx, electionId: number, input: ContestInput): Contest {
  const { election, stage, staff } = getElection(ctx, electionId)
  if (!canChangeSetup(stage)) throw new Conflict('elections.lockedAfterPoll')
  return staff.db.transaction((tx) => {
    const position =
      (tx
        .select({ n: sql<number>`coalesce(max(position), 0)` })
        .from(contests)
        .where(eq(contests.electionId, electionId))
        .get()?.n ?? 0) + 1
    const row = tx
      .insert(contests)
      .values({ ...input, seatTitles: JSON.stringify(input.seatTitles), electionId, position })
      .returning()
      .get()
    recordAudit(tx, staff.actor, {
      action: 'contest.added',
      subject: 'election',
      subjectId: electionId,
      villageId: election.villageId,
      detail: { contest: input.name, seats: input.seats, method: input.method },
    })
    return { ...row, seatTitles: input.seatTitles }
  })
}

export function updateContest(ctx: Ctx, electionId: number, contestId: number, input: ContestInput): void {
  const { election, stage, staff } = getElection(ctx, electionId)
  if (!canChangeSetup(stage)) throw new Conflict('elections.lockedAfterPoll')
  const before = getContest(staff, electionId, contestId)
  const taken = contestCandidates(staff.db, contestId).length
  staff.db.transaction((tx) => {
    tx.update(contests)
      .set({ ...input, seatTitles: JSON.stringify(input.seatTitles) })
      .where(eq(contests.id, contestId))
      .run()
    recordAudit(tx, staff.actor, {
      action: 'contest.updated',
      subject: 'election',
      subjectId: electionId,
      villageId: election.villageId,
      detail: {
        contest: before.name,
        candidates: taken,
        ...changes(
          { ...before, seatTitles: before.seatTitles.join(' / ') },
          { ...input, seatTitles: input.seatTitles.join(' / ') },
        ),
      },
    })
  })
}

export function removeContest(ctx: Ctx, electionId: number, contestId: number): void {
  const { election, stage, staff } = getElection(ctx, electionId)
  if (!canChangeSetup(stage)) throw new Conflict('elections.lockedAfterPoll')
  const contest = getContest(staff, electionId, contestId)
  if (contestCandidates(staff.db, contestId).length > 0) throw new Conflict('contests.hasCandidates')
  staff.db.transaction((tx) => {
    tx.delete(contests).where(eq(contests.id, contestId)).run()
    recordAudit(tx, staff.actor, {
      action: 'contest.removed',
      subject: 'election',
      subjectId: electionId,
      villageId: election.villageId,
      detail: { contest: contest.name },
    })
  })
}

export type CandidateRow = {
  id: number
  contestId: number
  childId: number
  symbol: string
  name: string
  gender: Gender
}

const candidatesOf = prepared((db) =>
  db
    .select({
      id: candidates.id,
      contestId: candidates.contestId,
      childId: candidates.childId,
      symbol: candidates.symbol,
      name: children.name,
      gender: children.gender,
    })
    .from(candidates)
    .innerJoin(children, eq(children.id, candidates.childId))
    .where(eq(candidates.contestId, sql.placeholder('id')))
    .orderBy(asc(children.name))
    .prepare(),
)

export function contestCandidates(db: Ctx['db'] | Tx, contestId: number): CandidateRow[] {
  return candidatesOf(db as Ctx['db']).all({ id: contestId })
}

export function electionCandidates(ctx: Ctx, electionId: number): CandidateRow[] {
  return electionCandidatesOf(getElection(ctx, electionId).staff.db, electionId)
}

/** As electionCandidates, for a read-model that has already checked the election (overview.ts). */
export function electionCandidatesOf(db: Db | Tx, electionId: number): CandidateRow[] {
  return db
    .select({
      id: candidates.id,
      contestId: candidates.contestId,
      childId: candidates.childId,
      symbol: candidates.symbol,
      name: children.name,
      gender: children.gender,
    })
    .from(candidates)
    .innerJoin(children, eq(children.id, candidates.childId))
    .where(eq(candidates.electionId, electionId))
    .orderBy(asc(children.name))
    .all()
}

/** Today's members of the village's Bal Panchayat (the one rule: elections/seated.ts). */
export function currentMemberChildIds(db: Ctx['db'], villageId: number): Set<number> {
  return new Set(seatedOn(db, villageId, todayIso()).map((m) => m.childId))
}

/**
 * Children who may stand: living in the village, guardian's consent on record, of age on the first
 * day of the term (or, for a leaders' election, current members), and not yet standing anywhere.
 */
export function eligibleToStand(ctx: Ctx, electionId: number) {
  const { election, staff } = getElection(ctx, electionId)
  const rows = staff.db
    .select({
      id: children.id,
      name: children.name,
      gender: children.gender,
      dateOfBirth: children.dateOfBirth,
      ward: children.ward,
      guardianName: children.guardianName,
    })
    .from(children)
    .where(
      and(
        eq(children.villageId, election.villageId),
        sql`NOT EXISTS (SELECT 1 FROM ${departures} d WHERE d.child_id = ${children.id})`,
        sql`EXISTS (SELECT 1 FROM ${consents} k WHERE k.child_id = ${children.id} AND k.withdrawn_at IS NULL)`,
        sql`NOT EXISTS (SELECT 1 FROM ${candidates} c WHERE c.child_id = ${children.id} AND c.election_id = ${electionId})`,
      ),
    )
    .orderBy(asc(children.name))
    .all()
  const memberIds = election.candidacy === 'members' ? currentMemberChildIds(staff.db, election.villageId) : null
  return rows.filter((c) => {
    if (memberIds) return memberIds.has(c.id)
    const age = ageOn(c.dateOfBirth, election.termStart)
    return age >= election.candidateAgeMin && age <= election.candidateAgeMax
  })
}

export function nominate(ctx: Ctx, electionId: number, contestId: number, input: { childId: number; symbol: string }) {
  const { election, stage, staff } = getElection(ctx, electionId)
  if (!canNominate(stage)) throw new Conflict('elections.notTakingNominations')
  const contest = getContest(staff, electionId, contestId)
  if (!isSymbol(input.symbol))
    throw new InvalidInput({ symbol: { key: 'v.choose' } }, { childId: String(input.childId) })
  const standing = electionCandidates(staff, electionId).find((c) => c.childId === input.childId)
  if (standing) {
    const where = listContests(staff, electionId).find((c) => c.id === standing.contestId)!.name
    throw new InvalidInput(
      { childId: { key: 'v.alreadyStanding', params: { name: standing.name, contest: where } } },
      { symbol: input.symbol },
    )
  }
  const child = eligibleToStand(staff, electionId).find((c) => c.id === input.childId)
  if (!child) throw new InvalidInput({ childId: { key: 'v.notEligible' } }, { symbol: input.symbol })
  if (contestCandidates(staff.db, contestId).some((c) => c.symbol === input.symbol)) {
    throw new InvalidInput({ symbol: { key: 'v.symbolTaken' } }, { childId: String(input.childId) })
  }
  return staff.db.transaction((tx) => {
    const row = tx
      .insert(candidates)
      .values({
        electionId,
        contestId,
        childId: child.id,
        symbol: input.symbol,
        nominatedBy: staff.actor.id,
        nominatedAt: new Date(),
      })
      .returning()
      .get()
    recordAudit(tx, staff.actor, {
      action: 'candidate.nominated',
      subject: 'election',
      subjectId: electionId,
      villageId: election.villageId,
      detail: { contest: contest.name, child: child.name, symbol: input.symbol },
    })
    return row
  })
}

export function withdrawCandidate(ctx: Ctx, electionId: number, candidateId: number): void {
  const { election, stage, staff } = getElection(ctx, electionId)
  if (!canNominate(stage)) throw new Conflict('elections.notTakingNominations')
  const candidate = electionCandidates(staff, electionId).find((c) => c.id === candidateId)
  if (!candidate) throw new NotFound()
  staff.db.transaction((tx) => {
    tx.delete(candidates).where(eq(candidates.id, candidateId)).run()
    recordAudit(tx, staff.actor, {
      action: 'candidate.withdrawn',
      subject: 'election',
      subjectId: electionId,
      villageId: election.villageId,
      detail: { child: candidate.name },
    })
  })
}

/** Moves the election one stage on, after the checks that stage needs. Safe to repeat. */
export function advance(ctx: Ctx, electionId: number, to: Stage, extra?: (tx: Tx, staff: StaffCtx) => void): void {
  const { election, stage, staff } = getElection(ctx, electionId)
  if (stage === to) return
  if (nextStage(stage) !== to) throw new Conflict('elections.wrongStage')
  staff.db.transaction((tx) => {
    extra?.(tx, staff)
    tx.insert(electionEvents).values({ electionId, stage: to, at: new Date(), by: staff.actor.id }).run()
    recordAudit(tx, staff.actor, {
      action: `election.${to}`,
      subject: 'election',
      subjectId: electionId,
      villageId: election.villageId,
      detail: { title: election.title },
    })
  })
}

export function openNominations(ctx: Ctx, electionId: number): void {
  const theContests = listContests(ctx, electionId)
  if (theContests.length === 0) throw new Conflict('elections.noContests')
  advance(ctx, electionId, 'nominations')
}

/** The poll opens only when every contest has at least one candidate; nothing about them changes after. */
/**
 * The room a poll's ballot box may take on disk, several times over: a check-off and an empty slot
 * per contest for every child on the roll (each row with its index entries well under 256 bytes),
 * the journal's copy of the pages a cast touches, and a megabyte to spare.
 */
export function boxRoomNeeded(voters: number, contests: number): number {
  return 4 * voters * (contests + 1) * 256 + 1024 * 1024
}

/**
 * Opens the poll. From nominations, the roll is fixed and the box laid out; with `freeBytes` (the
 * disk's free space, from the server) a disk that could not hold the box several times over is
 * refused before anything is written, with how much room is needed.
 */
export function openPoll(ctx: Ctx, electionId: number, freeBytes = Number.POSITIVE_INFINITY): void {
  const { election, stage, staff } = getElection(ctx, electionId)
  const empty = listContests(staff, electionId).filter((c) => contestCandidates(staff.db, c.id).length === 0)
  if (empty.length > 0) throw new Conflict('elections.emptyContest', { contests: empty.map((c) => c.name).join(', ') })
  if (stage !== 'nominations') return advance(ctx, electionId, 'poll_open')
  const needed = boxRoomNeeded(
    eligibleVoters(staff.db, election, todayIso()).length,
    listContests(staff, electionId).length,
  )
  if (freeBytes < needed)
    throw new Conflict('elections.noRoomForBox', {
      needed: Math.ceil(needed / 1024 / 1024),
      free: Math.floor(freeBytes / 1024 / 1024),
    })
  // The roll is fixed now: the box is laid out first, so an open poll always has its box.
  staff.db.transaction((tx) =>
    layOutBox(
      tx,
      electionId,
      listContests(staff, electionId).map((c) => ({
        contestId: c.id,
        candidateIds: contestCandidates(tx, c.id)
          .map((k) => k.id)
          .sort((a, b) => a - b),
      })),
      eligibleVoters(tx, election, todayIso()).map((v) => v.id),
    ),
  )
  advance(ctx, electionId, 'poll_open')
}
