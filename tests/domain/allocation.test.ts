import { describe, it, expect } from 'vitest'
import {
  allocate,
  girlsRequired,
  AllocationError,
  type AllocationInput,
  type AllocationResult,
  type Gender,
} from '../../src/elections/allocation.ts'

type Row = [id: string, gender: 'b' | 'g' | 'o', votes: number, lot: number]
const G: Record<Row[1], Gender> = { b: 'boy', g: 'girl', o: 'other' }
const cands = (...rows: Row[]) => rows.map(([id, g, votes, lot]) => ({ id, gender: G[g], votes, lot }))
const contest = (
  seats: number,
  method: AllocationInput['method'],
  rows: Row[],
  over: Partial<AllocationInput> = {},
): AllocationInput => ({ seats, method, candidates: cands(...rows), ...over })
const swaps = (r: AllocationResult) => r.steps.filter((s) => s.kind === 'swap').map((s) => [s.out, s.in])
const stepsOf = <K extends AllocationResult['steps'][number]['kind']>(r: AllocationResult, kind: K) =>
  r.steps.filter((s): s is Extract<AllocationResult['steps'][number], { kind: K }> => s.kind === kind)

const S: Row[] = [
  ['B1', 'b', 20, 1],
  ['B2', 'b', 18, 2],
  ['G1', 'g', 17, 3],
  ['B3', 'b', 15, 4],
  ['B4', 'b', 12, 5],
  ['G2', 'g', 11, 6],
  ['G3', 'g', 9, 7],
  ['B5', 'b', 8, 8],
  ['G4', 'g', 5, 9],
]
const ONE_GIRL: Row[] = [
  ['G1', 'g', 6, 1],
  ['B1', 'b', 14, 2],
  ['B2', 'b', 12, 3],
  ['B3', 'b', 11, 4],
  ['B4', 'b', 10, 5],
  ['B5', 'b', 9, 6],
  ['B6', 'b', 7, 7],
]

describe('worked examples of ELECTION-RULES.md', () => {
  it('example 1: plain gives the three seats to the three highest votes, A, B and C', () => {
    const r = allocate(
      contest(3, 'plain', [
        ['A', 'b', 12, 1],
        ['B', 'g', 10, 2],
        ['C', 'b', 9, 3],
        ['D', 'g', 7, 4],
      ]),
    )
    expect(r.elected).toEqual(['A', 'B', 'C'])
    expect(r.girlsRequired).toBe(0)
    expect(swaps(r)).toEqual([])
  })

  it('example 2: with half the seats for girls, rounded up, B4 and then B3 give way to G2 and G3', () => {
    const r = allocate(contest(5, 'minimum', S, { girls: { share: 0.5, rounding: 'up' } }))
    expect(r.girlsRequired).toBe(3)
    expect(r.elected).toEqual(['B1', 'B2', 'G1', 'G2', 'G3'])
    expect(swaps(r)).toEqual([
      ['B4', 'G2'],
      ['B3', 'G3'],
    ])
    expect(stepsOf(r, 'swap').map((s) => s.protectedElected)).toEqual([2, 3])
    expect(stepsOf(r, 'swap').map((s) => s.seat)).toEqual([4, 5])
  })

  it('example 3: with half the seats rounded down only B4 gives way, to G2', () => {
    const r = allocate(contest(5, 'minimum', S, { girls: { share: 0.5, rounding: 'down' } }))
    expect(r.girlsRequired).toBe(2)
    expect(r.elected).toEqual(['B1', 'B2', 'G1', 'B3', 'G2'])
    expect(swaps(r)).toEqual([['B4', 'G2']])
  })

  it('example 4, release: the only girl is elected and the seats owed to girls go to the next boys', () => {
    const r = allocate(contest(5, 'minimum', ONE_GIRL, { girls: { minimum: 3 } }))
    expect(r.elected).toEqual(['B1', 'B2', 'B3', 'B4', 'G1'])
    expect(r.vacant).toBe(0)
    expect(swaps(r)).toEqual([['B5', 'G1']])
    expect(stepsOf(r, 'shortfall')).toEqual([
      {
        kind: 'shortfall',
        method: 'minimum',
        required: 3,
        available: 1,
        protectedElected: 1,
        policy: 'release',
        seats: [],
        displaced: [],
      },
    ])
  })

  it('example 4, vacant: the two seats owed to girls stay empty for a by-election', () => {
    const r = allocate(contest(5, 'minimum', ONE_GIRL, { girls: { minimum: 3 }, shortfall: 'vacant' }))
    expect(r.elected).toEqual(['B1', 'B2', 'G1', null, null])
    expect(r.vacant).toBe(2)
    expect(stepsOf(r, 'shortfall')[0]).toMatchObject({ policy: 'vacant', seats: [4, 5], displaced: ['B3', 'B4'] })
    expect(stepsOf(r, 'vacant')).toEqual([
      { kind: 'vacant', seat: 4, reason: 'shortfall' },
      { kind: 'vacant', seat: 5, reason: 'shortfall' },
    ])
  })

  const FIVE: Row[] = [
    ['A', 'b', 15, 1],
    ['B', 'g', 12, 2],
    ['C', 'b', 10, 3],
    ['D', 'g', 10, 4],
    ['E', 'b', 8, 5],
  ]
  it('example 5, girl-first: D, a girl, is ahead of C on equal votes although C drew the lower lot', () => {
    const r = allocate(contest(3, 'plain', FIVE))
    expect(r.elected).toEqual(['A', 'B', 'D'])
    expect(stepsOf(r, 'tie')).toEqual([{ kind: 'tie', votes: 10, order: ['D', 'C'], lots: [4, 3], by: ['girl-first'] }])
  })

  it('example 5, lot: with the girl-first tie-break off, C wins the draw against D', () => {
    const r = allocate(contest(3, 'plain', FIVE, { tieBreak: 'lot' }))
    expect(r.elected).toEqual(['A', 'B', 'C'])
    expect(stepsOf(r, 'tie')).toEqual([{ kind: 'tie', votes: 10, order: ['C', 'D'], lots: [3, 4], by: ['lot'] }])
  })

  it('example 6: the boy on top is Pradhan and the highest-ranked girl is Up-Pradhan', () => {
    const rows: Row[] = [
      ['B1', 'b', 40, 1],
      ['B2', 'b', 35, 2],
      ['G1', 'g', 30, 3],
      ['G2', 'g', 20, 4],
    ]
    for (const girls of [{ minimum: 1 }, undefined]) {
      const r = allocate(contest(2, 'minimum', rows, { girls }))
      expect(r.girlsRequired).toBe(1)
      const [pradhan, upPradhan] = r.elected
      expect({ pradhan, upPradhan }).toEqual({ pradhan: 'B1', upPradhan: 'G1' })
      expect(swaps(r)).toEqual([['B2', 'G1']])
    }
  })

  it('example 7: zipper gives seat 1 to the top girl, seat 2 to the top boy and seat 3 to the next girl', () => {
    const r = allocate(
      contest(3, 'zipper', [
        ['B1', 'b', 30, 1],
        ['B2', 'b', 25, 2],
        ['G1', 'g', 20, 3],
        ['B3', 'b', 15, 4],
        ['G2', 'g', 10, 5],
      ]),
    )
    expect(r.elected).toEqual(['G1', 'B1', 'G2'])
    expect(r.girlsRequired).toBe(2)
    expect(stepsOf(r, 'swap')).toEqual([
      {
        kind: 'swap',
        method: 'zipper',
        seat: 1,
        in: 'G1',
        out: 'B1',
        passedOver: ['B1', 'B2'],
        girlsRequired: 2,
        protectedElected: 1,
      },
      {
        kind: 'swap',
        method: 'zipper',
        seat: 3,
        in: 'G2',
        out: 'B2',
        passedOver: ['B2', 'B3'],
        girlsRequired: 2,
        protectedElected: 2,
      },
    ])
  })
})

describe('further rules', () => {
  it('G follows share and rounding, an absolute minimum wins over share and G is never more than k', () => {
    const g = (seats: number, method: AllocationInput['method'], girls?: AllocationInput['girls']) =>
      girlsRequired(contest(seats, method, [], { girls }))
    expect(g(11, 'minimum', { share: 0.6 })).toBe(7)
    expect(g(10, 'minimum', { share: 0.6 })).toBe(6)
    expect(g(10, 'minimum', { share: 1 / 3 })).toBe(4)
    expect(g(10, 'minimum', { share: 1 / 3, rounding: 'down' })).toBe(3)
    expect(g(9, 'minimum', { share: 1 / 3 })).toBe(3)
    expect(g(3, 'minimum', { share: 0.1 * 3 })).toBe(1)
    expect(g(5, 'minimum')).toBe(3)
    expect(g(5, 'minimum', { share: 1 })).toBe(5)
    expect(g(5, 'minimum', { share: 0.9, minimum: 1 })).toBe(1)
    expect(g(5, 'minimum', { minimum: 9 })).toBe(5)
    expect(g(5, 'plain', { minimum: 3 })).toBe(0)
    expect(g(5, 'zipper', { minimum: 0 })).toBe(3)
  })

  it("'girls-and-other' counts a child of gender other as protected, 'girls' does not", () => {
    const rows: Row[] = [
      ['B1', 'b', 9, 1],
      ['B2', 'b', 8, 2],
      ['O1', 'o', 7, 3],
      ['G1', 'g', 6, 4],
    ]
    expect(allocate(contest(2, 'minimum', rows)).elected).toEqual(['B1', 'G1'])
    expect(allocate(contest(2, 'minimum', rows, { protect: 'girls-and-other' })).elected).toEqual(['B1', 'O1'])
  })

  it('a tie among girls and boys is settled girl-first and then by lot, and the step says both', () => {
    const r = allocate(
      contest(4, 'plain', [
        ['B1', 'b', 5, 1],
        ['G1', 'g', 5, 4],
        ['G2', 'g', 5, 2],
        ['B2', 'b', 5, 3],
        ['X', 'b', 9, 9],
      ]),
    )
    expect(r.ranking).toEqual(['X', 'G2', 'G1', 'B1', 'B2'])
    expect(stepsOf(r, 'tie')).toEqual([
      { kind: 'tie', votes: 5, order: ['G2', 'G1', 'B1', 'B2'], lots: [2, 4, 1, 3], by: ['girl-first', 'lot'] },
    ])
    expect(r.steps[0]).toEqual({ kind: 'ranked', order: r.ranking, tieBreak: 'girl-first' })
  })

  it('with fewer candidates than seats every candidate is elected and the rest are vacant', () => {
    const rows: Row[] = [
      ['B1', 'b', 3, 1],
      ['G1', 'g', 2, 2],
    ]
    for (const method of ['plain', 'minimum', 'zipper'] as const) {
      const r = allocate(contest(4, method, rows))
      expect(r.elected.filter((x) => x !== null).sort()).toEqual(['B1', 'G1'])
      expect(r.elected.slice(2)).toEqual([null, null])
      expect(stepsOf(r, 'vacant')).toEqual([
        { kind: 'vacant', seat: 3, reason: 'no-candidates' },
        { kind: 'vacant', seat: 4, reason: 'no-candidates' },
      ])
    }
    expect(allocate(contest(2, 'minimum', [])).elected).toEqual([null, null])
  })

  it("'minimum' with 'vacant' and too few candidates: seats owed to girls first, then seats nobody could fill", () => {
    const r = allocate(
      contest(
        5,
        'minimum',
        [
          ['G1', 'g', 1, 1],
          ['B1', 'b', 3, 2],
          ['B2', 'b', 2, 3],
        ],
        { shortfall: 'vacant' },
      ),
    )
    expect(r.elected).toEqual(['B1', 'B2', 'G1', null, null])
    expect(stepsOf(r, 'vacant').map((s) => s.reason)).toEqual(['shortfall', 'shortfall'])
    const s = allocate(
      contest(
        5,
        'minimum',
        [
          ['G1', 'g', 1, 1],
          ['B1', 'b', 3, 2],
        ],
        { shortfall: 'vacant' },
      ),
    )
    expect(s.elected).toEqual(['B1', 'G1', null, null, null])
    expect(stepsOf(s, 'vacant').map((v) => v.reason)).toEqual(['shortfall', 'shortfall', 'no-candidates'])
  })

  it('zipper with no girl left: release gives the seat to the next candidate, vacant leaves it empty and goes on', () => {
    const rows: Row[] = [
      ['B1', 'b', 30, 1],
      ['G1', 'g', 20, 2],
      ['B2', 'b', 10, 3],
      ['B3', 'b', 5, 4],
    ]
    const release = allocate(contest(4, 'zipper', rows))
    expect(release.elected).toEqual(['G1', 'B1', 'B2', 'B3'])
    expect(stepsOf(release, 'shortfall')[0]).toMatchObject({
      method: 'zipper',
      seats: [3],
      policy: 'release',
      required: 2,
      available: 1,
    })
    const vacant = allocate(contest(4, 'zipper', rows, { shortfall: 'vacant' }))
    expect(vacant.elected).toEqual(['G1', 'B1', null, 'B2'])
    expect(vacant.vacant).toBe(1)
    expect(stepsOf(vacant, 'vacant')).toEqual([{ kind: 'vacant', seat: 3, reason: 'shortfall' }])
  })

  it('zipper: a girl may take an open seat on her own rank, and the seat-1 girl needs no swap when she leads', () => {
    const r = allocate(
      contest(4, 'zipper', [
        ['G1', 'g', 9, 1],
        ['G2', 'g', 8, 2],
        ['B1', 'b', 7, 3],
        ['G3', 'g', 1, 4],
      ]),
    )
    expect(r.elected).toEqual(['G1', 'G2', 'G3', 'B1'])
    expect(swaps(r)).toEqual([['B1', 'G3']])
    expect(allocate(contest(1, 'zipper', [['B1', 'b', 9, 1]], { shortfall: 'vacant' })).elected).toEqual([null])
  })

  it('steps fit the shape the document gives', () => {
    const r = allocate(contest(5, 'minimum', S))
    const doc: { kind: 'ranked' | 'tie' | 'swap' | 'shortfall' | 'vacant'; [detail: string]: unknown }[] = r.steps
    expect(doc.map((s) => s.kind)).toEqual(['ranked', 'swap', 'swap'])
  })
})

describe('invalid input is refused with a clear message', () => {
  const ok = (): AllocationInput =>
    contest(2, 'minimum', [
      ['A', 'g', 3, 1],
      ['B', 'b', 2, 2],
    ])
  const bad = (change: (i: any) => void, message: RegExp) => {
    const input: any = ok()
    change(input)
    expect(() => allocate(input)).toThrow(AllocationError)
    expect(() => allocate(input)).toThrow(message)
    expect(() => girlsRequired(input)).toThrow(AllocationError)
  }
  it.each([
    [
      'seats 0',
      (i: any) => {
        i.seats = 0
      },
      /seats must be an integer of at least 1, got 0/,
    ],
    [
      'seats 1.5',
      (i: any) => {
        i.seats = 1.5
      },
      /seats must be an integer/,
    ],
    [
      'seats "2"',
      (i: any) => {
        i.seats = '2'
      },
      /seats must be an integer/,
    ],
    [
      'a duplicate id',
      (i: any) => {
        i.candidates[1].id = 'A'
      },
      /duplicate candidate id "A"/,
    ],
    [
      'a duplicate lot',
      (i: any) => {
        i.candidates[1].lot = 1
      },
      /duplicate lot 1: candidates "A" and "B"/,
    ],
    [
      'negative votes',
      (i: any) => {
        i.candidates[0].votes = -1
      },
      /votes of candidate "A" must be a whole number of at least 0, got -1/,
    ],
    [
      'fractional votes',
      (i: any) => {
        i.candidates[0].votes = 2.5
      },
      /votes of candidate "A"/,
    ],
    [
      'a lot that is not a number',
      (i: any) => {
        i.candidates[0].lot = Number.NaN
      },
      /lot of candidate "A" must be a finite number/,
    ],
    [
      'an infinite lot',
      (i: any) => {
        i.candidates[0].lot = Infinity
      },
      /lot of candidate "A" must be a finite number/,
    ],
    [
      'share above 1',
      (i: any) => {
        i.girls = { share: 1.2 }
      },
      /girls.share must be a number from 0 to 1, got 1.2/,
    ],
    [
      'share below 0',
      (i: any) => {
        i.girls = { share: -0.1 }
      },
      /girls.share must be a number from 0 to 1/,
    ],
    [
      'minimum -1',
      (i: any) => {
        i.girls = { minimum: -1 }
      },
      /girls.minimum must be an integer of at least 0, got -1/,
    ],
    [
      'minimum 1.5',
      (i: any) => {
        i.girls = { minimum: 1.5 }
      },
      /girls.minimum must be an integer/,
    ],
    [
      'girls not an object',
      (i: any) => {
        i.girls = 3
      },
      /girls must be an object/,
    ],
    [
      'an unknown method',
      (i: any) => {
        i.method = 'quota'
      },
      /unknown method "quota"/,
    ],
    [
      'a missing method',
      (i: any) => {
        delete i.method
      },
      /method is missing/,
    ],
    [
      'an unknown gender',
      (i: any) => {
        i.candidates[0].gender = 'female'
      },
      /unknown gender "female" for candidate "A"/,
    ],
    [
      'an unknown protect',
      (i: any) => {
        i.protect = 'all'
      },
      /unknown protect setting "all"/,
    ],
    [
      'an unknown tieBreak',
      (i: any) => {
        i.tieBreak = 'coin'
      },
      /unknown tieBreak setting "coin"/,
    ],
    [
      'an unknown shortfall',
      (i: any) => {
        i.shortfall = 'skip'
      },
      /unknown shortfall setting "skip"/,
    ],
    [
      'an unknown rounding',
      (i: any) => {
        i.girls = { rounding: 'nearest' }
      },
      /unknown girls.rounding "nearest"/,
    ],
    [
      'an empty id',
      (i: any) => {
        i.candidates[0].id = ''
      },
      /non-empty string id/,
    ],
    [
      'candidates not an array',
      (i: any) => {
        i.candidates = {}
      },
      /candidates must be an array/,
    ],
  ])('refuses %s', (_name, change, message) => bad(change, message))

  it('refuses a missing input object', () => {
    expect(() => allocate(null as any)).toThrow(/must be an object/)
  })
})
