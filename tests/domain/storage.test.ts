import { describe, expect, it } from 'vitest'
import { BatchFailed } from '../../src/db/group-commit.ts'
import { boxRoomNeeded } from '../../src/elections/elections.ts'
import { isStorageFull, StorageWatch } from '../../src/web/storage.ts'

const MB = 1024 * 1024

describe('watching the free space of the box', () => {
  it('is ok above the threshold, low below it, full with less than a megabyte', () => {
    let free = 500 * MB
    let now = 0
    const watch = new StorageWatch(
      () => free,
      200 * MB,
      () => now,
      5_000,
    )
    expect(watch.state()).toBe('ok')
    free = 150 * MB
    now += 5_000
    expect(watch.state()).toBe('low')
    free = 512 * 1024
    now += 5_000
    expect(watch.state()).toBe('full')
  })

  it('reads the disk at most every few seconds', () => {
    let reads = 0
    let now = 0
    const watch = new StorageWatch(
      () => {
        reads++
        return 500 * MB
      },
      200 * MB,
      () => now,
      5_000,
    )
    for (let i = 0; i < 100; i++) watch.state()
    expect(reads).toBe(1)
    now += 5_000
    watch.state()
    expect(reads).toBe(2)
  })

  it('a write refused for lack of space makes it "full" for a while, whatever the disk said', () => {
    let now = 0
    const watch = new StorageWatch(
      () => 500 * MB,
      200 * MB,
      () => now,
      5_000,
    )
    watch.noteFull()
    expect(watch.state()).toBe('full')
    now += 5_000
    expect(watch.state()).toBe('ok')
  })

  it('a disk it cannot read is not taken for a full one', () => {
    const watch = new StorageWatch(() => {
      throw new Error('statfs failed')
    })
    expect(watch.state()).toBe('ok')
  })

  it("knows a full disk from SQLite's and the file system's errors, alone or undoing a group commit", () => {
    const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })
    expect(isStorageFull(full)).toBe(true)
    expect(isStorageFull(Object.assign(new Error('no space'), { code: 'ENOSPC' }))).toBe(true)
    expect(isStorageFull(new BatchFailed(full))).toBe(true)
    expect(isStorageFull(Object.assign(new Error('constraint'), { code: 'SQLITE_CONSTRAINT_UNIQUE' }))).toBe(false)
    expect(isStorageFull(new Error('plain'))).toBe(false)
  })
})

describe('room for a ballot box', () => {
  it('grows with the roll and the contests, and asks several times what the rows take', () => {
    expect(boxRoomNeeded(0, 1)).toBe(MB)
    expect(boxRoomNeeded(1000, 3)).toBeGreaterThan(4 * 1000 * 4 * 100)
    expect(boxRoomNeeded(2000, 3)).toBeGreaterThan(boxRoomNeeded(1000, 3))
    expect(boxRoomNeeded(1000, 4)).toBeGreaterThan(boxRoomNeeded(1000, 3))
  })
})
