import { describe, expect, it } from 'vitest'
import { allocate, type AllocationInput } from '../../src/elections/allocation.ts'
import { explainResult, type ExplainInput, type Explanation } from '../../src/elections/explain.ts'
import { dictionaries, translator, type Translate } from '../../src/i18n/translator.ts'

type Row = [id: string, gender: 'b' | 'g' | 'o', votes: number, lot: number]
const GENDER = { b: 'boy', g: 'girl', o: 'other' } as const
const EN: Record<string, string> = {
  B1: 'Ravi',
  B2: 'Amit',
  B3: 'Raju',
  B4: 'Sohan',
  B5: 'Mohan',
  B6: 'Karan',
  G1: 'Sunita',
  G2: 'Meena',
  G3: 'Pooja',
  G4: 'Kavita',
  A: 'Arjun',
  B: 'Bhavna',
  C: 'Chetan',
  D: 'Deepa',
  E: 'Eshan',
}
const HI: Record<string, string> = {
  B1: 'रवि',
  B2: 'अमित',
  B3: 'राजू',
  B4: 'सोहन',
  B5: 'मोहन',
  B6: 'करण',
  G1: 'सुनीता',
  G2: 'मीना',
  G3: 'पूजा',
  G4: 'कविता',
}

// Every key explainResult asks for, whatever the language.
const used = new Set<string>()
const tracked = (lang: 'hi' | 'en'): Translate => {
  const t = translator(lang)
  return ((key: string, options?: Record<string, unknown>) => {
    used.add(key)
    return t(key, options)
  }) as Translate
}

type Options = Partial<AllocationInput> & { titles?: string[]; lang?: 'hi' | 'en'; contest?: string }
function explain(rows: Row[], seats: number, method: AllocationInput['method'], o: Options = {}): Explanation {
  const { titles = [], lang = 'en', contest = lang === 'hi' ? 'सदस्य' : 'Members', ...settings } = o
  const candidates = rows.map(([id, g, votes, lot]) => ({ id, gender: GENDER[g], votes, lot }))
  const input: ExplainInput = {
    contestName: contest,
    seats,
    seatTitles: titles,
    method,
    protect: settings.protect ?? 'girls',
    candidates: candidates.map((c) => ({ ...c, name: (lang === 'hi' ? HI : EN)[c.id] ?? c.id })),
    result: allocate({ ...settings, seats, candidates, method }),
    plain: allocate({ ...settings, seats, candidates, method: 'plain' }),
  }
  return explainResult(input, tracked(lang))
}

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
const EX1: Row[] = [
  ['A', 'b', 12, 1],
  ['B', 'g', 10, 2],
  ['C', 'b', 9, 3],
  ['D', 'g', 7, 4],
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
const EX5: Row[] = [
  ['A', 'b', 15, 1],
  ['B', 'g', 12, 2],
  ['C', 'b', 10, 3],
  ['D', 'g', 10, 4],
  ['E', 'b', 8, 5],
]
const EX6: Row[] = [
  ['B1', 'b', 40, 1],
  ['B2', 'b', 35, 2],
  ['G1', 'g', 30, 3],
  ['G2', 'g', 20, 4],
]
const EX7: Row[] = [
  ['B1', 'b', 30, 1],
  ['B2', 'b', 25, 2],
  ['G1', 'g', 20, 3],
  ['B3', 'b', 15, 4],
  ['G2', 'g', 10, 5],
]
const LEADERS = ['Pradhan', 'Up-Pradhan']

describe('explainResult on the worked examples of ELECTION-RULES.md, in English', () => {
  it('example 1: a plain count is explained by its rule alone', () => {
    const x = explain(EX1, 3, 'plain')
    expect(x).toEqual({
      rule: 'Members: the 3 seats go to the candidates with the most votes.',
      steps: [],
      differsFromPlain: false,
      plainSummary: 'A plain count (most votes wins) gives the same result.',
    })
  })

  it('example 2: Sohan (B4) and then Raju (B3) give way to Meena (G2) and Pooja (G3), because at least 3 of the 5 seats are for girls', () => {
    const x = explain(S, 5, 'minimum', { girls: { share: 0.5, rounding: 'up' } })
    expect(x.rule).toBe('Members: at least 3 of the 5 seats must go to girls.')
    expect(x.steps).toEqual([
      'Meena (11 votes) takes the seat instead of Sohan (12 votes), because at least 3 of the 5 seats must go to girls.',
      'Pooja (9 votes) takes the seat instead of Raju (15 votes), because at least 3 of the 5 seats must go to girls.',
    ])
    expect(x.differsFromPlain).toBe(true)
    expect(x.plainSummary).toBe(
      'A plain count (most votes wins) would have elected: Ravi, Amit, Sunita, Raju and Sohan.',
    )
  })

  it('example 3: rounded down, only Sohan gives way, to Meena', () => {
    const x = explain(S, 5, 'minimum', { girls: { share: 0.5, rounding: 'down' } })
    expect(x.rule).toContain('at least 2 of the 5 seats')
    expect(x.steps).toEqual([
      'Meena (11 votes) takes the seat instead of Sohan (12 votes), because at least 2 of the 5 seats must go to girls.',
    ])
  })

  it('example 4, release: the only girl is elected and the seats left over go to the next boys', () => {
    const x = explain(ONE_GIRL, 5, 'minimum', { girls: { minimum: 3 } })
    expect(x.steps).toEqual([
      'Sunita (6 votes) takes the seat instead of Mohan (9 votes), because at least 3 of the 5 seats must go to girls.',
      'Only 1 girl stood for the 3 seats kept for girls, so the 2 seats left over go to the next candidates by votes.',
    ])
    expect(x.plainSummary).toContain('Ravi, Amit, Raju, Sohan and Mohan')
  })

  it('example 4, vacant: two seats stay empty for a by-election, and Raju and Sohan lose their places to them', () => {
    const x = explain(ONE_GIRL, 5, 'minimum', { girls: { minimum: 3 }, shortfall: 'vacant' })
    expect(x.steps).toHaveLength(2) // the empty seats are told in the shortfall sentence, not once more each
    expect(x.steps[0]).toMatch(/^Sunita \(6 votes\) takes the seat instead of Mohan \(9 votes\)/)
    expect(x.steps[1]).toBe(
      'Only 1 girl stood for the 3 seats kept for girls, so 2 seats stay empty until a by-election ' +
        'in which only girls can stand (seats 4 and 5). Raju (11 votes) and Sohan (10 votes) therefore do not get a seat.',
    )
  })

  it('example 5: the tie between Chetan and Deepa is told with the rule that broke it', () => {
    const girlFirst = explain(EX5, 3, 'plain')
    expect(girlFirst.steps).toEqual([
      'Deepa and Chetan had the same number of votes (10 each); ' +
        'Deepa goes first because girls go first on equal votes.',
    ])
    const lot = explain(EX5, 3, 'plain', { tieBreak: 'lot' })
    expect(lot.steps).toEqual([
      'Chetan and Deepa had the same number of votes (10 each); ' +
        'Chetan was ahead in the draw (lot 3 against lot 4).',
    ])
    expect([girlFirst.differsFromPlain, lot.differsFromPlain]).toEqual([false, false])
  })

  it('example 6: Sunita becomes Up-Pradhan instead of Amit', () => {
    const x = explain(EX6, 2, 'minimum', { girls: { minimum: 1 }, titles: LEADERS, contest: 'Leaders' })
    expect(x.rule).toBe('Leaders: at least 1 of the 2 seats must go to girls.')
    expect(x.steps).toEqual([
      'Sunita (30 votes) becomes Up-Pradhan instead of Amit (35 votes), ' +
        'because at least 1 of the 2 seats must go to girls.',
    ])
    expect(x.plainSummary).toBe(
      'A plain count (most votes wins) would have elected: Ravi (Pradhan) and Amit (Up-Pradhan).',
    )
  })

  it('example 7, zipper: seats 1 and 3 go to the girls ahead of the boys with more votes', () => {
    const x = explain(EX7, 3, 'zipper')
    expect(x.rule).toBe(
      'Members: the seats are filled in turn — seats 1 and 3 for girls, ' +
        'seat 2 for whoever has the most votes among those left.',
    )
    expect(x.steps).toEqual([
      'Seat 1 goes to Sunita (20 votes), ahead of Ravi (30 votes) and Amit (25 votes), because it is kept for girls ' +
        'and Sunita has the most votes among them.',
      'Seat 3 goes to Meena (10 votes), ahead of Amit (25 votes) and Raju (15 votes), because it is kept for girls ' +
        'and, of those still waiting, Meena has the most votes.',
    ])
    expect(x.differsFromPlain).toBe(true)
    expect(x.plainSummary).toContain('Ravi, Amit and Sunita')
  })
})

describe('explainResult says only what matters', () => {
  it('a rule that changed nothing gives no swap sentence and the same result as a plain count', () => {
    for (const x of [
      explain(EX1, 3, 'minimum', { girls: { minimum: 1 } }),
      explain(S, 3, 'minimum', { girls: { minimum: 1 } }),
    ]) {
      expect(x.differsFromPlain).toBe(false)
      expect(x.steps.filter((s) => /instead of|ahead of/.test(s))).toEqual([])
      expect(x.plainSummary).toBe('A plain count (most votes wins) gives the same result.')
    }
  })

  it('leaves out ties that decide nothing, and tells those that decide who gets in or which named seat', () => {
    const rows: Row[] = [
      ['B1', 'b', 9, 2],
      ['B2', 'b', 9, 1],
      ['G1', 'g', 5, 3],
    ]
    expect(explain(rows, 2, 'plain').steps).toEqual([]) // both tied boys are elected
    expect(explain(rows, 2, 'plain', { titles: LEADERS }).steps).toEqual([
      'Amit and Ravi had the same number of votes (9 each); ' + 'Amit was ahead in the draw (lot 1 against lot 2).',
    ])
    expect(explain(rows, 1, 'plain').steps).toHaveLength(1)
    const four: Row[] = [
      ['B1', 'b', 10, 4],
      ['B2', 'b', 10, 2],
      ['G1', 'g', 10, 3],
      ['G2', 'g', 10, 7],
      ['B3', 'b', 15, 1],
    ]
    expect(explain(four, 3, 'plain').steps).toEqual([
      'Sunita, Meena, Amit and Ravi had the same number of votes (10 each); girls ' +
        'go first on equal votes and the draw decided the rest: Sunita (lot 3), Meena (lot 7), Amit (lot 2), Ravi (lot 4).',
    ])
    expect(explain(four, 3, 'plain', { tieBreak: 'lot' }).steps[0]).toContain(
      'the draw put them in this order: Amit (lot 2), Sunita (lot 3)',
    )
  })

  it('names children of other gender when they count with the girls', () => {
    const rows: Row[] = [
      ['B1', 'b', 40, 1],
      ['B2', 'b', 35, 2],
      ['G1', 'o', 30, 3],
    ]
    const x = explain(rows, 2, 'minimum', { girls: { minimum: 1 }, protect: 'girls-and-other' })
    expect(x.rule).toBe('Members: at least 1 of the 2 seats must go to girls (or children of other genders).')
    expect(x.steps).toEqual([
      'Sunita (30 votes) takes the seat instead of Amit (35 votes), ' +
        'because at least 1 of the 2 seats must go to girls (or children of other genders).',
    ])
    const none = explain([['B1', 'b', 4, 1]], 1, 'minimum', {
      girls: { minimum: 1 },
      protect: 'girls-and-other',
      contest: '',
    })
    expect(none.rule).toBe('The seat must go to girls (or children of other genders).')
    expect(none.steps).toEqual([
      'No girl or child of another gender stood for the 1 seat kept for girls (or children of other ' +
        'genders), so the seat left over goes to the next candidate by votes.',
    ])
  })

  it('tells empty seats, and zipper seats for which no girl was left', () => {
    expect(explain(EX1.slice(0, 3), 4, 'plain').steps).toEqual([
      'Seat 4 stays empty: there were not enough candidates.',
    ])
    const boys: Row[] = [
      ['B1', 'b', 30, 1],
      ['B2', 'b', 25, 2],
      ['G1', 'g', 20, 3],
      ['B3', 'b', 15, 4],
    ]
    const titled = explain(boys, 5, 'zipper', { titles: ['Pradhan', 'Up-Pradhan', 'Secretary', 'Treasurer', 'Clerk'] })
    expect(titled.steps.slice(1)).toEqual([
      'There were no more girls for seat 3 (Secretary), so it goes to the next candidate by votes: Amit (25 votes).',
      'Seat 5 (Clerk) stays empty: there were not enough candidates.',
    ])
    expect(titled.steps[0]).toMatch(/^Seat 1 \(Pradhan\) goes to Sunita/)
    const vacant = explain(boys, 6, 'zipper', { shortfall: 'vacant' })
    expect(vacant.steps[1]).toBe(
      'There were no more girls for seats 3 and 5, so they stay empty until a by-election ' +
        'in which only girls can stand.',
    )
    expect(explain(boys.slice(0, 2), 2, 'minimum', { girls: { minimum: 2 } }).rule).toBe(
      'Members: each of the 2 seats must go to girls.',
    )
  })
})

describe('explainResult in Hindi', () => {
  const clean = (x: Explanation) => {
    const text = [x.rule, ...x.steps, x.plainSummary].join('\n')
    expect(text).not.toMatch(/explain\.|\{\{|\}\}|undefined|NaN/)
    return text
  }

  it('example 2: सोहन और राजू की जगह मीना और पूजा', () => {
    const x = explain(S, 5, 'minimum', { girls: { share: 0.5 }, lang: 'hi' })
    clean(x)
    expect(x.rule).toBe('सदस्य: 5 सीटों में से कम से कम 3 सीटें लड़कियों को मिलनी हैं।')
    expect(x.steps).toEqual([
      'सोहन (12 वोट) की जगह मीना (11 वोट) को सीट मिलती है, क्योंकि 5 सीटों में से कम से कम 3 सीटें लड़कियों को मिलनी हैं।',
      'राजू (15 वोट) की जगह पूजा (9 वोट) को सीट मिलती है, क्योंकि 5 सीटों में से कम से कम 3 सीटें लड़कियों को मिलनी हैं।',
    ])
    expect(x.plainSummary).toContain('रवि, अमित, सुनीता, राजू और सोहन')
  })

  it('example 4, vacant: उप-चुनाव तक खाली सीटें', () => {
    const x = explain(ONE_GIRL, 5, 'minimum', { girls: { minimum: 3 }, shortfall: 'vacant', lang: 'hi' })
    const text = clean(x)
    expect(x.steps[1]).toContain('केवल 1 लड़की चुनाव में खड़ी हुई')
    for (const bit of ['3 सीटें', '2 सीटें (सीट 4 और 5)', 'उप-चुनाव', 'राजू (11 वोट) और सोहन (10 वोट) को सीट नहीं मिलती']) {
      expect(text).toContain(bit)
    }
  })

  it('examples 5, 6 and 7: पर्ची, प्रधान और बारी-बारी से सीटें', () => {
    const lot = explain(EX5, 3, 'plain', { tieBreak: 'lot', lang: 'hi' })
    expect(clean(lot)).toContain('पर्ची निकालने में C का नंबर पहले आया (पर्ची 3, जबकि D की पर्ची 4)')
    const leaders = explain(EX6, 2, 'minimum', {
      girls: { minimum: 1 },
      titles: ['प्रधान', 'उप-प्रधान'],
      lang: 'hi',
      contest: 'नेता',
    })
    expect(clean(leaders).split('\n').slice(0, 2)).toEqual([
      'नेता: 2 सीटों में से कम से कम 1 सीट लड़कियों को मिलनी है।',
      'अमित (35 वोट) की जगह सुनीता (30 वोट) को उप-प्रधान का पद मिलता है, क्योंकि 2 सीटों में से कम से कम 1 सीट लड़कियों को मिलनी है।',
    ])
    const zipper = explain(EX7, 3, 'zipper', { lang: 'hi' })
    expect(clean(zipper)).toContain(
      'सीट 1 लड़कियों के लिए है और उनमें सबसे ज़्यादा वोट सुनीता के हैं, इसलिए यह सीट सुनीता (20 वोट) ' +
        'को मिलती है, भले ही गिनती में रवि (30 वोट) और अमित (25 वोट) आगे थे।',
    )
  })
})

describe('the words of explain', () => {
  type Dict = { [key: string]: string | Dict }
  const leaves = (d: Dict, prefix = ''): string[] =>
    Object.entries(d).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : leaves(v, `${prefix}${k}.`)))
  const has = (lang: 'hi' | 'en', key: string): boolean => {
    const all = new Set(leaves(dictionaries[lang] as Dict))
    return all.has(key) || (all.has(`${key}_one`) && all.has(`${key}_other`))
  }

  it('every key the explanations above used exists in both languages, and every explain key was used', () => {
    expect(used.size).toBeGreaterThan(30)
    expect([...used].filter((k) => !has('hi', k) || !has('en', k))).toEqual([])
    const defined = new Set(
      leaves(dictionaries.en as Dict)
        .filter((k) => k.startsWith('explain.'))
        .map((k) => k.replace(/_(zero|one|other)$/, '')),
    )
    expect([...defined].filter((k) => !used.has(k))).toEqual([])
  })

  it('Hindi and English have the same explain keys', () => {
    const keys = (lang: 'hi' | 'en') =>
      leaves(dictionaries[lang] as Dict)
        .filter((k) => k.startsWith('explain.'))
        .sort()
    expect(keys('hi')).toEqual(keys('en'))
  })
})
