import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { freshDatabase } from '../helpers/app.ts'
import { groupCommit } from '../../src/db/client.ts'

let database: ReturnType<typeof freshDatabase>
beforeEach(() => {
  database = freshDatabase()
  database.sqlite.exec('CREATE TABLE t (k TEXT PRIMARY KEY)')
})
afterEach(() => database.close())

const insert = (k: string) => () => database.sqlite.prepare('INSERT INTO t (k) VALUES (?)').run(k)
const keys = () => database.sqlite.prepare('SELECT k FROM t ORDER BY k').pluck().all()

describe('group commit', () => {
  it('commits writes that arrive together in one transaction, and answers each only after it', async () => {
    const commits: number[] = []
    const gc = groupCommit(database.db)
    const done = Promise.all(['a', 'b', 'c'].map((k) => gc.run(() => { insert(k)(); commits.push(database.sqlite.inTransaction ? 1 : 0); return k })))
    expect(keys()).toEqual([]) // nothing is written before the batch runs
    expect(await done).toEqual(['a', 'b', 'c'])
    expect(commits).toEqual([1, 1, 1])
    expect(keys()).toEqual(['a', 'b', 'c'])
    expect(database.sqlite.inTransaction).toBe(false)
  })

  it('a refused write is undone alone; the others in its batch are kept', async () => {
    const gc = groupCommit(database.db)
    const outcomes = await Promise.allSettled([
      gc.run(insert('a')),
      gc.run(() => { insert('b')(); throw new Error('refused') }),
      gc.run(insert('a')), // a duplicate key: refused by the database
      gc.run(insert('c')),
    ])
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled'])
    expect(keys()).toEqual(['a', 'c'])
  })

  it('writes after a batch go into the next one', async () => {
    const gc = groupCommit(database.db)
    await gc.run(insert('a'))
    await gc.run(insert('b'))
    expect(keys()).toEqual(['a', 'b'])
  })
})
