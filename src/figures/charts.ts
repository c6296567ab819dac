/** Small inline SVG bar charts for the figures page: readable on a phone, printable, no script. */

export type Bar = { value: number | null; cls: string; text: string }
export type ChartRow = { label: string; bars: Bar[]; marker?: number | null }

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/**
 * One group per row: its label above, then one bar per value (shares from 0 to 1) with the value
 * written after it, and an optional marker line (the rule's minimum). The table under each chart
 * carries the same numbers for screen readers; the chart itself is labelled as a whole.
 */
export function barChart(rows: ChartRow[], title: string, markerText = ''): string {
  const width = 600
  const left = 8
  const scale = 470
  const barH = 16
  let y = 4
  const parts: string[] = []
  for (const row of rows) {
    parts.push(`<text x="${left}" y="${y + 14}" class="chart-label">${esc(row.label)}</text>`)
    y += 20
    const top = y
    for (const bar of row.bars) {
      const w = bar.value === null ? 0 : Math.max(1, Math.round(bar.value * scale))
      parts.push(`<rect x="${left}" y="${y}" width="${w}" height="${barH}" rx="3" class="bar ${esc(bar.cls)}"/>`)
      parts.push(`<text x="${left + w + 6}" y="${y + 13}" class="chart-value">${esc(bar.text)}</text>`)
      y += barH + 4
    }
    if (row.marker !== undefined && row.marker !== null) {
      const x = left + Math.round(row.marker * scale)
      parts.push(`<line x1="${x}" x2="${x}" y1="${top - 3}" y2="${y - 1}" class="marker"/>`)
      if (markerText) parts.push(`<text x="${x + 3}" y="${top - 5}" class="chart-marker">${esc(markerText)}</text>`)
    }
    y += 10
  }
  return `<svg class="chart" viewBox="0 0 ${width} ${Math.max(y, 24)}" role="img" aria-label="${esc(title)}" focusable="false">${parts.join('')}</svg>`
}

/** A share as a whole percentage, or a dash when there is nothing to divide. */
export function percent(value: number | null): string {
  return value === null ? '—' : `${Math.round(value * 100)}%`
}
