import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core'
import { is } from 'drizzle-orm'
import { SQLiteTable as SQLiteTableClass } from 'drizzle-orm/sqlite-core'
import type Sqlite from 'better-sqlite3'
import * as schema from '../../src/schema.ts'
import * as boxSchema from '../../src/elections/ballot-box-tables.ts'
import { strikeOut, textColumnNames, type TextDeclaration } from '../../src/db/privacy.ts'
import { ballotBoxTextDeclarations, textDeclarations } from '../../src/privacy/text-declarations.ts'
import { freshDatabase } from '../helpers/app.ts'
import type { AppDatabase } from '../../src/db/client.ts'

/** Every TEXT column of every table of one schema of a live database that no declaration names. */
function undeclared(sqlite: Sqlite.Database, schemaName: string, declarations: readonly TextDeclaration[]): string[] {
  const byTable = new Map(declarations.map((d) => [d.name, d.columns]))
  const tables = sqlite
    .prepare(
      `SELECT name FROM ${schemaName}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%'`,
    )
    .pluck()
    .all() as string[]
  const missing: string[] = []
  for (const table of tables) {
    const columns = sqlite.prepare(`SELECT name, type FROM pragma_table_info(?, ?)`).all(table, schemaName) as {
      name: string
      type: string
    }[]
    for (const c of columns) {
      if (!/TEXT|CHAR|CLOB/i.test(c.type)) continue
      if (!byTable.get(table)?.[c.name]) missing.push(`${table}.${c.name}`)
    }
  }
  return missing
}

const tablesOf = (module: Record<string, unknown>) =>
  Object.values(module).filter((v): v is SQLiteTable => is(v, SQLiteTableClass))

let database: AppDatabase & { dir: string }
beforeAll(() => {
  database = freshDatabase()
})
afterAll(() => database.close())

describe("every text column says what a child's erasure does to it", () => {
  it('each table of the schema has a declaration naming exactly its text columns', () => {
    for (const [module, declarations] of [
      [schema, textDeclarations],
      [boxSchema, ballotBoxTextDeclarations],
    ] as const) {
      for (const table of tablesOf(module as Record<string, unknown>)) {
        const declaration = declarations.find((d) => d.table === table)
        expect(declaration, `${getTableConfig(table).name} has no text declaration`).toBeDefined()
        expect(Object.keys(declaration!.columns).sort()).toEqual(textColumnNames(table).sort())
      }
    }
  })

  it('no text column of the migrated database or its ballot box is left out', () => {
    expect(undeclared(database.sqlite, 'main', textDeclarations)).toEqual([])
    expect(undeclared(database.sqlite, 'box', ballotBoxTextDeclarations)).toEqual([])
  })

  it('control: a text column added without a declaration is caught', () => {
    const scratch = freshDatabase()
    try {
      scratch.sqlite.exec("ALTER TABLE minutes ADD COLUMN private_note TEXT NOT NULL DEFAULT ''")
      scratch.sqlite.exec('CREATE TABLE box.box_notes (id INTEGER PRIMARY KEY, said TEXT)')
      expect(undeclared(scratch.sqlite, 'main', textDeclarations)).toEqual(['minutes.private_note'])
      expect(undeclared(scratch.sqlite, 'box', ballotBoxTextDeclarations)).toEqual(['box_notes.said'])
    } finally {
      scratch.close()
    }
  })

  it('every table with free text says which rows belong to a village', () => {
    for (const d of textDeclarations) {
      if (Object.values(d.columns).some((k) => k === 'typed' || k === 'json'))
        expect(d.village, d.name).toBeTypeOf('function')
    }
    // What people type about the village is declared as such (a sample of the columns that matter most).
    const kind = (table: string, column: string) => textDeclarations.find((d) => d.name === table)?.columns[column]
    expect([
      kind('minutes', 'discussion'),
      kind('agenda_items', 'title'),
      kind('resolutions', 'title'),
      kind('responses', 'text'),
      kind('forwardings', 'note'),
    ]).toEqual(['typed', 'typed', 'typed', 'typed', 'typed'])
    expect([kind('audit_log', 'detail'), kind('results', 'count')]).toEqual(['json', 'json'])
  })
})

describe('striking a name out of text', () => {
  it('takes the whole name wherever it stands, in any case, and leaves longer words alone', () => {
    expect(strikeOut('Meena said the pump is broken; meena will ask.', ['Meena'])).toBe(
      '[—] said the pump is broken; [—] will ask.',
    )
    expect(strikeOut('Meenakshi and Ameena came.', ['Meena'])).toBe('Meenakshi and Ameena came.')
  })

  it('reads Devanagari words as words: a vowel sign continues the name', () => {
    expect(strikeOut('मीना ने कहा कि मीनाक्षी भी आएगी।', ['मीना'])).toBe('[—] ने कहा कि मीनाक्षी भी आएगी।')
  })

  it('takes a full name before a part of it, and a phone number as it was written', () => {
    expect(strikeOut('Zoya Kalbeliya (Zoya) — call 9414012345', ['Zoya', 'Zoya Kalbeliya', '9414012345'])).toBe(
      '[—] ([—]) — call [—]',
    )
    expect(strikeOut('94140123456', ['9414012345'])).toBe('94140123456')
  })

  it('finds a name as JSON spells it, and treats regular-expression characters as plain text', () => {
    const json = JSON.stringify({ child: 'Ram "Chhotu" (1+1)' })
    expect(strikeOut(json, ['Ram "Chhotu" (1+1)'], true)).toBe('{"child":"[—]"}')
    expect(strikeOut('a.b', ['a.b'])).toBe('[—]')
    expect(strikeOut('axb', ['a.b'])).toBe('axb')
  })
})
