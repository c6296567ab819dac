import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawn, spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Sqlite from 'better-sqlite3'
import { eq, gt, lt } from 'drizzle-orm'
import { projectRoot } from '../../src/db/client.ts'
import { openDatabase } from '../../src/database.ts'
import { authenticate } from '../../src/accounts/accounts.ts'
import { users } from '../../src/accounts/tables.ts'
import { meetings } from '../../src/meetings/tables.ts'
import { agendaOf, meetingQuorum } from '../../src/meetings/meetings.ts'
import { villageResolutions } from '../../src/resolutions/journeys.ts'
import { journeyStatuses } from '../../src/resolutions/journey.ts'
import { loadActor } from '../../src/web/context.ts'
import { todayIso } from '../../src/core/dates.ts'
import { freePort } from '../helpers/box-server.ts'
import { nodeArgs } from '../helpers/entry.ts'

let dir: string
let dbFile: string
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-cli-'))
  dbFile = path.join(dir, 'live.sqlite')
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [...nodeArgs('cli'), ...args], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_PATH: dbFile, INIT_CWD: dir, ...env },
  })
  return { code: r.status, out: r.stdout, err: r.stderr }
}
const one = (sql: string) => {
  const db = new Sqlite(dbFile, { readonly: true })
  try {
    return db.prepare(sql).pluck().get()
  } finally {
    db.close()
  }
}

// Each command is a process of its own (tsx compiles at start when there is no build): on a busy two-core machine a test
// of several takes well over the default 20 s, so these wait longer; nothing here is timed.
describe('the operator command line', () => {
  it('seed-demo fills a demo village and prints the logins; a second run adds nothing', async () => {
    const first = cli(['seed-demo'])
    expect(first.code).toBe(0)
    expect(first.out).toMatch(/coordinator/)
    expect(first.out).toMatch(/facilitator/)
    expect(first.out).toMatch(/panchayat/)
    expect(one('SELECT count(*) FROM children')).toBeGreaterThanOrEqual(55)
    expect(one("SELECT count(*) FROM children WHERE gender = 'girl'")).toBeGreaterThan(20)
    expect(one("SELECT count(*) FROM children WHERE gender = 'boy'")).toBeGreaterThan(20)
    expect(one('SELECT count(*) FROM children WHERE in_school = 0')).toBeGreaterThan(2)
    expect(one("SELECT count(*) FROM children WHERE name GLOB '*[क-ह]*'")).toBe(one('SELECT count(*) FROM children'))
    // Which is the username and which the password is said, in a table with headings.
    expect(first.out).toMatch(/^ {2}role +username +password$/m)
    expect(first.out).toMatch(/^ {2}coordinator \(admin\) +coordinator +\S+$/m)
    const [, username, password] = /^ {2}facilitator +(\S+) +(\S+)$/m.exec(first.out)!
    expect(username).toBe('facilitator')
    const database = openDatabase(dbFile)
    try {
      expect(await authenticate(database.db, username, password)).toMatchObject({ role: 'facilitator' })
    } finally {
      database.close()
    }
    // A finished election whose count needed the girls' rule and the draw.
    const db = new Sqlite(dbFile, { readonly: true })
    const steps = (db.prepare('SELECT count FROM results').pluck().all() as string[]).flatMap(
      (c) => JSON.parse(c).result.steps as { kind: string; by?: string[] }[],
    )
    db.close()
    expect(steps.filter((s) => s.kind === 'swap').length).toBeGreaterThan(0)
    expect(steps.some((s) => s.kind === 'tie' && s.by?.includes('lot'))).toBe(true)
    expect(one('SELECT count(*) FROM members')).toBe(12)
    // And a poll that is open, to try the tablet.
    expect(
      one(
        "SELECT count(*) FROM election_events WHERE stage = 'poll_open' AND election_id NOT IN (SELECT election_id FROM election_events WHERE stage = 'poll_closed')",
      ),
    ).toBe(1)
    // Three meetings held and closed, one of them without its quorum, and the next one scheduled.
    expect(one('SELECT count(*) FROM meetings')).toBe(4)
    expect(one("SELECT count(*) FROM meeting_events WHERE stage = 'closed'")).toBe(3)
    expect(
      one(
        "SELECT count(*) FROM meetings WHERE date > date('now') AND id NOT IN (SELECT meeting_id FROM meeting_events)",
      ),
    ).toBe(1)
    expect(one('SELECT count(*) FROM resolutions WHERE number IS NOT NULL')).toBeGreaterThanOrEqual(4)
    expect(
      one('SELECT count(*) FROM resolutions WHERE number IS NULL AND votes_against > votes_for'),
    ).toBeGreaterThanOrEqual(1)
    const held = openDatabase(dbFile)
    try {
      const past = held.db.select().from(meetings).where(lt(meetings.date, todayIso())).all()
      expect(past).toHaveLength(3)
      expect(past.filter((m) => !meetingQuorum(held.db, m).met)).toHaveLength(1)
      // Resolutions at every stage of their way to the Gram Panchayat, one of them overdue,
      // and the answers carried onto the next meeting's agenda.
      const facilitator = loadActor(
        held.db,
        held.db.select().from(users).where(eq(users.username, 'facilitator')).get()!.id,
      )!
      const all = villageResolutions({ db: held.db, actor: facilitator, lang: 'en' }, facilitator.villageId!)
      expect(new Set(all.map((j) => j.status))).toEqual(new Set(['not_passed', 'passed', ...journeyStatuses]))
      expect(all.filter((j) => j.overdue)).toMatchObject([{ status: 'sent', overdue: 'acknowledge' }])
      const [next, ...more] = held.db.select().from(meetings).where(gt(meetings.date, todayIso())).all()
      expect(more).toHaveLength(0)
      const answerItems = agendaOf(held.db, next.id).filter((i) => i.kind === 'answer')
      expect(new Set(answerItems.map((i) => i.resolutionId))).toEqual(
        new Set(all.filter((j) => j.decision).map((j) => j.id)),
      )
    } finally {
      held.close()
    }
    const again = cli(['seed-demo'])
    expect(again.code).toBe(0)
    expect(one('SELECT count(*) FROM villages')).toBe(1)
    expect(one('SELECT count(*) FROM meetings')).toBe(4)
  }, 120_000)

  it('create-user takes the password from PASSWORD and refuses bad arguments with a message', () => {
    const ok = cli(
      ['create-user', '--username', 'asha', '--role', 'facilitator', '--village', '1', '--name', 'Asha Devi'],
      { PASSWORD: 'neem-ki-chhaon-9' },
    )
    expect(ok.code).toBe(0)
    expect(one("SELECT role FROM users WHERE username = 'asha'")).toBe('facilitator')
    const badRole = cli(['create-user', '--username', 'bina', '--role', 'king'], { PASSWORD: 'bina-password' })
    expect(badRole.code).toBe(1)
    expect(badRole.err).toContain('--role')
    const noVillage = cli(['create-user', '--username', 'chanda', '--role', 'panchayat', '--village', 'Atlantis'], {
      PASSWORD: 'chanda-password',
    })
    expect(noVillage.code).toBe(1)
    expect(noVillage.err).toContain('Atlantis')
    const shortPassword = cli(['create-user', '--username', 'dev', '--role', 'admin'], { PASSWORD: 'short' })
    expect(shortPassword.code).toBe(1)
    expect(shortPassword.err).toContain('--password: The password needs at least 10 characters.')
    const commonPassword = cli(['create-user', '--username', 'dev', '--role', 'admin'], { PASSWORD: '1234567890' })
    expect(commonPassword.code).toBe(1)
    expect(commonPassword.err).toContain('--password: This password is too common')
    expect(one("SELECT count(*) FROM users WHERE username IN ('bina', 'chanda', 'dev')")).toBe(0)
  }, 120_000)

  it('backup FILE writes a consistent copy while the database is in use', () => {
    const live = new Sqlite(dbFile)
    live.pragma('journal_mode = WAL')
    live.prepare("UPDATE villages SET block = 'written-before-backup'").run()
    const r = cli(['backup', 'copy.sqlite'])
    live.close()
    expect(r.code).toBe(0)
    const copy = new Sqlite(path.join(dir, 'copy.sqlite'), { readonly: true })
    try {
      expect(copy.prepare('SELECT count(*) FROM children').pluck().get()).toBe(one('SELECT count(*) FROM children'))
      expect(copy.prepare('SELECT block FROM villages').pluck().get()).toBe('written-before-backup')
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok')
    } finally {
      copy.close()
    }
  }, 120_000)

  it("npm start's server creates and migrates a new database and answers /health", async () => {
    const fresh = path.join(dir, 'fresh', 'app.sqlite')
    const port = await freePort()
    const server = spawn(process.execPath, nodeArgs('server'), {
      cwd: projectRoot,
      env: {
        ...process.env,
        PORT: String(port),
        HTTPS_PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_PATH: fresh,
        NODE_ENV: 'production',
      },
    })
    try {
      let health: Response | undefined
      // A busy two-core machine may take a while: wait for the answer (up to a minute), or for the server to exit.
      const deadline = Date.now() + 60_000
      while (!health && Date.now() < deadline && server.exitCode === null) {
        health = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined)
        if (!health) await new Promise((r) => setTimeout(r, 100))
      }
      expect(health?.status).toBe(200)
      expect(await health!.json()).toEqual({ status: 'ok' })
      expect((await fetch(`http://127.0.0.1:${port}/`, { redirect: 'manual' })).headers.get('location')).toBe('/setup')
      expect(fs.existsSync(fresh)).toBe(true)
      expect(fs.statSync(path.join(dir, 'fresh', 'session-secret')).mode & 0o077).toBe(0)
    } finally {
      server.kill('SIGTERM')
    }
  }, 120_000)
})
