// The box's own backups finish their copy (box image, no secrets, compaction, encryption) and check it
// in a worker thread, so that the tablets' casts are not held up. What crosses back from the thread is
// what the coordinator's page needs: the finished file, a problem found, or a failure of the right kind.
import fs from 'node:fs'
import path from 'node:path'
import { isMainThread } from 'node:worker_threads'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { inBackupThread } from '../../src/backups/backup-thread.ts'
import { failure } from '../../src/backups/backup-folder.ts'
import { backupDatabase, writeBackup } from '../../src/backups/backup.ts'
import { backupProblem } from '../../src/backups/backup-check.ts'
import { freshDatabase, seedVillages } from '../helpers/app.ts'

let database: ReturnType<typeof freshDatabase>
let out: string
beforeEach(async () => {
  database = freshDatabase()
  await seedVillages(database)
  database.sessions
    .prepare('INSERT INTO sessions (id, data, expires_at) VALUES (?, ?, ?)')
    .run('s-secret-session-id', '{}', Date.now() + 3600_000)
  out = path.join(database.dir, 'out')
  fs.mkdirSync(out)
})
afterEach(() => {
  database.close()
  fs.rmSync(database.dir, { recursive: true, force: true })
})

describe("a backup's work in a worker thread", () => {
  it('writes the same sound backup as the command line does on its own thread, without the sessions', async () => {
    expect(isMainThread).toBe(true)
    const inline = await writeBackup(database, path.join(out, 'inline.sqlite'))
    const threaded = await writeBackup(database, path.join(out, 'threaded.sqlite'), { offThread: true })
    for (const made of [inline, threaded]) {
      expect(backupProblem(made.file, { workIn: database.dir })).toBeNull()
      expect(fs.readFileSync(made.file).includes('s-secret-session-id')).toBe(false)
      expect(fs.statSync(made.file).mode & 0o777).toBe(0o600)
      expect(made.bytes).toBe(fs.statSync(made.file).size)
    }
    // Control: the raw copy a backup starts from does carry the session.
    const raw = path.join(out, 'raw.sqlite')
    await backupDatabase(database, raw)
    expect(fs.readFileSync(raw).includes('s-secret-session-id')).toBe(true)
  })

  it('encrypts there too: the check, also in a thread, needs the passphrase', async () => {
    const passphrase = 'correct horse battery staple'
    const made = await writeBackup(database, path.join(out, 'b.bpbackup'), { passphrase, offThread: true })
    const check = (p?: string) =>
      inBackupThread<string | null>({ kind: 'check', file: made.file, passphrase: p, workIn: database.dir })
    expect(await check(passphrase)).toBeNull()
    expect(await check(undefined)).toMatch(/no passphrase/)
    expect(await check('a wrong passphrase, long enough')).toMatch(/Wrong passphrase/)
  })

  it('a failure in the thread comes back with its code, so the coordinator is told the right kind', async () => {
    // The stick pulled out between the copy of the live database and the writing: the folder is gone.
    const copy = path.join(out, 'copy.sqlite')
    await database.sqlite.backup(copy)
    const image = database.sqlite.serialize({ attached: 'box' })
    const target = path.join(out, 'stick', 'b.sqlite')
    const err = await inBackupThread({ kind: 'finish', job: { copy, image, target } }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'ENOENT' })
    expect(failure(err).kind).toBe('missing')
    // A check of a file that is not a backup says so, and does not throw.
    fs.writeFileSync(path.join(out, 'junk.sqlite'), 'not a database')
    expect(await inBackupThread({ kind: 'check', file: path.join(out, 'junk.sqlite'), workIn: database.dir })).toBe(
      'not a database file',
    )
  })
})
