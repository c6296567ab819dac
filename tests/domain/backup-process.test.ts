// The box's own backups finish their copy (box image, no secrets, compaction, encryption) and check it
// in a process of its own, so that the tablets' casts are not held up. What crosses back from it is
// what the coordinator's page needs: the finished file, a problem found, or a failure of the right kind.
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { inBackupProcess } from '../../src/backups/backup-process.ts'
import { failure } from '../../src/backups/backup-folder.ts'
import { backupDatabase, writeBackup } from '../../src/backups/backup.ts'
import { backupProblem } from '../../src/backups/backup-check.ts'
import { freshDatabase, seedVillages } from '../helpers/app.ts'

// The backup's own process from the build when it is up to date (see compiledBackupWorker): it starts
// in a fraction of the time, and this file starts it two times a backup.
vi.mock('node:child_process', async (original) =>
  (await import('../helpers/entry.ts')).compiledBackupWorker(await original()),
)

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

describe("a backup's work in a process of its own", () => {
  it('writes the same sound backup as the command line does in its own process, without the sessions', async () => {
    const inline = await writeBackup(database, path.join(out, 'inline.sqlite'))
    const apart = await writeBackup(database, path.join(out, 'apart.sqlite'), { ownProcess: true })
    for (const made of [inline, apart]) {
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

  it('encrypts there too: the check, also in a process of its own, needs the passphrase', async () => {
    const passphrase = 'correct horse battery staple'
    const made = await writeBackup(database, path.join(out, 'b.bpbackup'), { passphrase, ownProcess: true })
    const check = (p?: string) =>
      inBackupProcess<string | null>({ kind: 'check', file: made.file, passphrase: p, workIn: database.dir })
    expect(await check(passphrase)).toBeNull()
    expect(await check(undefined)).toMatch(/no passphrase/)
    expect(await check('a wrong passphrase, long enough')).toMatch(/Wrong passphrase/)
  })

  it('a failure there comes back with its code, so the coordinator is told the right kind', async () => {
    // The stick pulled out between the copy of the live database and the writing: the folder is gone.
    const copy = path.join(out, 'copy.sqlite')
    await database.sqlite.backup(copy)
    const image = database.sqlite.serialize({ attached: 'box' })
    const target = path.join(out, 'stick', 'b.sqlite')
    const err = await inBackupProcess({ kind: 'finish', job: { copy, image, target } }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'ENOENT' })
    expect(failure(err).kind).toBe('missing')
    // A check of a file that is not a backup says so, and does not throw.
    fs.writeFileSync(path.join(out, 'junk.sqlite'), 'not a database')
    expect(await inBackupProcess({ kind: 'check', file: path.join(out, 'junk.sqlite'), workIn: database.dir })).toBe(
      'not a database file',
    )
  })
})
