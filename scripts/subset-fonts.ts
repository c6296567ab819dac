/// <reference path="./font-packages.d.ts" />
/**
 * Cuts the font the app serves from @fontsource/noto-sans-devanagari (issue 14: it was 125 KB of every first visit).
 * One weight, 400: bold is drawn by the browser. Two files of one family, told apart by unicode-range, so that a
 * browser fetches only those whose characters the page shows (see FACES). Only Devanagari is served: the Latin
 * letters, digits and punctuation are drawn by the device's own sans-serif (Roboto on Android, whose shapes Noto's
 * Latin follows), which every phone and tablet draws well; a sixth Latin face would add 6 KB to every first load.
 *
 * `npx tsx scripts/subset-fonts.ts` writes vendor/fonts/, the @font-face rules at the top of public/app.css and the
 * preload links in views/partials/_fonts.eta. Run it after upgrading the font package or changing the sets below;
 * tests/domain/fonts.test.ts fails while any of them is out of date.
 */
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import subsetFont from 'subset-font'
import { FONT_DIR, fontVersion } from '../src/web/fonts.ts'

const root = path.resolve(import.meta.dirname, '..')
const packageDir = path.dirname(createRequire(import.meta.url).resolve('@fontsource/noto-sans-devanagari/package.json'))
export const FAMILY = 'Noto Sans Devanagari'
/** The same files, waited for, on a device with no Devanagari font of its own (public/font-wait.js). */
export const WAIT_FAMILY = 'Noto Sans Devanagari Wait'
export const CSS_FILE = path.join(root, 'public/app.css')
export const PRELOAD_FILE = path.join(root, 'views/partials/_fonts.eta')
const CSS_BEGIN = '/* Fonts: written by scripts/subset-fonts.ts, not by hand. */'
const CSS_END = '/* End of fonts. */'

const span = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)
const ZWNJ_ZWJ = [0x200c, 0x200d]
/** The dotted circle: HarfBuzz draws it under a vowel sign that has no letter to sit on. */
const DOTTED_CIRCLE = 0x25cc

/**
 * The Devanagari signs and letters Hindi does not use that cost most to carry: Sanskrit's vocalic L and RR signs and
 * the Vedic stress marks, Kashmiri's vowel signs and two of its letters, the letters added at the end of the block
 * for Sindhi and Marwari. With their glyphs and shaping rules they would add 7.5 KB to the file every page fetches,
 * so they come in a file of their own, fetched by the rare page that shows one (a child's name can hold any
 * Devanagari letter). A syllable mixing one of them with other letters or signs is drawn by the device's own
 * Devanagari font, which on Android is Noto Sans Devanagari too.
 */
export const RARE_DEVANAGARI = [
  ...[0x0944, 0x0962, 0x0963, 0x0951, 0x0952],
  ...[0x093a, 0x094e, 0x094f, 0x0955, 0x0956, 0x0957, 0x0974, 0x0975],
  ...[...span(0x0978, 0x097c), 0x097e, 0x097f],
]

export type FaceSpec = {
  /** The file in vendor/fonts/, and the @fontsource file it is cut from. */
  file: string
  from: string
  /** What the face's unicode-range says; the file holds these and whatever their shaping needs. */
  codepoints: number[]
  /** Also in the file, but left to another face (a browser fetches a face for the characters of its range only). */
  alsoInFile?: number[]
  /** Fetched by every page (each has Hindi text, and the other language's name in Latin letters, or the reverse). */
  preload: boolean
}

export const FACES: FaceSpec[] = [
  {
    // The whole block but the rare letters, with the rupee sign, ZWNJ and ZWJ (they choose half forms).
    file: 'noto-sans-devanagari-devanagari-400-normal.woff2',
    from: 'noto-sans-devanagari-devanagari-400-normal.woff2',
    codepoints: [
      ...span(0x0900, 0x097f).filter((c) => !RARE_DEVANAGARI.includes(c)),
      ...ZWNJ_ZWJ,
      0x20b9,
      DOTTED_CIRCLE,
    ],
    alsoInFile: [0x20, 0xa0],
    preload: true,
  },
  {
    // With what the package has of the Vedic Extensions and Devanagari Extended blocks.
    file: 'noto-sans-devanagari-devanagari-rare-400-normal.woff2',
    from: 'noto-sans-devanagari-devanagari-400-normal.woff2',
    codepoints: [...RARE_DEVANAGARI, ...span(0x1cd0, 0x1cf6), 0x1cf8, 0x1cf9, ...span(0xa8e0, 0xa8ff)],
    alsoInFile: [...ZWNJ_ZWJ, DOTTED_CIRCLE, 0x20, 0xa0],
    preload: false,
  },
]

/**
 * Every shaping feature of the font's Devanagari and Latin but `locl`, the Marathi and Nepali letter forms, which a
 * page in Hindi or English never asks for.
 */
const FEATURES = [
  ...['abvm', 'abvs', 'akhn', 'blwf', 'blwm', 'blws', 'cjct', 'dist', 'half', 'haln', 'nukt', 'pref', 'pres'],
  ...['pstf', 'psts', 'rkrf', 'rphf', 'vatu', 'ccmp', 'kern', 'mark', 'mkmk', 'liga', 'clig', 'calt', 'rlig'],
]

/** A file of the font package, e.g. `noto-sans-devanagari-latin-400-normal.woff2`. */
export const packageFont = (file: string) => fs.readFileSync(path.join(packageDir, 'files', file))

export async function cutFace(face: FaceSpec): Promise<Buffer> {
  const text = String.fromCodePoint(...face.codepoints, ...(face.alsoInFile ?? []))
  return subsetFont(packageFont(face.from), text, { targetFormat: 'woff2', keepFeatures: FEATURES })
}

/** `U+0900-0939, U+093B, …` */
export function unicodeRange(codepoints: number[]): string {
  const sorted = [...new Set(codepoints)].sort((a, b) => a - b)
  const hex = (c: number) => c.toString(16).toUpperCase().padStart(4, '0')
  const parts: string[] = []
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i]
    while (sorted[i + 1] === sorted[i] + 1) i++
    parts.push(start === sorted[i] ? `U+${hex(start)}` : `U+${hex(start)}-${hex(sorted[i])}`)
  }
  return parts.join(', ')
}

export const fontUrl = (face: FaceSpec, version: string) => `/vendor/fonts/${face.file}?v=${version}`

/**
 * `optional`: a face that is not there by the first paint is not swapped in later, so text never moves. The preloaded
 * ones are there (a browser holds the first paint a little for a preloaded optional font); a late rare face leaves
 * its letters to the device's font on that page, and the next page has it from cache.
 *
 * A device with no Devanagari font at all (a TV) would show a late font's letters as empty boxes for the whole
 * page: there public/font-wait.js puts the same files, as `${WAIT_FAMILY}` with `block`, behind the first family and
 * keeps the page hidden until they are in (at most 3 s). `swap` or `block` for everyone would move the text of
 * every device whose font differs when ours comes in (a layout shift); `optional` alone would leave a TV with boxes.
 * A family nobody's CSS names is never fetched, so other devices pay nothing for it.
 */
export function fontFaceRules(versions: Map<string, string>): string {
  const rule = (face: FaceSpec, family: string, display: string) =>
    `@font-face { font-family: "${family}"; font-style: normal; font-weight: 400; font-display: ${display};\n` +
    `  src: url(${fontUrl(face, versions.get(face.file)!)}) format("woff2");\n` +
    `  unicode-range: ${unicodeRange(face.codepoints)}; }`
  const rules = [
    ...FACES.map((face) => rule(face, FAMILY, 'optional')),
    ...FACES.map((face) => rule(face, WAIT_FAMILY, 'block')),
  ]
  return [CSS_BEGIN, ...rules, CSS_END].join('\n')
}

/**
 * The preloads, and the script that decides before the first paint whether the page waits for the font (the
 * page's `it.asset` names its version; a sheet that includes this without its data just does not wait).
 */
export function preloadLinks(versions: Map<string, string>): string {
  const href = (face: FaceSpec) => fontUrl(face, versions.get(face.file)!)
  return (
    FACES.filter((face) => face.preload)
      .map((face) => `<link rel="preload" href="${href(face)}" as="font" type="font/woff2" crossorigin>\n`)
      .join('') + `<% if (it && it.asset) { %><script src="<%= it.asset('/static/font-wait.js') %>"></script><% } %>\n`
  )
}

/** app.css with its font rules replaced by `rules`. */
export function withFontRules(css: string, rules: string): string {
  const begin = css.indexOf(CSS_BEGIN)
  const end = css.indexOf(CSS_END)
  if (begin < 0 || end < begin) throw new Error(`${CSS_FILE} has no "${CSS_BEGIN}" … "${CSS_END}" block`)
  return css.slice(0, begin) + rules + css.slice(end + CSS_END.length)
}

async function main() {
  const versions = new Map<string, string>()
  fs.mkdirSync(FONT_DIR, { recursive: true })
  for (const face of FACES) {
    const bytes = await cutFace(face)
    fs.writeFileSync(path.join(FONT_DIR, face.file), bytes)
    versions.set(face.file, fontVersion(bytes))
    console.log(`${face.file}: ${bytes.length} bytes (from ${packageFont(face.from).length})`)
  }
  fs.copyFileSync(path.join(packageDir, 'LICENSE'), path.join(FONT_DIR, 'LICENSE'))
  fs.writeFileSync(CSS_FILE, withFontRules(fs.readFileSync(CSS_FILE, 'utf8'), fontFaceRules(versions)))
  fs.writeFileSync(PRELOAD_FILE, preloadLinks(versions))
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main()
