import { AsyncLocalStorage } from 'node:async_hooks'
import { randomBytes } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { and, eq, lt } from 'drizzle-orm'
import type { Db, Tx } from '../db/client.ts'
import { formKeys } from './tables.ts'

/**
 * One-time keys for the forms that create something. Each rendering of such a form carries a new
 * random key (`_key`); the key is stored in the very transaction that creates the record (beside
 * its audit entry, see recordAudit), and unique. A repeat of the key — a double tap, the browser
 * resending after a lost answer — creates nothing and is answered as the first was. Two genuine
 * entries with the same words carry two keys and make two records: nothing is guessed from content.
 */
export const FORM_KEY_FIELD = '_key'
const KEEP_DAYS = 30

export function newFormKey(): string {
  return randomBytes(16).toString('base64url')
}

export function formKeyOf(body: unknown): string | null {
  const value = (body as Record<string, unknown> | null | undefined)?.[FORM_KEY_FIELD]
  return typeof value === 'string' && /^[A-Za-z0-9_-]{16,64}$/.test(value) ? value : null
}

type Ambient = { key: string; userId: number; claimed: boolean }
const ambient = new AsyncLocalStorage<Ambient>()

/**
 * Called by recordAudit inside the transaction of a change: the first entry written under a form
 * key stores the key with it. A second submission racing with the same key fails here on the
 * primary key, and its whole transaction is undone.
 */
export function claimFormKey(tx: Tx | Db, auditId: number): void {
  const store = ambient.getStore()
  if (!store || store.claimed) return
  tx.insert(formKeys).values({ key: store.key, userId: store.userId, auditId, createdAt: new Date() }).run()
  store.claimed = true
}

export type Done = { to: string; flash?: string }

/** What a form key already made: where it went, or null if it made nothing (yet). */
function earlier(db: Db, key: string, userId: number): Done | 'elsewhere' | null {
  const row = db.select().from(formKeys).where(eq(formKeys.key, key)).get()
  if (!row) return null
  if (row.userId !== userId) return 'elsewhere'
  return { to: row.result ?? '/', flash: row.flash ?? 'forms.alreadySaved' }
}

/**
 * Runs a form's action at most once per form key. Without a key (a client that is not one of our
 * forms) the action just runs. The answer to a repeat is the first one's: the same page, the same message.
 */
export async function once(request: FastifyRequest, act: () => Done | Promise<Done>): Promise<Done> {
  const key = formKeyOf(request.body)
  const actor = request.ctx?.actor
  if (!key || !actor) return act()
  const db = request.ctx.db
  const before = earlier(db, key, actor.id)
  if (before === 'elsewhere') return act()
  if (before) return before
  const store: Ambient = { key, userId: actor.id, claimed: false }
  let done: Done
  try {
    done = await ambient.run(store, act)
  } catch (err) {
    // The same key committed meanwhile by a submission that got there first: answer as it was.
    const raced = isKeyTaken(err) ? earlier(db, key, actor.id) : null
    if (raced && raced !== 'elsewhere') return raced
    throw err
  }
  if (store.claimed) {
    db.update(formKeys)
      .set({ result: done.to, flash: done.flash ?? null })
      .where(and(eq(formKeys.key, key), eq(formKeys.userId, actor.id)))
      .run()
    db.delete(formKeys)
      .where(lt(formKeys.createdAt, new Date(Date.now() - KEEP_DAYS * 24 * 3600 * 1000)))
      .run()
  }
  return done
}

function isKeyTaken(err: unknown): boolean {
  const e = err as { code?: string; message?: string }
  return e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' && Boolean(e.message?.includes('form_keys'))
}
