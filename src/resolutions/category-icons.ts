import { INK, pictureSvg } from '../core/svg.ts'
// Category pictures for the children's board: one bold inline SVG per resolution category, so that
// children who cannot read yet can tell a card about school from one about water or safety.
//
// Drawn the same way as the ballot symbols (src/elections/symbols.ts): viewBox 0 0 64 64, a few
// basic shapes, a bold dark outline and flat fills, readable from 48 px up. The silhouettes differ
// first (book, bricks, rings, heart, tap, shield, kite, star) and each category has its own colour
// second. The two "no" categories (child labour, child marriage) put the picture under a red
// prohibition sign, as on Indian public notices.
//
// Everything here is drawn by us, never from input, except the optional label, which is escaped.
// No `style` attribute (the site's CSP forbids inline styles), no script, no link, no ids.

import { categories, type Category } from './tables.ts'

/** The outline colour every icon shares (the ballot symbols' ink). */
/** The prohibition sign's red. */
const NO_RED = '#D32F2F'

/** Each category's own colour: the icon's main fill, also usable to tint its card. */
export const categoryColours: Readonly<Record<Category, string>> = {
  education: '#EF6C00',
  child_labour: '#8D4E2A',
  child_marriage: '#F9A825',
  health: '#E53935',
  sanitation: '#1E88E5',
  safety: '#43A047',
  play: '#8E24AA',
  other: '#3F51B5',
}

const n = (v: number) => String(Math.round(v * 100) / 100)
const rad = (deg: number) => (deg * Math.PI) / 180
/** The point at `r` from (cx, cy) in direction `deg` (0° = right, 90° = down). */
const polar = (cx: number, cy: number, r: number, deg: number): [number, number] => [
  cx + r * Math.cos(rad(deg)),
  cy + r * Math.sin(rad(deg)),
]
const pts = (points: [number, number][]) => points.map(([x, y]) => `${n(x)},${n(y)}`).join(' ')

/** A line in `colour` with a dark edge: the ink drawn wider underneath. */
function edged(d: string, colour: string, width: number): string {
  return `<path d="${d}" stroke="${INK}" stroke-width="${n(width + 3.5)}"/><path d="${d}" stroke="${colour}" stroke-width="${n(width)}"/>`
}

/** A red prohibition sign (ring and slash, top left to bottom right) over whatever was drawn before it. */
function prohibited(): string {
  const r = 26.5
  const ring = `M${n(32 - r)} 32 A${r} ${r} 0 1 0 ${n(32 + r)} 32 A${r} ${r} 0 1 0 ${n(32 - r)} 32 Z`
  const [x1, y1] = polar(32, 32, r, -135),
    [x2, y2] = polar(32, 32, r, 45)
  const slash = `M${n(x1)} ${n(y1)} L${n(x2)} ${n(y2)}`
  // Both inks first, then both reds, so the ring and the slash join without a seam.
  return (
    `<path d="${ring} ${slash}" stroke="${INK}" stroke-width="9.5"/>` +
    `<path d="${ring} ${slash}" stroke="${NO_RED}" stroke-width="6"/>`
  )
}

/** An open book, pages spread, with lines of writing, on its coloured cover. */
function education(): string {
  const c = categoryColours.education
  return (
    `<path d="M2 15 V55 H26 Q32 55 32 59 Q32 55 38 55 H62 V15 Z" fill="${c}"/>` +
    '<path d="M32 14 Q22 6 7 10 V47 Q22 43 32 52 Z" fill="#FFFFFF"/>' +
    '<path d="M32 14 Q42 6 57 10 V47 Q42 43 32 52 Z" fill="#FFFFFF"/>' +
    '<path d="M12 19 Q20 17 27 21 M12 27 Q20 25 27 29 M12 35 Q20 33 27 37 M37 21 Q44 17 52 19 M37 29 Q44 25 52 27 M37 37 Q44 33 52 35" stroke="#546E7A" stroke-width="2.5"/>'
  )
}

/**
 * A child carrying a load of bricks on the head, beside a pile of bricks, under a prohibition sign.
 * The child stands right of centre so that the head and the load stay clear of the slash.
 */
function childLabour(): string {
  const brick = (x: number, y: number) =>
    `<rect x="${x}" y="${y}" width="8" height="5" fill="${categoryColours.child_labour}" stroke-width="2"/>`
  return (
    '<circle cx="32" cy="32" r="26" fill="#FFFFFF" stroke="none"/>' +
    brick(17, 43) +
    brick(25, 43) +
    brick(21, 38) +
    '<path d="M38.5 41 V49.5 M43.5 41 V49.5" stroke-width="4"/>' +
    edged('M37.5 33 L33 22.5 M44.5 33 L49 22.5', '#FFB74D', 2.5) +
    '<path d="M35.5 35 Q35.5 31.5 41 31.5 Q46.5 31.5 46.5 35 L47 42 H35 Z" fill="#26A69A"/>' +
    '<circle cx="41" cy="26.5" r="4.5" fill="#FFB74D"/>' +
    brick(32, 17) +
    brick(40, 17) +
    brick(35.5, 12) +
    prohibited()
  )
}

/** Two wedding rings, one with a stone, interlocked, under a prohibition sign. */
function childMarriage(): string {
  const c = categoryColours.child_marriage
  const r = 11,
    left = 25,
    right = 39,
    cy = 36
  const ring = (cx: number) => `M${cx - r} ${cy} A${r} ${r} 0 1 0 ${cx + r} ${cy} A${r} ${r} 0 1 0 ${cx - r} ${cy} Z`
  // The part of the left ring that passes over the right one, drawn again on top to interlock them.
  const [ax, ay] = polar(left, cy, r, -50),
    [bx, by] = polar(left, cy, r, 5)
  const over = `M${n(ax)} ${n(ay)} A${r} ${r} 0 0 1 ${n(bx)} ${n(by)}`
  return (
    '<circle cx="32" cy="32" r="26" fill="#FFFFFF" stroke="none"/>' +
    `<polygon points="${right - 6},${cy - r - 5} ${right - 3},${cy - r - 9} ${right + 3},${cy - r - 9} ${right + 6},${cy - r - 5} ${right},${cy - r + 1}" fill="#81D4FA" stroke-width="2.5"/>` +
    edged(ring(left), c, 5) +
    edged(ring(right), c, 5) +
    `<path d="${over}" stroke="${INK}" stroke-width="8.5" stroke-linecap="butt"/><path d="${over}" stroke="${c}" stroke-width="5" stroke-linecap="butt"/>` +
    prohibited()
  )
}

/** A red heart with a white pulse line across it. */
function health(): string {
  return (
    `<path d="M32 57 C14 45 4 34 4 21 C4 12 11 6 19 6 C25 6 30 10 32 14 C34 10 39 6 45 6 C53 6 60 12 60 21 C60 34 50 45 32 57 Z" fill="${categoryColours.health}"/>` +
    '<path d="M10 31 H21 L25 22 L31 42 L37 16 L41 31 H54" stroke="#FFFFFF" stroke-width="4.5"/>'
  )
}

/** A water tap on a wall pipe with a big drop falling from it. */
function sanitation(): string {
  const c = categoryColours.sanitation
  return (
    '<rect x="3" y="12" width="7" height="20" rx="2" fill="#78909C"/>' +
    // The handle on its stem.
    '<path d="M25 16 V8" stroke-width="4"/>' +
    '<rect x="15" y="4" width="20" height="6" rx="3" fill="#B0BEC5"/>' +
    // Pipe and spout in one outline.
    '<path d="M10 16 H38 Q50 16 50 28 V32 H40 V28 Q40 26 38 26 H10 Z" fill="#B0BEC5"/>' +
    '<path d="M12 19.5 H36" stroke="#ECEFF1" stroke-width="2.5"/>' +
    // The drop.
    `<path d="M45 36 C49 43 53 47 53 52 A8 8 0 0 1 37 52 C37 47 41 43 45 36 Z" fill="${c}"/>` +
    '<path d="M41 51 Q41 47 43.5 44.5" stroke="#BBDEFB" stroke-width="2.5"/>'
  )
}

/** A shield with a tick. */
function safety(): string {
  return (
    `<path d="M32 4 L56 12 V30 C56 45 46 54 32 60 C18 54 8 45 8 30 V12 Z" fill="${categoryColours.safety}"/>` +
    '<path d="M32 9.5 L51 16 V30 C51 42 43 50 32 55 Z" fill="#2E7D32" stroke="none"/>' +
    '<path d="M32 4 L56 12 V30 C56 45 46 54 32 60 C18 54 8 45 8 30 V12 Z"/>' +
    edged('M20 32 L28.5 40.5 L44 23', '#FFFFFF', 5.5)
  )
}

/** A kite (patang) with its sticks, a tail with bows, and the string. */
function play(): string {
  const c = categoryColours.play
  const bow = (x: number, y: number) =>
    `<polygon points="${x - 5},${y - 3} ${x + 5},${y + 3} ${x + 5},${y - 3} ${x - 5},${y + 3}" fill="#FDD835" stroke-width="2"/>`
  return (
    '<path d="M31 44 Q25 50 30 54 T27 62" stroke-width="2.5"/>' +
    '<path d="M31 44 C40 50 50 52 61 47" stroke-width="2"/>' +
    bow(27.5, 50) +
    bow(29.5, 58) +
    `<polygon points="${pts([
      [34, 2],
      [58, 20],
      [31, 44],
      [8, 21],
    ])}" fill="${c}"/>` +
    `<polygon points="${pts([
      [34, 2],
      [46, 11],
      [33, 22],
      [21, 11.5],
    ])}" fill="#FDD835"/>` +
    '<path d="M34 2 L31 44 M8 21 Q32 5 58 20" stroke-width="2.5"/>'
  )
}

/** A five-pointed star. */
function other(): string {
  const star = Array.from({ length: 10 }, (_, i) => polar(32, 34, i % 2 ? 12.5 : 29, -90 + 36 * i))
  return (
    `<polygon points="${pts(star)}" fill="${categoryColours.other}" stroke-width="3.5"/>` +
    '<path d="M32 15 L28 29" stroke="#C5CAE9" stroke-width="3"/>'
  )
}

const drawings: Record<Category, string> = {
  education: education(),
  child_labour: childLabour(),
  child_marriage: childMarriage(),
  health: health(),
  sanitation: sanitation(),
  safety: safety(),
  play: play(),
  other: other(),
}

const categorySet: ReadonlySet<unknown> = new Set(categories)

export function isCategory(x: unknown): x is Category {
  return categorySet.has(x)
}

/**
 * The category's picture as an inline SVG string, `size` px square (48 unless told). With a
 * `label` (the category's name in the reader's language) it is an image with that accessible name;
 * without one (or an empty one) it is hidden from screen readers, for when the name is written next to it.
 */
export function categoryIcon(category: Category, options: { size?: number; label?: string } = {}): string {
  if (!isCategory(category)) throw new Error(`unknown resolution category: ${String(category)}`)
  return pictureSvg(drawings[category], options.size ?? 48, options.label, ['category', category])
}
