// A backup is only as good as its restore: the copy that `backup FILE` writes, opened as the app's
// database, holds exactly what the live one held (every table, row for row, value for value, the
// record of migrations too), is sound, and the app runs on it.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type Sqlite from 'better-sqlite3'
import { build } from '../../src/app.ts'
import { projectRoot, type AppDatabase } from '../../src/db/client.ts'
import { openDatabase } from '../../src/database.ts'
import { recordAudit } from '../../src/audit/audit.ts'
import { backupDatabase } from '../../src/backups/backup.ts'
import { DEMO_PASSWORD, DEMO_VILLAGE } from '../../src/demo/seed.ts'
import { Agent, textOf } from '../helpers/app.ts'
import {
  SOUND,
  allTables,
  appTables,
  columnsOf,
  demoCtx,
  integrity,
  rowsOf,
  schemaOf,
  seedEveryTable,
} from './migration-data.ts'

let dir: string
let live: AppDatabase
let demo: Awaited<ReturnType<typeof seedEveryTable>>

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-backup-'))
  live = openDatabase(path.join(dir, 'live.sqlite'))
  demo = await seedEveryTable(live)
})
afterAll(() => {
  live?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

/** Everything a restore must bring back: the schema, each table's rows with their rowids, and the header's numbers. */
function contents(sqlite: Sqlite.Database) {
  return {
    schema: schemaOf(sqlite),
    tables: Object.fromEntries(allTables(sqlite).map((t) => [t, rowsOf(sqlite, t, undefined, true)])),
    // The ballot box travels inside the backup and comes back beside the restored file.
    box: Object.fromEntries(
      (
        sqlite
          .prepare("SELECT name FROM box.sqlite_master WHERE type = 'table' ORDER BY name")
          .pluck()
          .all() as string[]
      ).map((t) => [t, sqlite.prepare(`SELECT * FROM box."${t}" ORDER BY rowid`).raw().all()]),
    ),
    userVersion: sqlite.pragma('user_version', { simple: true }),
    applicationId: sqlite.pragma('application_id', { simple: true }),
    encoding: sqlite.pragma('encoding', { simple: true }),
  }
}

/** Restoring is opening the copy as the app's database (which would also migrate it, were it older). */
function expectRestoresIdentical(copy: string, expected = contents(live.sqlite)) {
  const restored = openDatabase(copy)
  try {
    expect(integrity(restored.sqlite)).toEqual(SOUND)
    const got = contents(restored.sqlite)
    expect(Object.keys(got.tables)).toEqual(Object.keys(expected.tables))
    for (const table of Object.keys(expected.tables))
      expect(got.tables[table], `table ${table}`).toEqual(expected.tables[table])
    expect(got).toEqual(expected)
  } finally {
    restored.close()
  }
}

describe('backup and restore', () => {
  it('the live database has rows in every table, so the round trip proves something for each', () => {
    const empty = appTables(live.sqlite).filter((t) => rowsOf(live.sqlite, t).length === 0)
    expect(empty, 'tables the test data leaves empty (add them to seedEveryTable)').toEqual([])
    expect(
      live.sqlite.prepare('SELECT count(*) FROM box_slots WHERE filled').pluck().get(),
      'tablet ballots in the box',
    ).toBeGreaterThan(0)
    expect(rowsOf(live.sqlite, '__drizzle_migrations').length).toBeGreaterThan(0)
  })

  it("the backup the command makes (SQLite's online backup of the live connection, the ballot box inside) restores to an identical database", async () => {
    const copy = path.join(dir, 'function.sqlite')
    const { totalPages, boxBytes } = await backupDatabase(live, copy)
    expect(totalPages).toBeGreaterThan(10)
    expect(boxBytes).toBeGreaterThan(4096)
    expect(fs.statSync(copy).mode & 0o777).toBe(0o600)
    expectRestoresIdentical(copy)
  })

  it('a backup taken while the app keeps writing is the database as it stood when the backup finished', async () => {
    const copy = path.join(dir, 'busy.sqlite')
    const keeper = demoCtx(live.db, 'facilitator')
    let writes = 0
    let stop = false
    // One audit row per turn of the event loop, interleaved with the backup's steps of one page each.
    const writer = (async () => {
      while (!stop && writes < 2000) {
        recordAudit(live.db, keeper.actor, {
          action: 'child.edited',
          subject: 'child',
          subjectId: 1,
          villageId: demo.villageId,
          detail: { ward: ['1', String(writes)] },
        })
        writes++
        await new Promise((resolve) => setImmediate(resolve))
      }
    })()
    await backupDatabase(live, copy, { progress: () => 1 })
    const atTheEnd = contents(live.sqlite)
    const during = writes
    stop = true
    await writer
    expect(during, 'writes happened while the backup ran').toBeGreaterThan(5)
    expectRestoresIdentical(copy, atTheEnd)
  })

  it('`npm run cli -- backup FILE`, typed in another folder, writes the copy there, and it restores identical but for the sessions and PIN hashes it leaves on the box', () => {
    const elsewhere = fs.mkdtempSync(path.join(dir, 'shell-'))
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_PATH: live.sqlite.name }
    delete env.INIT_CWD
    const expected = contents(live.sqlite)
    expect(expected.tables.sessions.length, 'the live database has sessions').toBeGreaterThan(0)
    expected.tables.sessions = []
    const pin = columnsOf(live.sqlite, 'stations').findIndex((c) => c.name === 'pin_hash') + 1 // after the rowid
    expected.tables.stations = expected.tables.stations.map((row) => row.map((v, i) => (i === pin ? "''" : v)))
    const r = spawnSync('npm', ['--prefix', projectRoot, 'run', 'cli', '--', 'backup', 'village-backup.sqlite'], {
      cwd: elsewhere,
      env,
      encoding: 'utf8',
    })
    expect(r.status, r.stderr).toBe(0)
    const copy = path.join(elsewhere, 'village-backup.sqlite')
    expect(r.stdout).toContain(copy)
    expectRestoresIdentical(copy, expected)
    // The backup is in the live database's audit log, after the copy was taken.
    const entry = live.sqlite
      .prepare("SELECT detail FROM audit_log WHERE action = 'database.backed_up' ORDER BY id DESC LIMIT 1")
      .pluck()
      .get() as string
    expect(JSON.parse(entry)).toEqual({ file: copy, encrypted: false })
  })

  it('the app starts on the restored file: /health answers and the demo village is there', async () => {
    const copy = path.join(dir, 'serve.sqlite')
    await backupDatabase(live, copy)
    const app = await build({
      databasePath: copy,
      sessionSecret: 'test-secret-that-is-long-enough-0123456789',
      loginRateLimit: { max: 1000, timeWindow: 60_000 },
    })
    try {
      const health = await app.inject({ url: '/health' })
      expect(health.statusCode).toBe(200)
      expect(health.json()).toEqual({ status: 'ok' })
      const agent = await new Agent(app).login('facilitator', DEMO_PASSWORD)
      const child = live.sqlite
        .prepare(
          'SELECT name FROM children WHERE village_id = ? AND id NOT IN (SELECT child_id FROM departures) ORDER BY name LIMIT 1',
        )
        .pluck()
        .get(demo.villageId) as string
      const register = await agent.get(`/villages/${demo.villageId}/children`)
      expect(register.statusCode).toBe(200)
      expect(textOf(register.body)).toContain(child)
      const title = live.sqlite
        .prepare('SELECT title FROM resolutions WHERE number IS NOT NULL ORDER BY id LIMIT 1')
        .pluck()
        .get() as string
      const resolutions = await agent.get(`/villages/${demo.villageId}/resolutions`)
      expect(textOf(resolutions.body)).toContain(title)
      const board = await new Agent(app).get(`/board/${demo.villageId}`)
      expect(board.statusCode).toBe(200)
      expect(textOf(board.body)).toContain(DEMO_VILLAGE)
    } finally {
      await app.close()
    }
  })
})
