/// <reference path="../../scripts/font-packages.d.ts" />
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { convert } from 'fontverter'
import { Blob, Buffer as ShapingBuffer, Face, Font, shape } from 'harfbuzzjs'
import {
  CSS_FILE,
  FACES,
  PRELOAD_FILE,
  cutFace,
  fontFaceRules,
  preloadLinks,
  packageFont,
  type FaceSpec,
} from '../../scripts/subset-fonts.ts'
import { FONT_DIR, fontVersion, fontVersions } from '../../src/web/fonts.ts'

const root = path.resolve(import.meta.dirname, '../..')
/** What every first visit fetches (the preloaded faces): issue 14 wants first loads of 60 KB at most, font included. */
const FIRST_VISIT_BUDGET = 32 * 1024
/** The rare letters' face, fetched only by a page that shows one. */
const RARE_BUDGET = 12 * 1024

const served = (face: FaceSpec) => fs.readFileSync(path.join(FONT_DIR, face.file))
async function harfbuzzFace(woff2: Uint8Array) {
  return new Face(new Blob(await convert(woff2, 'truetype')))
}
async function cmapOf(woff2: Uint8Array) {
  return new Set((await harfbuzzFace(woff2)).collectUnicodes())
}
// One at a time: the WOFF2 decoder (wasm) is not to be run twice at once.
const faces: { face: FaceSpec; cmap: Set<number> }[] = []
for (const face of FACES) faces.push({ face, cmap: await cmapOf(served(face)) })
type Served = (typeof faces)[number]

/** Basic Latin, Latin-1 and general punctuation: drawn by the device's own font. */
const isLatin = (c: string) => {
  const cp = c.codePointAt(0)!
  return cp <= 0x024f || (cp >= 0x2000 && cp <= 0x206f)
}

/** The characters of `text` no served face draws: none has it both in its file and in its unicode-range. */
function missingFrom(faces: Served[], text: string): string[] {
  return [...new Set(text)].filter((c) => {
    const cp = c.codePointAt(0)!
    return cp >= 0x20 && !faces.some(({ face, cmap }) => face.codepoints.includes(cp) && cmap.has(cp))
  })
}

function filesUnder(dir: string, ext: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    return e.isDirectory() ? filesUnder(p, ext) : p.endsWith(ext) ? [p] : []
  })
}
const strings = (v: unknown): string[] =>
  typeof v === 'string' ? [v] : v && typeof v === 'object' ? Object.values(v).flatMap(strings) : []
const dictionaryText = filesUnder(path.join(root, 'src/i18n'), '.json')
  .flatMap((f) => strings(JSON.parse(fs.readFileSync(f, 'utf8'))))
  .join('\n')
/** Every character the pages can show but typed data: dictionaries, templates and the scripts in public/. */
const usedText = [
  dictionaryText,
  ...[...filesUnder(path.join(root, 'views'), '.eta'), ...filesUnder(path.join(root, 'public'), '.js')].map((f) =>
    fs.readFileSync(f, 'utf8'),
  ),
].join('\n')

describe('the served font', () => {
  it('stays under its byte budget: what every first visit fetches, and the rare letters apart', () => {
    const preloaded = FACES.filter((f) => f.preload).reduce((n, f) => n + served(f).length, 0)
    expect(preloaded).toBeLessThanOrEqual(FIRST_VISIT_BUDGET)
    for (const face of FACES.filter((f) => !f.preload)) expect(served(face).length).toBeLessThanOrEqual(RARE_BUDGET)
  })

  it('has every character the dictionaries, templates and scripts use (but symbols the package lacks)', async () => {
    const inPackage = new Set<number>()
    for (const file of ['devanagari', 'latin', 'latin-ext'])
      for (const c of await cmapOf(packageFont(`noto-sans-devanagari-${file}-400-normal.woff2`))) inPackage.add(c)
    // Latin letters, digits and punctuation are the device's own font's to draw (scripts/subset-fonts.ts).
    const missing = missingFrom(faces, usedText).filter((c) => !isLatin(c))
    expect(missing.filter((c) => inPackage.has(c.codePointAt(0)!))).toEqual([])
    // Arrows and ticks: drawn by the device's own fonts, as they always were. Never a letter or a sign.
    expect(missing.filter((c) => /[\p{L}\p{M}\p{N}]/u.test(c))).toEqual([])
  })

  it('the check fails for a character left out of the subset (control)', () => {
    expect(missingFrom(faces, 'बाल पंचायत ॴ').filter((c) => !isLatin(c))).toEqual([])
    // ॴ is in the rare letters' face only; Ж is in no face.
    const common = faces.filter(({ face }) => face.preload)
    expect(missingFrom(common, 'बाल पंचायत ॴ Ж').filter((c) => !isLatin(c))).toEqual(['ॴ', 'Ж'])
    expect(missingFrom(faces, 'बाल पंचायत Ж').filter((c) => !isLatin(c))).toEqual(['Ж'])
  })

  it("serves no Latin: every first load is lighter by the Latin face's bytes", () => {
    for (const { face } of faces) expect(face.codepoints.filter((c) => c < 0x0900)).toEqual([])
    expect(FACES.filter((f) => f.preload).map((f) => f.file)).toEqual([
      'noto-sans-devanagari-devanagari-400-normal.woff2',
    ])
  })

  it('draws the whole Devanagari block, ZWNJ and ZWJ, and the Vedic signs: any name a child may have', () => {
    const span = (from: number, to: number) =>
      String.fromCodePoint(...Array.from({ length: to - from + 1 }, (_, i) => from + i))
    expect(missingFrom(faces, span(0x0900, 0x097f))).toEqual([])
    expect(missingFrom(faces, '\u200c\u200d।॥')).toEqual([])
    expect(missingFrom(faces, span(0x1cd0, 0x1cf6) + span(0xa8e0, 0xa8ff))).toEqual([])
  })

  it('each face has every character of its unicode-range, and no two ranges overlap', () => {
    for (const { face, cmap } of faces)
      expect(
        face.codepoints.filter((c) => !cmap.has(c)),
        face.file,
      ).toEqual([])
    const all = FACES.flatMap((f) => f.codepoints)
    expect(all.length).toBe(new Set(all).size)
  })

  it('shapes Hindi as the package font does: same glyphs, conjuncts and marks in the same places', async () => {
    const core = FACES[0]
    const fonts = {
      subset: new Font(await harfbuzzFace(served(core))),
      original: new Font(await harfbuzzFace(packageFont(core.from))),
    }
    const layout = (font: Font, text: string) => {
      const buffer = new ShapingBuffer()
      buffer.addText(text)
      buffer.setLanguage('hi')
      buffer.guessSegmentProperties()
      shape(font, buffer)
      return buffer.getGlyphInfosAndPositions()
    }
    const words = new Set([
      ...(dictionaryText.match(/[\u0900-\u097f\u200c\u200d]+/g) ?? []),
      // Conjuncts, half forms, reph, rakar, nukta, the i sign's lengths, and ZWJ/ZWNJ asking for half forms.
      ...'क्षत्रिय ज्ञान श्रद्धा द्वार ब्रह्म विद्यालय पट्टी गड्ढा हृदय रुपया रूप कृष्ण धर्म कार्ड प्रार्थना'.split(' '),
      ...'क़िला ज़िम्मेदारी फ़िल्म ड़ ढ़ स्त्री उद्घाटन अङ्क पञ्चायत ड्डि क्‍ष क्‌ष ॐ ऑफ़िस डॉ॰ ₹'.split(' '),
    ])
    const differ: string[] = []
    for (const word of words) {
      const [subset, original] = [layout(fonts.subset, word), layout(fonts.original, word)]
      if (subset.some((g) => g.codepoint === 0)) differ.push(`${word}: a missing glyph`)
      const placed = (gs: typeof subset) => gs.map((g) => [g.cluster, g.xAdvance, g.xOffset, g.yOffset].join(','))
      if (placed(subset).join(' ') !== placed(original).join(' ')) differ.push(word)
    }
    expect(words.size).toBeGreaterThan(500)
    expect(differ).toEqual([])
  })

  it('is what scripts/subset-fonts.ts cuts from the package, named in app.css and the preloads by its hash', async () => {
    for (const face of FACES) expect(Buffer.compare(await cutFace(face), served(face)), face.file).toBe(0)
    const versions = fontVersions()
    expect([...versions.keys()].sort()).toEqual(FACES.map((f) => f.file).sort())
    for (const face of FACES) expect(versions.get(face.file)).toBe(fontVersion(served(face)))
    expect(fs.readFileSync(CSS_FILE, 'utf8')).toContain(fontFaceRules(versions))
    expect(fs.readFileSync(PRELOAD_FILE, 'utf8')).toBe(preloadLinks(versions))
  }, 60_000)
})
