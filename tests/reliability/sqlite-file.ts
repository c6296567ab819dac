/**
 * SQLite's files read as someone holding a copy would, from the file format's description alone
 * (https://www.sqlite.org/fileformat2.html): pages, cells, the bytes no live row owns, the WAL's
 * commits and the rollback journal. Numbers are big-endian throughout.
 */

export type Value = null | number | bigint | string | Uint8Array

/** The 100-byte header at the start of page 1. */
export type Header = {
  pageSize: number
  /** Bytes kept at the end of every page for extensions; usable size = page size − reserved. */
  reserved: number
  usableSize: number
  changeCounter: number
  /** Pages in the file: the header's count when it is current, otherwise the file's length. */
  pageCount: number
  freelistTrunk: number
  freelistCount: number
  schemaCookie: number
  /** 1 UTF-8, 2 UTF-16le, 3 UTF-16be. */
  textEncoding: number
  userVersion: number
  /** Non-zero when auto-vacuum keeps pointer-map pages. */
  largestRootPage: number
}

/** B-tree page types, as the first byte of the page header names them. */
export const INTERIOR_INDEX = 2
export const INTERIOR_TABLE = 5
export const LEAF_INDEX = 10
export const LEAF_TABLE = 13
export type PageType = typeof INTERIOR_INDEX | typeof INTERIOR_TABLE | typeof LEAF_INDEX | typeof LEAF_TABLE

export type Cell = {
  page: number
  /** Where the cell starts in its page (what the cell pointer says). */
  offset: number
  /** Bytes the cell takes in the page (at least 4, as SQLite counts it). */
  size: number
  leftChild?: number
  rowid?: bigint
  payloadSize?: number
  /** How much of the payload is stored in the page; the rest runs through `overflowPages`. */
  localSize?: number
  overflowPages: number[]
  payload?: Uint8Array
  /** The decoded record; for a WITHOUT ROWID table, the primary key's columns come first. */
  values?: Value[]
}

export type Freeblock = { offset: number; size: number }

export type BTreePage = {
  page: number
  type: PageType
  /** 100 on page 1 (after the file header), 0 elsewhere. */
  headerOffset: number
  firstFreeblock: number
  cellCount: number
  /** Start of the cell content area (the 0 that means 65536 already decoded). */
  contentStart: number
  fragmentedBytes: number
  rightChild?: number
  cellPointers: number[]
  cells: Cell[]
  freeblocks: Freeblock[]
  /** Between the end of the cell pointer array and the cell content area. */
  unallocated: { start: number; end: number }
}

export type SchemaEntry = { type: string; name: string; tableName: string; rootPage: number; sql: string | null }

/** Which structure a page belongs to. */
export type Owner =
  | { kind: 'btree'; name: string }
  | { kind: 'overflow'; name: string }
  | { kind: 'freelist-trunk' }
  | { kind: 'freelist-leaf' }
  | { kind: 'pointer-map' }

export type Database = {
  bytes: Uint8Array
  header: Header
  /** The raw bytes of page n (1-based). */
  page(n: number): Uint8Array
  /** Page n read as a b-tree page (cached). */
  btreePage(n: number): BTreePage
  schema: SchemaEntry[]
  /** Every page reachable from the schema or the freelist, with what it belongs to. */
  owners: Map<number, Owner>
  freelist: { trunks: number[]; leaves: number[] }
}

const MAGIC = 'SQLite format 3\0'

// ---------------------------------------------------------------------------- small readers

export const u16 = (b: Uint8Array, at: number) => (b[at] << 8) | b[at + 1]
export const u32 = (b: Uint8Array, at: number) =>
  ((b[at] << 24) >>> 0) + ((b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3])

/** A varint: 1–9 bytes, seven bits a byte with the high bit saying "more", the ninth byte whole. */
export function varint(b: Uint8Array, at: number): { value: bigint; length: number } {
  let value = 0n
  for (let i = 0; i < 8; i++) {
    const byte = b[at + i]
    if (byte === undefined) throw new Error(`varint runs past the end at ${at}`)
    value = (value << 7n) | BigInt(byte & 0x7f)
    if ((byte & 0x80) === 0) return { value, length: i + 1 }
  }
  value = (value << 8n) | BigInt(b[at + 8])
  return { value: BigInt.asIntN(64, value), length: 9 }
}

function smallVarint(b: Uint8Array, at: number): { value: number; length: number } {
  const { value, length } = varint(b, at)
  return { value: Number(value), length }
}

// ---------------------------------------------------------------------------- header

export function readHeader(bytes: Uint8Array): Header {
  if (bytes.length < 100 || new TextDecoder('latin1').decode(bytes.subarray(0, 16)) !== MAGIC)
    throw new Error('not an SQLite database file')
  const raw = u16(bytes, 16)
  const pageSize = raw === 1 ? 65536 : raw
  const reserved = bytes[20]
  const changeCounter = u32(bytes, 24)
  const inHeader = u32(bytes, 28)
  // The count in the header is trusted only when written by the same change as the counter.
  const pageCount = inHeader > 0 && u32(bytes, 92) === changeCounter ? inHeader : Math.floor(bytes.length / pageSize)
  return {
    pageSize,
    reserved,
    usableSize: pageSize - reserved,
    changeCounter,
    pageCount,
    freelistTrunk: u32(bytes, 32),
    freelistCount: u32(bytes, 36),
    schemaCookie: u32(bytes, 40),
    largestRootPage: u32(bytes, 52),
    textEncoding: u32(bytes, 56) || 1,
    userVersion: u32(bytes, 60),
  }
}

// ---------------------------------------------------------------------------- records

/** Bytes a value of this serial type takes in the record body. */
export function serialSize(type: number): number {
  // Not `>> 1`: a serial type carved from loose bytes can exceed 2³¹, where a shift wraps negative.
  if (type >= 12) return Math.floor((type - 12) / 2)
  return [0, 1, 2, 3, 4, 6, 8, 8, 0, 0, 0, 0][type]
}

function readInt(b: Uint8Array, at: number, n: number): number | bigint {
  let v = 0n
  for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(b[at + i])
  const signed = BigInt.asIntN(n * 8, v)
  return signed >= BigInt(Number.MIN_SAFE_INTEGER) && signed <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(signed)
    : signed
}

function decoderFor(encoding: number) {
  return new TextDecoder(encoding === 2 ? 'utf-16le' : encoding === 3 ? 'utf-16be' : 'utf-8')
}

/** A record: a header (its own length, then one serial type per column) and then the values. */
export function decodeRecord(payload: Uint8Array, textEncoding = 1): Value[] {
  const text = decoderFor(textEncoding)
  const { value: headerSize, length } = smallVarint(payload, 0)
  if (headerSize > payload.length) throw new Error('record header longer than its payload')
  const types: number[] = []
  for (let at = length; at < headerSize; ) {
    const t = smallVarint(payload, at)
    types.push(t.value)
    at += t.length
  }
  const values: Value[] = []
  let at = headerSize
  for (const type of types) {
    const size = serialSize(type)
    if (at + size > payload.length) throw new Error('record body shorter than its header says')
    if (type === 0) values.push(null)
    else if (type <= 6) values.push(readInt(payload, at, size))
    else if (type === 7) values.push(new DataView(payload.buffer, payload.byteOffset + at, 8).getFloat64(0))
    else if (type === 8) values.push(0)
    else if (type === 9) values.push(1)
    else if (type >= 12 && type % 2 === 0) values.push(payload.slice(at, at + size))
    else if (type >= 13) values.push(text.decode(payload.subarray(at, at + size)))
    else throw new Error(`reserved serial type ${type}`)
    at += size
  }
  return values
}

// ---------------------------------------------------------------------------- b-tree pages

/** How much of a payload of P bytes stays in the page (the rest goes to overflow pages). */
export function localPayload(payloadSize: number, usableSize: number, type: PageType): number {
  const U = usableSize
  const X = type === LEAF_TABLE ? U - 35 : Math.floor(((U - 12) * 64) / 255) - 23
  if (payloadSize <= X) return payloadSize
  const M = Math.floor(((U - 12) * 32) / 255) - 23
  const K = M + ((payloadSize - M) % (U - 4))
  return K <= X ? K : M
}

function parseCell(
  db: Pick<Database, 'page' | 'header'>,
  pageNo: number,
  data: Uint8Array,
  offset: number,
  type: PageType,
): Cell {
  const cell: Cell = { page: pageNo, offset, size: 0, overflowPages: [] }
  let at = offset
  if (type === INTERIOR_TABLE || type === INTERIOR_INDEX) {
    cell.leftChild = u32(data, at)
    at += 4
  }
  if (type === INTERIOR_TABLE) {
    const key = varint(data, at)
    cell.rowid = key.value
    cell.size = at + key.length - offset
    return cell
  }
  const p = smallVarint(data, at)
  at += p.length
  cell.payloadSize = p.value
  if (type === LEAF_TABLE) {
    const key = varint(data, at)
    cell.rowid = key.value
    at += key.length
  }
  const local = localPayload(p.value, db.header.usableSize, type)
  cell.localSize = local
  const payload = new Uint8Array(p.value)
  payload.set(data.subarray(at, at + local))
  at += local
  if (local < p.value) {
    // The rest of the payload runs through a chain of overflow pages: 4 bytes "next", then data.
    let next = u32(data, at)
    at += 4
    let filled = local
    while (next !== 0 && filled < p.value) {
      cell.overflowPages.push(next)
      const over = db.page(next)
      const take = Math.min(db.header.usableSize - 4, p.value - filled)
      payload.set(over.subarray(4, 4 + take), filled)
      filled += take
      next = u32(over, 0)
    }
  }
  cell.payload = payload
  cell.values = decodeRecord(payload, db.header.textEncoding)
  cell.size = Math.max(4, at - offset)
  return cell
}

export function readBTreePage(db: Pick<Database, 'page' | 'header'>, pageNo: number): BTreePage {
  const data = db.page(pageNo)
  const headerOffset = pageNo === 1 ? 100 : 0
  const type = data[headerOffset] as PageType
  if (![INTERIOR_INDEX, INTERIOR_TABLE, LEAF_INDEX, LEAF_TABLE].includes(type))
    throw new Error(`page ${pageNo} is not a b-tree page (type ${type})`)
  const interior = type === INTERIOR_INDEX || type === INTERIOR_TABLE
  const cellCount = u16(data, headerOffset + 3)
  const pointersAt = headerOffset + (interior ? 12 : 8)
  const cellPointers = Array.from({ length: cellCount }, (_, i) => u16(data, pointersAt + 2 * i))
  const freeblocks: Freeblock[] = []
  for (let at = u16(data, headerOffset + 1); at !== 0 && freeblocks.length < data.length / 4; at = u16(data, at)) {
    freeblocks.push({ offset: at, size: u16(data, at + 2) })
  }
  const contentStart = u16(data, headerOffset + 5) || 65536
  return {
    page: pageNo,
    type,
    headerOffset,
    cellCount,
    contentStart,
    cellPointers,
    freeblocks,
    firstFreeblock: u16(data, headerOffset + 1),
    fragmentedBytes: data[headerOffset + 7],
    rightChild: interior ? u32(data, headerOffset + 8) : undefined,
    cells: cellPointers.map((offset) => parseCell(db, pageNo, data, offset, type)),
    unallocated: { start: pointersAt + 2 * cellCount, end: contentStart },
  }
}

// ---------------------------------------------------------------------------- the whole file

/** Reads a database file (a copy of it, a backup, or one rebuilt from a WAL with `applyWal`). */
export function readDatabase(bytes: Uint8Array): Database {
  const header = readHeader(bytes)
  const pages = new Map<number, BTreePage>()
  const page = (n: number) => {
    if (n < 1 || n > header.pageCount) throw new Error(`page ${n} is outside the file (1–${header.pageCount})`)
    return bytes.subarray((n - 1) * header.pageSize, n * header.pageSize)
  }
  const base = { header, page }
  const btreePage = (n: number) => {
    let found = pages.get(n)
    if (!found) pages.set(n, (found = readBTreePage(base, n)))
    return found
  }
  const schema = [...walkTree({ btreePage }, 1)]
    .flatMap((c) => (c.values ? [c.values] : []))
    .map(([type, name, tableName, rootPage, sql]) => ({
      type: String(type),
      name: String(name),
      tableName: String(tableName),
      rootPage: Number(rootPage ?? 0),
      sql: sql === null ? null : String(sql),
    }))

  const owners = new Map<number, Owner>()
  const trees: [string, number][] = [
    ['sqlite_schema', 1],
    ...schema.filter((e) => e.rootPage > 0).map((e): [string, number] => [e.name, e.rootPage]),
  ]
  for (const [name, root] of trees) {
    for (const p of treePages({ btreePage }, root)) {
      owners.set(p.page, { kind: 'btree', name })
      for (const c of p.cells) for (const o of c.overflowPages) owners.set(o, { kind: 'overflow', name })
    }
  }
  const freelist = { trunks: [] as number[], leaves: [] as number[] }
  for (
    let trunk = header.freelistTrunk;
    trunk !== 0 && freelist.trunks.length < header.pageCount;
    trunk = u32(page(trunk), 0)
  ) {
    freelist.trunks.push(trunk)
    owners.set(trunk, { kind: 'freelist-trunk' })
    const data = page(trunk)
    for (let i = 0; i < u32(data, 4); i++) {
      const leaf = u32(data, 8 + 4 * i)
      freelist.leaves.push(leaf)
      owners.set(leaf, { kind: 'freelist-leaf' })
    }
  }
  if (header.largestRootPage !== 0) {
    // Auto-vacuum: a pointer-map page at 2 and then after every U/5 pages it describes.
    for (let p = 2; p <= header.pageCount; p += Math.floor(header.usableSize / 5) + 1)
      owners.set(p, { kind: 'pointer-map' })
  }
  return { bytes, header, page, btreePage, schema, owners, freelist }
}

/** Every page of the b-tree rooted at `root`, parents before children. */
export function* treePages(db: Pick<Database, 'btreePage'>, root: number): Generator<BTreePage> {
  const seen = new Set<number>()
  const stack = [root]
  while (stack.length > 0) {
    const n = stack.pop()!
    if (seen.has(n)) throw new Error(`b-tree loops back to page ${n}`)
    seen.add(n)
    const p = db.btreePage(n)
    yield p
    if (p.rightChild !== undefined) stack.push(p.rightChild, ...p.cells.map((c) => c.leftChild!).reverse())
  }
}

/** Cells of a b-tree in key order: leaves, and the interior cells of an index (they hold keys too). */
export function* walkTree(db: Pick<Database, 'btreePage'>, root: number): Generator<Cell> {
  const p = db.btreePage(root)
  if (p.rightChild === undefined) return yield* p.cells
  for (const c of p.cells) {
    yield* walkTree(db, c.leftChild!)
    if (p.type === INTERIOR_INDEX) yield c
  }
  yield* walkTree(db, p.rightChild)
}

export function rootOf(db: Database, name: string): number {
  if (name === 'sqlite_schema' || name === 'sqlite_master') return 1
  const entry = db.schema.find((e) => e.name === name)
  if (!entry || entry.rootPage === 0) throw new Error(`no table or index named ${name}`)
  return entry.rootPage
}

export type TableCell = { page: number; offset: number; size: number; rowid?: bigint; values: Value[] }

/**
 * The rows of a table or index as stored, in key order, each with where it sits. For a rowid
 * table an INTEGER PRIMARY KEY column reads as null (its value is the rowid); a WITHOUT ROWID
 * table's values put the primary key's columns first; an index's end with the row's key.
 */
export function tableCells(db: Database, name: string): TableCell[] {
  return [...walkTree(db, rootOf(db, name))].map((c) => ({
    page: c.page,
    offset: c.offset,
    size: c.size,
    rowid: c.rowid,
    values: c.values!,
  }))
}

/** Which page a byte of the file is in, where in it, and what that page belongs to. */
export function pageOf(db: Database, fileOffset: number): { page: number; offset: number; owner: Owner | null } {
  const page = Math.floor(fileOffset / db.header.pageSize) + 1
  return { page, offset: fileOffset % db.header.pageSize, owner: db.owners.get(page) ?? null }
}

// ---------------------------------------------------------------------------- free bytes

export type FreeRegion = {
  page: number
  start: number
  end: number
  kind:
    | 'unallocated'
    | 'freeblock'
    | 'fragment'
    | 'reserved'
    | 'overflow-tail'
    | 'freelist-trunk'
    | 'freelist-leaf'
    | 'unowned'
  bytes: Uint8Array
}

/**
 * Every byte of the file that no live cell, page header or pointer holds: what is left of
 * deleted or moved rows. Freeblocks are given whole (their first 4 bytes are the chain's
 * link and size, the rest is what was there before).
 */
export function freeBytes(db: Database): FreeRegion[] {
  const { pageSize, usableSize, pageCount } = db.header
  const out: FreeRegion[] = []
  const add = (page: number, start: number, end: number, kind: FreeRegion['kind']) => {
    if (end > start) out.push({ page, start, end, kind, bytes: db.page(page).subarray(start, end) })
  }
  for (let n = 1; n <= pageCount; n++) {
    const owner = db.owners.get(n)
    if (!owner) {
      add(n, 0, pageSize, 'unowned')
      continue
    }
    if (owner.kind === 'freelist-leaf') {
      add(n, 0, pageSize, 'freelist-leaf')
      continue
    }
    if (owner.kind === 'freelist-trunk') {
      add(n, 8 + 4 * u32(db.page(n), 4), pageSize, 'freelist-trunk')
      continue
    }
    if (owner.kind === 'overflow' || owner.kind === 'pointer-map') continue
    const p = db.btreePage(n)
    add(n, p.unallocated.start, p.unallocated.end, 'unallocated')
    const held = [
      ...p.cells.map((c) => [c.offset, c.offset + c.size]),
      ...p.freeblocks.map((f) => [f.offset, f.offset + f.size]),
    ].sort((a, b) => a[0] - b[0])
    for (const f of p.freeblocks) add(n, f.offset, f.offset + f.size, 'freeblock')
    let at = p.contentStart
    for (const [start, end] of held) {
      add(n, at, start, 'fragment')
      at = Math.max(at, end)
    }
    add(n, at, usableSize, 'fragment')
    add(n, usableSize, pageSize, 'reserved')
  }
  // The last page of an overflow chain holds the end of the payload and then whatever was there.
  for (const name of ['sqlite_schema', ...db.schema.filter((e) => e.rootPage > 0).map((e) => e.name)]) {
    for (const p of treePages(db, rootOf(db, name))) {
      for (const c of p.cells) {
        const last = c.overflowPages.at(-1)
        if (last === undefined) continue
        const used = c.payloadSize! - c.localSize! - (c.overflowPages.length - 1) * (usableSize - 4)
        add(last, 4 + used, pageSize, 'overflow-tail')
      }
    }
  }
  return out
}

/** Finds a string or pattern in byte regions (read as latin1, so offsets are byte offsets). */
export function grep(
  regions: { bytes: Uint8Array }[] | Uint8Array,
  pattern: string | RegExp,
): { region: number; offset: number; match: RegExpExecArray }[] {
  const list = regions instanceof Uint8Array ? [{ bytes: regions }] : regions
  const re =
    typeof pattern === 'string'
      ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g')
      : new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`)
  const found: { region: number; offset: number; match: RegExpExecArray }[] = []
  list.forEach((r, region) => {
    const text = Buffer.from(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength).toString('latin1')
    for (const match of text.matchAll(re)) found.push({ region, offset: match.index, match })
  })
  return found
}

/**
 * Records carved from loose bytes: every offset where `columns` valid serial types and their body fit
 * (the caller keeps those that make sense). A freeblock overwrites a deleted cell's first 4 bytes, in a
 * small rowid table its header length and first serial type too: `clobbered` retries with those guessed.
 */
export function carveRecords(
  bytes: Uint8Array,
  columns: number,
  options: { clobbered?: number[]; textEncoding?: number } = {},
): { offset: number; values: Value[] }[] {
  const found: { offset: number; values: Value[] }[] = []
  const decode = (at: number, header: Uint8Array) => {
    const types: number[] = []
    for (let h = 1; h < header.length; ) {
      if (header.length - h < 9 && header.subarray(h).every((b) => b & 0x80)) return
      const t = smallVarint(header, h)
      if (t.value === 10 || t.value === 11 || t.value < 0) return
      types.push(t.value)
      h += t.length
      if (h > header.length) return
    }
    const body = types.reduce((n, t) => n + serialSize(t), 0)
    if (types.length !== columns || at + header.length + body > bytes.length) return
    const record = new Uint8Array(header.length + body)
    record.set(header)
    record.set(bytes.subarray(at + header.length, at + header.length + body), header.length)
    try {
      found.push({ offset: at, values: decodeRecord(record, options.textEncoding) })
    } catch {
      /* not text after all */
    }
  }
  for (let at = 0; at < bytes.length; at++) {
    const headerSize = bytes[at]
    if (headerSize >= columns + 1 && headerSize <= 9 * columns + 1 && at + headerSize <= bytes.length)
      decode(at, bytes.subarray(at, at + headerSize))
    if (at + columns + 1 > bytes.length) continue
    for (const first of options.clobbered ?? []) {
      const header = Uint8Array.from(bytes.subarray(at, at + columns + 1))
      header[0] = columns + 1
      header[1] = first
      decode(at, header)
    }
  }
  return found
}

// ---------------------------------------------------------------------------- WAL

export type WalFrame = { index: number; fileOffset: number; page: number; commitSize: number; data: Uint8Array }
export type WalCommit = { frames: WalFrame[]; pageCount: number }
export type Wal = {
  pageSize: number
  checkpointSequence: number
  salts: [number, number]
  commits: WalCommit[]
  /** Valid frames after the last commit: a transaction that never committed. */
  uncommitted: WalFrame[]
  /** Frames after the valid ones (an older round of the WAL, not yet overwritten): still readable. */
  stale: WalFrame[]
}

/** SQLite's WAL checksum: pairs of 32-bit words, s0 += x0 + s1, s1 += x1 + s0, continuing from the previous sums. */
function walChecksum(b: Uint8Array, bigEndian: boolean, s: [number, number]): [number, number] {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength)
  let [s0, s1] = s
  for (let i = 0; i < b.length; i += 8) {
    s0 = (s0 + view.getUint32(i, !bigEndian) + s1) >>> 0
    s1 = (s1 + view.getUint32(i + 4, !bigEndian) + s0) >>> 0
  }
  return [s0, s1]
}

/**
 * Reads a WAL: its header, then frames of 24-byte header + page. A frame is valid while its
 * salts are the header's and its checksum continues the chain; a frame with a non-zero
 * commit size ends a commit (and gives the database's size in pages after it).
 */
export function readWal(bytes: Uint8Array, pageSize?: number): Wal {
  const empty: Wal = {
    pageSize: pageSize ?? 0,
    checkpointSequence: 0,
    salts: [0, 0],
    commits: [],
    uncommitted: [],
    stale: [],
  }
  if (bytes.length < 32) return empty
  const magic = u32(bytes, 0)
  if (magic !== 0x377f0682 && magic !== 0x377f0683) return empty
  const bigEndian = magic === 0x377f0683
  const size = u32(bytes, 8)
  if (pageSize !== undefined && size !== pageSize)
    throw new Error(`WAL page size ${size}, database page size ${pageSize}`)
  const salts: [number, number] = [u32(bytes, 16), u32(bytes, 20)]
  let sums = walChecksum(bytes.subarray(0, 24), bigEndian, [0, 0])
  const wal: Wal = { ...empty, pageSize: size, checkpointSequence: u32(bytes, 12), salts }
  if (sums[0] !== u32(bytes, 24) || sums[1] !== u32(bytes, 28)) return wal
  let pending: WalFrame[] = []
  let valid = true
  for (let at = 32, index = 0; at + 24 + size <= bytes.length; at += 24 + size, index++) {
    const frame: WalFrame = {
      index,
      fileOffset: at,
      page: u32(bytes, at),
      commitSize: u32(bytes, at + 4),
      data: bytes.subarray(at + 24, at + 24 + size),
    }
    if (valid) {
      const next = walChecksum(frame.data, bigEndian, walChecksum(bytes.subarray(at, at + 8), bigEndian, sums))
      valid =
        u32(bytes, at + 8) === salts[0] &&
        u32(bytes, at + 12) === salts[1] &&
        next[0] === u32(bytes, at + 16) &&
        next[1] === u32(bytes, at + 20)
      if (valid) {
        sums = next
        pending.push(frame)
        if (frame.commitSize !== 0) {
          wal.commits.push({ frames: pending, pageCount: frame.commitSize })
          pending = []
        }
        continue
      }
    }
    wal.stale.push(frame)
  }
  wal.uncommitted = pending
  return wal
}

/** The database file as it stands after the first `upTo` commits of the WAL: what a checkpoint would write. */
export function applyWal(dbBytes: Uint8Array, commits: WalCommit[], upTo = commits.length): Uint8Array {
  if (upTo === 0) return dbBytes
  const pageSize = commits[0].frames[0].data.length
  const pageCount = commits[upTo - 1].pageCount
  const out = new Uint8Array(pageCount * pageSize)
  out.set(dbBytes.subarray(0, Math.min(dbBytes.length, out.length)))
  for (const commit of commits.slice(0, upTo)) {
    for (const f of commit.frames) if (f.page <= pageCount) out.set(f.data, (f.page - 1) * pageSize)
  }
  return out
}

/** The database after each commit, oldest first, starting with the file as it is (null if it is still empty). */
export function walSnapshots(dbBytes: Uint8Array, wal: Wal): (Database | null)[] {
  const out: (Database | null)[] = [dbBytes.length >= 100 ? readDatabase(dbBytes) : null]
  for (let k = 1; k <= wal.commits.length; k++) out.push(readDatabase(applyWal(dbBytes, wal.commits, k)))
  return out
}

// ---------------------------------------------------------------------------- rollback journal

export type Journal = {
  /**
   * Whether the header describes a journal: false for an empty file or a zeroed header (PERSIST
   * mode's "done", which leaves the old records behind it for a grep, not for this reader).
   */
  holdsAnything: boolean
  /** The magic is written only when the journal is synced at commit: a hot journal a crash would roll back. */
  hot: boolean
  recordCount: number
  nonce: number
  initialPageCount: number
  sectorSize: number
  pageSize: number
  /** Original images of the pages the transaction changed. */
  records: { page: number; data: Uint8Array }[]
}

const JOURNAL_MAGIC = [0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7]
const powerOfTwo = (n: number, min: number, max: number) => n >= min && n <= max && (n & (n - 1)) === 0

/**
 * A rollback journal: magic, record count (0 or −1: as many as fit), nonce, the database's pages before
 * the transaction, sector and page size, padded to a sector; then page number, original page, checksum.
 * Until the commit syncs it the magic and count are zeros, the rest already written.
 */
export function readJournal(bytes: Uint8Array): Journal {
  const nothing: Journal = {
    holdsAnything: false,
    hot: false,
    recordCount: 0,
    nonce: 0,
    initialPageCount: 0,
    sectorSize: 0,
    pageSize: 0,
    records: [],
  }
  if (bytes.length < 28) return nothing
  const hot = JOURNAL_MAGIC.every((b, i) => bytes[i] === b)
  const sectorSize = u32(bytes, 20)
  const pageSize = u32(bytes, 24)
  const beingWritten =
    JOURNAL_MAGIC.every((_, i) => bytes[i] === 0) &&
    powerOfTwo(sectorSize, 512, 65536) &&
    powerOfTwo(pageSize, 512, 65536)
  if (!hot && !beingWritten) return nothing
  const header = {
    recordCount: u32(bytes, 8),
    nonce: u32(bytes, 12),
    initialPageCount: u32(bytes, 16),
    sectorSize,
    pageSize,
  }
  const recordSize = 4 + pageSize + 4
  const fit = Math.max(0, Math.floor((bytes.length - sectorSize) / recordSize))
  const count = header.recordCount === 0 || header.recordCount === 0xffffffff ? fit : Math.min(header.recordCount, fit)
  const records = Array.from({ length: count }, (_, i) => {
    const at = sectorSize + i * recordSize
    return { page: u32(bytes, at), data: bytes.subarray(at + 4, at + 4 + pageSize) }
  })
  return { holdsAnything: true, hot, ...header, records }
}
