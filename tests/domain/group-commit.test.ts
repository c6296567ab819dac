import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { freshDatabase } from '../helpers/app.ts'
import type Sqlite from 'better-sqlite3'
import { groupCommit } from '../../src/db/client.ts'
import { BatchFailed, GroupCommit, MAX_BATCH } from '../../src/db/group-commit.ts'

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
    const done = Promise.all(
      ['a', 'b', 'c'].map((k) =>
        gc.run(() => {
          insert(k)()
          commits.push(database.sqlite.inTransaction ? 1 : 0)
          return k
        }),
      ),
    )
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
      gc.run(() => {
        insert('b')()
        throw new Error('refused')
      }),
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

/** The real connection, with its COMMIT replaced: to fail once, or to take its time. */
function withCommit(
  sqlite: Sqlite.Database,
  commit: (real: Sqlite.Statement) => void,
  begins?: { n: number },
): Sqlite.Database {
  return new Proxy(sqlite, {
    get(target, prop) {
      if (prop === 'prepare') {
        return (source: string) => {
          const real = target.prepare(source)
          if (source === 'COMMIT') return { run: () => commit(real) }
          if (source === 'BEGIN IMMEDIATE' && begins)
            return {
              run: () => {
                begins.n++
                return real.run()
              },
            }
          return real
        }
      }
      const value = Reflect.get(target, prop, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

describe('group commit when the transaction as a whole fails', () => {
  it('a commit that fails refuses every write of the batch, keeps none, and the next batch commits', async () => {
    let fail = true
    const gc = new GroupCommit(
      withCommit(database.sqlite, (real) => {
        if (fail) {
          fail = false
          throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' })
        }
        real.run()
      }),
    )
    const outcomes = await Promise.allSettled(['a', 'b', 'c'].map((k) => gc.run(insert(k))))
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected'])
    expect((outcomes[0] as PromiseRejectedResult).reason).toBeInstanceOf(BatchFailed)
    expect((outcomes[0] as PromiseRejectedResult).reason.code).toBe('SQLITE_IOERR')
    expect(keys()).toEqual([])
    expect(database.sqlite.inTransaction).toBe(false)
    await gc.run(insert('d'))
    expect(keys()).toEqual(['d'])
  })

  it('a slow commit: no write is answered before its commit has finished', async () => {
    const events: string[] = []
    const gc = new GroupCommit(
      withCommit(database.sqlite, (real) => {
        events.push('commit begins')
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50)
        real.run()
        events.push('commit done')
      }),
    )
    await Promise.all(['a', 'b'].map((k) => gc.run(insert(k)).then(() => events.push(`answer ${k}`))))
    expect(events).toEqual(['commit begins', 'commit done', 'answer a', 'answer b'])
  })

  it('a transaction SQLite rolls back by itself mid-batch refuses the whole batch, and the connection is usable after', async () => {
    const gc = groupCommit(database.db)
    const outcomes = await Promise.allSettled([
      gc.run(insert('a')),
      // What SQLITE_FULL or SQLITE_IOERR may do: the whole transaction is gone, savepoints and all.
      gc.run(() => {
        database.sqlite.exec('ROLLBACK')
        throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })
      }),
      gc.run(insert('c')),
    ])
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected'])
    expect(outcomes.every((o) => (o as PromiseRejectedResult).reason instanceof BatchFailed)).toBe(true)
    expect(keys()).toEqual([])
    expect(database.sqlite.inTransaction).toBe(false)
    await gc.run(insert('e'))
    expect(keys()).toEqual(['e'])
  })

  it('a full database: each write is either answered and kept, or refused and absent; writing goes on after space is freed', async () => {
    database.sqlite.exec('CREATE TABLE big (v BLOB)')
    const pages = database.sqlite.pragma('page_count', { simple: true }) as number
    database.sqlite.pragma(`max_page_count = ${pages + 8}`)
    const gc = groupCommit(database.db)
    const writes = Array.from({ length: 12 }, (_, i) => `k${String(i).padStart(2, '0')}`)
    const outcomes = await Promise.allSettled(
      writes.map((k) =>
        gc.run(() => {
          insert(k)()
          database.sqlite.prepare('INSERT INTO big (v) VALUES (zeroblob(3000))').run()
        }),
      ),
    )
    const kept = writes.filter((_, i) => outcomes[i].status === 'fulfilled')
    expect(outcomes.some((o) => o.status === 'rejected')).toBe(true)
    expect(keys()).toEqual(kept)
    expect(database.sqlite.inTransaction).toBe(false)
    database.sqlite.exec('DELETE FROM big')
    database.sqlite.pragma('max_page_count = 1073741823')
    await gc.run(insert('after'))
    expect(keys()).toEqual([...kept, 'after'])
  })

  it('takes at most MAX_BATCH writes into one transaction', async () => {
    const begins = { n: 0 }
    const gc = new GroupCommit(withCommit(database.sqlite, (real) => real.run(), begins))
    await Promise.all(Array.from({ length: MAX_BATCH * 2 + 5 }, (_, i) => gc.run(insert(`k${i}`))))
    expect(begins.n).toBe(3)
    expect(keys()).toHaveLength(MAX_BATCH * 2 + 5)
  })

  it('refuses asynchronous work: by its type, and when it runs', async () => {
    const gc = groupCommit(database.db)
    // @ts-expect-error a promise would outlive the transaction it was meant to be part of
    const outcome = gc.run(async () => {
      insert('late')()
    })
    await expect(outcome).rejects.toThrow(/synchronous/)
    await gc.run(insert('z'))
    expect(keys()).toEqual(['z'])
  })
})
