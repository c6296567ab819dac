import { INK, pictureSvg } from '../core/svg.ts'
// Ballot symbols: the pictures children tap to vote, as on Indian ballots.
//
// Every symbol is a small inline SVG (viewBox 0 0 64 64) drawn from a few basic shapes with a
// bold dark outline and flat fills, so that it reads at 48–160 px and survives colour blindness:
// the silhouettes differ first, the colours second. The set keeps clear of the symbols of Indian
// political parties (no lotus, hand, broom, elephant, lantern, clock, arrow, leaves, …).
//
// The SVG has no `style` attribute (the site's CSP forbids inline styles), no script, no link and
// no ids (several symbols share a page), only presentation attributes.

export const symbols = [
  'flower',
  'kite',
  'star',
  'sun',
  'tree',
  'bicycle',
  'book',
  'lamp',
  'fish',
  'bird',
  'butterfly',
  'apple',
  'ball',
  'balloon',
  'boat',
  'bell',
  'cup',
  'pencil',
  'cloud',
  'rainbow',
  'house',
  'cow',
  'top',
  'carrot',
  'watermelon',
  'grapes',
  'turtle',
  'rabbit',
  'frog',
  'pineapple',
] as const

export type SymbolId = (typeof symbols)[number]

const symbolSet: ReadonlySet<unknown> = new Set(symbols)

export function isSymbol(x: unknown): x is SymbolId {
  return symbolSet.has(x)
}

/** The outline colour every symbol shares. */

const n = (v: number) => String(Math.round(v * 100) / 100)
const rad = (deg: number) => (deg * Math.PI) / 180
/** The point at `r` from (cx, cy) in direction `deg` (0° = right, 90° = down). */
const polar = (cx: number, cy: number, r: number, deg: number): [number, number] => [
  cx + r * Math.cos(rad(deg)),
  cy + r * Math.sin(rad(deg)),
]
const pts = (points: [number, number][]) => points.map(([x, y]) => `${n(x)},${n(y)}`).join(' ')

/** The corners of a star with `count` points, the first pointing up. */
function starPoints(cx: number, cy: number, outer: number, inner: number, count = 5): [number, number][] {
  return Array.from({ length: count * 2 }, (_, i) => polar(cx, cy, i % 2 ? inner : outer, -90 + (180 / count) * i))
}

/**
 * Several overlapping shapes filled as one silhouette, outlined only around the outside
 * (a plain stroke would also draw the seams between them). `shapes` carry no fill or stroke.
 */
function silhouette(shapes: string, fill: string): string {
  return `<g fill="${INK}" stroke-width="6">${shapes}</g><g fill="${fill}" stroke="none">${shapes}</g>`
}

/** The part of the line through (x0, y0) with direction (dx, dy) inside an ellipse, as an SVG line. */
function chordInEllipse(
  cx: number,
  cy: number,
  rx: number,
  ry: number,
  x0: number,
  y0: number,
  dx: number,
  dy: number,
  attrs: string,
): string {
  // Solve ((x0 + t dx - cx) / rx)² + ((y0 + t dy - cy) / ry)² = 1 for t.
  const ax = (x0 - cx) / rx,
    ay = (y0 - cy) / ry,
    bx = dx / rx,
    by = dy / ry
  const a = bx * bx + by * by,
    b = 2 * (ax * bx + ay * by),
    c = ax * ax + ay * ay - 1
  const disc = b * b - 4 * a * c
  if (disc <= 0) return ''
  const t1 = (-b - Math.sqrt(disc)) / (2 * a),
    t2 = (-b + Math.sqrt(disc)) / (2 * a)
  return `<line x1="${n(x0 + t1 * dx)}" y1="${n(y0 + t1 * dy)}" x2="${n(x0 + t2 * dx)}" y2="${n(y0 + t2 * dy)}" ${attrs}/>`
}

function flower(): string {
  const petals = [0, 1, 2, 3, 4]
    .map((i) => polar(32, 23, 10, -90 + 72 * i))
    .map(([x, y]) => `<circle cx="${n(x)}" cy="${n(y)}" r="8.5"/>`)
    .join('')
  return (
    '<path d="M32 34 V59" stroke="#2E7D32" stroke-width="5"/>' +
    '<path d="M32 52 C36 42 46 40 52 42 C48 50 40 54 32 52 Z" fill="#66BB6A"/>' +
    '<path d="M32 56 C28 48 20 46 14 48 C18 55 26 58 32 56 Z" fill="#66BB6A"/>' +
    silhouette(petals, '#EC407A') +
    '<circle cx="32" cy="23" r="7" fill="#FFD54F"/>'
  )
}

function kite(): string {
  return (
    '<path d="M32 46 C26 54 16 52 8 60" stroke-width="2"/>' +
    '<polygon points="32,44 24,56 40,56" fill="#43A047"/>' +
    '<polygon points="32,3 56,25 32,47 8,25" fill="#FF9800"/>' +
    '<polygon points="32,3 44,14 32,25 20,14" fill="#E53935"/>' +
    '<path d="M32 3 V47 M8 25 Q32 8 56 25" stroke-width="2.5"/>'
  )
}

function star(): string {
  return (
    `<polygon points="${pts(starPoints(32, 34, 29, 12.5))}" fill="#FDD835" stroke-width="3.5"/>` +
    '<path d="M32 15 L28 29" stroke="#FFF59D" stroke-width="3"/>'
  )
}

function sun(): string {
  const rays = Array.from({ length: 10 }, (_, i) => {
    const a = -90 + 36 * i
    return `<polygon points="${pts([polar(32, 32, 16, a - 13), polar(32, 32, 28.5, a), polar(32, 32, 16, a + 13)])}"/>`
  }).join('')
  return (
    `<g fill="#FFB300">${rays}</g>` +
    '<circle cx="32" cy="32" r="15" fill="#FB8C00"/>' +
    `<circle cx="27" cy="29" r="2.2" fill="${INK}" stroke="none"/><circle cx="37" cy="29" r="2.2" fill="${INK}" stroke="none"/>` +
    '<path d="M25.5 35 Q32 41 38.5 35" stroke-width="2.5"/>'
  )
}

function tree(): string {
  return (
    '<path d="M28 34 H36 L38 58 H26 Z" fill="#8D6E63"/>' +
    '<path d="M32 46 L40 38 M32 50 L25 42" stroke-width="3"/>' +
    silhouette(
      '<circle cx="32" cy="19" r="14"/><circle cx="18" cy="29" r="11"/><circle cx="46" cy="29" r="11"/><circle cx="32" cy="33" r="11"/>',
      '#43A047',
    ) +
    '<path d="M5 60 H59" stroke-width="3"/>' +
    '<circle cx="24" cy="20" r="3" fill="#E53935" stroke-width="2"/><circle cx="41" cy="25" r="3" fill="#E53935" stroke-width="2"/><circle cx="27" cy="34" r="3" fill="#E53935" stroke-width="2"/>'
  )
}

function bicycle(): string {
  return (
    '<circle cx="15" cy="44" r="11" fill="#FFFFFF" stroke-width="4"/><circle cx="49" cy="44" r="11" fill="#FFFFFF" stroke-width="4"/>' +
    '<circle cx="15" cy="44" r="2" fill="' +
    INK +
    '"/><circle cx="49" cy="44" r="2" fill="' +
    INK +
    '"/>' +
    '<path d="M15 44 L30 44 L24 26 Z M24 26 L44 26 L30 44 M44 26 L49 44" stroke="#1E88E5" stroke-width="4.5"/>' +
    '<path d="M44 26 L41 17 M36 17 H46" stroke-width="4"/>' +
    '<path d="M18 22 H30" stroke-width="5"/>' +
    '<circle cx="30" cy="44" r="3.5" fill="#1E88E5" stroke-width="2.5"/>'
  )
}

function book(): string {
  return (
    '<path d="M3 18 V54 H27 Q32 54 32 58 Q32 54 37 54 H61 V18" fill="#C62828"/>' +
    '<path d="M32 16 Q22 8 7 12 V50 Q22 46 32 54 Z" fill="#FFFFFF"/>' +
    '<path d="M32 16 Q42 8 57 12 V50 Q42 46 32 54 Z" fill="#FFFFFF"/>' +
    '<path d="M12 21 Q20 19 27 23 M12 29 Q20 27 27 31 M12 37 Q20 35 27 39 M37 23 Q44 19 52 21 M37 31 Q44 27 52 29 M37 39 Q44 35 52 37" stroke="#90A4AE" stroke-width="2.5"/>'
  )
}

function lamp(): string {
  return (
    '<path d="M32 3 C42 14 44 24 39 31 Q32 37 25 31 C20 24 22 14 32 3 Z" fill="#FFB300"/>' +
    '<path d="M32 15 C36 21 37 26 35 29.5 Q32 32 29 29.5 C27 26 28 21 32 15 Z" fill="#E65100" stroke="none"/>' +
    '<path d="M32 33 V38" stroke-width="3"/>' +
    '<path d="M4 38 Q32 44 60 38 Q58 52 46 56 H18 Q6 52 4 38 Z" fill="#C0622F"/>' +
    '<path d="M16 47 H48" stroke="#FFD54F" stroke-width="3" stroke-dasharray="0.1 6"/>'
  )
}

function fish(): string {
  return (
    '<polygon points="44,32 60,18 57,32 60,46" fill="#00796B"/>' +
    '<path d="M22 22 Q28 9 38 21 Z M25 42 Q28 52 35 43 Z" fill="#00796B"/>' +
    '<path d="M5 32 C12 17 32 14 47 32 C32 50 12 47 5 32 Z" fill="#26A69A"/>' +
    '<circle cx="16" cy="29" r="4" fill="#FFFFFF" stroke-width="2"/><circle cx="15.5" cy="29" r="1.8" fill="' +
    INK +
    '" stroke="none"/>' +
    '<path d="M24 24 Q28 32 24 40" stroke-width="2.5"/>' +
    '<path d="M31 30 q2 2 4 0 M34 36 q2 2 4 0" stroke-width="2"/>'
  )
}

function bird(): string {
  return (
    '<path d="M26 50 L24 59 M34 50 L36 59 M20 59 H28 M32 59 H40" stroke-width="2.5"/>' +
    '<polygon points="14,36 4,28 7,45" fill="#1565C0"/>' +
    silhouette('<ellipse cx="29" cy="39" rx="17" ry="12"/><circle cx="44" cy="25" r="11"/>', '#29B6F6') +
    '<polygon points="54,21 61,25.5 54,30" fill="#FFA000"/>' +
    '<path d="M18 36 Q30 28 38 38 Q28 48 18 36 Z" fill="#1565C0"/>' +
    '<circle cx="46" cy="22" r="2.4" fill="' +
    INK +
    '" stroke="none"/>'
  )
}

function butterfly(): string {
  const half =
    '<path d="M31 29 C24 6 6 4 5 14 C4 24 16 32 31 31 Z" fill="#8E24AA"/>' +
    '<path d="M31 34 C20 32 8 40 12 50 C16 58 28 50 31 36 Z" fill="#BA68C8"/>' +
    '<circle cx="15" cy="16" r="3.5" fill="#FFEB3B" stroke-width="2"/><circle cx="19" cy="44" r="2.5" fill="#FFEB3B" stroke-width="2"/>'
  return (
    half +
    `<g transform="matrix(-1 0 0 1 64 0)">${half}</g>` +
    '<path d="M31 20 Q28 10 22 6 M33 20 Q36 10 42 6" stroke-width="2.5"/>' +
    `<ellipse cx="32" cy="35" rx="3.5" ry="15" fill="${INK}"/>`
  )
}

function apple(): string {
  return (
    '<path d="M32 18 Q32 10 37 5" stroke="#5D4037" stroke-width="4"/>' +
    '<path d="M35 12 C38 4 48 3 53 6 C50 13 42 15 35 12 Z" fill="#66BB6A"/>' +
    '<path d="M32 19 C22 12 7 15 7 33 C7 49 19 61 32 56 C45 61 57 49 57 33 C57 15 42 12 32 19 Z" fill="#E53935"/>' +
    '<path d="M15 30 Q16 23 22 21" stroke="#FFFFFF" stroke-width="3.5"/>'
  )
}

function ball(): string {
  const c = 32
  const patches: string[] = []
  const spokes: string[] = []
  for (let i = 0; i < 5; i++) {
    const a = -90 + 72 * i,
      b = a + 36
    patches.push(
      `<polygon points="${pts([polar(c, c, 19.5, b), polar(c, c, 23, b + 17), polar(c, c, 27, b + 15), polar(c, c, 27, b - 15), polar(c, c, 23, b - 17)])}"/>`,
    )
    const [sx, sy] = polar(c, c, 16, a),
      [ex, ey] = polar(c, c, 9, a)
    const [lx, ly] = polar(c, c, 23, a + 19),
      [rx, ry] = polar(c, c, 23, a - 19)
    spokes.push(`M${n(ex)} ${n(ey)} L${n(sx)} ${n(sy)} M${n(lx)} ${n(ly)} L${n(sx)} ${n(sy)} L${n(rx)} ${n(ry)}`)
  }
  return (
    '<circle cx="32" cy="32" r="27" fill="#FFFFFF"/>' +
    `<path d="${spokes.join(' ')}" stroke-width="2.5"/>` +
    `<g fill="${INK}" stroke-width="2">${patches.join('')}</g>` +
    `<polygon points="${pts([0, 1, 2, 3, 4].map((i) => polar(c, c, 9.5, -90 + 72 * i)))}" fill="${INK}" stroke-width="2"/>` +
    '<circle cx="32" cy="32" r="27" stroke-width="3.5"/>'
  )
}

function balloon(): string {
  const one = (cx: number, cy: number, fill: string) =>
    `<ellipse cx="${cx}" cy="${cy}" rx="11" ry="13.5" fill="${fill}"/><polygon points="${cx},${cy + 13} ${cx - 3},${cy + 17} ${cx + 3},${cy + 17}" fill="${fill}" stroke-width="2"/>` +
    `<path d="M${cx - 5} ${cy - 6} Q${cx - 4} ${cy - 9} ${cx - 1} ${cy - 10}" stroke="#FFFFFF" stroke-width="2.5"/>`
  return (
    '<path d="M18 41 Q26 50 32 61 M32 33 Q30 48 32 61 M46 41 Q38 50 32 61" stroke-width="2"/>' +
    one(32, 17, '#FDD835') +
    one(17, 25, '#E53935') +
    one(47, 25, '#1E88E5')
  )
}

function boat(): string {
  return (
    '<path d="M32 8 V42" stroke-width="3"/>' +
    '<polygon points="35,9 35,38 56,38" fill="#FFFFFF"/>' +
    '<polygon points="29,14 29,38 12,38" fill="#FFE0B2"/>' +
    '<path d="M4 42 H60 L51 54 H13 Z" fill="#8D6E63"/>' +
    '<path d="M4 59 Q8 55.5 12 59 T20 59 T28 59 T36 59 T44 59 T52 59 T60 59" stroke="#1E88E5" stroke-width="3.5"/>'
  )
}

function bell(): string {
  return (
    '<path d="M32 4 V10" stroke-width="4"/>' +
    '<circle cx="32" cy="52" r="6" fill="#6D4C41"/>' +
    '<path d="M32 9 C19 9 16 20 16 32 C16 39 12 43 7 47 H57 C52 43 48 39 48 32 C48 20 45 9 32 9 Z" fill="#FFC107"/>' +
    '<rect x="6" y="45" width="52" height="6" rx="3" fill="#FFA000"/>' +
    '<path d="M23 20 Q21 27 22 36" stroke="#FFF8E1" stroke-width="3"/>'
  )
}

function cup(): string {
  return (
    '<path d="M22 13 q-3 -4 0 -8 M31 13 q-3 -4 0 -8 M40 13 q-3 -4 0 -8" stroke="#90A4AE" stroke-width="2.5"/>' +
    '<ellipse cx="32" cy="53" rx="27" ry="6" fill="#B0BEC5"/>' +
    '<path d="M46 25 C60 23 60 42 44 41" stroke-width="9"/>' +
    '<path d="M46 25 C60 23 60 42 44 41" stroke="#FFFFFF" stroke-width="3.5"/>' +
    '<path d="M12 18 H52 L47 45 Q45 52 38 52 H26 Q19 52 17 45 Z" fill="#FFFFFF"/>' +
    '<path d="M14.5 30 H49.5" stroke="#E53935" stroke-width="4"/>' +
    '<ellipse cx="32" cy="18" rx="20" ry="3" fill="#8D6E63" stroke-width="2.5"/>'
  )
}

function pencil(): string {
  return (
    '<g transform="translate(-2.5 2.5) rotate(-45 32 32)">' +
    '<rect x="13" y="23" width="39" height="18" fill="#D32F2F"/>' +
    `<rect x="13" y="30" width="39" height="4" fill="${INK}" stroke="none"/>` +
    '<rect x="52" y="23" width="6" height="18" fill="#B0BEC5"/>' +
    '<path d="M58 23 H61 Q65 23 65 27 V37 Q65 41 61 41 H58 Z" fill="#F48FB1"/>' +
    '<polygon points="13,23 13,41 -1,32" fill="#FFCC80"/>' +
    `<polygon points="4.5,28.5 4.5,35.5 -1,32" fill="${INK}"/>` +
    '</g>'
  )
}

function cloud(): string {
  return (
    '<path d="M20 50 L17 56 M32 50 L29 56 M44 50 L41 56" stroke="#1E88E5" stroke-width="4"/>' +
    silhouette(
      '<circle cx="18" cy="33" r="11"/><circle cx="31" cy="24" r="14"/><circle cx="46" cy="31" r="11"/><rect x="8" y="32" width="48" height="12" rx="6"/>',
      '#B3E5FC',
    )
  )
}

function rainbow(): string {
  const colours = ['#E53935', '#FB8C00', '#FDD835', '#43A047', '#1E88E5', '#8E24AA']
  const cy = 48
  const bands = colours
    .map((c, i) => {
      const r = 27 - 3.8 * i
      return `<path d="M${n(32 - r)} ${cy} A${r} ${r} 0 0 1 ${n(32 + r)} ${cy}" stroke="${c}" stroke-width="3.9" stroke-linecap="butt"/>`
    })
    .join('')
  const outer = 28.9,
    inner = Math.round((28.9 - 3.8 * 6) * 100) / 100
  return (
    bands +
    `<path d="M${32 - outer} ${cy} A${outer} ${outer} 0 0 1 ${32 + outer} ${cy} M${32 - inner} ${cy} A${inner} ${inner} 0 0 1 ${32 + inner} ${cy} M${32 - outer} ${cy} H${32 - inner} M${32 + inner} ${cy} H${32 + outer}" stroke-width="2.5"/>`
  )
}

function house(): string {
  return (
    '<rect x="42" y="8" width="7" height="14" fill="#8D6E63"/>' +
    '<rect x="13" y="29" width="38" height="28" fill="#FFE082"/>' +
    '<polygon points="5,32 32,7 59,32" fill="#D84315"/>' +
    '<path d="M26 57 V45 Q26 40 32 40 Q38 40 38 45 V57" fill="#6D4C41"/>' +
    '<rect x="17" y="37" width="6" height="6" fill="#4FC3F7" stroke-width="2.5"/><rect x="42" y="37" width="6" height="6" fill="#4FC3F7" stroke-width="2.5"/>' +
    '<path d="M5 57 H59" stroke-width="3"/>'
  )
}

function cow(): string {
  return (
    '<path d="M21 18 C14 16 9 10 10 3 C14 8 18 10 24 12 Z M43 18 C50 16 55 10 54 3 C50 8 46 10 40 12 Z" fill="#EFEBE9"/>' +
    '<ellipse cx="11.5" cy="26" rx="8" ry="4.5" fill="#A1887F" transform="rotate(20 11.5 26)"/><ellipse cx="52.5" cy="26" rx="8" ry="4.5" fill="#A1887F" transform="rotate(-20 52.5 26)"/>' +
    '<path d="M18 20 Q32 8 46 20 L44 44 H20 Z" fill="#FFFFFF"/>' +
    '<path d="M34 13 Q44 12 45.5 22 L45 28 Q38 30 35 24 Q31 18 34 13 Z" fill="#8D6E63" stroke="none"/>' +
    '<path d="M18 20 Q32 8 46 20 L44 44 H20 Z"/>' +
    `<circle cx="26" cy="29" r="2.6" fill="${INK}" stroke="none"/><circle cx="38" cy="29" r="2.6" fill="${INK}" stroke="none"/>` +
    '<ellipse cx="32" cy="47" rx="14" ry="10" fill="#F8BBD0"/>' +
    `<ellipse cx="27" cy="46" rx="2" ry="3" fill="${INK}" stroke="none"/><ellipse cx="37" cy="46" rx="2" ry="3" fill="${INK}" stroke="none"/>` +
    '<path d="M28 52 Q32 54 36 52" stroke-width="2"/>'
  )
}

function top(): string {
  // The cone runs straight from (7, 27) and (57, 27) to the tip (32, 55); a stripe is the cone between two heights.
  const half = (y: number) => (25 * (55 - y)) / 28
  const stripe = (y1: number, y2: number, fill: string) =>
    `<polygon points="${pts([
      [32 - half(y1), y1],
      [32 + half(y1), y1],
      [32 + half(y2), y2],
      [32 - half(y2), y2],
    ])}" fill="${fill}" stroke="none"/>`
  const body = 'M7 27 C7 10 57 10 57 27 L32 55 Z'
  return (
    '<path d="M32 52 V60" stroke="#78909C" stroke-width="4.5"/>' +
    '<rect x="27" y="3" width="10" height="12" rx="3" fill="#E53935"/>' +
    `<path d="${body}" fill="#E0B07A"/>` +
    '<path d="M9 21 Q32 15 55 21 Q57 25 57 27 H7 Q7 25 9 21 Z" fill="#E53935" stroke="none"/>' +
    stripe(27, 33, '#FDD835') +
    stripe(33, 39, '#1E88E5') +
    stripe(39, 44, '#FDD835') +
    `<path d="${body}"/>`
  )
}

function carrot(): string {
  return (
    '<g transform="rotate(30 32 32) translate(2.56 2.56) scale(0.92)">' +
    '<path d="M32 20 Q26 10 20 4 Q30 6 32 16 Q34 2 38 1 Q36 10 33 18 Q40 8 46 7 Q40 14 33 20 Z" fill="#43A047"/>' +
    '<path d="M19 23 Q32 13 45 23 L35 60 Q32 65 29 60 Z" fill="#FB8C00"/>' +
    '<path d="M23 31 H29 M36 37 H41 M26 45 H31 M34 52 H37" stroke-width="2.5"/>' +
    '</g>'
  )
}

function watermelon(): string {
  const seeds = [
    [32, 20],
    [27, 29],
    [37, 29],
    [22, 38],
    [32, 38],
    [42, 38],
    [27, 46],
    [37, 46],
  ]
    .map(([x, y]) => `<ellipse cx="${x}" cy="${y}" rx="1.7" ry="2.7" fill="${INK}" stroke="none"/>`)
    .join('')
  // Sides from the tip (32, 5) to (5, 47) and (59, 47); the rind follows the curved edge.
  const side = (y: number) => (27 * (y - 5)) / 42
  const [yl, yi] = [47, 41.5]
  return (
    '<path d="M32 5 L5 47 Q32 64 59 47 Z" fill="#EF5350"/>' +
    `<path d="M5 47 Q32 64 59 47 L${n(32 + side(yi))} ${yi} Q32 57 ${n(32 - side(yi))} ${yi} Z" fill="#43A047" stroke="none"/>` +
    `<path d="M${n(32 - side(yi))} ${yi} Q32 57 ${n(32 + side(yi))} ${yi}" stroke="#DCEDC8" stroke-width="3" stroke-linecap="butt"/>` +
    `<path d="M32 5 L5 ${yl} Q32 64 59 ${yl} Z"/>` +
    seeds
  )
}

function grapes(): string {
  const berries = [
    [15, 23.5],
    [27, 22.5],
    [39, 22.5],
    [51, 23.5],
    [21, 34],
    [33, 34],
    [45, 34],
    [27, 44.5],
    [39, 44.5],
    [33, 55],
  ]
    .map(
      ([x, y]) =>
        `<circle cx="${x}" cy="${y}" r="6.5" fill="#7B1FA2" stroke-width="2.5"/><circle cx="${x - 2}" cy="${y - 2}" r="1.6" fill="#E1BEE7" stroke="none"/>`,
    )
    .join('')
  return (
    '<path d="M33 18 Q32 10 27 4" stroke="#5D4037" stroke-width="4"/>' +
    '<path d="M34 12 C38 4 50 3 56 7 C50 15 40 16 34 12 Z" fill="#66BB6A"/>' +
    berries
  )
}

function turtle(): string {
  return (
    '<path d="M9 38 L3.5 42 L10 44 Z" fill="#9CCC65"/>' +
    '<rect x="11" y="38" width="10" height="14" rx="4" fill="#9CCC65"/><rect x="39" y="38" width="10" height="14" rx="4" fill="#9CCC65"/>' +
    silhouette(
      '<ellipse cx="52" cy="32" rx="7" ry="7"/><rect x="43" y="31" width="10" height="10" rx="3"/>',
      '#9CCC65',
    ) +
    `<circle cx="54" cy="30" r="2" fill="${INK}" stroke="none"/>` +
    '<path d="M53 35 Q55 36 57 34.5" stroke-width="2"/>' +
    '<path d="M5 42 Q5 12 30 12 Q55 12 55 42 Z" fill="#6D8B3A"/>' +
    '<path d="M21 42 L23 28 H37 L39 42 M23 28 L18 16 M37 28 L42 16 M23 28 L8 34 M37 28 L52 34" stroke-width="2.5" stroke="#33691E"/>' +
    '<path d="M5 42 Q5 12 30 12 Q55 12 55 42 Z"/>' +
    '<rect x="3" y="40" width="54" height="5" rx="2.5" fill="#C5E1A5" stroke-width="2.5"/>'
  )
}

function rabbit(): string {
  return (
    '<ellipse cx="37" cy="14" rx="4.5" ry="10.5" fill="#ECEFF1" transform="rotate(-12 37 14)"/>' +
    '<ellipse cx="46" cy="15" rx="4.5" ry="10.5" fill="#ECEFF1" transform="rotate(18 46 15)"/>' +
    '<ellipse cx="37" cy="15" rx="1.8" ry="6.5" fill="#F48FB1" stroke="none" transform="rotate(-12 37 15)"/>' +
    '<ellipse cx="46" cy="16" rx="1.8" ry="6.5" fill="#F48FB1" stroke="none" transform="rotate(18 46 16)"/>' +
    '<circle cx="9" cy="43" r="5.5" fill="#FFFFFF"/>' +
    silhouette(
      '<ellipse cx="27" cy="44" rx="18" ry="12.5"/><circle cx="43" cy="30" r="11"/><ellipse cx="38" cy="55" rx="9" ry="3.5"/>',
      '#ECEFF1',
    ) +
    `<circle cx="46" cy="28" r="2.4" fill="${INK}" stroke="none"/>` +
    '<circle cx="53.5" cy="32" r="2" fill="#F06292" stroke="none"/>' +
    '<path d="M30 45 Q33 50 30 55" stroke-width="2.5"/>'
  )
}

function frog(): string {
  return (
    silhouette(
      '<ellipse cx="32" cy="40" rx="27" ry="18"/><circle cx="18" cy="20" r="10"/><circle cx="46" cy="20" r="10"/>',
      '#7CB342',
    ) +
    '<circle cx="18" cy="20" r="6" fill="#FFFFFF" stroke-width="2"/><circle cx="46" cy="20" r="6" fill="#FFFFFF" stroke-width="2"/>' +
    `<circle cx="19" cy="21" r="3" fill="${INK}" stroke="none"/><circle cx="45" cy="21" r="3" fill="${INK}" stroke="none"/>` +
    '<path d="M16 40 Q32 52 48 40" stroke-width="3"/>' +
    '<circle cx="13" cy="40" r="3.5" fill="#F48FB1" stroke="none"/><circle cx="51" cy="40" r="3.5" fill="#F48FB1" stroke="none"/>' +
    '<circle cx="28" cy="31" r="1.3" fill="' +
    INK +
    '" stroke="none"/><circle cx="36" cy="31" r="1.3" fill="' +
    INK +
    '" stroke="none"/>'
  )
}

function pineapple(): string {
  const cx = 32,
    cy = 41,
    rx = 15,
    ry = 18.5
  const lines: string[] = []
  for (const k of [-24, -12, 0, 12, 24]) {
    lines.push(chordInEllipse(cx, cy, rx, ry, cx + k, cy, 1, 1.3, ''))
    lines.push(chordInEllipse(cx, cy, rx, ry, cx + k, cy, -1, 1.3, ''))
  }
  return (
    '<path d="M32 25 L22 6 L30 14 L32 3 L35 14 L42 6 Z" fill="#43A047"/>' +
    '<path d="M32 26 L12 16 L24 19 Z M32 26 L52 16 L40 19 Z" fill="#2E7D32"/>' +
    `<ellipse cx="${cx}" cy="${cy}" rx="${rx}" ry="${ry}" fill="#FFB300"/>` +
    `<g stroke="#8D6E63" stroke-width="2">${lines.join('')}</g>` +
    `<ellipse cx="${cx}" cy="${cy}" rx="${rx}" ry="${ry}"/>`
  )
}

const drawings: Record<SymbolId, string> = {
  flower: flower(),
  kite: kite(),
  star: star(),
  sun: sun(),
  tree: tree(),
  bicycle: bicycle(),
  book: book(),
  lamp: lamp(),
  fish: fish(),
  bird: bird(),
  butterfly: butterfly(),
  apple: apple(),
  ball: ball(),
  balloon: balloon(),
  boat: boat(),
  bell: bell(),
  cup: cup(),
  pencil: pencil(),
  cloud: cloud(),
  rainbow: rainbow(),
  house: house(),
  cow: cow(),
  top: top(),
  carrot: carrot(),
  watermelon: watermelon(),
  grapes: grapes(),
  turtle: turtle(),
  rabbit: rabbit(),
  frog: frog(),
  pineapple: pineapple(),
}

export function symbolSvg(id: SymbolId, options: { size?: number; title?: string } = {}): string {
  if (!isSymbol(id)) throw new Error(`unknown ballot symbol: ${String(id)}`)
  if (options.title !== undefined) return pictureSvg(drawings[id], options.size ?? 96, options.title, ['symbol', id])
  // Every ballot page draws every candidate's symbol: the same few strings, made once instead of per page.
  const key = `${id} ${options.size ?? 96}`
  let svg = drawn.get(key)
  if (svg === undefined) {
    if (drawn.size >= 1000) drawn.clear()
    svg = pictureSvg(drawings[id], options.size ?? 96, undefined, ['symbol', id])
    drawn.set(key, svg)
  }
  return svg
}
const drawn = new Map<string, string>()

/** Where the app serves the sprite (public/symbols.svg), named in pages by its version. */
export const SYMBOL_SPRITE = '/static/symbols.svg'

/**
 * Every symbol in one SVG file, each a `<symbol id="kite">` (the file is alone on its page, so its ids
 * are its own). A staff page draws a symbol by reference to it (`symbolUse`): the browser fetches the file
 * once and keeps it, and a page with a contest's symbols is 700–1,000 bytes lighter per candidate. The
 * ballot keeps its symbols inline (`symbolSvg`): a tablet must draw them even if the Wi-Fi drops
 * before the file came. public/symbols.svg is this function's output (tests/domain/symbols.test.ts).
 */
export function symbolSprite(): string {
  const each = symbols.map(
    (id) =>
      `<symbol id="${id}" viewBox="0 0 64 64"><g fill="none" stroke="${INK}" stroke-width="3" stroke-linecap="round" stroke-linejoin="round">${drawings[id]}</g></symbol>`,
  )
  return `<svg xmlns="http://www.w3.org/2000/svg">\n${each.join('\n')}\n</svg>\n`
}

/**
 * A symbol drawn from the sprite at `href` (the sprite's URL with its version), `size` px square, hidden
 * from screen readers as the inline one is (its name is written next to it).
 */
export function symbolUse(id: SymbolId, href: string, size = 48): string {
  if (!isSymbol(id)) throw new Error(`unknown ballot symbol: ${String(id)}`)
  const px = String(Math.round(size * 100) / 100)
  return `<svg viewBox="0 0 64 64" width="${px}" height="${px}" aria-hidden="true" focusable="false" data-symbol="${id}"><use href="${href}#${id}"/></svg>`
}
