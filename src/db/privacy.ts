import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core'
import type { SQL } from 'drizzle-orm'

/**
 * What erasing a child does to each text column. Every text column of every table is declared
 * beside its table (see the `…Text` exports of each tables.ts); a test fails on a column that is not,
 * so a new column cannot be forgotten by the erasure.
 * - `typed`: free text people typed about the village (minutes, titles, notes): a child may be named
 *   in it, so an erased child's names are struck out of it;
 * - `json`: JSON the app wrote that may carry a child's name (audit details, frozen counts): struck
 *   out the same way, as JSON spells the name;
 * - `register`: the child's own register entry, replaced field by field by the erasure itself;
 * - `none`: never holds a child's personal data (codes, dates, hashes, staff and place names).
 */
export type TextKind = 'typed' | 'json' | 'register' | 'none'

type Columns<T extends SQLiteTable> = T['_']['columns']
/** The table's text columns (drizzle's string type), each of which must be named. */
type TextColumnsOf<T extends SQLiteTable> = {
  [K in keyof Columns<T> as Columns<T>[K]['_']['dataType'] extends 'string' ? K : never]: TextKind
}

export type TextDeclaration = {
  readonly kind: 'text-declaration'
  readonly table: SQLiteTable
  readonly name: string
  /** SQL column name → kind. */
  readonly columns: Readonly<Record<string, TextKind>>
  /** The rows of one village, for the erasure to strike a child's names only where the child lived. */
  readonly village?: (villageId: number) => SQL
}

/**
 * Declares how the erasure treats each text column of a table. A table with free text (typed or
 * JSON) says which of its rows belong to a village.
 */
export function declareText<T extends SQLiteTable>(
  table: T,
  columns: TextColumnsOf<T>,
  village?: (villageId: number) => SQL,
): TextDeclaration {
  const config = getTableConfig(table)
  const byName: Record<string, TextKind> = {}
  for (const [key, kind] of Object.entries(columns as Record<string, TextKind>)) {
    const column = (table as unknown as Record<string, { name: string }>)[key]
    byName[column.name] = kind
  }
  const free = Object.values(byName).some((k) => k === 'typed' || k === 'json')
  if (free && !village)
    throw new Error(`${config.name}: a table with free text must say which rows belong to a village`)
  return { kind: 'text-declaration', table, name: config.name, columns: byName, village }
}

export function isTextDeclaration(value: unknown): value is TextDeclaration {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'text-declaration'
}

/** Every column SQLite stores as TEXT, of a drizzle table: what the declarations must cover. */
export function textColumnNames(table: SQLiteTable): string[] {
  return getTableConfig(table)
    .columns.filter((c) => c.getSQLType() === 'text')
    .map((c) => c.name)
}

/**
 * A name (or phone number) as it stands in text, as a whole word: "Meena" in "Meena said" or
 * "मीना ने कहा", not in "Meenakshi" or "मीनाक्षी" (a vowel sign continues the word). Any case.
 */
export function wholeWord(text: string): RegExp {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`(?<![\\p{L}\\p{M}\\p{N}])${escaped}(?![\\p{L}\\p{M}\\p{N}])`, 'giu')
}

export const STRUCK_OUT = '[—]'

/** The text with each of the names struck out (longest first, so a full name goes before a part of it). */
export function strikeOut(value: string, names: readonly string[], json = false): string {
  let out = value
  for (const name of [...names].sort((a, b) => b.length - a.length)) {
    const spelled = json ? JSON.stringify(name).slice(1, -1) : name
    out = out.replace(wholeWord(spelled), STRUCK_OUT)
  }
  return out
}
