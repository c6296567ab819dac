/** Small inline SVG bar charts for the figures page: readable on a phone, printable, no script. */
import { escapeXml } from '../core/svg.ts'

export type Bar = { value: number | null; cls: string; text: string }
export type ChartRow = { label: string; bars: Bar[]; marker?: number | null }
export type StackRow = { label: string; segments: { count: number; cls: string }[] }

/** Drawn 320 units wide: on a 360px phone that is about one unit per pixel, so 14-unit text stays readable. */
const WIDTH = 320
const LEFT = 4
const SCALE = 300

function svg(height: number, title: string, parts: string[]): string {
  return `<svg class="chart" viewBox="0 0 ${WIDTH} ${Math.max(height, 24)}" role="img" aria-label="${escapeXml(title)}" focusable="false">${parts.join('')}</svg>`
}

/**
 * One group per row: its label, then for each value (a share from 0 to 1) a line of text and a bar
 * under it, and an optional dashed marker across the bars (the rule's minimum). The table under the
 * chart carries the same numbers for screen readers; the chart is labelled as a whole.
 */
export function barChart(rows: ChartRow[], title: string, markerText = ''): string {
  let y = 0
  const parts: string[] = []
  for (const row of rows) {
    parts.push(`<text x="${LEFT}" y="${y + 15}" class="chart-label">${escapeXml(row.label)}</text>`)
    y += 22
    const top = y
    for (const bar of row.bars) {
      parts.push(`<text x="${LEFT}" y="${y + 13}" class="chart-value">${escapeXml(bar.text)}</text>`)
      y += 17
      const w = bar.value === null ? 0 : Math.max(1, Math.round(bar.value * SCALE))
      parts.push(`<rect x="${LEFT}" y="${y}" width="${SCALE}" height="12" rx="3" class="track"/>`)
      parts.push(`<rect x="${LEFT}" y="${y}" width="${w}" height="12" rx="3" class="bar ${escapeXml(bar.cls)}"/>`)
      y += 18
    }
    if (row.marker !== undefined && row.marker !== null) {
      const x = LEFT + Math.round(row.marker * SCALE)
      parts.push(`<line x1="${x}" x2="${x}" y1="${top}" y2="${y - 4}" class="marker"/>`)
      if (markerText)
        parts.push(
          `<text x="${Math.min(x, WIDTH - 4)}" y="${y + 10}" class="chart-marker" text-anchor="${x > WIDTH / 2 ? 'end' : 'start'}">${escapeXml(markerText)}</text>`,
        )
      y += 14
    }
    y += 12
  }
  return svg(y, title, parts)
}

/** One stacked bar per row (counts side by side, each segment its own class), with the total after the label. */
export function stackedChart(rows: StackRow[], title: string): string {
  let y = 0
  const parts: string[] = []
  for (const row of rows) {
    const total = row.segments.reduce((n, s) => n + s.count, 0)
    parts.push(`<text x="${LEFT}" y="${y + 15}" class="chart-label">${escapeXml(row.label)} (${total})</text>`)
    y += 20
    let x = LEFT
    for (const s of row.segments) {
      if (!s.count || !total) continue
      const w = Math.round((s.count / total) * SCALE)
      parts.push(`<rect x="${x}" y="${y}" width="${w}" height="16" class="seg ${escapeXml(s.cls)}"/>`)
      if (w >= 16)
        parts.push(`<text x="${x + w / 2}" y="${y + 12.5}" class="seg-count" text-anchor="middle">${s.count}</text>`)
      x += w
    }
    y += 28
  }
  return svg(y, title, parts)
}

/** A share as a whole percentage, or a dash when there is nothing to divide. */
export function percent(value: number | null): string {
  return value === null ? '—' : `${Math.round(value * 100)}%`
}
