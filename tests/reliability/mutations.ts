import type { Rng } from './random.ts'
import type { Form } from './forms.ts'

/** Values a form field should never have, each for a reason written beside it. */
const badValues: readonly string[] = [
  // empty and blank
  '',
  ' ',
  '\t\n',
  '\u00a0',
  '\u3000',
  // numbers that are not the ones wanted
  '0',
  '-1',
  '-0',
  '1.5',
  '1e3',
  '1e309',
  'NaN',
  'Infinity',
  '-Infinity',
  '9007199254740993',
  '2147483648',
  '4294967297',
  '99999999999999999999999999',
  '0x1F',
  '0b11',
  '1_000',
  '+5',
  ' 5 ',
  '5abc',
  '١٢',
  '१२',
  '½',
  // words of other fields and other enums
  'true',
  'false',
  'null',
  'undefined',
  '[]',
  '{}',
  '[object Object]',
  'yes',
  'no',
  'on',
  'off',
  'girl',
  'admin',
  'up',
  'accepted',
  'chits',
  'gram_sabha',
  'all',
  'number',
  // dates and times that are not real, or not in the form asked for
  '2026-02-30',
  '2025-02-29',
  '1899-12-31',
  '0000-00-00',
  '9999-12-31',
  '+020026-01-01',
  '2026-1-1',
  '01/02/2026',
  '२०२६-०१-०१',
  '2026-01-01T00:00:00Z',
  '2026-01-01\n',
  '24:00',
  '23:60',
  '4pm',
  '16:00:00',
  // markup, SQL, paths
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'; DROP TABLE children; --",
  "' OR '1'='1",
  '../../etc/passwd',
  '%',
  '%00',
  '%s%s%s',
  '{{it.secret}}',
  '<%= it %>',
  // text no keyboard types: NUL, direction overrides, zero width, emoji, combining marks, lone surrogates
  '\u0000',
  'a\u0000b',
  '\u202Eevil\u202C',
  '\u2066isolate\u2069',
  '\u200B',
  '\u200B'.repeat(50),
  '\uFEFF',
  '\u200D',
  '👧🏽👩‍👩‍👧‍👦',
  '🇮🇳',
  'मीना कुमारी',
  'مرحبا بالعالم',
  'שלום',
  'a\u0301\u0301\u0301\u0301\u0301',
  '\uD800',
  '\uDFFF',
  '\r\n\r\n',
  '\u2028\u2029',
  '\u0085',
  // just over the limits the schemas set, and far over
  'x'.repeat(41),
  'x'.repeat(101),
  'x'.repeat(161),
  'x'.repeat(201),
  'x'.repeat(501),
  'x'.repeat(2001),
  'x'.repeat(4001),
  'x'.repeat(20_001),
  ' '.repeat(5000),
  '\n'.repeat(5000),
  'line\n'.repeat(40),
]

/** 100 KB strings: what a pasted file or a stuck key sends. */
const hugeValues: readonly (() => string)[] = [
  () => 'a'.repeat(100_000),
  () => '👧'.repeat(8_000),
  () => 'मी'.repeat(11_000),
  () => '\u200B'.repeat(11_000),
  () => `${'\n'.repeat(50_000)}`,
]

/** Ids that name another village's record, or none at all. */
export type ForeignIds = () => string[]

export function badValue(rng: Rng, foreign: ForeignIds): string {
  return rng.weighted<() => string>([
    [() => rng.pick(badValues), 10],
    [() => rng.pick(hugeValues)(), 0.6],
    [() => rng.pick(foreign()), 3],
  ])()
}

/** Keys no form has: prototype names, near-misses of real ones, numbered fields of records that do not exist. */
const strangeKeys = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__proto__[admin]',
  'role',
  'villageId',
  'id',
  'c_999999',
  'c_',
  'c_abc',
  'votes_',
  'votes_-1',
  'votes_999999',
  'lot_0',
  'lot_abc',
  'x'.repeat(300),
  '',
  ' ',
  '\u0000',
  '👧',
  'userId',
  'station',
]

export type Pairs = [string, string][]

/**
 * Bends a correct form: values swapped for bad ones, fields doubled (an array where a string is
 * expected), fields left out, fields added. Sometimes the form is left as it is.
 */
export function mutateForm(rng: Rng, form: Form, foreign: ForeignIds): { pairs: Pairs; how: string[] } {
  const how: string[] = []
  const pairs: Pairs = []
  const intensity = rng.weighted([
    [0, 2],
    [0.15, 4],
    [0.4, 3],
    [0.9, 1],
  ] as const)
  for (const [key, value] of Object.entries(form)) {
    const values = [value].flat()
    if (!rng.chance(intensity)) {
      for (const v of values) pairs.push([key, v])
      continue
    }
    const kind = rng.weighted([
      ['bad', 6],
      ['array', 2],
      ['missing', 2],
      ['empty', 1],
    ] as const)
    how.push(`${kind}:${key}`)
    if (kind === 'bad') pairs.push([key, badValue(rng, foreign)])
    else if (kind === 'array')
      for (let i = 0; i < 2 + rng.int(3); i++)
        pairs.push([key, rng.chance(0.5) ? (values[0] ?? '') : badValue(rng, foreign)])
    else if (kind === 'empty') pairs.push([key, ''])
  }
  if (rng.chance(intensity / 2 + 0.05)) {
    for (let i = 0; i < 1 + rng.int(3); i++) {
      const key = rng.pick(strangeKeys)
      how.push(`extra:${JSON.stringify(key.slice(0, 20))}`)
      pairs.push([key, rng.chance(0.5) ? badValue(rng, foreign) : '1'])
    }
  }
  return { pairs: rng.chance(0.1) ? rng.shuffle(pairs) : pairs, how }
}

export type Encoded = { payload: string | Buffer; headers: Record<string, string>; kind: string }

/**
 * The body as sent: mostly form-urlencoded (what the app's forms send), sometimes JSON with values
 * of the wrong type, multipart, text, or form encoding that does not decode.
 */
export function encode(rng: Rng, pairs: Pairs, csrf: string): Encoded {
  const kind = rng.weighted([
    ['form', 88],
    ['json', 6],
    ['malformed', 3],
    ['multipart', 1.5],
    ['other', 1.5],
  ] as const)
  if (kind === 'form') {
    const body = new URLSearchParams([['_csrf', csrf], ...pairs])
    return {
      kind,
      payload: body.toString(),
      headers: {
        'content-type': rng.pick([
          'application/x-www-form-urlencoded',
          'application/x-www-form-urlencoded; charset=UTF-8',
          'Application/X-WWW-Form-Urlencoded',
        ]),
      },
    }
  }
  if (kind === 'json') {
    const obj: Record<string, unknown> = {}
    for (const [k, v] of pairs) {
      const typed = rng.weighted<unknown>([
        [v, 4],
        [Number(v), 1],
        [v !== '', 1],
        [null, 1],
        [[v], 1],
        [{ value: v }, 1],
        [[{ a: v }], 0.5],
        [1e308 * 10, 0.3],
      ])
      obj[k] = k in obj ? [obj[k], typed].flat() : typed
    }
    const where = rng.weighted([
      ['body', 3],
      ['header', 1],
    ] as const)
    if (where === 'body') obj._csrf = csrf
    const top = rng.weighted<unknown>([
      [obj, 8],
      [[obj], 1],
      [null, 0.5],
      ['text', 0.5],
      [42, 0.5],
    ])
    return {
      kind: `json/${where}`,
      payload: JSON.stringify(top),
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
    }
  }
  if (kind === 'malformed') {
    const good = new URLSearchParams([['_csrf', csrf], ...pairs.slice(0, 3)]).toString()
    const raw = rng.pick([
      `${good}&%`,
      `${good}&a=%ZZ`,
      `${good}&a=%E0%A4%A`,
      `${good}&=&=&&`,
      `${good}&a==b==c`,
      `${good}&%00=%00`,
      `${good}&a=%F0%9F`,
      `${good}&${'k=v&'.repeat(5000)}`,
      `${good}&a[b][c]=d&a[]=e`,
      `${good}&;;;`,
      `${good}\u0000`,
      `_csrf=${csrf}&${'%'.repeat(300)}`,
      `${good}&__proto__[polluted]=1&constructor[prototype][polluted]=1`,
      `%FF%FE${good}`,
    ])
    return {
      kind,
      payload: Buffer.from(raw, 'latin1'),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    }
  }
  if (kind === 'multipart') {
    const boundary = '----fuzz'
    const parts = [['_csrf', csrf], ...pairs]
      .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
      .join('')
    return {
      kind,
      payload: `${parts}--${boundary}--\r\n`,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    }
  }
  const body = new URLSearchParams([['_csrf', csrf], ...pairs]).toString()
  return {
    kind: 'other',
    payload: body,
    headers: {
      'content-type': rng.pick([
        'text/plain',
        'application/xml',
        'application/x-www-form-urlencoded;;;',
        'application/octet-stream',
        '',
        'application/json; charset=utf-8',
      ]),
    },
  }
}
