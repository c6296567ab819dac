// The box's files as someone who holds them would meet them: the data folder and every file in it
// are the owner's alone (after first start, after a restart over files left looser, after a backup);
// a backup made by the command line carries no session, not even in its free bytes; an encrypted
// backup shows nothing of a child, and restore reads it back, refusing a wrong passphrase, a changed
// byte, and a database in use, and changing nothing when it refuses.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawn, spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Sqlite from 'better-sqlite3'
import { build } from '../../src/app.ts'
import { ballotBoxPath, projectRoot, type AppDatabase } from '../../src/db/client.ts'
import { openDatabase } from '../../src/database.ts'
import { restoreBackup } from '../../src/backups/restore.ts'
import { BackupRefused, MAGIC } from '../../src/backups/backup-crypto.ts'
import { DEMO_PASSWORD } from '../../src/demo/seed.ts'
import { Agent } from '../helpers/app.ts'
import { freePort } from '../helpers/box-server.ts'
import { nodeArgs } from '../helpers/entry.ts'
import { seedEveryTable } from './migration-data.ts'

const PASSPHRASE = 'mango tree by the well'
let dir: string
let liveFile: string
let live: AppDatabase
let secrets: { sessionId: string; csrfSecret: string | null; pinHash: string }
let childName: string

// The compiled command when the build is up to date, else the source through tsx's loader.
const CLI = nodeArgs('cli')

function cliEnv(env: Record<string, string | undefined>, databasePath: string): NodeJS.ProcessEnv {
  const full: NodeJS.ProcessEnv = { ...process.env, DATABASE_PATH: databasePath, INIT_CWD: dir, ...env }
  if (env.PASSPHRASE === undefined) delete full.PASSPHRASE
  return full
}

/** The operator's command, run from `dir` as a shell there would (a relative FILE is in `dir`). */
function cli(args: string[], env: Record<string, string | undefined> = {}, databasePath = liveFile) {
  const r = spawnSync(process.execPath, [...CLI, ...args], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: cliEnv(env, databasePath),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

/** The same command, without blocking: for commands that do not depend on one another, run side by side. */
function cliAsync(
  args: string[],
  env: Record<string, string | undefined> = {},
  databasePath = liveFile,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, ...args], {
      cwd: projectRoot,
      env: cliEnv(env, databasePath),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d
    })
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, out, err }))
  })
}

const mode = (f: string) => fs.statSync(f).mode & 0o777

/** Every folder and file under `root` with its mode, folders marked with a trailing slash. */
function modesUnder(root: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) {
        out[`${path.relative(root, p)}/`] = mode(p).toString(8)
        walk(p)
      } else out[path.relative(root, p)] = mode(p).toString(8)
    }
  }
  out['./'] = mode(root).toString(8)
  walk(root)
  return out
}

/** Each entry's mode must be the owner's alone: 700 for folders, 600 for files. */
function expectOwnerOnly(root: string) {
  const modes = modesUnder(root)
  const wrong = Object.entries(modes).filter(([name, m]) => m !== (name.endsWith('/') ? '700' : '600'))
  expect(wrong, `modes under ${root}: ${JSON.stringify(modes)}`).toEqual([])
  return modes
}

/** The bytes of every file in a folder, to prove a refused restore changed nothing. */
function snapshot(folder: string): Record<string, string> {
  return Object.fromEntries(
    fs
      .readdirSync(folder, { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => e.name)
      .sort()
      .map((f) => [f, fs.readFileSync(path.join(folder, f)).toString('base64')]),
  )
}

const holds = (bytes: Buffer, text: string) => bytes.includes(Buffer.from(text, 'utf8'))
const liveBytes = () =>
  Buffer.concat([liveFile, `${liveFile}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)))

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-files-'))
  liveFile = path.join(dir, 'data', 'bal-panchayat.sqlite')
  live = openDatabase(liveFile)
  await seedEveryTable(live)
  // A real login, so that the session row holds what a real one holds (the CSRF secret too).
  const app = await build({
    database: live,
    sessionSecret: 'test-secret-that-is-long-enough-0123456789',
    loginRateLimit: { max: 1000, timeWindow: 60_000 },
  })
  try {
    await new Agent(app).login('facilitator', DEMO_PASSWORD)
  } finally {
    await app.close()
  }
  const session = live.sqlite
    .prepare('SELECT id, data FROM sessions WHERE user_id IS NOT NULL ORDER BY rowid DESC LIMIT 1')
    .get() as { id: string; data: string }
  const csrf = (JSON.parse(session.data) as { _csrf?: string })._csrf
  secrets = {
    sessionId: session.id,
    csrfSecret: csrf ?? null,
    pinHash: live.sqlite.prepare('SELECT pin_hash FROM stations LIMIT 1').pluck().get() as string,
  }
  childName = live.sqlite
    .prepare("SELECT name FROM children WHERE name <> '' ORDER BY id DESC LIMIT 1")
    .pluck()
    .get() as string
})
afterAll(() => {
  live?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('file modes', () => {
  it('the server makes its data folder 700 and every file in it 600 on first start, and tightens them on a restart over looser ones', {
    timeout: 90_000,
  }, async () => {
    const data = path.join(dir, 'served', 'data')
    const file = path.join(data, 'bal-panchayat.sqlite')
    const running = await startServer(file)
    try {
      // Something written while it runs (in the WAL), by the command line beside it.
      expect(cli(['seed-demo'], {}, file).code).toBe(0)
      const modes = expectOwnerOnly(data)
      for (const f of [
        'bal-panchayat.sqlite',
        'bal-panchayat.sqlite-wal',
        'bal-panchayat.sqlite-shm',
        'bal-panchayat.ballot-box.sqlite',
        'session-secret',
        'tls/',
        'tls/ca.key',
        'tls/server.key',
      ])
        expect(modes).toHaveProperty([f])
      // And after a backup, written into the data folder: the backup too.
      expect(cli(['backup', path.join(data, 'copy.sqlite')], {}, file).code).toBe(0)
      expect(expectOwnerOnly(data)).toHaveProperty(['copy.sqlite'])
    } finally {
      await running.stop()
    }

    // As an older release (or a copy made with cp) left them: readable by everyone.
    const loosen = (d: string) => {
      fs.chmodSync(d, 0o755)
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name)
        if (e.isDirectory()) loosen(p)
        else fs.chmodSync(p, 0o644)
      }
    }
    loosen(data)
    expect(mode(file)).toBe(0o644)
    const again = await startServer(file)
    try {
      expectOwnerOnly(data)
    } finally {
      await again.stop()
    }
  })

  it('openDatabase tightens a looser folder and files even without the umask, but leaves a folder that holds other folders (a home, /var/lib)', () => {
    const data = path.join(dir, 'loose')
    fs.mkdirSync(data, { mode: 0o755 })
    fs.chmodSync(data, 0o755)
    const file = path.join(data, 'app.sqlite')
    openDatabase(file).close()
    for (const f of fs.readdirSync(data)) fs.chmodSync(path.join(data, f), 0o644)
    fs.chmodSync(data, 0o755)
    const database = openDatabase(file)
    try {
      database.db.run('UPDATE villages SET block = block') // something written
      expectOwnerOnly(data)
      expect(fs.existsSync(`${file}-wal`)).toBe(true)
    } finally {
      database.close()
    }

    const shared = path.join(dir, 'shared')
    fs.mkdirSync(path.join(shared, 'someone-elses'), { recursive: true })
    fs.chmodSync(shared, 0o755)
    openDatabase(path.join(shared, 'app.sqlite')).close()
    expect(mode(shared), 'a folder holding other folders is not taken over').toBe(0o755)
    expect(mode(path.join(shared, 'app.sqlite'))).toBe(0o600)
  })
})

describe('backups made by the command line', () => {
  it('leave out sessions: no row, and no session id or CSRF secret anywhere in the bytes (while the live files hold them)', {
    timeout: 30_000,
  }, () => {
    const liveFiles = liveBytes()
    expect(holds(liveFiles, secrets.sessionId), 'control: the live database or its WAL holds the session id').toBe(true)
    if (secrets.csrfSecret) expect(holds(liveFiles, secrets.csrfSecret), 'control: and the CSRF secret').toBe(true)
    expect(holds(liveFiles, secrets.pinHash), 'control: and the station PIN hash').toBe(true)

    const r = cli(['backup', 'plain.sqlite'])
    expect(r.code, r.err).toBe(0)
    const file = path.join(dir, 'plain.sqlite')
    expect(mode(file)).toBe(0o600)
    const bytes = fs.readFileSync(file)
    expect(holds(bytes, secrets.sessionId)).toBe(false)
    if (secrets.csrfSecret) expect(holds(bytes, secrets.csrfSecret)).toBe(false)
    expect(holds(bytes, secrets.pinHash)).toBe(false)
    expect(holds(bytes, childName), "control: the plain backup holds the children's names").toBe(true)
    expect(fs.existsSync(`${file}-wal`) || fs.existsSync(`${file}-journal`), 'one file, nothing beside it').toBe(false)
    const copy = new Sqlite(file, { readonly: true })
    try {
      expect(copy.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0)
      expect(copy.prepare('SELECT count(*) FROM children').pluck().get()).toBe(liveCount('children'))
      expect(copy.prepare("SELECT count(*) FROM stations WHERE pin_hash <> ''").pluck().get()).toBe(0)
      expect(copy.pragma('freelist_count', { simple: true }), 'no free page left').toBe(0)
    } finally {
      copy.close()
    }
    expect(lastAudit('database.backed_up')).toEqual({ file, encrypted: false })
  })

  it('refuse a short passphrase, with a message, and write nothing', { timeout: 60_000 }, async () => {
    // Three refusals that write nothing, so they can run side by side.
    const [r, given, noTerminal] = await Promise.all([
      cliAsync(['backup', 'short.bak', '--passphrase'], { PASSPHRASE: 'short' }),
      cliAsync(['backup', 'short.bak', '--passphrase=on-the-command-line']),
      cliAsync(['backup', 'short.bak', '--passphrase']),
    ])
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/at least 10 characters/)
    expect(given.code).toBe(1)
    expect(given.err).toMatch(/never give it on the command line/)
    expect(noTerminal.code).toBe(1)
    expect(noTerminal.err).toMatch(/PASSPHRASE/)
    expect(fs.existsSync(path.join(dir, 'short.bak'))).toBe(false)
  })
})

describe('encrypted backups and restore', () => {
  let encrypted: string
  beforeAll(() => {
    const r = cli(['backup', 'sealed.bpbackup', '--passphrase'], { PASSPHRASE })
    if (r.code !== 0) throw new Error(r.err)
    encrypted = path.join(dir, 'sealed.bpbackup')
  }, 60_000)

  it('the encrypted file shows nothing of the data (the plain one shows the names), is 600, and its making is in the audit log', {
    timeout: 60_000,
  }, () => {
    const bytes = fs.readFileSync(encrypted)
    expect(mode(encrypted)).toBe(0o600)
    expect(bytes.subarray(0, MAGIC.length).equals(MAGIC)).toBe(true)
    expect(holds(bytes, childName)).toBe(false)
    expect(holds(bytes, 'SQLite format 3')).toBe(false)
    expect(holds(bytes, secrets.sessionId)).toBe(false)
    expect(holds(fs.readFileSync(path.join(dir, 'plain.sqlite')), childName), 'control').toBe(true)
    expect(lastAudit('database.backed_up')).toEqual({ file: encrypted, encrypted: true })
  })

  it('restore brings it back whole as the database at DATABASE_PATH: the data, the ballot box, owner-only files', {
    timeout: 60_000,
  }, () => {
    const target = path.join(dir, 'restored', 'data', 'bal-panchayat.sqlite')
    const r = cli(['restore', 'sealed.bpbackup'], { PASSPHRASE }, target)
    expect(r.code, r.err).toBe(0)
    expect(r.out).toContain(target)
    const restored = openDatabase(target)
    try {
      for (const table of ['children', 'users', 'elections', 'resolutions', 'responses']) {
        expect(restored.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), table).toBe(liveCount(table))
      }
      expect(restored.sqlite.prepare('SELECT name FROM children ORDER BY id DESC LIMIT 1').pluck().get()).toBe(
        childName,
      )
      const slots = 'SELECT count(*) FROM box.box_slots WHERE filled'
      expect(restored.sqlite.prepare(slots).pluck().get(), 'the tablet ballots, in the box beside it').toBe(
        live.sqlite.prepare(slots).pluck().get(),
      )
      expect(restored.sqlite.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0)
      const entry = restored.sqlite
        .prepare("SELECT detail FROM audit_log WHERE action = 'database.restored'")
        .pluck()
        .get() as string
      expect(JSON.parse(entry)).toEqual({ file: encrypted, encrypted: true, keptAside: [] })
    } finally {
      restored.close()
    }
    expect(fs.existsSync(ballotBoxPath(target))).toBe(true)
    expectOwnerOnly(path.dirname(target))
  })

  it('a wrong passphrase: exit 1, one line, and the database there is untouched', { timeout: 60_000 }, () => {
    const target = path.join(dir, 'restored', 'data', 'bal-panchayat.sqlite')
    const before = snapshot(path.dirname(target))
    const r = cli(['restore', 'sealed.bpbackup', '--force'], { PASSPHRASE: 'not the passphrase' }, target)
    expect(r.code).toBe(1)
    expect(r.err.trim().split('\n')).toHaveLength(1)
    expect(r.err).toMatch(/Wrong passphrase/)
    expect(snapshot(path.dirname(target))).toEqual(before)
  })

  it('a changed byte anywhere (header, data, seal) is refused and changes nothing', { timeout: 60_000 }, async () => {
    const target = path.join(dir, 'restored', 'data', 'bal-panchayat.sqlite')
    const before = snapshot(path.dirname(target))
    const bytes = fs.readFileSync(encrypted)
    const flipped = (at: number) => {
      const copy = Buffer.from(bytes)
      copy[at] ^= 0x01
      const f = path.join(dir, `flipped-${at}.bpbackup`)
      fs.writeFileSync(f, copy)
      return f
    }
    // Through the command line once: in the middle of the data (its own process, so it runs while the
    // flips below are tried in this one).
    const viaCli = cliAsync(
      ['restore', path.basename(flipped(Math.floor(bytes.length / 2))), '--force'],
      { PASSPHRASE },
      target,
    )
    // And every part of the file, through the same function: the magic, the version, the scrypt
    // parameters, the salt, the nonce, the passphrase check, the first and last data bytes, the tag.
    const headerLength = MAGIC.length + 6 + 16 + 12 + 16
    for (const at of [
      0,
      MAGIC.length,
      MAGIC.length + 2,
      MAGIC.length + 7,
      MAGIC.length + 6 + 16 + 1,
      headerLength - 1,
      headerLength,
      bytes.length - 17,
      bytes.length - 1,
    ]) {
      await expect(
        restoreBackup(flipped(at), target, { force: true, passphrase: async () => PASSPHRASE }),
        `byte ${at}`,
      ).rejects.toBeInstanceOf(BackupRefused)
    }
    // Cut short.
    const cut = path.join(dir, 'cut.bpbackup')
    fs.writeFileSync(cut, bytes.subarray(0, bytes.length - 100))
    await expect(restoreBackup(cut, target, { force: true, passphrase: async () => PASSPHRASE })).rejects.toThrow(
      /damaged/,
    )
    const r = await viaCli
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/damaged/)
    expect(r.err.trim().split('\n')).toHaveLength(1)
    expect(snapshot(path.dirname(target))).toEqual(before)
  })

  it('a damaged plain backup, or a file that is no backup, is refused too', { timeout: 60_000 }, async () => {
    const target = path.join(dir, 'restored', 'data', 'bal-panchayat.sqlite')
    const before = snapshot(path.dirname(target))
    const plain = fs.readFileSync(path.join(dir, 'plain.sqlite'))
    const damaged = Buffer.from(plain)
    damaged.fill(0xa5, 4096 * 3, 4096 * 5) // two pages of the tables, overwritten
    fs.writeFileSync(path.join(dir, 'damaged.sqlite'), damaged)
    await expect(
      restoreBackup(path.join(dir, 'damaged.sqlite'), target, { force: true, passphrase: async () => '' }),
    ).rejects.toThrow(/damaged/)
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a backup')
    const r = cli(['restore', 'notes.txt', '--force'], {}, target)
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/not a Bal Panchayat backup/)
    expect(snapshot(path.dirname(target))).toEqual(before)
  })

  it('an existing database is replaced only with --force, and then kept aside (600, its ballot box inside), restorable in turn', {
    timeout: 60_000,
  }, () => {
    const target = path.join(dir, 'restored', 'data', 'bal-panchayat.sqlite')
    const marker = (file: string) => {
      const db = new Sqlite(file)
      try {
        return db.prepare('SELECT block FROM villages ORDER BY id LIMIT 1').pluck().get()
      } finally {
        db.close()
      }
    }
    const db = openDatabase(target)
    const slots = db.sqlite.prepare('SELECT count(*) FROM box.box_slots WHERE filled').pluck().get()
    db.sqlite.prepare("UPDATE villages SET block = 'written after the restore'").run()
    db.close()

    const refused = cli(['restore', 'plain.sqlite'], {}, target)
    expect(refused.code).toBe(1)
    expect(refused.err).toMatch(/--force/)
    expect(marker(target)).toBe('written after the restore')

    const r = cli(['restore', 'plain.sqlite', '--force'], {}, target)
    expect(r.code, r.err).toBe(0)
    const aside = fs
      .readdirSync(path.dirname(target))
      .filter((f) => f.startsWith('bal-panchayat.sqlite.before-restore-'))
    expect(aside).toHaveLength(1)
    const kept = path.join(path.dirname(target), aside[0])
    expect(r.out).toContain(kept)
    expect(mode(kept)).toBe(0o600)
    expect(marker(target)).not.toBe('written after the restore')
    expect(marker(kept)).toBe('written after the restore')
    expectOwnerOnly(path.dirname(target))

    // The kept database is a backup itself: restoring it brings back its rows and its box.
    const back = cli(['restore', kept, '--force'], {}, target)
    expect(back.code, back.err).toBe(0)
    const again = openDatabase(target)
    try {
      expect(again.sqlite.prepare('SELECT block FROM villages ORDER BY id LIMIT 1').pluck().get()).toBe(
        'written after the restore',
      )
      expect(again.sqlite.prepare('SELECT count(*) FROM box.box_slots WHERE filled').pluck().get()).toBe(slots)
    } finally {
      again.close()
    }
  })

  it('restore refuses while the server runs on the database, and changes nothing', { timeout: 90_000 }, async () => {
    const target = path.join(dir, 'restored', 'data', 'bal-panchayat.sqlite')
    const server = await startServer(target)
    try {
      // The running server's WAL and SHM may change on their own; the database and the box may not.
      const files = () =>
        Object.fromEntries(Object.entries(snapshot(path.dirname(target))).filter(([f]) => !/-(wal|shm)$/.test(f)))
      const before = files()
      const r = cli(['restore', 'sealed.bpbackup', '--force'], { PASSPHRASE }, target)
      expect(r.code).toBe(1)
      expect(r.err).toMatch(/in use/)
      expect(r.err.trim().split('\n')).toHaveLength(1)
      expect(files()).toEqual(before)
    } finally {
      await server.stop()
    }
  })
})

function liveCount(table: string): number {
  return live.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number
}

function lastAudit(action: string): unknown {
  const detail = live.sqlite
    .prepare('SELECT detail FROM audit_log WHERE action = ? ORDER BY id DESC LIMIT 1')
    .pluck()
    .get(action) as string
  return JSON.parse(detail)
}

/** `npm start`'s server on its own database, plain HTTP on a free port, HTTPS on any. */
async function startServer(databasePath: string) {
  // A port the system says is free, so the /health that answers is this server's and no other's.
  const port = await freePort()
  const server = spawn(process.execPath, nodeArgs('server'), {
    cwd: projectRoot,
    stdio: 'ignore',
    env: {
      ...process.env,
      PORT: String(port),
      HTTPS_PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_PATH: databasePath,
      NODE_ENV: 'production',
    },
  })
  let healthy = false
  for (let i = 0; i < 300 && !healthy && server.exitCode === null; i++) {
    healthy = (await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined))?.status === 200
    if (!healthy) await new Promise((r) => setTimeout(r, 100))
  }
  if (!healthy) {
    server.kill('SIGKILL')
    throw new Error('the server did not start')
  }
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        if (server.exitCode !== null || server.signalCode !== null) return resolve()
        server.once('exit', () => resolve())
        server.kill('SIGTERM')
      }),
  }
}
