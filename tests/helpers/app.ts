import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
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

/** The common village: two villages, and an account of each role. */
export async function seedVillages(database: AppDatabase) {
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
