/**
 * What someone holding the box's files would do to link a child to a ballot: by where rows sit in
 * their pages (a), by which commit wrote them (b), by what deleted or overwritten rows left (c).
 * A `Layout` names the tables and how to read a cell, so the same attacks run against any box.
 */
import {
  carveRecords,
  freeBytes,
  grep,
  readDatabase,
  readWal,
  tableCells,
  walSnapshots,
  type Database,
  type TableCell,
  type Value,
} from './sqlite-file.ts'

/** A guess (or the truth): child id → what the child voted, as `ballotText` writes it. */
export type Linking = Map<number, string>

/** One contest's part of a ballot: which contest, and the marks as text (e.g. candidate ids "3,5,8"). */
export type BallotPart = { contest: string; contents: string }

export type Layout = {
  /** The table saying who has voted; `childOf` gives the child id of a cell that says "voted", else null. */
  checkoffs: { table: string; childOf: (cell: TableCell) => number | null }
  /**
   * The table holding what was voted; `reader` is given the whole database (to look up, say, the
   * marks of a ballot id, or a contest's candidates) and returns how to read one cell (null: not a cast ballot).
   */
  ballots: { table: string; reader: (db: Database) => (cell: TableCell) => BallotPart | null }
}

/** A child's whole ballot, one line whatever order the contests were read in. */
export function ballotText(parts: BallotPart[]): string {
  return [...parts]
    .sort((a, b) => a.contest.localeCompare(b.contest, 'en', { numeric: true }))
    .map((p) => `${p.contest}: ${p.contents}`)
    .join(' | ')
}

/** The share of children whose whole ballot the guess names correctly. */
export function linkedShare(guess: Linking, truth: Linking): number {
  if (truth.size === 0) return 0
  let right = 0
  for (const [child, ballot] of truth) if (guess.get(child) === ballot) right++
  return right / truth.size
}

// ---------------------------------------------------------------------------- (a) row position

/**
 * Cells in their likely order of writing: a new cell is cut from the bottom of the page's gap, so lower
 * offset = later, until a split (movers rewritten in key order, holes they leave filled first) breaks it.
 * Pages have no order between them; with random keys each fills over the same time, so merge by fraction.
 */
export function writingOrder(cells: TableCell[]): TableCell[] {
  const byPage = new Map<number, TableCell[]>()
  for (const c of cells) byPage.get(c.page)?.push(c) ?? byPage.set(c.page, [c])
  const placed: { cell: TableCell; at: number }[] = []
  for (const [, onPage] of byPage) {
    const ordered = [...onPage].sort((a, b) => b.offset - a.offset)
    ordered.forEach((cell, i) => placed.push({ cell, at: (i + 0.5) / ordered.length }))
  }
  return placed.sort((a, b) => a.at - b.at || a.cell.page - b.cell.page).map((p) => p.cell)
}

/** Pairs the i-th voter with the i-th ballot of every contest and writes each child's whole ballot. */
function pairInOrder(children: number[], ballots: BallotPart[]): Linking {
  const byContest = new Map<string, BallotPart[]>()
  for (const b of ballots) byContest.get(b.contest)?.push(b) ?? byContest.set(b.contest, [b])
  const guess: Linking = new Map()
  children.forEach((child, i) => {
    const parts = [...byContest.values()].flatMap((list) => (list[i] ? [list[i]] : []))
    if (parts.length > 0) guess.set(child, ballotText(parts))
  })
  return guess
}

/** (a) Sorts the check-offs and the ballots by where they sit and pairs them in that order. */
export function rowPositionAttack(db: Database, layout: Layout): Linking {
  const read = layout.ballots.reader(db)
  const children = writingOrder(
    tableCells(db, layout.checkoffs.table).filter((c) => layout.checkoffs.childOf(c) !== null),
  ).map((c) => layout.checkoffs.childOf(c)!)
  const ballots = writingOrder(tableCells(db, layout.ballots.table).filter((c) => read(c) !== null)).map(
    (c) => read(c)!,
  )
  return pairInOrder(children, ballots)
}

// ---------------------------------------------------------------------------- (b) commit by commit

/** A cell's identity across versions of the database: its key and values, wherever it sits. */
function identity(c: TableCell): string {
  return JSON.stringify([c.rowid, c.values], (_, v: Value) =>
    typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v,
  )
}

/**
 * (b) Walks versions of the database in order (after each WAL commit, see `walSnapshots`, or any series
 * of copies): the check-offs and ballots a version has that the one before had not were written
 * together; several voters in one version (a group commit) are paired by row position among themselves.
 */
export function commitAttack(versions: (Database | null)[], layout: Layout): Linking {
  const guess: Linking = new Map()
  let seenCheckoffs = new Set<string>()
  let seenBallots = new Set<string>()
  for (const db of versions) {
    if (
      !db?.schema.some((e) => e.name === layout.checkoffs.table) ||
      !db.schema.some((e) => e.name === layout.ballots.table)
    )
      continue
    const read = layout.ballots.reader(db)
    const checkoffs = tableCells(db, layout.checkoffs.table).filter((c) => layout.checkoffs.childOf(c) !== null)
    const ballots = tableCells(db, layout.ballots.table).filter((c) => read(c) !== null)
    const newCheckoffs = checkoffs.filter((c) => !seenCheckoffs.has(identity(c)))
    const newBallots = ballots.filter((c) => !seenBallots.has(identity(c)))
    const children = writingOrder(newCheckoffs).map((c) => layout.checkoffs.childOf(c)!)
    for (const [child, ballot] of pairInOrder(
      children,
      writingOrder(newBallots).map((c) => read(c)!),
    ))
      if (!guess.has(child)) guess.set(child, ballot)
    seenCheckoffs = new Set(checkoffs.map(identity))
    seenBallots = new Set(ballots.map(identity))
  }
  return guess
}

/** (b) straight from the files: the database file and its WAL as copied. */
export function walAttack(dbBytes: Uint8Array, walBytes: Uint8Array, layout: Layout): Linking {
  return commitAttack(walSnapshots(dbBytes, readWal(walBytes)), layout)
}

// ---------------------------------------------------------------------------- (c) leftovers

/** Bytes to search, named for the report: a file's free bytes, a whole WAL, a journal. */
export type Source = { name: string; regions: { bytes: Uint8Array }[] }

/** What an attacker greps: the database's free bytes (not its live rows), and the WAL and journal whole. */
export function leftoverSources(files: { db?: Uint8Array; wal?: Uint8Array; journal?: Uint8Array }): Source[] {
  const out: Source[] = []
  if (files.db && files.db.length >= 100)
    out.push({ name: 'db free bytes', regions: freeBytes(readDatabase(files.db)) })
  if (files.wal && files.wal.length > 0) out.push({ name: 'wal', regions: [{ bytes: files.wal }] })
  if (files.journal && files.journal.length > 0) out.push({ name: 'journal', regions: [{ bytes: files.journal }] })
  return out
}

export type Sighting = { source: string; region: number; offset: number; childId: number; context: string }

/** A child id written as JSON: `"childId":12` anywhere, such as a session's `"ballot":{"childId":12,…}`. */
export const CHILD_ID_JSON = /"childId"\s*:\s*(\d+)/

export type CarvedShape = {
  /** Columns of the record to carve (as stored: a WITHOUT ROWID table's key first). */
  columns: number
  /** Serial types the first column may have had, to try records whose header a freeblock overwrote. */
  clobbered?: number[]
  /** The child of a record that says who voted, else null. */
  childOf?: (values: Value[]) => number | null
  /** The ballot part of a record that says what was voted, else null. */
  ballotOf?: (values: Value[]) => BallotPart | null
}

/**
 * (c) Greps leftovers for child ids (patterns whose first group is the id) and carves records of
 * the given shapes out of them; a child's record with a ballot's record within `window` bytes
 * of it in the same region is a link.
 */
export function leftoverAttack(
  sources: Source[],
  options: { patterns?: RegExp[]; shapes?: CarvedShape[]; window?: number } = {},
): { sightings: Sighting[]; guess: Linking } {
  const { patterns = [CHILD_ID_JSON], shapes = [], window = 512 } = options
  const sightings: Sighting[] = []
  const guess: Linking = new Map()
  for (const source of sources) {
    for (const pattern of patterns) {
      for (const hit of grep(source.regions, pattern)) {
        const text = hit.match[0]
        sightings.push({
          source: source.name,
          region: hit.region,
          offset: hit.offset,
          childId: Number(hit.match[1]),
          context: text,
        })
      }
    }
    source.regions.forEach((region, index) => {
      const children: { offset: number; child: number }[] = []
      const ballots: { offset: number; part: BallotPart }[] = []
      for (const shape of shapes) {
        for (const r of carveRecords(region.bytes, shape.columns, { clobbered: shape.clobbered })) {
          const child = shape.childOf?.(r.values) ?? null
          if (child !== null) {
            children.push({ offset: r.offset, child })
            sightings.push({
              source: source.name,
              region: index,
              offset: r.offset,
              childId: child,
              context: JSON.stringify(r.values.map(String)),
            })
          }
          const part = shape.ballotOf?.(r.values) ?? null
          if (part) ballots.push({ offset: r.offset, part })
        }
      }
      for (const { offset, child } of children) {
        const near = new Map<string, { distance: number; part: BallotPart }>()
        for (const b of ballots) {
          const distance = Math.abs(b.offset - offset)
          if (distance <= window && (near.get(b.part.contest)?.distance ?? Infinity) > distance)
            near.set(b.part.contest, { distance, part: b.part })
        }
        if (near.size > 0 && !guess.has(child)) guess.set(child, ballotText([...near.values()].map((n) => n.part)))
      }
    })
  }
  return { sightings, guess }
}
