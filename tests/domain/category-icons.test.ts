import { describe, expect, it } from 'vitest'
import { categoryColours, categoryIcon, isCategory } from '../../src/resolutions/category-icons.ts'
import { categories, type Category } from '../../src/resolutions/tables.ts'

describe('categoryIcon', () => {
  it('draws an icon for every category, each different from the others', () => {
    const drawings = categories.map((c) => categoryIcon(c).replace(/ data-category="[^"]*"/, ''))
    expect(drawings).toHaveLength(categories.length)
    expect(new Set(drawings).size).toBe(categories.length)
    expect(new Set(Object.values(categoryColours)).size).toBe(categories.length)
    expect(Object.keys(categoryColours).sort()).toEqual([...categories].sort())
  })

  it('draws self-contained SVGs without inline styles, scripts or links', () => {
    for (const c of categories) {
      for (const svg of [categoryIcon(c), categoryIcon(c, { size: 96, label: 'x' })]) {
        expect(svg.startsWith('<svg '), c).toBe(true)
        expect(svg.endsWith('</svg>'), c).toBe(true)
        expect(svg, c).toContain('viewBox="0 0 64 64"')
        expect(svg, c).toContain('focusable="false"')
        expect(svg, c).not.toMatch(/style\s*=/i)
        expect(svg, c).not.toMatch(/<script|<style|<foreignObject|<image|<use\b/i)
        expect(svg, c).not.toMatch(/href|url\(|\bon[a-z]+\s*=|javascript:/i)
        expect(svg, c).not.toMatch(/\bid="/)
        expect(svg, c).not.toMatch(/NaN|undefined|Infinity/)
        expect(svg.match(/<svg\b/g), c).toHaveLength(1)
        // Every element is closed.
        const opened = [...svg.matchAll(/<([a-zA-Z]+)\b[^>]*?(\/?)>/g)].filter((m) => m[2] !== '/').map((m) => m[1])
        const closed = [...svg.matchAll(/<\/([a-zA-Z]+)>/g)].map((m) => m[1])
        expect(closed.sort(), c).toEqual(opened.sort())
        // Only basic shapes.
        const elements = new Set([...svg.matchAll(/<([a-zA-Z]+)\b/g)].map((m) => m[1]))
        for (const e of elements)
          expect(
            ['svg', 'title', 'g', 'circle', 'ellipse', 'rect', 'path', 'polygon', 'line'],
            `${c}: <${e}>`,
          ).toContain(e)
      }
    }
  })

  it('is hidden from screen readers without a label, and named by the label with one', () => {
    const hidden = categoryIcon('health')
    expect(hidden).toContain('aria-hidden="true"')
    expect(hidden).not.toContain('role=')
    expect(hidden).not.toContain('<title>')
    expect(categoryIcon('health', { label: '' })).toContain('aria-hidden="true"')

    const named = categoryIcon('health', { label: 'स्वास्थ्य' })
    expect(named).toContain('role="img"')
    expect(named).not.toContain('aria-hidden')
    expect(named).toContain('<title>स्वास्थ्य</title>')
    expect(named).toContain('aria-label="स्वास्थ्य"')
  })

  it('escapes the label', () => {
    const svg = categoryIcon('play', { label: `<script>alert("x")</script> & 'y'` })
    expect(svg).not.toContain('<script')
    expect(svg).toContain('<title>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;</title>')
    expect(svg).toContain('aria-label="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"')
  })

  it('is 48 px unless told, and honours the size', () => {
    expect(categoryIcon('education')).toContain('width="48" height="48"')
    expect(categoryIcon('education', { size: 96 })).toContain('width="96" height="96"')
    expect(categoryIcon('education', { size: 160, label: 'x' })).toContain('width="160" height="160"')
    for (const size of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => categoryIcon('education', { size })).toThrow(RangeError)
  })

  it('refuses an unknown category', () => {
    expect(() => categoryIcon('politics' as Category)).toThrow(/unknown resolution category/)
    for (const c of categories) expect(isCategory(c)).toBe(true)
    for (const x of ['', 'Health', 'toString', '__proto__', null, undefined, 1]) expect(isCategory(x)).toBe(false)
  })
})
