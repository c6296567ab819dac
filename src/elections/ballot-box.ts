import { createHash, randomInt } from 'node:crypto'
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import type { Db, Tx } from '../db/client.ts'
import { prepared } from '../db/prepared.ts'
import { boxCheckoffs, boxContests, boxPolls, boxSlots } from './ballot-box-tables.ts'

/**
 * The ballot box, history-independent (Molnar et al. 2006; Bethencourt, Boneh & Waters 2007):
 * when the poll opens it lays out one check-off row per child on the roll and one empty ballot
 * slot per child and contest; a cast only overwrites the child's check-off and a uniformly random
 * empty slot in place, with values of the same size. Whatever order the children voted in, the
 * box's file holds the same bytes in the same places, up to the random choice of slots.
 */

type Handle = Db | Tx

export type BoxContest = { contestId: number; candidateIds: number[] }

/** Bytes of a contest's marks: one bit per candidate, never fewer than one byte. */
export function marksWidth(candidates: number): number {
  return Math.max(1, Math.ceil(candidates / 8))
}

export function encodeMarks(candidateIds: number[], marked: number[]): Buffer {
  const bits = Buffer.alloc(marksWidth(candidateIds.length))
  for (const id of marked) {
    const i = candidateIds.indexOf(id)
    if (i < 0) throw new Error(`candidate ${id} is not in this contest`)
    bits[i >> 3] |= 1 << (i & 7)
  }
  return bits
}

export function decodeMarks(candidateIds: number[], bits: Buffer): number[] {
  return candidateIds.filter((_, i) => (bits[i >> 3] & (1 << (i & 7))) !== 0)
}

/**
 * Lays out an election's box: its contests, a check-off per child (in id order) and `slots` empty
 * slots per contest (one per child unless told). Anything an earlier, interrupted opening left is replaced.
 */
export function layOutBox(
  db: Handle,
  electionId: number,
  contests: BoxContest[],
  childIds: number[],
  slots = childIds.length,
): void {
  clearBox(db, electionId)
  db.insert(boxPolls).values({ electionId }).run()
  for (const c of contests)
    db.insert(boxContests)
      .values({ contestId: c.contestId, electionId, candidateIds: JSON.stringify(c.candidateIds) })
      .run()
  for (const childId of [...childIds].sort((a, b) => a - b))
    db.insert(boxCheckoffs).values({ electionId, childId, voted: false }).run()
  for (const c of contests) for (let i = 0; i < slots; i++) addSlot(db, c)
}

/** A child added to the roll after opening: a check-off and an empty slot per contest, as at opening. */
export function addToBox(db: Handle, electionId: number, childId: number): void {
  db.insert(boxCheckoffs).values({ electionId, childId, voted: false }).run()
  for (const c of boxContestsOf(db, electionId)) addSlot(db, c)
}

function addSlot(db: Handle, c: BoxContest): void {
  db.insert(boxSlots)
    .values({ contestId: c.contestId, filled: false, marks: Buffer.alloc(marksWidth(c.candidateIds.length)) })
    .run()
}

/** Removes an election's box (secure_delete zeroes what it held). */
export function clearBox(db: Handle, electionId: number): void {
  const contestIds = boxContestsOf(db, electionId).map((c) => c.contestId)
  if (contestIds.length) db.delete(boxSlots).where(inArray(boxSlots.contestId, contestIds)).run()
  db.delete(boxContests).where(eq(boxContests.electionId, electionId)).run()
  db.delete(boxCheckoffs).where(eq(boxCheckoffs.electionId, electionId)).run()
  db.delete(boxPolls).where(eq(boxPolls.electionId, electionId)).run()
}

export function boxContestsOf(db: Handle, electionId: number): BoxContest[] {
  return db
    .select()
    .from(boxContests)
    .where(eq(boxContests.electionId, electionId))
    .orderBy(asc(boxContests.contestId))
    .all()
    .map((c) => ({ contestId: c.contestId, candidateIds: JSON.parse(c.candidateIds) as number[] }))
}

export function boxPoll(db: Handle, electionId: number) {
  return db.select().from(boxPolls).where(eq(boxPolls.electionId, electionId)).get() ?? null
}

/** The roll as laid out: every child's id and whether they have voted. */
export function boxRoll(db: Handle, electionId: number): { childId: number; voted: boolean }[] {
  return db
    .select({ childId: boxCheckoffs.childId, voted: boxCheckoffs.voted })
    .from(boxCheckoffs)
    .where(eq(boxCheckoffs.electionId, electionId))
    .all()
}

export type CastOutcome = 'cast' | 'voted' | 'not-on-roll' | 'sealed'

/**
 * Checks the child off and puts each contest's marks into a random empty slot, all in place.
 * Must run inside a transaction (the group commit); writes nothing unless it returns 'cast'.
 */
export type SlotPick = (emptySlotIds: readonly number[], contestId: number) => number

/** Uniformly at random, from a cryptographic source. */
const randomSlot: SlotPick = (free) => randomInt(free.length)

// The statements every cast runs, built once per database (building a drizzle query costs more than running it).
const pollOf = prepared((db) =>
  db
    .select()
    .from(boxPolls)
    .where(eq(boxPolls.electionId, sql.placeholder('electionId')))
    .prepare(),
)
const checkOff = prepared((db) =>
  db
    .update(boxCheckoffs)
    .set({ voted: true })
    .where(
      and(
        eq(boxCheckoffs.electionId, sql.placeholder('electionId')),
        eq(boxCheckoffs.childId, sql.placeholder('childId')),
        eq(boxCheckoffs.voted, false),
      ),
    )
    .prepare(),
)
const fillSlot = prepared((db) =>
  db
    .update(boxSlots)
    .set({ filled: true, marks: sql`${sql.placeholder('marks')}` })
    .where(and(eq(boxSlots.id, sql.placeholder('id')), eq(boxSlots.filled, false)))
    .prepare(),
)

export function castIntoBox(
  db: Db,
  electionId: number,
  childId: number,
  marks: Map<number, Buffer>,
  pick: SlotPick = randomSlot,
): CastOutcome {
  const poll = pollOf(db).get({ electionId })
  if (!poll || poll.sealedAt) return 'sealed'
  const checked = checkOff(db).run({ electionId, childId })
  if (checked.changes === 0) {
    const onRoll = db
      .select({ id: boxCheckoffs.id })
      .from(boxCheckoffs)
      .where(and(eq(boxCheckoffs.electionId, electionId), eq(boxCheckoffs.childId, childId)))
      .get()
    return onRoll ? 'voted' : 'not-on-roll'
  }
  for (const [contestId, bits] of marks) fillEmptySlot(db, contestId, bits, pick)
  return 'cast'
}

/**
 * The empty slots of each contest, read once from the box and then kept: a cast takes one
 * uniformly at random. Forgotten whenever a write may not have happened (see `forgetEmptySlots`).
 */
const emptySlots = new WeakMap<Db, Map<number, number[]>>()

/** Fills a random empty slot; the kept list may be stale (another process wrote the box), then it is read again once. */
function fillEmptySlot(db: Db, contestId: number, bits: Buffer, pick: SlotPick): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    const slot = takeEmptySlot(db, contestId, pick)
    const filled = fillSlot(db).run({ id: slot, marks: bits })
    if (filled.changes === 1) return
    forgetEmptySlots(db)
  }
  throw new Error(`the ballot box of contest ${contestId} has no empty slot`)
}

function takeEmptySlot(db: Db, contestId: number, pick: SlotPick): number {
  let byContest = emptySlots.get(db)
  if (!byContest) emptySlots.set(db, (byContest = new Map()))
  let free = byContest.get(contestId)
  if (!free || free.length === 0) {
    free = db
      .select({ id: boxSlots.id })
      .from(boxSlots)
      .where(and(eq(boxSlots.contestId, contestId), eq(boxSlots.filled, false)))
      .all()
      .map((r) => r.id)
    byContest.set(contestId, free)
  }
  if (free.length === 0) throw new Error(`the ballot box of contest ${contestId} has no empty slot`)
  const i = pick(free, contestId)
  const slot = free[i]
  free[i] = free[free.length - 1]
  free.pop()
  return slot
}

/** After a rolled-back cast or a failed commit the kept list may be wrong: read it afresh next time. */
export function forgetEmptySlots(db: Db): void {
  emptySlots.get(db)?.clear()
}

/** Votes per candidate and the number of ballots in one contest, from the filled slots. */
export function tallyBox(db: Handle, contestId: number): { votes: Map<number, number>; ballots: number } {
  const contest = db.select().from(boxContests).where(eq(boxContests.contestId, contestId)).get()
  const votes = new Map<number, number>()
  let ballots = 0
  if (!contest) return { votes, ballots }
  const candidateIds = JSON.parse(contest.candidateIds) as number[]
  // Identical ballots are grouped by SQLite, so JavaScript sees each distinct ballot once.
  for (const { marks, n } of ballotGroups(db, contestId)) {
    ballots += n
    for (const id of decodeMarks(candidateIds, marks)) votes.set(id, (votes.get(id) ?? 0) + n)
  }
  return { votes, ballots }
}

function ballotGroups(db: Handle, contestId: number): { marks: Buffer; n: number }[] {
  return db
    .select({ marks: boxSlots.marks, n: sql<number>`count(*)` })
    .from(boxSlots)
    .where(and(eq(boxSlots.contestId, contestId), eq(boxSlots.filled, true)))
    .groupBy(boxSlots.marks)
    .orderBy(asc(boxSlots.marks))
    .all()
}

/**
 * SHA-256 of the box's contents in a canonical order: the election, how many children voted,
 * then per contest its candidates and each distinct ballot (the candidate ids marked) with how
 * many times it was cast, sorted. It says nothing of the order of casting.
 */
export function boxDigest(db: Handle, electionId: number): { digest: string; text: string } {
  const voters =
    db
      .select({ n: sql<number>`count(*)` })
      .from(boxCheckoffs)
      .where(and(eq(boxCheckoffs.electionId, electionId), eq(boxCheckoffs.voted, true)))
      .get()?.n ?? 0
  const lines = ['bal-panchayat ballot box 1', `election ${electionId}`, `voters ${voters}`]
  for (const c of boxContestsOf(db, electionId)) {
    const groups = ballotGroups(db, c.contestId)
    const ballots = groups.reduce((n, g) => n + g.n, 0)
    const lineOf = (g: { marks: Buffer; n: number }) =>
      `${
        decodeMarks(c.candidateIds, g.marks)
          .sort((a, b) => a - b)
          .join(',') || '-'
      } ${g.n}`
    lines.push(
      `contest ${c.contestId} candidates ${[...c.candidateIds].sort((a, b) => a - b).join(',')} ballots ${ballots}`,
      ...groups.map(lineOf).sort(),
    )
  }
  const text = `${lines.join('\n')}\n`
  return { digest: createHash('sha256').update(text).digest('hex'), text }
}

/** Seals the box when the poll closes: no cast after this, and the digest is kept. Safe to repeat. */
export function sealBox(db: Handle, electionId: number, at: Date): string | null {
  const poll = boxPoll(db, electionId)
  if (!poll) return null
  if (poll.sealedAt && poll.digest) return poll.digest
  const { digest } = boxDigest(db, electionId)
  db.update(boxPolls).set({ sealedAt: at, digest }).where(eq(boxPolls.electionId, electionId)).run()
  return digest
}
