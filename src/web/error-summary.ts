/**
 * The error summary at the top of a refused form (views/partials/_form-error.eta) is drawn before the
 * form's fields, so it knows each field's message but not its label or id. Once the fields are drawn
 * too, each summary line becomes a link to its field, named by the field's label, in the order of the
 * fields on the page: the fields' partials carry name, id and label on their message (data-field,
 * data-target, data-label). A line whose field is not drawn by those partials stays as plain words.
 *
 * Runs only on a render whose data has errors (a refused form), so other pages pay nothing.
 */
const LIST = /<ul class="error-summary-list">([\s\S]*?)<\/ul>/g
const LINE = /<li(?: data-summary-field="([^"]*)")?>(?:<a href="#([^"]*)">)?([\s\S]*?)(?:<\/a>)?<\/li>/g
const FIELD = /<span class="error" data-field="([^"]*)" data-target="([^"]*)" data-label="([^"]*)"/g

export function linkErrorSummary(html: string): string {
  if (!html.includes('<li data-summary-field="')) return html
  const fields = [...html.matchAll(FIELD)].map((m) => ({ name: m[1], target: m[2], label: m[3], at: m.index }))
  // A page may hold two forms with a field of the same name: a summary links only to fields after it and
  // before the next summary.
  const summaries = [...html.matchAll(/data-error-summary/g)].map((m) => m.index)
  return html.replace(LIST, (list, items: string, at: number) => {
    const end = summaries.find((s) => s > at) ?? html.length
    const mine = fields.filter((f) => f.at > at && f.at < end)
    const lines = [...items.matchAll(LINE)].map(([line, name, target, message]) => {
      const field = mine.find((f) => (name === undefined ? f.target === target : f.name === name))
      if (!field) return { at: Number.POSITIVE_INFINITY, line }
      if (name === undefined) return { at: field.at, line }
      const label = field.label && field.label !== 'undefined' ? `${field.label}: ` : ''
      return { at: field.at, line: `<li><a href="#${field.target}">${label}${message}</a></li>` }
    })
    if (lines.every((l) => l.at === Number.POSITIVE_INFINITY)) return list
    lines.sort((a, b) => a.at - b.at)
    return `<ul class="error-summary-list">${lines.map((l) => l.line).join('')}</ul>`
  })
}

/** Whether a render's data carries a refused form's errors. */
export function hasErrors(data: unknown): boolean {
  const errors = (data as { errors?: unknown } | null | undefined)?.errors
  if (typeof errors !== 'object' || errors === null) return false
  for (const _ in errors) return true
  return false
}
