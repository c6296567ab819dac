/** Field by field, what a change did: { field: [before, after] }. */
export function changes<T extends Record<string, unknown>>(
  before: T,
  after: Partial<T>,
): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {}
  for (const [k, v] of Object.entries(after)) if (before[k] !== v) out[k] = [before[k], v]
  return out
}
