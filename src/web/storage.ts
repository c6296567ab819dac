import fs from 'node:fs'
import path from 'node:path'
import { BatchFailed } from '../db/group-commit.ts'

export type StorageState = 'ok' | 'low' | 'full'

/** Below this much free space the box warns (STORAGE_WARN_MB, default 200). */
export const DEFAULT_LOW_BYTES = 200 * 1024 * 1024

/**
 * Watches the free space of the disk that holds the database. Read at most every few seconds:
 * a polling station makes many requests a minute, and the disk does not fill that fast.
 */
export class StorageWatch {
  private cached: { at: number; free: number } | null = null
  private fullSince: number | null = null

  constructor(
    private readonly freeBytesNow: () => number,
    readonly lowBytes = DEFAULT_LOW_BYTES,
    private readonly now: () => number = Date.now,
    private readonly everyMs = 5_000,
  ) {}

  /** For the folder of a database file (":memory:" watches the temporary folder). */
  static forDatabase(file: string, lowBytes = lowBytesFromEnv()): StorageWatch {
    const folder = file === ':memory:' ? (process.env.TMPDIR ?? '/tmp') : path.dirname(path.resolve(file))
    return new StorageWatch(() => {
      const s = fs.statfsSync(folder)
      return Number(s.bavail) * Number(s.bsize)
    }, lowBytes)
  }

  freeBytes(): number {
    const now = this.now()
    if (!this.cached || now - this.cached.at >= this.everyMs) {
      let free: number
      try {
        free = this.freeBytesNow()
      } catch {
        free = Number.POSITIVE_INFINITY
      }
      this.cached = { at: now, free }
    }
    return this.cached.free
  }

  /** A write refused for lack of space: the box says "full" for a while, whatever the disk reads. */
  noteFull(): void {
    this.fullSince = this.now()
    this.cached = null
  }

  state(): StorageState {
    if (this.fullSince !== null && this.now() - this.fullSince < this.everyMs) return 'full'
    const free = this.freeBytes()
    if (free < FULL_BELOW) return 'full'
    return free < this.lowBytes ? 'low' : 'ok'
  }
}

/** Less than this is no room for even a commit's journal. */
const FULL_BELOW = 1024 * 1024

function lowBytesFromEnv(): number {
  const mb = Number(process.env.STORAGE_WARN_MB)
  return Number.isFinite(mb) && mb > 0 ? mb * 1024 * 1024 : DEFAULT_LOW_BYTES
}

/** A write that failed because the disk (or the database's allowed size) is full. */
export function isStorageFull(error: unknown): boolean {
  const code = error instanceof BatchFailed ? error.code : (error as { code?: unknown } | null)?.code
  return code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'SQLITE_IOERR_WRITE'
}
