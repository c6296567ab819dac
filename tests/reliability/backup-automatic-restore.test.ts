// An automatic backup is only as good as its restore: the one the box's schedule takes, put back with
// `npm run cli -- restore FILE --force` into a fresh DATABASE_PATH, holds the same rows in every table
// as the source (value for value, the ballot box's too), except the sessions and the stations' PIN
// hashes a backup leaves on the box; the restore's own line in the audit log is the only row added.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type Sqlite from 'better-sqlite3'
import { projectRoot, type AppDatabase } from '../../src/db/client.ts'
import { openDatabase } from '../../src/database.ts'
import { backupSchedule } from '../../src/backups/backup-schedule.ts'
import { SOUND, allTables, columnsOf, integrity, rowsOf, seedEveryTable } from './migration-data.ts'

let dir: string
let live: AppDatabase

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-auto-restore-'))
  live = openDatabase(path.join(dir, 'live', 'bal-panchayat.sqlite'))
  await seedEveryTable(live)
}, 60_000)
afterAll(() => {
  live?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

function contents(sqlite: Sqlite.Database) {
  return {
    tables: Object.fromEntries(allTables(sqlite).map((t) => [t, rowsOf(sqlite, t, undefined, true)])),
    box: Object.fromEntries(
      (
        sqlite
          .prepare("SELECT name FROM box.sqlite_master WHERE type = 'table' ORDER BY name")
          .pluck()
          .all() as string[]
      ).map((t) => [t, sqlite.prepare(`SELECT * FROM box."${t}" ORDER BY rowid`).raw().all()]),
    ),
  }
}

describe('an automatic backup, restored by the command line', () => {
  it('brings back every table row for row, but the sessions', { timeout: 120_000 }, async () => {
    const expected = contents(live.sqlite)
    expect(expected.tables.sessions.length, 'control: the live database has sessions').toBeGreaterThan(0)
    expect(expected.box.box_slots.length, 'control: the box holds ballots').toBeGreaterThan(0)
    expected.tables.sessions = []
    const pin = columnsOf(live.sqlite, 'stations').findIndex((c) => c.name === 'pin_hash') + 1 // after the rowid
    expected.tables.stations = expected.tables.stations.map((row) => row.map((v, i) => (i === pin ? "''" : v)))

    const schedule = backupSchedule(live, { dir: path.join(dir, 'live', 'backups'), keep: 14, makeDir: true })
    schedule.start()
    await schedule.runNow('test')
    await schedule.stop()
    const status = schedule.status()
    expect(status).toMatchObject({ overdue: false, lastFailure: null })
    const file = status.lastGood!.file

    const target = path.join(dir, 'fresh', 'data', 'bal-panchayat.sqlite')
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_PATH: target }
    delete env.PASSPHRASE
    const r = spawnSync('npm', ['--prefix', projectRoot, 'run', 'cli', '--', 'restore', file, '--force'], {
      cwd: dir,
      env,
      encoding: 'utf8',
    })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain(target)

    const restored = openDatabase(target)
    try {
      expect(integrity(restored.sqlite)).toEqual(SOUND)
      const got = contents(restored.sqlite)
      // The restore writes one line of its own into the restored audit log; nothing else is new.
      const added = got.tables.audit_log.slice(expected.tables.audit_log.length)
      expect(added).toHaveLength(1)
      expect(added[0]).toContain("'database.restored'")
      got.tables.audit_log = got.tables.audit_log.slice(0, expected.tables.audit_log.length)
      expected.tables.sqlite_sequence = expected.tables.sqlite_sequence.map((row) =>
        row[1] === "'audit_log'" ? [row[0], row[1], String(Number(row[2]) + 1)] : row,
      )
      expect(Object.keys(got.tables)).toEqual(Object.keys(expected.tables))
      for (const table of Object.keys(expected.tables))
        expect(got.tables[table], `table ${table}`).toEqual(expected.tables[table])
      expect(got.box).toEqual(expected.box)
    } finally {
      restored.close()
    }
  })
})
