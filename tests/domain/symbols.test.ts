import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { isSymbol, symbolSprite, symbolSvg, symbolUse, symbols } from '../../src/elections/symbols.ts'

const dictionary = (lang: 'hi' | 'en') =>
  JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, `../../src/i18n/symbols.${lang}.json`), 'utf8')) as {
    symbol: Record<string, string>
  }

describe('the ballot symbols', () => {
  it('are at least 24, with unique lowercase ascii ids', () => {
    expect(symbols.length).toBeGreaterThanOrEqual(24)
    expect(new Set(symbols).size).toBe(symbols.length)
    for (const id of symbols) expect(id).toMatch(/^[a-z][a-z-]*$/)
  })

  it('include the ones the product asks for', () => {
    for (const id of ['flower', 'kite', 'star', 'sun', 'tree', 'bicycle', 'book', 'lamp']) expect(symbols).toContain(id)
  })

  it('avoid the symbols of political parties', () => {
    // National and state parties' symbols (and a few close to them); the bicycle is allowed by the product owner.
    const party = [
      'lotus',
      'hand',
      'palm',
      'broom',
      'elephant',
      'lantern',
      'clock',
      'arrow',
      'bow',
      'hammer',
      'sickle',
      'fan',
      'ceiling-fan',
      'coconut',
      'coconut-tree',
      'leaves',
      'leaf',
      'rising-sun',
      'conch',
      'wheel',
      'spinning-wheel',
      'charkha',
      'car',
      'glass',
      'tumbler',
      'hurricane-lamp',
      'harvester',
      'tractor',
      'key',
      'banana',
      'mango',
      'drum',
      'umbrella',
      'ladder',
      'moon',
    ]
    expect(symbols.filter((id) => party.includes(id))).toEqual([])
  })

  it('have a Hindi and an English name each, and the two dictionaries have the same keys', () => {
    const hi = dictionary('hi'),
      en = dictionary('en')
    expect(Object.keys(hi)).toEqual(['symbol'])
    expect(Object.keys(en)).toEqual(['symbol'])
    expect(Object.keys(hi.symbol).sort()).toEqual([...symbols].sort())
    expect(Object.keys(en.symbol).sort()).toEqual([...symbols].sort())
    for (const id of symbols) {
      expect(hi.symbol[id], id).toMatch(/[\u0900-\u097F]/)
      expect(en.symbol[id], id).toMatch(/^[A-Z][A-Za-z ()]+$/)
    }
    expect(new Set(Object.values(hi.symbol)).size).toBe(symbols.length)
    expect(new Set(Object.values(en.symbol)).size).toBe(symbols.length)
  })

  it('recognises symbol ids and nothing else', () => {
    for (const id of symbols) expect(isSymbol(id)).toBe(true)
    for (const x of ['', 'Flower', 'lotus', ' star', 'toString', '__proto__', null, undefined, 1, {}, ['sun']])
      expect(isSymbol(x)).toBe(false)
  })
})

describe('symbolSvg', () => {
  it('draws every symbol as a self-contained SVG without inline styles, scripts or links', () => {
    for (const id of symbols) {
      for (const svg of [symbolSvg(id), symbolSvg(id, { size: 48, title: 'x' })]) {
        expect(svg.startsWith('<svg '), id).toBe(true)
        expect(svg.endsWith('</svg>'), id).toBe(true)
        expect(svg, id).toContain('viewBox="0 0 64 64"')
        expect(svg, id).not.toMatch(/style\s*=/i)
        expect(svg, id).not.toMatch(/<script|<style|<foreignObject|<image|<use\b/i)
        expect(svg, id).not.toMatch(/href|url\(|\bon[a-z]+\s*=|javascript:/i)
        expect(svg, id).not.toMatch(/\bid="/)
        expect(svg, id).not.toMatch(/NaN|undefined|Infinity/)
        // Only the root element opens the namespace, and every element is closed.
        expect(svg.match(/<svg\b/g), id).toHaveLength(1)
        const opened = [...svg.matchAll(/<([a-zA-Z]+)\b[^>]*?(\/?)>/g)].filter((m) => m[2] !== '/').map((m) => m[1])
        const closed = [...svg.matchAll(/<\/([a-zA-Z]+)>/g)].map((m) => m[1])
        expect(closed.sort(), id).toEqual(opened.sort())
        // Only basic shapes.
        const elements = new Set([...svg.matchAll(/<([a-zA-Z]+)\b/g)].map((m) => m[1]))
        for (const e of elements)
          expect(
            ['svg', 'title', 'g', 'circle', 'ellipse', 'rect', 'path', 'polygon', 'line'],
            `${id}: <${e}>`,
          ).toContain(e)
      }
    }
  })

  it('is hidden from screen readers without a title, and named by the title with one', () => {
    const hidden = symbolSvg('flower')
    expect(hidden).toContain('aria-hidden="true"')
    expect(hidden).not.toContain('role=')
    expect(hidden).not.toContain('<title>')
    expect(hidden).toContain('width="96" height="96"')

    const named = symbolSvg('flower', { title: 'फूल', size: 160 })
    expect(named).toContain('role="img"')
    expect(named).toContain('aria-label="फूल"')
    expect(named).toContain('<title>फूल</title>')
    expect(named).not.toContain('aria-hidden')
    expect(named).toContain('width="160" height="160"')
  })

  it('escapes the title', () => {
    const svg = symbolSvg('kite', { title: `<b>"Tom" & 'Jerry'</b>` })
    expect(svg).toContain('aria-label="&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;"')
    expect(svg).toContain('<title>&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;</title>')
    expect(svg).not.toContain('<b>')
    expect(svg).not.toContain('"Tom"')
  })

  it('draws no two symbols alike', () => {
    const drawings = symbols.map((id) => symbolSvg(id).replace(/ data-symbol="[^"]*"/, ''))
    expect(new Set(drawings).size).toBe(symbols.length)
  })

  it('refuses unknown symbols and impossible sizes', () => {
    expect(() => symbolSvg('lotus' as never)).toThrow()
    for (const size of [0, -5, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => symbolSvg('sun', { size })).toThrow(RangeError)
  })

  it('are all in the sprite file the app serves, drawn as inline, and a reference names one of them', () => {
    const file = fs.readFileSync(path.resolve(import.meta.dirname, '../../public/symbols.svg'), 'utf8')
    // public/symbols.svg is symbolSprite()'s output: after changing a drawing, write the file again.
    expect(file).toBe(symbolSprite())
    const ids = [...file.matchAll(/<symbol id="([a-z-]+)" viewBox="0 0 64 64">/g)].map((m) => m[1])
    expect(ids).toEqual([...symbols])
    for (const id of symbols) {
      const drawing = symbolSvg(id).match(/<g [^>]*>.*<\/g>/s)?.[0]
      expect(file, id).toContain(`<symbol id="${id}" viewBox="0 0 64 64">${drawing}</symbol>`)
    }
    const use = symbolUse('kite', '/static/symbols.svg?v=abc', 28)
    expect(use).toBe(
      '<svg viewBox="0 0 64 64" width="28" height="28" aria-hidden="true" focusable="false" data-symbol="kite"><use href="/static/symbols.svg?v=abc#kite"/></svg>',
    )
    expect(() => symbolUse('lotus' as never, '/x')).toThrow()
  })
})
