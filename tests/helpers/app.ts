import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import type Sqlite from 'better-sqlite3'
import { inject } from 'vitest'
import { build } from '../../src/app.ts'
import type { StorageWatch } from '../../src/web/storage.ts'
import type { BackupOptions } from '../../src/backups/backup-schedule.ts'
import type { AppDatabase } from '../../src/db/client.ts'
import { openDatabase } from '../../src/database.ts'
import { createUser, operatorActor } from '../../src/accounts/accounts.ts'
import { createVillage } from '../../src/villages/villages.ts'
import type { StaffCtx, Actor } from '../../src/web/context.ts'
import type { Role } from '../../src/accounts/tables.ts'

export const PASSWORD = 'mango-tree-papdi-7'

/** A fresh database file, built from migrations/, in its own temporary folder. */
export function freshDatabase(): AppDatabase & { dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-test-'))
  const database = openDatabase(path.join(dir, 'test.sqlite'))
  return Object.assign(database, { dir })
}

export function operatorCtx(database: AppDatabase): StaffCtx {
  return { db: database.db, actor: operatorActor, lang: 'en' }
}

export function ctxFor(database: AppDatabase, actor: Actor, lang: 'hi' | 'en' = 'en'): StaffCtx {
  return { db: database.db, actor, lang }
}

/** The common village, made through the verbs: two villages, and an account of each role. */
async function seedVillagesAnew(database: AppDatabase) {
  const op = operatorCtx(database)
  const papdi = createVillage(op, {
    name: 'Papdi',
    gramPanchayat: 'Sothana',
    block: 'Viratnagar',
    district: 'Jaipur',
    state: 'Rajasthan',
  })
  const bhangdoli = createVillage(op, {
    name: 'Bhangdoli',
    gramPanchayat: 'Thanagazi',
    block: 'Thanagazi',
    district: 'Alwar',
    state: 'Rajasthan',
  })
  const make = async (username: string, role: Role, villageId: number | null): Promise<Actor> => {
    const u = await createUser(op, { username, displayName: username, role, villageId, password: PASSWORD })
    return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, villageId: u.villageId }
  }
  const users = {
    admin: await make('coordinator', 'admin', null),
    facilitator: await make('rekha', 'facilitator', papdi.id),
    otherFacilitator: await make('kamla', 'facilitator', bhangdoli.id),
    panchayat: await make('sarpanch', 'panchayat', papdi.id),
  }
  return { villages: { papdi, bhangdoli }, users }
}

type Seeded = Awaited<ReturnType<typeof seedVillagesAnew>>

/**
 * The rows a seeding added to a database in one state (`key`), the clock's reading while it ran, and
 * what it returned (dates as milliseconds: it goes from the global setup to the test files as JSON).
 */
export type Recording = {
  key: string
  tables: { name: string; columns: string[]; rows: (string | number | null)[][] }[]
  from: number
  to: number
  fx: {
    villages: Record<keyof Seeded['villages'], Omit<Seeded['villages']['papdi'], 'createdAt'> & { createdAt: number }>
    users: Seeded['users']
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The common village as seeded in a fresh database once for the whole run (tests/global-setup.ts). */
    seedVillages?: Recording
  }
}

/** In this test file (each runs in a module graph of its own): a database's state before seeding → what seeding added. */
const recordings = new Map<string, Recording>()
let sharedRead = false

/** Each table of the main database, with its row count and (if it has rowids) its highest rowid. */
function tableState(sqlite: Sqlite.Database) {
  const names = sqlite
    .prepare("SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[]
  const tables = names.map((name) => {
    const count = sqlite.prepare(`SELECT count(*) FROM main."${name}"`).pluck().get() as number
    let maxRowid: number | null | undefined
    try {
      maxRowid = sqlite.prepare(`SELECT max(rowid) FROM main."${name}"`).pluck().get() as number | null
    } catch {
      maxRowid = undefined // a WITHOUT ROWID table
    }
    return { name, count, maxRowid }
  })
  const sequences = sqlite.prepare('SELECT name, seq FROM main.sqlite_sequence ORDER BY name').raw().all()
  return { tables, key: JSON.stringify([tables, sequences]) }
}

/** What seeding added, if every table it wrote to has rowids to tell the new rows by. */
function record(
  sqlite: Sqlite.Database,
  before: ReturnType<typeof tableState>,
  from: number,
  to: number,
  fx: Seeded,
): Recording | undefined {
  const tables: Recording['tables'] = []
  for (const t of before.tables) {
    const count = sqlite.prepare(`SELECT count(*) FROM main."${t.name}"`).pluck().get() as number
    if (count === t.count) continue
    if (t.maxRowid === undefined) return undefined
    const statement = sqlite.prepare(`SELECT * FROM main."${t.name}" WHERE rowid > ? ORDER BY rowid`)
    const columns = statement.columns().map((c) => c.name)
    const rows = statement.raw().all(t.maxRowid ?? 0) as Recording['tables'][number]['rows']
    if (rows.length !== count - t.count) return undefined
    if (!rows.every((r) => r.every((v) => v === null || typeof v === 'string' || typeof v === 'number')))
      return undefined
    tables.push({ name: t.name, columns, rows })
  }
  const village = (v: Seeded['villages']['papdi']) => ({ ...v, createdAt: v.createdAt.getTime() })
  return {
    key: before.key,
    tables,
    from,
    to,
    fx: {
      villages: { papdi: village(fx.villages.papdi), bhangdoli: village(fx.villages.bhangdoli) },
      users: structuredClone(fx.users),
    },
  }
}

/**
 * The same rows again, in a database in the same state as the recorded one: the same ids, names and
 * password hashes (each account's own salt), and the time now wherever the seeding wrote the time it
 * ran at. What the verbs make (and the password hashing, a quarter of a second an account) is done
 * once for the run instead of for every test; the verbs themselves are tested on their own (accounts,
 * villages).
 */
function replay(database: AppDatabase, recording: Recording): Seeded {
  const now = Date.now()
  const time = (v: unknown) => (typeof v === 'number' && v >= recording.from && v <= recording.to ? now : v)
  database.sqlite.transaction(() => {
    database.sqlite.pragma('defer_foreign_keys = ON')
    for (const t of recording.tables) {
      const insert = database.sqlite.prepare(
        `INSERT INTO main."${t.name}" (${t.columns.map((c) => `"${c}"`).join(', ')}) VALUES (${t.columns.map(() => '?').join(', ')})`,
      )
      for (const row of t.rows) insert.run(row.map(time))
    }
  })()
  const { villages, users } = recording.fx
  const village = (v: (typeof villages)['papdi']) => ({ ...v, createdAt: new Date(time(v.createdAt) as number) })
  return {
    villages: { papdi: village(villages.papdi), bhangdoli: village(villages.bhangdoli) },
    users: structuredClone(users),
  }
}

/**
 * The common village: two villages, and an account of each role. Made through the verbs once for
 * the run, in a fresh database (tests/global-setup.ts), and again in a test file that seeds a
 * database in another state the first time; after that, in a database in a state seeded before, the
 * same rows are written again (see `replay`): a test that wants a fresh village does not pay for it.
 */
export async function seedVillages(database: AppDatabase): Promise<Seeded> {
  if (!sharedRead) {
    sharedRead = true
    const shared = inject('seedVillages')
    if (shared) recordings.set(shared.key, shared)
  }
  const before = tableState(database.sqlite)
  const recorded = recordings.get(before.key)
  if (recorded) return replay(database, recorded)
  const from = Date.now()
  const fx = await seedVillagesAnew(database)
  const made = record(database.sqlite, before, from, Date.now(), fx)
  if (made) recordings.set(made.key, made)
  return fx
}

/** The common village made through the verbs in a fresh database, as `replay` writes it again. */
export async function recordSeeding(): Promise<Recording | undefined> {
  const database = freshDatabase()
  try {
    const before = tableState(database.sqlite)
    const from = Date.now()
    const fx = await seedVillagesAnew(database)
    return record(database.sqlite, before, from, Date.now(), fx)
  } finally {
    database.close()
    fs.rmSync(database.dir, { recursive: true, force: true })
  }
}

export type TestApp = Awaited<ReturnType<typeof testApp>>

export async function testApp(
  options: {
    seed?: boolean
    loginRateLimit?: { max: number; timeWindow: number }
    logStream?: NodeJS.WritableStream
    now?: () => number
    storage?: StorageWatch
    backups?: BackupOptions
  } = {},
) {
  const database = freshDatabase()
  const app = await build({
    database,
    sessionSecret: 'test-secret-that-is-long-enough-0123456789',
    loginRateLimit: options.loginRateLimit ?? { max: 1000, timeWindow: 60_000 },
    logStream: options.logStream,
    now: options.now,
    storage: options.storage,
    backups: options.backups,
  })
  const fx = options.seed === false ? null : await seedVillages(database)
  const close = async () => {
    await app.close()
    database.close()
    fs.rmSync(database.dir, { recursive: true, force: true })
  }
  return { app, database, db: database.db, fx: fx!, close, agent: () => new Agent(app) }
}

/** A browser-like client over app.inject: keeps cookies, knows the page's CSRF token. */
export class Agent {
  cookies = new Map<string, string>()
  csrf = ''
  constructor(readonly app: FastifyInstance) {}

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  private keep(res: LightMyRequestResponse) {
    for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name)
      else this.cookies.set(c.name, c.value)
    }
    const token = /name="csrf-token" content="([^"]+)"/.exec(res.body)?.[1]
    if (token) this.csrf = token
    return res
  }

  async get(url: string, headers: Record<string, string> = {}) {
    return this.keep(
      await this.app.inject({
        method: 'GET',
        url,
        headers: { accept: 'text/html', cookie: this.cookieHeader(), ...headers },
      }),
    )
  }

  /** Posts a form as a browser would, with the page's CSRF token unless told otherwise. */
  async post(
    url: string,
    form: Record<string, string | string[]> = {},
    headers: Record<string, string> = {},
    withCsrf = true,
  ) {
    if (withCsrf && !this.csrf) await this.get('/login')
    const body = new URLSearchParams()
    if (withCsrf) body.append('_csrf', this.csrf)
    for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x)
    return this.keep(
      await this.app.inject({
        method: 'POST',
        url,
        payload: body.toString(),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'text/html',
          cookie: this.cookieHeader(),
          ...headers,
        },
      }),
    )
  }

  async login(username: string, password = PASSWORD) {
    await this.get('/login')
    const res = await this.post('/login', { username, password })
    if (res.statusCode !== 303) throw new Error(`login as ${username} failed: ${res.statusCode}`)
    await this.get('/account/password')
    return this
  }
}

/** Text of the element after a label, to read a page the way a person would. */
export function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
}
