import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyRequest } from 'fastify'
import { once, newFormKey } from '../../src/audit/form-keys.ts'
import { recordAudit } from '../../src/audit/audit.ts'
import { InvalidInput } from '../../src/core/errors.ts'
import { freshDatabase, seedVillages } from '../helpers/app.ts'
import type { Actor } from '../../src/web/context.ts'

let database: ReturnType<typeof freshDatabase>
let rekha: Actor
let kamla: Actor
beforeAll(async () => {
  database = freshDatabase()
  const fx = await seedVillages(database)
  rekha = fx.users.facilitator
  kamla = fx.users.otherFacilitator
  database.sqlite.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)')
})
afterAll(() => database.close())

/** What `once` reads of a request: the form's body and who sent it. */
const request = (actor: Actor, key?: string) =>
  ({
    body: key ? { _key: key, text: 'x' } : { text: 'x' },
    ctx: { db: database.db, actor },
  }) as unknown as FastifyRequest
const notes = () => database.sqlite.prepare('SELECT count(*) FROM notes').pluck().get() as number

/** An action as a verb does it: the record and its audit entry in one transaction. */
function addNote(actor: Actor, text = 'the same words') {
  return () => {
    const id = database.db.transaction((tx) => {
      const row = database.sqlite.prepare('INSERT INTO notes (text) VALUES (?)').run(text)
      recordAudit(tx, actor, { action: 'note.added', subject: 'note', subjectId: Number(row.lastInsertRowid) })
      return Number(row.lastInsertRowid)
    })
    return { to: `/notes/${id}`, flash: 'notes.added' }
  }
}

describe("a form's one-time key", () => {
  it('a repeat of the key makes nothing and gets the first answer', async () => {
    const key = newFormKey()
    const before = notes()
    const first = await once(request(rekha, key), addNote(rekha))
    const again = await once(request(rekha, key), addNote(rekha))
    expect(again).toEqual(first)
    expect(notes()).toBe(before + 1)
  })

  it('two keys with the same words make two', async () => {
    const before = notes()
    const a = await once(request(rekha, newFormKey()), addNote(rekha))
    const b = await once(request(rekha, newFormKey()), addNote(rekha))
    expect(a.to).not.toBe(b.to)
    expect(notes()).toBe(before + 2)
  })

  it('two sends of one key at the same moment, each waiting on something first: one record, both answered alike', async () => {
    const key = newFormKey()
    const before = notes()
    const slow = () => async () => {
      await new Promise((resolve) => setImmediate(resolve))
      return addNote(rekha)()
    }
    const [a, b] = await Promise.all([once(request(rekha, key), slow()), once(request(rekha, key), slow())])
    expect(b).toEqual(a)
    expect(notes()).toBe(before + 1)
  })

  it('a refused form keeps no key: sent again after a correction, it is made', async () => {
    const key = newFormKey()
    const before = notes()
    await expect(
      once(request(rekha, key), () => {
        throw new InvalidInput({ text: { key: 'v.required' } })
      }),
    ).rejects.toBeInstanceOf(InvalidInput)
    await once(request(rekha, key), addNote(rekha))
    expect(notes()).toBe(before + 1)
  })

  it('without a key the action just runs; a key taken by someone else is not theirs to replay', async () => {
    const before = notes()
    await once(request(rekha), addNote(rekha))
    await once(request(rekha), addNote(rekha))
    const key = newFormKey()
    const mine = await once(request(rekha, key), addNote(rekha))
    const theirs = await once(request(kamla, key), addNote(kamla, 'their words'))
    expect(theirs.to).not.toBe(mine.to)
    expect(notes()).toBe(before + 4)
  })
})
