import path from 'node:path'
import Sqlite from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { OTHERS_SEEN_MS, readCache, databaseVersion } from '../../src/db/read-cache.ts'
import { villages } from '../../src/villages/tables.ts'
import { freshDatabase, seedVillages } from '../helpers/app.ts'
import type { AppDatabase } from '../../src/db/client.ts'

const nextTurn = () => new Promise((resolve) => setImmediate(resolve))
/** Another process's commit is seen within OTHERS_SEEN_MS (50 ms); waited for with room for a busy machine. */
const SOON = { timeout: 100 * OTHERS_SEEN_MS }

describe('the read cache: rows kept while the database is unchanged', () => {
  let database: (AppDatabase & { dir: string }) | null = null
  afterEach(() => {
    database?.close()
    database = null
  })

  async function setUp() {
    database = freshDatabase()
    const { villages: v } = await seedVillages(database)
    let reads = 0
    const names = readCache<{ name: string }>()
    const name = () =>
      names(database!.db, String(v.papdi.id), () => {
        reads++
        return { name: database!.db.select().from(villages).where(eq(villages.id, v.papdi.id)).get()!.name }
      })
    return { database, id: v.papdi.id, name, reads: () => reads }
  }

  it('reads once, and gives the same frozen answer while nothing is written', async () => {
    const { name, reads } = await setUp()
    const first = name()
    await nextTurn()
    expect(name()).toBe(first)
    expect(reads()).toBe(1)
    expect(Object.isFrozen(first)).toBe(true)
    expect(() => {
      ;(first as { name: string }).name = 'x'
    }).toThrow(TypeError)
  })

  it("reads again after this connection's own write, at once", async () => {
    const { database, id, name } = await setUp()
    expect(name().name).toBe('Papdi')
    database.db.update(villages).set({ name: 'Papdi Kalan' }).where(eq(villages.id, id)).run()
    expect(name().name).toBe('Papdi Kalan')
  })

  it("reads again after another connection's commit (an operator's command), within OTHERS_SEEN_MS", async () => {
    const { database, id, name } = await setUp()
    expect(name().name).toBe('Papdi')
    const other = new Sqlite(path.join(database.dir, 'test.sqlite'))
    try {
      other.prepare('UPDATE villages SET name = ? WHERE id = ?').run('Papdi Khurd', id)
    } finally {
      other.close()
    }
    await expect.poll(() => name().name, SOON).toBe('Papdi Khurd')
  })

  it("sees a commit to the ballot box's file when asked to", async () => {
    const { database } = await setUp()
    const before = databaseVersion(database.sqlite, ['main', 'box'])
    const other = new Sqlite(database.boxFile)
    try {
      other.exec('CREATE TABLE IF NOT EXISTS scratch (x INTEGER); INSERT INTO scratch VALUES (1)')
    } finally {
      other.close()
    }
    await expect.poll(() => databaseVersion(database.sqlite, ['main', 'box']), SOON).not.toBe(before)
  })

  it('neither keeps nor uses anything inside a transaction (its writes may be undone)', async () => {
    const { database, id, name, reads } = await setUp()
    expect(name().name).toBe('Papdi')
    expect(() =>
      database.db.transaction((tx) => {
        tx.update(villages).set({ name: 'Undone' }).where(eq(villages.id, id)).run()
        expect(name().name).toBe('Undone')
        throw new Error('roll back')
      }),
    ).toThrow('roll back')
    expect(name().name).toBe('Papdi')
    expect(reads()).toBe(3)
  })
})
