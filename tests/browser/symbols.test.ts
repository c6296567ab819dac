import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { shot, useBrowser } from '../helpers/browser.ts'
import { symbolSvg, symbols } from '../../src/elections/symbols.ts'

const b = useBrowser()
const en = (
  JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../src/i18n/symbols.en.json'), 'utf8')) as {
    symbol: Record<string, string>
  }
).symbol

// The page forbids inline style attributes, scripts and every external resource, as the site's CSP does.
const csp =
  "default-src 'none'; style-src-elem 'unsafe-inline'; style-src-attr 'none'; script-src 'none'; img-src 'none'"
const page = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<style>
  body { margin: 16px; font: 14px sans-serif; background: #fff; color: #263238; }
  .grid { display: grid; grid-template-columns: repeat(6, 128px); gap: 12px; }
  figure { margin: 0; padding: 8px 0; border: 2px solid #CFD8DC; border-radius: 12px; text-align: center; }
  figcaption { margin-top: 4px; }
  .small { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 20px; width: 816px; }
</style></head><body>
<div class="grid">${symbols.map((id) => `<figure data-id="${id}">${symbolSvg(id, { size: 96, title: en[id] })}<figcaption>${en[id]}</figcaption></figure>`).join('')}</div>
<div class="small">${symbols.map((id) => symbolSvg(id, { size: 48 })).join('')}</div>
</body></html>`

describe('the ballot symbols in a browser', () => {
  it('all render, inside their box, without breaking the content security policy', async () => {
    const context = await b.browser.newContext({ viewport: { width: 860, height: 900 } })
    try {
      const p = await context.newPage()
      const problems: string[] = []
      p.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text())
      })
      p.on('pageerror', (e) => problems.push(e.message))
      p.on('request', (r) => {
        if (!r.url().startsWith('data:') && r.url() !== 'about:blank') problems.push(`request: ${r.url()}`)
      })
      await p.setContent(page)
      const boxes = await p.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('figure')].map((f) => {
          const svg = f.querySelector('svg') as SVGSVGElement
          const drawing = svg.querySelector('g') as SVGGElement
          const r = svg.getBoundingClientRect(),
            bb = drawing.getBBox()
          return {
            id: f.dataset.id,
            width: r.width,
            height: r.height,
            name: svg.getAttribute('aria-label'),
            bb: { x: bb.x, y: bb.y, w: bb.width, h: bb.height },
          }
        }),
      )
      await shot(p, 'symbols-grid')
      expect(boxes.map((x) => x.id)).toEqual([...symbols])
      for (const box of boxes) {
        expect(box.width, box.id).toBe(96)
        expect(box.height, box.id).toBe(96)
        expect(box.name, box.id).toBe(en[box.id as string])
      }
      expect(boxes.filter(({ bb }) => !(bb.w > 0 && bb.h > 0)).map((x) => x.id)).toEqual([])
      // Every symbol is in the accessibility tree under its name; the small ones are hidden.
      for (const id of symbols) expect(await p.getByRole('img', { name: en[id], exact: true }).count(), id).toBe(1)
      expect(await p.getByRole('img').count()).toBe(symbols.length)
      expect(problems).toEqual([])
    } finally {
      await context.close()
    }
  })

  it('paints every symbol inside its view box (nothing cut off), big enough to see', async () => {
    const context = await b.browser.newContext()
    try {
      const p = await context.newPage()
      // Each symbol drawn on a canvas with 8 units of room around the view box, at 2 px per unit.
      const svgs = symbols.map((id) =>
        symbolSvg(id, { size: 160 }).replace('viewBox="0 0 64 64"', 'viewBox="-8 -8 80 80"'),
      )
      const extents = await p.evaluate(
        async (list) =>
          Promise.all(
            list.map(async (svg) => {
              const img = new Image()
              img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`
              await img.decode()
              const canvas = document.createElement('canvas')
              canvas.width = 160
              canvas.height = 160
              const g = canvas.getContext('2d') as CanvasRenderingContext2D
              g.drawImage(img, 0, 0)
              const data = g.getImageData(0, 0, 160, 160).data
              let x0 = Infinity,
                y0 = Infinity,
                x1 = -Infinity,
                y1 = -Infinity,
                inked = 0
              for (let y = 0; y < 160; y++) {
                for (let x = 0; x < 160; x++) {
                  if (data[(y * 160 + x) * 4 + 3] < 64) continue
                  inked++
                  x0 = Math.min(x0, x)
                  y0 = Math.min(y0, y)
                  x1 = Math.max(x1, x + 1)
                  y1 = Math.max(y1, y + 1)
                }
              }
              const unit = (px: number) => px / 2 - 8
              return { x0: unit(x0), y0: unit(y0), x1: unit(x1), y1: unit(y1), cover: inked / (128 * 128) }
            }),
          ),
        svgs,
      )
      const report = extents.map((e, i) => ({ id: symbols[i], ...e }))
      // Nothing at the very edge of the view box, let alone outside it, where the browser would cut it off.
      expect(
        report
          .filter((e) => e.x0 < 1 || e.y0 < 1 || e.x1 > 63 || e.y1 > 63)
          .map((e) => `${e.id}: ${e.x0}, ${e.y0} – ${e.x1}, ${e.y1}`),
      ).toEqual([])
      // Each fills most of its square one way or the other, and is more than a thin line drawing.
      expect(
        report
          .filter((e) => Math.max(e.x1 - e.x0, e.y1 - e.y0) < 52)
          .map((e) => `${e.id}: ${e.x1 - e.x0} × ${e.y1 - e.y0}`),
      ).toEqual([])
      expect(report.filter((e) => e.cover < 0.2).map((e) => `${e.id}: ${Math.round(e.cover * 100)}%`)).toEqual([])
    } finally {
      await context.close()
    }
  })
})
