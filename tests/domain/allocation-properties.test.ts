import { describe, it, expect } from 'vitest'
import { allocate, type AllocationInput, type AllocationResult, type Gender } from '../../src/elections/allocation.ts'

// A small seeded generator (mulberry32), so every run checks the same contests.
function rng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1))
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)]
  const shuffle = <T>(xs: readonly T[]): T[] => {
    const out = [...xs]
    for (let i = out.length - 1; i > 0; i--) {
      const j = int(0, i)
      ;[out[i], out[j]] = [out[j], out[i]]
    }
    return out
  }
  return { next, int, pick, shuffle }
}
type Rng = ReturnType<typeof rng>

function randomContest(r: Rng): AllocationInput {
  const n = r.int(0, 12)
  const lots = r.shuffle(Array.from({ length: n }, (_, i) => (r.next() < 0.2 ? i + 0.5 : i + 1)))
  const maxVotes = r.pick([1, 3, 6, 40])
  const candidates = lots.map((lot, i) => ({
    id: `C${i}`,
    gender: r.pick<Gender>(['girl', 'girl', 'boy', 'boy', 'boy', 'other']),
    votes: r.int(0, maxVotes),
    lot,
  }))
  const seats = r.int(1, 8)
  const input: AllocationInput = {
    seats,
    candidates,
    method: r.pick(['plain', 'minimum', 'minimum', 'zipper'] as const),
  }
  const g = r.int(0, 3)
  if (g === 1) input.girls = { share: r.pick([0, 1 / 3, 0.5, 0.6, 1, r.next()]) }
  if (g === 2) input.girls = { share: r.next(), rounding: r.pick(['up', 'down'] as const) }
  if (g === 3) input.girls = { minimum: r.int(0, seats + 2) }
  if (r.next() < 0.6) input.protect = r.pick(['girls', 'girls-and-other'] as const)
  if (r.next() < 0.6) input.tieBreak = r.pick(['girl-first', 'lot'] as const)
  if (r.next() < 0.6) input.shortfall = r.pick(['release', 'vacant'] as const)
  return input
}

const RUNS = 1500
function forAll(seed: number, check: (input: AllocationInput, result: AllocationResult, r: Rng) => void) {
  const r = rng(seed)
  for (let i = 0; i < RUNS; i++) {
    const input = randomContest(r)
    const result = allocate(input)
    try {
      check(input, result, r)
    } catch (e) {
      throw new Error(
        `contest #${i} ${JSON.stringify(input)} -> ${JSON.stringify(result.elected)}: ${(e as Error).message}`,
      )
    }
  }
}
const isProtected = (input: AllocationInput) => {
  const map = new Map(
    input.candidates.map((c) => [
      c.id,
      c.gender === 'girl' || (c.gender === 'other' && input.protect === 'girls-and-other'),
    ]),
  )
  return (id: string | null) => id !== null && map.get(id) === true
}
const seatedOf = (res: AllocationResult) => res.elected.filter((x): x is string => x !== null)

describe('allocation properties over many random contests', () => {
  it('exactly k seats, vacant counts the nulls, elected ids are distinct candidates', () => {
    forAll(1, (input, res) => {
      expect(res.elected).toHaveLength(input.seats)
      expect(res.vacant).toBe(res.elected.length - seatedOf(res).length)
      const ids = new Set(input.candidates.map((c) => c.id))
      expect(new Set(seatedOf(res)).size).toBe(seatedOf(res).length)
      for (const id of seatedOf(res)) expect(ids.has(id)).toBe(true)
      expect([...res.ranking].sort()).toEqual([...ids].sort())
      expect(res.steps.filter((s) => s.kind === 'vacant').map((s) => s.seat)).toEqual(
        res.elected.flatMap((x, i) => (x === null ? [i + 1] : [])),
      )
      expect(res.steps[0]).toEqual({ kind: 'ranked', order: res.ranking, tieBreak: input.tieBreak ?? 'girl-first' })
    })
  })

  it('the result does not depend on the order of the candidates', () => {
    forAll(2, (input, res, r) => {
      expect(allocate({ ...input, candidates: r.shuffle(input.candidates) })).toEqual(res)
    })
  })

  it('the same input gives the same output and is not mutated, even when frozen', () => {
    forAll(3, (input, res) => {
      const before = structuredClone(input)
      expect(allocate(input)).toEqual(res)
      expect(input).toEqual(before)
      const frozen = structuredClone(input)
      frozen.candidates.forEach((c) => Object.freeze(c))
      Object.freeze(frozen.candidates)
      if (frozen.girls) Object.freeze(frozen.girls)
      Object.freeze(frozen)
      expect(allocate(frozen)).toEqual(res)
    })
  })

  it('the ranking is by votes, then girl-first when set, then lot; every tie group has one step', () => {
    forAll(4, (input, res) => {
      const prot = isProtected(input)
      const byId = new Map(input.candidates.map((c) => [c.id, c]))
      const girlFirst = (input.tieBreak ?? 'girl-first') === 'girl-first'
      for (let i = 1; i < res.ranking.length; i++) {
        const a = byId.get(res.ranking[i - 1])!,
          b = byId.get(res.ranking[i])!
        expect(a.votes).toBeGreaterThanOrEqual(b.votes)
        if (a.votes !== b.votes) continue
        if (girlFirst && prot(a.id) !== prot(b.id)) expect(prot(a.id)).toBe(true)
        else expect(a.lot).toBeLessThan(b.lot)
      }
      const groups: string[][] = []
      for (const id of res.ranking) {
        const last = groups.at(-1)
        if (last && byId.get(last[0])!.votes === byId.get(id)!.votes) last.push(id)
        else groups.push([id])
      }
      const ties = groups.filter((g) => g.length > 1)
      expect(res.steps.filter((s) => s.kind === 'tie').map((s) => s.order)).toEqual(ties)
    })
  })

  it("'plain' elects the first k of the ranking and nothing else", () => {
    forAll(5, (input, res) => {
      if (input.method !== 'plain') return
      expect(res.girlsRequired).toBe(0)
      expect(seatedOf(res)).toEqual(res.ranking.slice(0, input.seats))
      expect(res.steps.every((s) => s.kind === 'ranked' || s.kind === 'tie' || s.kind === 'vacant')).toBe(true)
    })
  })

  it("'minimum' elects at least G protected candidates when enough stood, in ranking order, vacant seats last", () => {
    forAll(6, (input, res) => {
      if (input.method !== 'minimum') return
      const prot = isProtected(input)
      const available = input.candidates.filter((c) => prot(c.id)).length
      const elected = seatedOf(res)
      if (available >= res.girlsRequired) expect(elected.filter(prot).length).toBeGreaterThanOrEqual(res.girlsRequired)
      else expect(elected.filter(prot).length).toBe(available)
      expect(res.elected.slice(elected.length).every((x) => x === null)).toBe(true)
      expect(elected).toEqual(res.ranking.filter((id) => elected.includes(id)))
    })
  })

  it("'minimum' never elects an unprotected candidate ranked below an unelected unprotected one", () => {
    forAll(7, (input, res) => {
      if (input.method !== 'minimum') return
      const prot = isProtected(input)
      const elected = new Set(seatedOf(res))
      const others = res.ranking.filter((id) => !prot(id))
      const firstLeftOut = others.findIndex((id) => !elected.has(id))
      if (firstLeftOut >= 0) expect(others.slice(firstLeftOut).filter((id) => elected.has(id))).toEqual([])
    })
  })

  it("'minimum' matches the rule stated as sets, and records one swap per protected candidate brought in", () => {
    forAll(8, (input, res) => {
      if (input.method !== 'minimum') return
      const prot = isProtected(input)
      const k = input.seats,
        G = res.girlsRequired
      const girls = res.ranking.filter(prot),
        others = res.ranking.filter((id) => !prot(id))
      const inTop = res.ranking.slice(0, k).filter(prot).length
      const q = Math.max(inTop, Math.min(G, girls.length))
      const expected =
        girls.length < G && input.shortfall === 'vacant'
          ? [...girls, ...others.slice(0, k - G)]
          : [...girls.slice(0, q), ...others.slice(0, Math.min(k, res.ranking.length) - q)]
      expect(new Set(seatedOf(res))).toEqual(new Set(expected))
      const swaps = res.steps.filter((s) => s.kind === 'swap')
      expect(swaps.map((s) => s.in)).toEqual(girls.slice(inTop, q))
      expect(res.steps.some((s) => s.kind === 'shortfall')).toBe(girls.length < G)
    })
  })

  it("'zipper' gives every odd seat to a protected candidate while one is left, and every even seat to the best left", () => {
    forAll(9, (input, res) => {
      if (input.method !== 'zipper') return
      const prot = isProtected(input)
      expect(res.girlsRequired).toBe(Math.ceil(input.seats / 2))
      const left = [...res.ranking]
      res.elected.forEach((id, i) => {
        const seat = i + 1
        const best =
          seat % 2 === 1
            ? (left.find(prot) ?? (input.shortfall === 'vacant' ? null : (left[0] ?? null)))
            : (left[0] ?? null)
        expect(id).toBe(best)
        if (id !== null) left.splice(left.indexOf(id), 1)
      })
      const available = res.ranking.filter(prot).length
      expect(seatedOf(res).filter(prot).length).toBeGreaterThanOrEqual(Math.min(res.girlsRequired, available))
    })
  })
})
