// The attack on the real app. Thirty children vote over HTTP from three tablets; then someone copies
// the data folder of the running box (the database, its WAL, the ballot box and its journal) and
// a backup, and runs every attack of linking.ts on the bytes. None may link a child to a ballot
// better than chance. The controls at the end run the same attacks on the same thirty casts written
// without random in-place slots, and link everyone: the attacks' failing here means something.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import Sqlite from 'better-sqlite3'
import { ctxFor, testApp, type Agent, type TestApp } from '../helpers/app.ts'
import { contestInput, electionInput, villageChildren } from '../helpers/elections.ts'
import { addContest, createElection, nominate, openNominations, openPoll } from '../../src/elections/elections.ts'
import { ballotBoxMigrationsFolder, ballotBoxPath } from '../../src/db/client.ts'
import { openDatabase } from '../../src/database.ts'
import { backupDatabase } from '../../src/backups/backup.ts'
import { castIntoBox, encodeMarks, layOutBox, type BoxContest } from '../../src/elections/ballot-box.ts'
import { symbols } from '../../src/elections/symbols.ts'
import { Rng } from './random.ts'
import {
  LEAF_TABLE,
  applyWal,
  carveRecords,
  freeBytes,
  grep,
  readBTreePage,
  readDatabase,
  readJournal,
  readWal,
  tableCells,
  walSnapshots,
  type Database,
  type Value,
  type WalFrame,
} from './sqlite-file.ts'
import {
  ballotText,
  commitAttack,
  leftoverAttack,
  leftoverSources,
  linkedShare,
  rowPositionAttack,
  walAttack,
  writingOrder,
  type BallotPart,
  type CarvedShape,
  type Layout,
  type Linking,
  type Source,
} from './linking.ts'

// The app draws its random slots from a seeded sequence, so that the run (and the numbers below)
// replays exactly. The slots are as uniform as with the real generator: the bounds are about that
// distribution, not about this seed.
vi.mock('node:crypto', async (importOriginal) =>
  (await import('./random.ts')).withSeededRandomInt(await importOriginal<object>(), 20_261_130),
)

const VOTERS = 30
const SEED = 20_260_601
/** A candidate id no contest has: the refused ballot's pradhan choice. */
const MADE_UP = 987_654
/**
 * No better than chance. A cast fills a uniformly random empty slot, so whatever order an attacker
 * puts the slots in, the slot holding the i-th child's 3-seat ballot is a uniformly random one of
 * 30: the children the pairing gets right there are the fixed points of a random permutation of 30,
 * about Poisson(1): one on average, P(≥ 6) = 1 − Σₖ₌₀⁵ e⁻¹/k! ≈ 6·10⁻⁴. A whole ballot also needs
 * the pradhan part right, so whole-ballot matches are fewer still. Six or more would be a leak.
 */
const CHANCE = 5

type Choices = { members: number[]; pradhan: number }
type Files = { db: Buffer; wal: Buffer; box: Buffer; boxJournal: Buffer | null }

let t: TestApp
let dir: string
let electionId: number
let members: number
let pradhan: number
let boxContests: BoxContest[]
let roll: number[]
let choices: Map<number, Choices>
let truth: Linking
/** The order the casts were accepted in: what anyone watching the tablets could write down. */
let castOrder: number[]
let refused: { childId: number; members: number[] }
/** Ballots handed out while another tablet still held one. */
let overlapping = 0
/** The data folder as copied from the running app. */
let live: Files
/** A backup made while the app ran: the copy's bytes, the box image inside it, and the box openDatabase unpacked from it. */
let backup: { db: Buffer; image: Uint8Array; unpacked: Buffer; unpackedJournal: Buffer | null }
let layout: Layout

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-forensics-box-'))
  t = await testApp()
  const rng = new Rng(SEED)
  const ctx = ctxFor(t.database, t.fx.users.facilitator)
  const village = t.fx.villages.papdi.id
  const kids = villageChildren(
    t.database,
    t.fx.users.facilitator,
    village,
    Array.from({ length: VOTERS }, (_, i): [string, 'girl' | 'boy'] => [
      `Child ${String(i + 1).padStart(2, '0')}`,
      i % 2 ? 'boy' : 'girl',
    ]),
  )
  roll = Object.values(kids).sort((a, b) => a - b)
  electionId = createElection(ctx, village, electionInput()).id
  members = addContest(ctx, electionId, contestInput({ name: 'Members', seats: '3' })).id
  pradhan = addContest(ctx, electionId, contestInput({ name: 'Pradhan', seats: '1' })).id
  openNominations(ctx, electionId)
  const standing = rng.shuffle(roll)
  const membersCandidates = standing
    .slice(0, 8)
    .map((childId, i) => nominate(ctx, electionId, members, { childId, symbol: symbols[i] }).id)
    .sort((a, b) => a - b)
  const pradhanCandidates = standing
    .slice(8, 11)
    .map((childId, i) => nominate(ctx, electionId, pradhan, { childId, symbol: symbols[8 + i] }).id)
    .sort((a, b) => a - b)
  boxContests = [
    { contestId: members, candidateIds: membersCandidates },
    { contestId: pradhan, candidateIds: pradhanCandidates },
  ]
  openPoll(ctx, electionId)

  // Every voter gets a combination of three members no one else chose (56 to go round), so a
  // ballot names its voter; one more combination is the refused ballot's.
  const combos: number[][] = []
  for (let a = 0; a < 8; a++)
    for (let b = a + 1; b < 8; b++)
      for (let c = b + 1; c < 8; c++) combos.push([a, b, c].map((i) => membersCandidates[i]))
  const dealt = rng.shuffle(combos)
  const order = rng.shuffle(roll)
  choices = new Map(order.map((child, i) => [child, { members: dealt[i], pradhan: rng.pick(pradhanCandidates) }]))
  truth = new Map([...choices].map(([child, c]) => [child, ballotOf(c)]))
  refused = { childId: rng.pick(order), members: dealt[VOTERS] }

  // Three tablets, each with its station open; the children queue in a seeded random order and the
  // next step (hand a ballot out, or the child holding one casts it) falls on a random tablet.
  const base = `/elections/${electionId}`
  type Tablet = { agent: Agent; pin: string; locked: boolean; holding?: { childId: number; token: string } }
  const tablets: Tablet[] = []
  for (const pin of ['4321', '5678', '9012']) {
    const agent = await t.agent().login('rekha')
    expect((await agent.post(`${base}/station`, { pin, confirm: pin })).statusCode).toBe(303)
    tablets.push({ agent, pin, locked: false })
  }
  const queue = [...order]
  let refusedOnce = false
  castOrder = []
  while (queue.length > 0 || tablets.some((tb) => tb.holding)) {
    const tablet = rng.pick(tablets.filter((tb) => tb.holding || queue.length > 0))
    const { agent } = tablet
    if (!tablet.holding) {
      const childId = queue.shift()!
      if (tablet.locked)
        expect((await agent.post(`${base}/station/unlock`, { pin: tablet.pin })).headers.location).toBe(
          `${base}/station`,
        )
      if (tablets.some((tb) => tb.holding)) overlapping++
      expect((await agent.post(`${base}/station/ballot`, { childId: String(childId) })).headers.location).toBe(
        `${base}/ballot`,
      )
      const token = /name="token" value="([^"]+)"/.exec((await agent.get(`${base}/ballot`)).body)![1]
      tablet.holding = { childId, token }
      continue
    }
    const { childId, token } = tablet.holding
    tablet.holding = undefined
    tablet.locked = true
    if (childId === refused.childId && !refusedOnce) {
      // A ballot with a made-up pradhan is refused; the facilitator abandons it and the child queues again.
      refusedOnce = true
      const res = await agent.post(`${base}/ballot`, {
        token,
        [`c_${members}`]: refused.members.map(String),
        [`c_${pradhan}`]: String(MADE_UP),
      })
      expect(res.statusCode).toBe(422)
      const cancel = { reason: 'cancel', pin: tablet.pin }
      expect((await agent.post(`${base}/ballot/abandonment`, cancel)).headers.location).toBe(`${base}/station`)
      queue.splice(rng.int(queue.length + 1), 0, childId)
      continue
    }
    const c = choices.get(childId)!
    const res = await agent.post(`${base}/ballot`, {
      token,
      [`c_${members}`]: c.members.map(String),
      [`c_${pradhan}`]: String(c.pradhan),
    })
    expect(res.headers.location).toBe(`${base}/ballot/thanks`)
    castOrder.push(childId)
  }
  expect(refusedOnce).toBe(true)

  // The thief's copy, taken with the app still running.
  const mainFile = path.join(t.database.dir, 'test.sqlite')
  expect(t.database.boxFile).toBe(ballotBoxPath(mainFile))
  live = {
    db: fs.readFileSync(mainFile),
    wal: fs.readFileSync(`${mainFile}-wal`),
    box: fs.readFileSync(t.database.boxFile),
    boxJournal: readIfThere(`${t.database.boxFile}-journal`),
  }

  const backupFile = path.join(dir, 'backup', 'bal-panchayat.sqlite')
  fs.mkdirSync(path.dirname(backupFile))
  await backupDatabase(t.database, backupFile)
  expect(readIfThere(`${backupFile}-wal`)?.length ?? 0).toBe(0)
  const copy = fs.readFileSync(backupFile)
  const image = tableCells(readDatabase(copy), 'ballot_box_image')[0].values[0]
  if (!(image instanceof Uint8Array)) throw new Error('the backup holds no box image')
  const restored = openDatabase(backupFile)
  backup = {
    db: copy,
    image,
    unpacked: fs.readFileSync(restored.boxFile),
    unpackedJournal: readIfThere(`${restored.boxFile}-journal`),
  }
  restored.close()

  layout = boxLayout(electionId)
}, 60_000)

afterAll(async () => {
  await t?.close()
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

// ---------------------------------------------------------------------------- how to read the box

function readIfThere(file: string): Buffer | null {
  return fs.existsSync(file) ? fs.readFileSync(file) : null
}

function ballotOf(c: Choices): string {
  return ballotText([
    { contest: String(members), contents: [...c.members].sort((a, b) => a - b).join(',') },
    { contest: String(pradhan), contents: String(c.pradhan) },
  ])
}

/** The candidates whose bits are set, in the order of `box_contests.candidate_ids` (ascending ids). */
function decodeBits(candidateIds: number[], bits: Uint8Array): string {
  return candidateIds
    .filter((_, i) => (bits[i >> 3] & (1 << (i & 7))) !== 0)
    .sort((a, b) => a - b)
    .join(',')
}

/**
 * The box as its tables lie in the file: a check-off is (id = rowid, election, child, voted), a slot
 * (id = rowid, contest, filled, marks), read with the contest's candidates from box_contests.
 */
function boxLayout(election: number): Layout {
  return {
    checkoffs: {
      table: 'box_checkoffs',
      childOf: (c) => (c.values[1] === election && c.values[3] === 1 ? Number(c.values[2]) : null),
    },
    ballots: {
      table: 'box_slots',
      reader: (db: Database) => {
        const candidates = new Map(
          tableCells(db, 'box_contests').map((c) => [Number(c.rowid), JSON.parse(String(c.values[2])) as number[]]),
        )
        return (c): BallotPart | null => {
          const [, contest, filled, marks] = c.values
          if (filled !== 1 || !(marks instanceof Uint8Array) || !candidates.has(Number(contest))) return null
          return { contest: String(contest), contents: decodeBits(candidates.get(Number(contest))!, marks) }
        }
      },
    },
  }
}

/** How many children a guess names the whole ballot of. */
const linked = (guess: Linking) => Math.round(linkedShare(guess, truth) * truth.size)

/** A record shaped as a check-off of this election, by a child on the roll. */
const isCheckoff = (v: Value[]) =>
  v.length === 4 && v[0] === null && v[1] === electionId && roll.includes(Number(v[2])) && (v[3] === 0 || v[3] === 1)
/** A record shaped as a slot of one of this election's contests (marks are one byte: at most 8 candidates). */
const isSlot = (v: Value[]) =>
  v.length === 4 &&
  v[0] === null &&
  (v[1] === members || v[1] === pradhan) &&
  (v[2] === 0 || v[2] === 1) &&
  v[3] instanceof Uint8Array &&
  v[3].length === 1

/** What a carver looks for in loose bytes: check-offs that say "voted", slots that hold a ballot. */
function boxShapes(): CarvedShape[] {
  const candidates = new Map(boxContests.map((c) => [c.contestId, c.candidateIds]))
  return [
    {
      // The id column is the rowid, stored as NULL: the serial type a freeblock overwrites is 0.
      columns: 4,
      clobbered: [0],
      childOf: (v) => (isCheckoff(v) && v[3] === 1 ? Number(v[2]) : null),
      ballotOf: (v) =>
        isSlot(v) && v[2] === 1
          ? { contest: String(v[1]), contents: decodeBits(candidates.get(Number(v[1]))!, v[3] as Uint8Array) }
          : null,
    },
  ]
}

/** Bytes of the body of an integer serial type (8 and 9 are the constants 0 and 1). */
const INT_BYTES: Record<number, number> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8, 8: 0, 9: 0 }

/**
 * Whether a check-off or a slot of this election could start at `at`: a 4-column record whose header
 * is [5, 0 (the rowid's NULL), t1, t2, t3] — or any two bytes first, where a freeblock's link and size
 * overwrote them — then for a check-off this election, a child on the roll and 0/1, for a slot one of
 * the contests, 0/1 and a 1-byte blob. Every such record SQLite writes matches; the carver decides.
 */
function mayStartBoxRecord(b: Uint8Array, at: number): boolean {
  const [t1, t2, t3] = [b[at + 2], b[at + 3], b[at + 4]]
  if (INT_BYTES[t1] === undefined) return false
  let p = at + 5
  const int = (t: number): number | null => {
    if (p + INT_BYTES[t] > b.length) return null
    let v = t === 9 ? 1 : 0
    for (let i = 0; i < INT_BYTES[t]; i++) v = v * 256 + b[p + i]
    p += INT_BYTES[t]
    return v
  }
  const first = int(t1)
  if ((t2 === 8 || t2 === 9) && t3 === 14) return (first === members || first === pradhan) && p < b.length
  if (INT_BYTES[t2] !== undefined && (t3 === 8 || t3 === 9)) return first === electionId && roll.includes(int(t2) ?? -1)
  return false
}

/**
 * Carving megabytes byte by byte is slow (the carver reads varints with BigInt), so loose bytes are
 * first narrowed to the neighbourhoods of the places a box record could start, wide enough (± the
 * attack's window) that every pair of records the attack could link stays in one region.
 */
function nearBoxRecords(source: Source, window = 512): Source & { starts: number[] } {
  const regions: { bytes: Uint8Array }[] = []
  const starts: number[] = []
  for (const { bytes } of source.regions) {
    const spans: [number, number][] = []
    for (let at = 0; at + 5 <= bytes.length; at++) {
      if (!mayStartBoxRecord(bytes, at)) continue
      const [start, end] = [Math.max(0, at - window), Math.min(bytes.length, at + 32 + window)]
      const last = spans.at(-1)
      if (last && start <= last[1]) last[1] = end
      else spans.push([start, end])
    }
    for (const [start, end] of spans) {
      regions.push({ bytes: bytes.subarray(start, end) })
      starts.push(start)
    }
  }
  return { name: source.name, regions, starts }
}

/** A page read as a b-tree leaf of the box: every cell a check-off or a slot of this election. */
function isBoxPage(header: Database['header'], pageNo: number, data: Uint8Array): boolean {
  try {
    const p = readBTreePage({ header, page: () => data }, pageNo)
    return (
      p.type === LEAF_TABLE &&
      p.cells.length > 0 &&
      p.cells.every((c) => c.overflowPages.length === 0 && (isCheckoff(c.values!) || isSlot(c.values!)))
    )
  } catch {
    return false // not a b-tree page, or not one that reads
  }
}

/** Pairs the i-th child of an order with the i-th ballot of every contest as the slots lie in the file. */
function pairWithSlots(db: Database, order: number[]): Linking {
  const read = layout.ballots.reader(db)
  const parts = writingOrder(tableCells(db, 'box_slots').filter((c) => read(c) !== null)).map((c) => read(c)!)
  const byContest = [members, pradhan].map((id) => parts.filter((p) => p.contest === String(id)))
  return new Map(
    order.map((child, i) => [child, ballotText(byContest.map((list) => list[i]).filter((p) => p !== undefined))]),
  )
}

// ---------------------------------------------------------------------------- the real app

describe('the ballot box of the running app, attacked through a copy of its files', () => {
  it('the polling day is as the app has it: three tablets taking turns, every ballot naming its voter, and the layout reading the raw box exactly', () => {
    expect(castOrder).toHaveLength(VOTERS)
    expect(new Set(castOrder)).toEqual(new Set(roll))
    expect(new Set(truth.values()).size, 'each ballot names its voter').toBe(VOTERS)
    expect(overlapping, 'ballots were handed out while another tablet held one').toBeGreaterThan(5)
    // Read from the raw bytes with the layout the attacks use: every child checked off, every ballot there.
    const box = readDatabase(live.box)
    const voted = tableCells(box, 'box_checkoffs')
      .map((c) => layout.checkoffs.childOf(c))
      .filter((c) => c !== null)
    expect(voted.sort((a, b) => a - b)).toEqual(roll)
    const read = layout.ballots.reader(box)
    const cast = tableCells(box, 'box_slots')
      .map(read)
      .filter((p) => p !== null)
    for (const contest of [members, pradhan]) {
      const inBox = cast
        .filter((p) => p.contest === String(contest))
        .map((p) => p.contents)
        .sort()
      const expected = [...truth.values()].map((b) => new RegExp(`${contest}: ([\\d,]+)`).exec(b)![1]).sort()
      expect(inBox).toEqual(expected)
    }
    // The box is laid out when the poll opened: one slot per child per contest, nothing appended.
    expect(tableCells(box, 'box_slots')).toHaveLength(2 * VOTERS)
  })

  it(`(a) row position: the box file copied from the running app links no more children than chance (≤ ${CHANCE} of ${VOTERS})`, () => {
    const guess = rowPositionAttack(readDatabase(live.box), layout)
    expect(guess.size, 'the attack paired every voter with a ballot').toBe(VOTERS)
    expect(linked(guess)).toBeLessThanOrEqual(CHANCE)
  })

  it(`(a) row position: the backup's box, read from the copy before opening it and as openDatabase unpacks it, links no more than chance`, () => {
    expect(Buffer.from(backup.image).equals(backup.unpacked), 'the unpacked box is the image, byte for byte').toBe(true)
    for (const bytes of [backup.image, backup.unpacked]) {
      const guess = rowPositionAttack(readDatabase(bytes), layout)
      expect(guess.size).toBe(VOTERS)
      expect(linked(guess)).toBeLessThanOrEqual(CHANCE)
    }
  })

  it('(a) someone who wrote down the order children came to the tablets, pairing it with the slots, links no more than chance', () => {
    for (const bytes of [live.box, backup.image])
      expect(linked(pairWithSlots(readDatabase(bytes), castOrder))).toBeLessThanOrEqual(CHANCE)
  })

  it('(b) commit by commit: the box has no WAL, no frame of the main WAL is a box page, and no version of the main file holds a ballot', () => {
    for (const f of [`${t.database.boxFile}-wal`, `${t.database.boxFile}-shm`]) expect(fs.existsSync(f), f).toBe(false)
    const wal = readWal(live.wal)
    const frames: WalFrame[] = [...wal.commits.flatMap((c) => c.frames), ...wal.uncommitted, ...wal.stale]
    expect(wal.commits.length, 'the WAL holds the polling day: sessions, stations').toBeGreaterThan(VOTERS)
    const header = readDatabase(live.db).header
    expect(frames.filter((f) => isBoxPage(header, f.page, f.data)).map((f) => f.index)).toEqual([])
    // Nor, byte for byte, a page of the box's check-offs or slots (small index pages may match by chance, and hold no ballot).
    const box = readDatabase(live.box)
    const ballotPages = [...box.owners]
      .filter(([, o]) => o.kind === 'btree' && (o.name === 'box_slots' || o.name === 'box_checkoffs'))
      .map(([n]) => n)
    expect(ballotPages.length).toBeGreaterThan(0)
    const boxPages = new Set(ballotPages.map((n) => Buffer.from(box.page(n)).toString('hex')))
    expect(frames.filter((f) => boxPages.has(Buffer.from(f.data).toString('hex'))).map((f) => f.index)).toEqual([])
    // Every version of the main file the WAL can rebuild: no box table, no ballot table.
    const versions = walSnapshots(live.db, wal)
    for (const version of versions)
      expect(version!.schema.map((e) => e.name).filter((n) => /^box_|ballot|checkoff|slot/.test(n))).toEqual([])
    expect(commitAttack(versions, layout).size).toBe(0)
  })

  it("(b) the box's rollback journal holds nothing at rest, nor does the unpacked backup's", () => {
    for (const journal of [live.boxJournal, backup.unpackedJournal]) {
      if (journal === null) continue
      expect(journal.length === 0 || !readJournal(journal).holdsAnything).toBe(true)
    }
  })

  it("(c) leftovers: no childId in the sessions' live rows, in the free bytes of the main file or in its WAL", () => {
    const latest = readDatabase(applyWal(live.db, readWal(live.wal).commits))
    const sessions = tableCells(latest, 'sessions').map((c) => String(c.values[2]))
    expect(
      sessions.filter((s) => s.includes('"station"')).length,
      'the three tablets have sessions',
    ).toBeGreaterThanOrEqual(3)
    expect(sessions.filter((s) => /childId/.test(s))).toEqual([])
    // The WAL holds every version of the tablets' sessions, those holding a ballot among them: a token, nothing more.
    expect(grep(live.wal, /"ballot":\{"token":"[0-9a-f-]{36}"\}/).length).toBeGreaterThanOrEqual(VOTERS)
    const sources = leftoverSources({ db: live.db, wal: live.wal })
    sources.push(
      ...leftoverSources({ db: Buffer.from(latest.bytes) }).map((s) => ({ ...s, name: 'rebuilt db free bytes' })),
    )
    // And the backup's copy of the main file, and the box's loose bytes, for good measure.
    sources.push(
      ...leftoverSources({ db: backup.db }).map((s) => ({ ...s, name: 'backup free bytes' })),
      ...leftoverSources({ db: live.box, journal: live.boxJournal ?? undefined }),
    )
    expect(leftoverAttack(sources).sightings).toEqual([])
    expect(grep(live.wal, /childId/i)).toEqual([])
  })

  it('(c) leftovers: no check-off or ballot is carved from any loose bytes — free bytes, WAL, journal, backup — and the box frees nothing but zeros', () => {
    const sources: Source[] = [
      ...leftoverSources({ db: live.db, wal: live.wal }).map((s) => ({ ...s, name: `main ${s.name}` })),
      ...leftoverSources({ db: live.box, journal: live.boxJournal ?? undefined }).map((s) => ({
        ...s,
        name: `box ${s.name}`,
      })),
      ...leftoverSources({ db: backup.db }).map((s) => ({ ...s, name: `backup ${s.name}` })),
      ...leftoverSources({ db: backup.image }).map((s) => ({ ...s, name: `backup box ${s.name}` })),
    ]
    const narrowed = sources.map((source) => nearBoxRecords(source))
    const { sightings, guess } = leftoverAttack(narrowed, { shapes: boxShapes() })
    expect(guess.size, 'a child next to ballot data').toBe(0)
    expect(sightings.filter((s) => s.source !== 'main wal')).toEqual([])
    // The WAL, carved whole, has bytes of other tables' live rows that read as a check-off once the
    // carver supposes a freeblock overwrote a header (an index entry "election 1, child 11, candidate 1"
    // of candidates_child_idx, say). Each is inside a live cell of its frame's page: a row, not a leftover.
    const wal = readWal(live.wal)
    const frames = [...wal.commits.flatMap((c) => c.frames), ...wal.uncommitted, ...wal.stale]
    const header = readDatabase(live.db).header
    const walStarts = narrowed.find((n) => n.name === 'main wal')!.starts
    const loose = sightings
      .filter((s) => s.source === 'main wal')
      .filter((s) => {
        const at = walStarts[s.region] + s.offset
        const frame = frames.find((f) => at >= f.fileOffset + 24 && at < f.fileOffset + 24 + f.data.length)
        if (!frame) return true
        const inPage = at - frame.fileOffset - 24
        try {
          return !readBTreePage({ header, page: () => frame.data }, frame.page).cells.some(
            (c) => inPage >= c.offset && inPage < c.offset + c.size,
          )
        } catch {
          return true
        }
      })
    expect(loose).toEqual([])
    // secure_delete, and overwriting in place: what no live row holds in the box is zeros (a freeblock's link and size aside).
    for (const bytes of [live.box, backup.image]) {
      const dirty = freeBytes(readDatabase(bytes)).filter((r) =>
        (r.kind === 'freeblock' ? r.bytes.subarray(4) : r.bytes).some((b) => b !== 0),
      )
      expect(dirty.map((r) => `${r.kind} on page ${r.page} at ${r.start}`)).toEqual([])
    }
  })

  it('the refused and abandoned ballot is nowhere: in no slot, live or loose, and its form in no file', () => {
    const bits = encodeMarks(boxContests[0].candidateIds, refused.members)
    expect(bits).toHaveLength(1)
    expect(
      [...truth.values()].some((b) =>
        b.startsWith(`${members}: ${[...refused.members].sort((a, b) => a - b).join(',')} `),
      ),
      'no one else chose it',
    ).toBe(false)
    const files: [string, Uint8Array][] = [
      ['main', live.db],
      ['main wal', live.wal],
      ['box', live.box],
      ['box journal', live.boxJournal ?? Buffer.alloc(0)],
      ['backup', backup.db],
      ['backup box', backup.image],
    ]
    for (const [name, bytes] of files) {
      // Any record shaped as a members slot with its marks, live or in free bytes, anywhere in the file.
      const carved = nearBoxRecords({ name, regions: [{ bytes }] }, 0)
        .regions.flatMap((r) => carveRecords(r.bytes, 4, { clobbered: [0] }))
        .filter((r) => isSlot(r.values) && r.values[1] === members && (r.values[3] as Uint8Array)[0] === bits[0])
      expect(carved, name).toEqual([])
      // Nor the form that carried it: its field names or the made-up candidate.
      expect(grep(bytes, new RegExp(`c_(${members}|${pradhan})["=]|${MADE_UP}`)), name).toEqual([])
    }
  })
})

// ---------------------------------------------------------------------------- controls

describe('the same attacks on the same casts written without random in-place slots (controls)', () => {
  it('(a)(b) a box that appends each cast (check-off and slots inserted as votes come, in WAL) links at least 90 % by row position and by WAL commits', () => {
    const file = path.join(dir, 'appending-box.sqlite')
    const sqlite = new Sqlite(file)
    sqlite.pragma('journal_mode = WAL')
    // The box's own tables, from its migration.
    for (const statement of fs
      .readFileSync(path.join(ballotBoxMigrationsFolder, '0000_ballot-box.sql'), 'utf8')
      .split('--> statement-breakpoint'))
      sqlite.exec(statement)
    const contest = sqlite.prepare('INSERT INTO box_contests (contest_id, election_id, candidate_ids) VALUES (?, ?, ?)')
    for (const c of boxContests) contest.run(c.contestId, electionId, JSON.stringify(c.candidateIds))
    sqlite.pragma('wal_checkpoint(TRUNCATE)')
    const checkoff = sqlite.prepare('INSERT INTO box_checkoffs (election_id, child_id, voted) VALUES (?, ?, 1)')
    const slot = sqlite.prepare('INSERT INTO box_slots (contest_id, filled, marks) VALUES (?, 1, ?)')
    for (const child of castOrder) {
      sqlite.transaction(() => {
        checkoff.run(electionId, child)
        for (const [c, marks] of marksOf(child)) slot.run(c, marks)
      })()
    }
    const copy = { db: fs.readFileSync(file), wal: fs.readFileSync(`${file}-wal`) }
    sqlite.close()
    expect(
      linkedShare(rowPositionAttack(walSnapshots(copy.db, readWal(copy.wal)).at(-1)!, layout), truth),
    ).toBeGreaterThanOrEqual(0.9)
    expect(linkedShare(walAttack(copy.db, copy.wal, layout), truth)).toBeGreaterThanOrEqual(0.9)
  })

  it('(a) a box laid out at opening but filled slot 1, 2, 3… in the order of voting links at least 90 % for whoever saw that order', () => {
    const database = openDatabase(path.join(dir, 'sequential.sqlite'))
    try {
      database.db.transaction((tx) => layOutBox(tx, electionId, boxContests, roll))
      const checkoff = database.sqlite.prepare(
        'UPDATE box.box_checkoffs SET voted = 1 WHERE election_id = ? AND child_id = ?',
      )
      const fill = database.sqlite.prepare(
        'UPDATE box.box_slots SET filled = 1, marks = ? WHERE id = (SELECT min(id) FROM box.box_slots WHERE contest_id = ? AND filled = 0)',
      )
      for (const child of castOrder) {
        database.sqlite.transaction(() => {
          checkoff.run(electionId, child)
          for (const [c, marks] of marksOf(child)) fill.run(marks, c)
        })()
      }
      const box = readDatabase(fs.readFileSync(database.boxFile))
      expect(linkedShare(pairWithSlots(box, castOrder), truth)).toBeGreaterThanOrEqual(0.9)
    } finally {
      database.close()
    }
  })
})

function marksOf(child: number): Map<number, Buffer> {
  const c = choices.get(child)!
  return new Map([
    [members, encodeMarks(boxContests[0].candidateIds, c.members)],
    [pradhan, encodeMarks(boxContests[1].candidateIds, [c.pradhan])],
  ])
}

// ---------------------------------------------------------------------------- history independence

describe('the box file does not depend on the order of voting', () => {
  it('cast in two different orders with every ballot in the same slot, two boxes are equal byte for byte', () => {
    // The same final assignment of ballots to slots, reached in two orders: the file is a function of
    // that assignment alone. (The slots themselves are drawn uniformly, so the assignment says nothing.)
    const rng = new Rng(SEED + 2)
    const orders = [rng.shuffle(castOrder), rng.shuffle(castOrder)]
    expect(orders[0]).not.toEqual(orders[1])
    const slotOf = new Map<string, number>()
    const files = orders.map((order, k) => {
      const database = openDatabase(path.join(dir, `same-slots-${k}.sqlite`))
      try {
        database.db.transaction((tx) => layOutBox(tx, electionId, boxContests, roll))
        for (const child of order) {
          const pick = (free: readonly number[], contestId: number) => {
            const key = `${child}/${contestId}`
            if (k === 0) slotOf.set(key, free[rng.int(free.length)])
            return free.indexOf(slotOf.get(key)!)
          }
          expect(database.db.transaction(() => castIntoBox(database.db, electionId, child, marksOf(child), pick))).toBe(
            'cast',
          )
        }
        return fs.readFileSync(database.boxFile)
      } finally {
        database.close()
      }
    })
    expect(files[0].length).toBeGreaterThan(4096)
    expect(files[1].equals(files[0])).toBe(true)
  })

  it('cast in two different orders, two boxes differ only inside slot and check-off cells, with every cell where it was', () => {
    // The app's roll and four children who do not vote, so empty slots are left and land in different places.
    const abstaining = [9001, 9002, 9003, 9004]
    const rng = new Rng(SEED + 1)
    const orders = [rng.shuffle(castOrder), rng.shuffle(castOrder)]
    expect(orders[0]).not.toEqual(orders[1])
    const files = orders.map((order, k) => {
      const database = openDatabase(path.join(dir, `order-${k}.sqlite`))
      try {
        database.db.transaction((tx) => layOutBox(tx, electionId, boxContests, [...roll, ...abstaining]))
        for (const child of order)
          expect(database.db.transaction(() => castIntoBox(database.db, electionId, child, marksOf(child)))).toBe(
            'cast',
          )
        return fs.readFileSync(database.boxFile)
      } finally {
        database.close()
      }
    })
    const [a, b] = files.map((bytes) => readDatabase(bytes))
    expect(a.bytes.length).toBe(b.bytes.length)
    expect(a.schema).toEqual(b.schema)
    const pageSize = a.header.pageSize
    // Every b-tree page: the same header, the same cell pointers, each cell the same size at the same offset.
    const shape = (db: Database, n: number) => {
      const owner = db.owners.get(n)
      if (owner?.kind !== 'btree') return owner?.kind ?? 'unowned'
      const p = db.btreePage(n)
      return {
        owner,
        type: p.type,
        cellPointers: p.cellPointers,
        cells: p.cells.map((c) => [c.offset, c.size]),
        freeblocks: p.freeblocks,
        contentStart: p.contentStart,
        fragmented: p.fragmentedBytes,
      }
    }
    for (let n = 1; n <= a.header.pageCount; n++) expect(shape(b, n), `page ${n}`).toEqual(shape(a, n))
    // Every byte that differs is inside a slot's or a check-off's cell, or is the change counter.
    const cells = (['box_slots', 'box_checkoffs'] as const).flatMap((table) =>
      tableCells(a, table).map((c) => ({
        table,
        start: (c.page - 1) * pageSize + c.offset,
        end: (c.page - 1) * pageSize + c.offset + c.size,
      })),
    )
    const counter = (i: number) => (i >= 24 && i < 28) || (i >= 92 && i < 96)
    const differing: number[] = []
    for (let i = 0; i < a.bytes.length; i++) if (a.bytes[i] !== b.bytes[i]) differing.push(i)
    const unexplained = differing.filter((i) => !counter(i) && !cells.some((c) => i >= c.start && i < c.end))
    expect(unexplained.map((i) => `byte ${i} (page ${Math.floor(i / pageSize) + 1}, offset ${i % pageSize})`)).toEqual(
      [],
    )
    // Not a vacuous claim: the two orders did put ballots in different slots.
    expect(differing.filter((i) => !counter(i)).length).toBeGreaterThan(0)
    // And the contents are the same ballots, just in other slots.
    const ballots = (db: Database) =>
      tableCells(db, 'box_slots')
        .map(layout.ballots.reader(db))
        .filter((p) => p !== null)
        .map((p) => `${p.contest}: ${p.contents}`)
        .sort()
    expect(ballots(b)).toEqual(ballots(a))
  })
})
