/** Escapes text for XML (an SVG's attributes and text). */
export function escapeXml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  )
}

/** The outline colour every drawn picture shares (ballot symbols, category pictures). */
export const INK = '#263238'

/**
 * A drawn picture as an inline SVG string, on a 64×64 grid, `size` px square. With a label it is an
 * image with that accessible name; without one it is hidden from screen readers (its name is written
 * next to it). `data` marks what it shows, e.g. ['symbol', 'kite'].
 */
export function pictureSvg(drawing: string, size: number, label: string | undefined, data: [string, string]): string {
  if (!Number.isFinite(size) || size <= 0) throw new RangeError(`picture size must be a positive number, not ${size}`)
  const px = String(Math.round(size * 100) / 100)
  const a11y = label ? `role="img" aria-label="${escapeXml(label)}"` : 'aria-hidden="true"'
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="${px}" height="${px}" ${a11y} focusable="false" data-${data[0]}="${escapeXml(data[1])}">` +
    (label ? `<title>${escapeXml(label)}</title>` : '') +
    `<g fill="none" stroke="${INK}" stroke-width="3" stroke-linecap="round" stroke-linejoin="round">${drawing}</g>` +
    '</svg>'
  )
}
