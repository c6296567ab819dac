/** The parts of subset-font and fontverter (CommonJS packages without types) that scripts/subset-fonts.ts uses. */
declare module 'subset-font' {
  type Options = {
    targetFormat?: 'woff2' | 'woff' | 'truetype' | 'sfnt'
    /** OpenType feature tags to keep; all of the font's by default. */
    keepFeatures?: string[]
    noHinting?: boolean
  }
  /** A font holding only the glyphs `text` needs, its shaping rules (conjuncts, marks) followed through. */
  function subsetFont(font: Uint8Array, text: string, options?: Options): Promise<Buffer>
  export default subsetFont
}

declare module 'fontverter' {
  /** The same font in another container, e.g. a WOFF2 file as a plain TrueType one (`'truetype'`). */
  export function convert(font: Uint8Array, toFormat: 'woff2' | 'woff' | 'truetype' | 'sfnt'): Promise<Buffer>
}
