import { randomInt } from 'node:crypto'
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm'
import { children, type Gender } from '../people/tables.ts'
import { recordAudit } from '../audit/audit.ts'
import type { Ctx } from '../core/actor.ts'
import { Conflict, InvalidInput, NotFound, type FieldErrors } from '../core/errors.ts'
import { allocate, type AllocationInput, type AllocationResult } from './allocation.ts'
import {
  advance,
  contestCandidates,
  getElection,
  listContests,
  contestsOf,
  type CandidateRow,
  type Contest,
} from './elections.ts'
import type { Db, Tx } from '../core/db.ts'
import { canEnterPaperCount, hasResult } from './stages.ts'
import { candidates, lots, members, paperCountLines, paperCounts, results } from './tables.ts'
import { boxDigest, boxPoll, sealBox, tallyBox } from './ballot-box.ts'
import { users } from '../accounts/tables.ts'

export function enterPaperCount(
  ctx: Ctx,
  electionId: number,
  contestId: number,
  input: { ballots: number; note: string; votes: Map<number, number> },
) {
  const { election, stage, staff } = getElection(ctx, electionId)
  if (!canEnterPaperCount(stage)) throw new Conflict('paperCounts.notNow')
  const contest = listContests(staff, electionId).find((c) => c.id === contestId)
  if (!contest) throw new NotFound()
  const cands = contestCandidates(staff.db, contestId)
  // Each ballot marks at most maxChoices candidates, so the marks cannot exceed ballots × maxChoices.
  const marks = cands.reduce((n, c) => n + (input.votes.get(c.id) ?? 0), 0)
  const fields: FieldErrors = {}
  for (const c of cands)
    if ((input.votes.get(c.id) ?? 0) > input.ballots) fields[`votes_${c.id}`] = { key: 'v.moreVotesThanBallots' }
  if (marks > input.ballots * contest.maxChoices)
    fields.ballots = { key: 'v.tooManyMarks', params: { n: contest.maxChoices } }
  if (Object.keys(fields).length) throw new InvalidInput(fields)
  return staff.db.transaction((tx) => {
    const pc = tx
      .insert(paperCounts)
      .values({ contestId, ballots: input.ballots, note: input.note, enteredBy: staff.actor.id, enteredAt: new Date() })
      .returning()
      .get()
    for (const c of cands)
      tx.insert(paperCountLines)
        .values({ paperCountId: pc.id, candidateId: c.id, votes: input.votes.get(c.id) ?? 0 })
        .run()
    recordAudit(tx, staff.actor, {
      action: 'paper_count.entered',
      subject: 'election',
      subjectId: electionId,
      villageId: election.villageId,
      detail: {
        contest: contest.name,
        ballots: input.ballots,
        ...Object.fromEntries(cands.map((c) => [c.name, input.votes.get(c.id) ?? 0])),
      },
    })
    return pc
  })
}

export function voidPaperCount(ctx: Ctx, electionId: number, paperCountId: number): void {
  const { election, stage, staff } = getElection(ctx, electionId)
  if (!canEnterPaperCount(stage)) throw new Conflict('paperCounts.notNow')
  const pc = listPaperCounts(staff, electionId).find((p) => p.id === paperCountId)
  if (!pc) throw new NotFound()
  if (pc.voidedAt) return
  staff.db.transaction((tx) => {
    tx.update(paperCounts)
      .set({ voidedAt: new Date(), voidedBy: staff.actor.id })
      .where(eq(paperCounts.id, paperCountId))
      .run()
    recordAudit(tx, staff.actor, {
      action: 'paper_count.voided',
      subject: 'election',
      subjectId: electionId,
      villageId: election.villageId,
      detail: { contest: pc.contestName, ballots: pc.ballots },
    })
  })
}

export function listPaperCounts(ctx: Ctx, electionId: number) {
  return paperCountsOf(getElection(ctx, electionId).staff.db, electionId)
}

/** As listPaperCounts, for a read-model that has already checked the election (overview.ts). */
export function paperCountsOf(db: Db | Tx, electionId: number) {
  const contestIds = contestsOf(db, electionId).map((c) => c.id)
  if (contestIds.length === 0) return []
  const lines = db
    .select({ paperCountId: paperCountLines.paperCountId, votes: paperCountLines.votes, name: children.name })
    .from(paperCountLines)
    .innerJoin(candidates, eq(candidates.id, paperCountLines.candidateId))
    .innerJoin(children, eq(children.id, candidates.childId))
    .where(inArray(candidates.contestId, contestIds))
    .orderBy(desc(paperCountLines.votes))
    .all()
  return db
    .select({
      id: paperCounts.id,
      contestId: paperCounts.contestId,
      ballots: paperCounts.ballots,
      note: paperCounts.note,
      enteredAt: paperCounts.enteredAt,
      voidedAt: paperCounts.voidedAt,
      enteredBy: users.displayName,
      contestName: sql<string>`(SELECT name FROM contests WHERE id = ${paperCounts.contestId})`,
    })
    .from(paperCounts)
    .innerJoin(users, eq(users.id, paperCounts.enteredBy))
    .where(inArray(paperCounts.contestId, contestIds))
    .orderBy(asc(paperCounts.id))
    .all()
    .map((pc) => ({ ...pc, lines: lines.filter((l) => l.paperCountId === pc.id) }))
}

/** Votes per candidate: the tablet's secret ballots (from the box) plus every paper count not struck out. */
export function tally(db: Ctx['db'], contestId: number): { votes: Map<number, number>; ballots: number } {
  const { votes, ballots: tablet } = tallyBox(db, contestId)
  const add = (rows: { candidateId: number; votes: number }[]) => {
    for (const r of rows) votes.set(r.candidateId, (votes.get(r.candidateId) ?? 0) + r.votes)
  }
  add(
    db
      .select({ candidateId: paperCountLines.candidateId, votes: sql<number>`sum(${paperCountLines.votes})` })
      .from(paperCountLines)
      .innerJoin(paperCounts, eq(paperCounts.id, paperCountLines.paperCountId))
      .where(and(eq(paperCounts.contestId, contestId), isNull(paperCounts.voidedAt)))
      .groupBy(paperCountLines.candidateId)
      .all(),
  )
  const paper =
    db
      .select({ n: sql<number>`coalesce(sum(${paperCounts.ballots}), 0)` })
      .from(paperCounts)
      .where(and(eq(paperCounts.contestId, contestId), isNull(paperCounts.voidedAt)))
      .get()?.n ?? 0
  return { votes, ballots: tablet + paper }
}

export type LotsInput = { source: 'random' } | { source: 'chits'; lots: Map<number, number> }

/**
 * Closes the poll and draws the lots that break ties: by the app (a cryptographic random order
 * per contest) or as read out from a public draw of chits (each contest's lots 1..n, each once).
 */
export function closePoll(ctx: Ctx, electionId: number, input: LotsInput): void {
  const { staff } = getElection(ctx, electionId)
  const byContest = listContests(staff, electionId).map((c) => ({
    contest: c,
    cands: contestCandidates(staff.db, c.id),
  }))
  const drawn = new Map<number, number>()
  if (input.source === 'chits') {
    const fields: FieldErrors = {}
    for (const { cands } of byContest) {
      const seen = new Set<number>()
      for (const c of cands) {
        const lot = input.lots.get(c.id)
        if (lot === undefined || !Number.isInteger(lot) || lot < 1 || lot > cands.length)
          fields[`lot_${c.id}`] = { key: 'v.between', params: { n: `1–${cands.length}` } }
        else if (seen.has(lot)) fields[`lot_${c.id}`] = { key: 'v.lotTwice' }
        else {
          seen.add(lot)
          drawn.set(c.id, lot)
        }
      }
    }
    if (Object.keys(fields).length) throw new InvalidInput(fields)
  } else {
    for (const { cands } of byContest) shuffled(cands.length).forEach((lot, i) => drawn.set(cands[i].id, lot))
  }
  // The box is sealed first (no cast after this), then the stage moves: interrupted in between,
  // closing again finishes it.
  staff.db.transaction((tx) => sealBox(tx, electionId, new Date()))
  advance(staff, electionId, 'poll_closed', (tx) => {
    for (const [candidateId, lot] of drawn)
      tx.insert(lots).values({ candidateId, electionId, lot, source: input.source }).run()
  })
}

/** 1..n in a uniformly random order (Fisher–Yates with a cryptographic source). */
function shuffled(n: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i + 1)
  for (let i = n - 1; i > 0; i--) {
    const j = randomInt(i + 1)
    ;[a[i], a[j]] = [a[j], a[i]]
  }
  return a
}

export type ContestCount = {
  contest: Contest
  candidates: (CandidateRow & { votes: number; lot: number })[]
  ballots: number
  result: AllocationResult
  plain: AllocationResult
}

export function allocationInput(
  contest: Contest,
  cands: { id: number; gender: Gender; votes: number; lot: number }[],
  method = contest.method,
): AllocationInput {
  return {
    seats: contest.seats,
    candidates: cands.map((c) => ({ id: String(c.id), gender: c.gender, votes: c.votes, lot: c.lot })),
    method,
    girls:
      contest.girlsMinimum !== null
        ? { minimum: contest.girlsMinimum }
        : { share: contest.girlsShare ?? 0.5, rounding: contest.rounding },
    protect: contest.protect,
    tieBreak: contest.tieBreak,
    shortfall: contest.shortfall,
  }
}

/** The count of every contest: published results as frozen, otherwise counted now from the tallies and lots. */
export function countElection(ctx: Ctx, electionId: number): ContestCount[] {
  const { stage, staff } = getElection(ctx, electionId)
  if (!hasResult(stage)) throw new Conflict('results.notYet')
  const frozen = new Map(
    staff.db
      .select()
      .from(results)
      .where(eq(results.electionId, electionId))
      .all()
      .map((r) => [r.contestId, JSON.parse(r.count) as ContestCount]),
  )
  const lotOf = new Map(
    staff.db
      .select()
      .from(lots)
      .where(eq(lots.electionId, electionId))
      .all()
      .map((l) => [l.candidateId, l.lot]),
  )
  return listContests(staff, electionId).map((contest) => {
    const saved = frozen.get(contest.id)
    if (saved) return { ...saved, contest }
    const { votes, ballots } = tally(staff.db, contest.id)
    const cands = contestCandidates(staff.db, contest.id).map((c) => ({
      ...c,
      votes: votes.get(c.id) ?? 0,
      lot: lotOf.get(c.id) ?? 0,
    }))
    return {
      contest,
      candidates: cands,
      ballots,
      result: allocate(allocationInput(contest, cands)),
      plain: allocate(allocationInput(contest, cands, 'plain')),
    }
  })
}

/** The sealed ballot box of a closed poll, as printed on the result sheet: its digest and when it was sealed. */
export function ballotBoxSeal(ctx: Ctx, electionId: number): { digest: string; sealedAt: Date } | null {
  const { staff } = getElection(ctx, electionId)
  const poll = boxPoll(staff.db, electionId)
  return poll?.digest && poll.sealedAt ? { digest: poll.digest, sealedAt: poll.sealedAt } : null
}

/**
 * A recount held against the sheet: the box's digest computed afresh against the one sealed at
 * closing, and every contest counted again from the box and the paper counts against the result
 * (the frozen one once published).
 */
export function verifyCount(ctx: Ctx, electionId: number) {
  const { staff } = getElection(ctx, electionId)
  const seal = ballotBoxSeal(staff, electionId)
  // An election closed before the box existed, with paper counts only, has no box to check.
  const digestNow = boxPoll(staff.db, electionId) ? boxDigest(staff.db, electionId).digest : null
  const counts = countElection(staff, electionId)
  const lotOf = new Map(
    staff.db
      .select()
      .from(lots)
      .where(eq(lots.electionId, electionId))
      .all()
      .map((l) => [l.candidateId, l.lot]),
  )
  const contests = counts.map((count) => {
    const { votes, ballots } = tally(staff.db, count.contest.id)
    const cands = count.candidates.map((c) => ({ ...c, votes: votes.get(c.id) ?? 0, lot: lotOf.get(c.id) ?? 0 }))
    const elected = allocate(allocationInput(count.contest, cands)).elected
    const same =
      ballots === count.ballots &&
      elected.join() === count.result.elected.join() &&
      cands.every((c) => c.votes === count.candidates.find((x) => x.id === c.id)?.votes)
    return {
      contest: count.contest.name,
      ballots,
      sheetBallots: count.ballots,
      votes: cands.map((c) => ({
        name: c.name,
        votes: c.votes,
        sheet: count.candidates.find((x) => x.id === c.id)?.votes ?? 0,
      })),
      same,
    }
  })
  const digestMatches = (seal?.digest ?? null) === digestNow
  return {
    digestOnSheet: seal?.digest ?? null,
    digestNow,
    digestMatches,
    contests,
    ok: digestMatches && contests.every((c) => c.same),
  }
}

/** Freezes the count and seats the elected as the Bal Panchayat of the term. */
export function publishResult(ctx: Ctx, electionId: number): void {
  const { election, stage, staff } = getElection(ctx, electionId)
  if (stage === 'result_published') return
  const counts = countElection(staff, electionId)
  advance(staff, electionId, 'result_published', (tx) => {
    for (const count of counts) {
      tx.insert(results)
        .values({ contestId: count.contest.id, electionId, count: JSON.stringify(count) })
        .run()
      count.result.elected.forEach((id, seat) => {
        if (id === null) return
        const cand = count.candidates.find((c) => String(c.id) === id)!
        tx.insert(members)
          .values({
            electionId,
            contestId: count.contest.id,
            candidateId: cand.id,
            childId: cand.childId,
            seat: seat + 1,
            seatTitle: count.contest.seatTitles[seat] ?? '',
            since: election.termStart,
            recordedBy: staff.actor.id,
            recordedAt: new Date(),
          })
          .run()
      })
    }
  })
}
