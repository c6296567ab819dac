// Seat allocation for one contest, following /work/shared/ELECTION-RULES.md.
//
// `allocate` is pure and synchronous: no I/O, no randomness (the lots are part of the input),
// the input is never mutated, and the result depends only on the input's content, never on the
// order of `candidates` (the ranking is a total order because lots are distinct).
//
// Steps, in this order: one 'ranked'; one 'tie' per group of equal votes (in ranking order);
// the 'swap's (in the order they happened / seat order for zipper); at most one 'shortfall';
// one 'vacant' per empty seat (in seat order). All ids are candidate ids; seats are 1-based.
//
//   { kind: 'ranked', order: string[], tieBreak: 'girl-first' | 'lot' }
//       R, the whole ranking.
//   { kind: 'tie', votes: number, order: string[], lots: number[], by: ('girl-first' | 'lot')[] }
//       candidates with equal votes, in the order they were put; `lots[i]` is the lot of
//       `order[i]`; `by` says which rules separated them: 'girl-first' when protected
//       candidates were put before the others, 'lot' when the draw decided between some of them.
//   { kind: 'swap', method: 'minimum', out, in, seat, girlsRequired, protectedElected }
//       'minimum', step 2: `out` (the lowest-ranked unprotected candidate in E) gave way to
//       `in` (the highest-ranked unelected protected candidate); `seat` is the seat `in` holds
//       in the final result; `protectedElected` is the number of protected candidates in E
//       after this swap.
//   { kind: 'swap', method: 'zipper', seat, in, out, passedOver, girlsRequired, protectedElected }
//       zipper: odd seat `seat` is for a protected candidate, so it went to `in`, the
//       highest-ranked remaining protected candidate, although `out` (the highest-ranked
//       remaining candidate; `passedOver` = all remaining candidates ranked above `in`) stood
//       higher. Those passed over stay in the running for the following seats. No step is
//       recorded when the highest-ranked remaining candidate is protected anyway.
//       `protectedElected` counts the protected candidates seated up to and including `seat`.
//   { kind: 'shortfall', method: 'minimum' | 'zipper', required, available, protectedElected,
//     policy: 'release' | 'vacant', seats: number[], displaced: string[] }
//       too few protected candidates: `required` is G, `available` how many protected candidates
//       stood. 'minimum': recorded when available < G; with 'release' the seats went to the next
//       candidates in R (seats = [], displaced = []); with 'vacant' `seats` are the seats left
//       empty for a girls-only by-election and `displaced` the unprotected candidates who were in
//       E but lost their place to those empty seats. 'zipper': recorded when some odd seat found
//       no protected candidate left while other candidates remained; `seats` are those odd seats
//       (given to the next candidate in R with 'release', left empty with 'vacant');
//       displaced = [].
//   { kind: 'vacant', seat, reason: 'shortfall' | 'no-candidates' }
//       seat left empty: 'shortfall' = owed to a protected candidate and kept for a girls-only
//       by-election (policy 'vacant'); 'no-candidates' = no candidate was left to fill it.

import type { Gender } from '../people/tables.ts'
import type { Protection } from './tables.ts'

export type { Gender }

/** Who the girls' rule protects: every girl, and a child of another gender where the contest says so. */
export function isProtected(gender: Gender, protect: Protection): boolean {
  return gender === 'girl' || (gender === 'other' && protect === 'girls-and-other')
}

export type AllocationInput = {
  seats: number
  candidates: { id: string; gender: Gender; votes: number; lot: number }[]
  method: 'plain' | 'minimum' | 'zipper'
  girls?: { share?: number; rounding?: 'up' | 'down'; minimum?: number }
  protect?: 'girls' | 'girls-and-other'
  tieBreak?: 'girl-first' | 'lot'
  shortfall?: 'release' | 'vacant'
}

export type AllocationCandidate = AllocationInput['candidates'][number]
export type TieRule = 'girl-first' | 'lot'

export type RankedStep = { kind: 'ranked'; order: string[]; tieBreak: TieRule }
export type TieStep = { kind: 'tie'; votes: number; order: string[]; lots: number[]; by: TieRule[] }
export type MinimumSwapStep = {
  kind: 'swap'
  method: 'minimum'
  out: string
  in: string
  seat: number
  girlsRequired: number
  protectedElected: number
}
export type ZipperSwapStep = {
  kind: 'swap'
  method: 'zipper'
  seat: number
  in: string
  out: string
  passedOver: string[]
  girlsRequired: number
  protectedElected: number
}
export type SwapStep = MinimumSwapStep | ZipperSwapStep
export type ShortfallStep = {
  kind: 'shortfall'
  method: 'minimum' | 'zipper'
  required: number
  available: number
  protectedElected: number
  policy: 'release' | 'vacant'
  seats: number[]
  displaced: string[]
}
export type VacantStep = { kind: 'vacant'; seat: number; reason: 'shortfall' | 'no-candidates' }
export type AllocationStep = RankedStep | TieStep | SwapStep | ShortfallStep | VacantStep

export type AllocationResult = {
  elected: (string | null)[]
  vacant: number
  girlsRequired: number
  ranking: string[]
  steps: AllocationStep[]
}

export class AllocationError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'AllocationError'
  }
}

type Settings = {
  k: number
  method: AllocationInput['method']
  share: number
  rounding: 'up' | 'down'
  minimum: number | undefined
  protect: Protection
  tieBreak: TieRule
  shortfall: 'release' | 'vacant'
}
type Entry = { id: string; votes: number; lot: number; prot: boolean }

const METHODS = ['plain', 'minimum', 'zipper'] as const
const GENDERS = ['girl', 'boy', 'other'] as const

const show = (value: unknown): string => {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined)
    return String(value)
  try {
    return JSON.stringify(value) ?? typeof value
  } catch {
    return typeof value
  }
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T, what: string): T {
  if (value === undefined) return fallback
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T
  throw new AllocationError(
    `unknown ${what} ${show(value)}: expected one of ${allowed.map((a) => `'${a}'`).join(', ')}`,
  )
}

function validate(input: AllocationInput): { settings: Settings; entries: Entry[] } {
  if (typeof input !== 'object' || input === null) throw new AllocationError('the allocation input must be an object')
  const k = input.seats
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1) {
    throw new AllocationError(`seats must be an integer of at least 1, got ${show(k)}`)
  }
  if (input.method === undefined)
    throw new AllocationError(`method is missing: expected one of 'plain', 'minimum', 'zipper'`)
  const method = oneOf(input.method, METHODS, 'minimum', 'method')
  const protect = oneOf(input.protect, ['girls', 'girls-and-other'] as const, 'girls', 'protect setting')
  const tieBreak = oneOf(input.tieBreak, ['girl-first', 'lot'] as const, 'girl-first', 'tieBreak setting')
  const shortfall = oneOf(input.shortfall, ['release', 'vacant'] as const, 'release', 'shortfall setting')

  const girls: unknown = input.girls
  if (girls !== undefined && (typeof girls !== 'object' || girls === null || Array.isArray(girls))) {
    throw new AllocationError(`girls must be an object with share, rounding or minimum, got ${show(girls)}`)
  }
  const g = (girls ?? {}) as NonNullable<AllocationInput['girls']>
  if (
    g.share !== undefined &&
    (typeof g.share !== 'number' || !Number.isFinite(g.share) || g.share < 0 || g.share > 1)
  ) {
    throw new AllocationError(`girls.share must be a number from 0 to 1, got ${show(g.share)}`)
  }
  const rounding = oneOf(g.rounding, ['up', 'down'] as const, 'up', 'girls.rounding')
  if (g.minimum !== undefined && (typeof g.minimum !== 'number' || !Number.isInteger(g.minimum) || g.minimum < 0)) {
    throw new AllocationError(`girls.minimum must be an integer of at least 0, got ${show(g.minimum)}`)
  }

  if (!Array.isArray(input.candidates)) throw new AllocationError('candidates must be an array')
  const ids = new Set<string>()
  const lots = new Map<number, string>()
  const entries = input.candidates.map((c, i): Entry => {
    if (typeof c !== 'object' || c === null)
      throw new AllocationError(`candidate #${i + 1} must be an object, got ${show(c)}`)
    const { id, gender, votes, lot } = c
    if (typeof id !== 'string' || id === '')
      throw new AllocationError(`candidate #${i + 1} must have a non-empty string id, got ${show(id)}`)
    if (ids.has(id)) throw new AllocationError(`duplicate candidate id ${show(id)}`)
    ids.add(id)
    if (!(GENDERS as readonly unknown[]).includes(gender)) {
      throw new AllocationError(
        `unknown gender ${show(gender)} for candidate ${show(id)}: expected 'girl', 'boy' or 'other'`,
      )
    }
    if (typeof votes !== 'number' || !Number.isInteger(votes) || votes < 0) {
      throw new AllocationError(
        `votes of candidate ${show(id)} must be a whole number of at least 0, got ${show(votes)}`,
      )
    }
    if (typeof lot !== 'number' || !Number.isFinite(lot)) {
      throw new AllocationError(`lot of candidate ${show(id)} must be a finite number, got ${show(lot)}`)
    }
    const holder = lots.get(lot)
    if (holder !== undefined)
      throw new AllocationError(`duplicate lot ${lot}: candidates ${show(holder)} and ${show(id)} both drew it`)
    lots.set(lot, id)
    const prot = isProtected(gender, protect)
    return { id, votes, lot, prot }
  })

  return {
    settings: { k, method, share: g.share ?? 0.5, rounding, minimum: g.minimum, protect, tieBreak, shortfall },
    entries,
  }
}

function requiredOf(s: Settings): number {
  if (s.method === 'plain') return 0
  if (s.method === 'zipper') return Math.ceil(s.k / 2)
  if (s.minimum !== undefined) return Math.min(s.minimum, s.k)
  let x = s.share * s.k
  // 0.1 * 3 is 0.30000000000000004 in floating point: snap values that are whole up to rounding noise.
  if (Math.abs(x - Math.round(x)) < 1e-9) x = Math.round(x)
  return Math.min(s.rounding === 'up' ? Math.ceil(x) : Math.floor(x), s.k)
}

/** G as applied: 0 for 'plain', ceil(k/2) for 'zipper', otherwise from `girls` (capped at k). Throws on invalid input. */
export function girlsRequired(input: AllocationInput): number {
  return requiredOf(validate(input).settings)
}

function rank(entries: Entry[], tieBreak: TieRule): { ranked: Entry[]; ties: TieStep[] } {
  const girlFirst = tieBreak === 'girl-first'
  const ranked = [...entries].sort((a, b) => {
    if (a.votes !== b.votes) return b.votes - a.votes
    if (girlFirst && a.prot !== b.prot) return a.prot ? -1 : 1
    return a.lot < b.lot ? -1 : a.lot > b.lot ? 1 : 0
  })
  const ties: TieStep[] = []
  for (let i = 0; i < ranked.length; ) {
    let j = i + 1
    while (j < ranked.length && ranked[j].votes === ranked[i].votes) j++
    if (j - i > 1) {
      const group = ranked.slice(i, j)
      const nProt = group.filter((e) => e.prot).length
      const by: TieRule[] = []
      if (girlFirst && nProt > 0 && nProt < group.length) by.push('girl-first')
      if (!girlFirst || nProt > 1 || group.length - nProt > 1) by.push('lot')
      ties.push({
        kind: 'tie',
        votes: ranked[i].votes,
        order: group.map((e) => e.id),
        lots: group.map((e) => e.lot),
        by,
      })
    }
    i = j
  }
  return { ranked, ties }
}

type Filled = { seated: (Entry | null)[]; steps: AllocationStep[]; reasons: Map<number, VacantStep['reason']> }

function fillMinimum(ranked: Entry[], s: Settings, G: number): Filled {
  const position = new Map(ranked.map((e, i) => [e, i]))
  const byRank = (a: Entry, b: Entry) => position.get(a)! - position.get(b)!
  let E = ranked.slice(0, s.k)
  const waiting = ranked.slice(s.k).filter((e) => e.prot)
  const swaps: { out: Entry; in: Entry; protectedElected: number }[] = []
  let p = E.filter((e) => e.prot).length
  while (p < G && swaps.length < waiting.length) {
    let lowest = -1
    for (let i = E.length - 1; i >= 0; i--)
      if (!E[i].prot) {
        lowest = i
        break
      }
    if (lowest === -1) break // cannot happen: E would then hold every candidate
    const incoming = waiting[swaps.length]
    swaps.push({ out: E[lowest], in: incoming, protectedElected: ++p })
    E = [...E.slice(0, lowest), ...E.slice(lowest + 1), incoming].sort(byRank)
  }

  const available = ranked.filter((e) => e.prot).length
  const reasons = new Map<number, VacantStep['reason']>()
  let shortfall: ShortfallStep | null = null
  if (s.method === 'minimum' && available < G) {
    shortfall = {
      kind: 'shortfall',
      method: 'minimum',
      required: G,
      available,
      protectedElected: p,
      policy: s.shortfall,
      seats: [],
      displaced: [],
    }
    if (s.shortfall === 'vacant') {
      const others = E.filter((e) => !e.prot)
      const kept = new Set([...E.filter((e) => e.prot), ...others.slice(0, s.k - G)])
      shortfall.displaced = others.slice(s.k - G).map((e) => e.id)
      E = E.filter((e) => kept.has(e))
      for (let i = 0; i < G - available; i++) {
        const seat = E.length + 1 + i
        shortfall.seats.push(seat)
        reasons.set(seat, 'shortfall')
      }
    }
  }

  const seated: (Entry | null)[] = [...E]
  while (seated.length < s.k) seated.push(null)
  const steps: AllocationStep[] = swaps.map(
    (w): MinimumSwapStep => ({
      kind: 'swap',
      method: 'minimum',
      out: w.out.id,
      in: w.in.id,
      seat: E.indexOf(w.in) + 1,
      girlsRequired: G,
      protectedElected: w.protectedElected,
    }),
  )
  if (shortfall) steps.push(shortfall)
  return { seated, steps, reasons }
}

function fillZipper(ranked: Entry[], s: Settings, G: number): Filled {
  const remaining = [...ranked]
  const seated: (Entry | null)[] = []
  const steps: AllocationStep[] = []
  const reasons = new Map<number, VacantStep['reason']>()
  const shortSeats: number[] = []
  let p = 0
  const take = (i: number) => {
    const [e] = remaining.splice(i, 1)
    if (e.prot) p++
    seated.push(e)
    return e
  }
  for (let seat = 1; seat <= s.k; seat++) {
    if (remaining.length === 0) {
      seated.push(null)
      continue
    }
    if (seat % 2 === 0) {
      take(0)
      continue
    }
    const i = remaining.findIndex((e) => e.prot)
    if (i === -1) {
      shortSeats.push(seat)
      if (s.shortfall === 'release') take(0)
      else {
        seated.push(null)
        reasons.set(seat, 'shortfall')
      }
      continue
    }
    const passedOver = remaining.slice(0, i).map((e) => e.id)
    const incoming = take(i)
    if (i > 0) {
      steps.push({
        kind: 'swap',
        method: 'zipper',
        seat,
        in: incoming.id,
        out: passedOver[0],
        passedOver,
        girlsRequired: G,
        protectedElected: p,
      })
    }
  }
  if (shortSeats.length > 0) {
    steps.push({
      kind: 'shortfall',
      method: 'zipper',
      required: G,
      available: ranked.filter((e) => e.prot).length,
      protectedElected: p,
      policy: s.shortfall,
      seats: shortSeats,
      displaced: [],
    })
  }
  return { seated, steps, reasons }
}

/** Allocates the seats of one contest. Throws AllocationError on invalid input. */
export function allocate(input: AllocationInput): AllocationResult {
  const { settings, entries } = validate(input)
  const G = requiredOf(settings)
  const { ranked, ties } = rank(entries, settings.tieBreak)

  let filled: Filled
  if (settings.method === 'zipper') filled = fillZipper(ranked, settings, G)
  else filled = fillMinimum(ranked, settings, G) // 'plain' is 'minimum' with G = 0: no swaps, no shortfall

  const steps: AllocationStep[] = [
    { kind: 'ranked', order: ranked.map((e) => e.id), tieBreak: settings.tieBreak },
    ...ties,
    ...filled.steps,
  ]
  filled.seated.forEach((e, i) => {
    if (e === null) steps.push({ kind: 'vacant', seat: i + 1, reason: filled.reasons.get(i + 1) ?? 'no-candidates' })
  })
  const elected = filled.seated.map((e) => (e === null ? null : e.id))
  return {
    elected,
    vacant: elected.filter((id) => id === null).length,
    girlsRequired: G,
    ranking: ranked.map((e) => e.id),
    steps,
  }
}
