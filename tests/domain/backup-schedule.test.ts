// When the box takes its own backups, on a clock the test moves: every night at 02:00 local time,
// a missed night made up at the first look after start, closings within a minute made one backup,
// a failure shown and tried again, and "overdue" when no good backup came for 26 hours of being up.
import { describe, expect, it } from 'vitest'
import { BackupSchedule, lastNightly, type BackupLog, type BackupTaker } from '../../src/backups/backup-schedule.ts'
import { BackupFailed, type GoodBackup } from '../../src/backups/backup-folder.ts'
import { FakeTime, settle } from '../helpers/fake-time.ts'

/** A moment in January 2025, in the local time of the machine running the test. */
const local = (day: number, hour: number, minute = 0, second = 0) =>
  new Date(2025, 0, day, hour, minute, second).getTime()
const MINUTE = 60_000
const HOUR = 60 * MINUTE

class FakeFolder implements BackupTaker {
  readonly settings = { dir: '/media/usb/bal-panchayat-backups', keep: 14 }
  takes: number[] = []
  fail: Error | null = null
  /** While set, a backup being written does not finish (a slow or hung USB stick). */
  hold: Promise<void> | null = null
  constructor(private good: GoodBackup | null) {}
  lastGood() {
    return this.good
  }
  async take(at: number): Promise<GoodBackup> {
    this.takes.push(at)
    if (this.hold) await this.hold
    if (this.fail) throw this.fail
    this.good = { file: `${this.settings.dir}/backup-${at}.sqlite`, at }
    return this.good
  }
}

function deferred() {
  let release!: () => void
  const promise = new Promise<void>((resolve) => {
    release = resolve
  })
  return { promise, release }
}

function schedule(folder: BackupTaker, startAt: number) {
  const time = new FakeTime(startAt)
  const logged: { level: string; detail: object; message: string }[] = []
  const log: BackupLog = {
    info: (detail, message) => logged.push({ level: 'info', detail, message }),
    error: (detail, message) => logged.push({ level: 'error', detail, message }),
  }
  const s = new BackupSchedule(folder, { now: time.now, timers: time.timers, log })
  return { s, time, logged }
}

describe('the nightly backup', () => {
  it('is taken every night at 02:00 local time, and never in between', async () => {
    const folder = new FakeFolder({ file: 'last-night.sqlite', at: local(10, 2, 0, 30) })
    const { s, time } = schedule(folder, local(10, 14))
    s.start()
    await time.advanceTo(local(11, 1, 59))
    expect(folder.takes).toEqual([])
    await time.advanceTo(local(11, 2, 5))
    expect(folder.takes).toHaveLength(1)
    expect(folder.takes[0]).toBeGreaterThanOrEqual(local(11, 2))
    expect(folder.takes[0]).toBeLessThanOrEqual(local(11, 2, 5))
    await time.advanceTo(local(12, 1, 59))
    expect(folder.takes).toHaveLength(1)
    await time.advanceTo(local(13, 2, 5))
    expect(folder.takes).toHaveLength(3)
    expect(folder.takes[2]).toBeGreaterThanOrEqual(local(13, 2))
    expect(s.status()).toMatchObject({ overdue: false, lastFailure: null, lastGood: { at: new Date(folder.takes[2]) } })
    await s.stop()
  })

  it('a night missed while the box was off is made up at the first look after start (a minute), not during start', async () => {
    const folder = new FakeFolder({ file: 'old.sqlite', at: local(8, 2) })
    const { s, time } = schedule(folder, local(10, 9))
    s.start()
    await time.advance(59_000)
    expect(folder.takes).toEqual([])
    await time.advance(1_000)
    expect(folder.takes).toEqual([local(10, 9, 1)])
    // Tonight's is then the next one.
    await time.advanceTo(local(11, 1, 59))
    expect(folder.takes).toHaveLength(1)
    await s.stop()
  })

  it('a box that has never made one makes one at the first look', async () => {
    const folder = new FakeFolder(null)
    const { s, time } = schedule(folder, local(10, 15))
    s.start()
    await time.advance(MINUTE)
    expect(folder.takes).toHaveLength(1)
    await s.stop()
  })

  it('a clock set back (a box without a clock battery) does not stop the backups until it catches up', async () => {
    const folder = new FakeFolder({ file: 'from-the-future.sqlite', at: local(20, 2) })
    const { s, time } = schedule(folder, local(10, 14))
    s.start()
    await time.advance(MINUTE)
    expect(folder.takes).toHaveLength(1)
    await s.stop()
  })

  it('lastNightly: the latest 02:00 at or before the moment', () => {
    const at = { hour: 2, minute: 0 }
    expect(lastNightly(local(10, 2), at)).toBe(local(10, 2))
    expect(lastNightly(local(10, 1, 59, 59), at)).toBe(local(9, 2))
    expect(lastNightly(local(1, 0, 30), at)).toBe(new Date(2024, 11, 31, 2).getTime())
  })
})

describe('backups after a poll or a meeting closes', () => {
  it('several closings within a minute make one backup, a minute after the first; a later one makes another', async () => {
    const folder = new FakeFolder({ file: 'last-night.sqlite', at: local(10, 2) })
    const { s, time } = schedule(folder, local(10, 14))
    s.start()
    await time.advance(2 * MINUTE)
    const first = time.at
    s.soon('poll closed')
    await time.advance(20_000)
    s.soon('meeting closed')
    await time.advance(20_000)
    s.soon('poll closed')
    expect(folder.takes).toEqual([])
    await time.advanceTo(first + MINUTE)
    expect(folder.takes).toEqual([first + MINUTE])
    await time.advance(10 * MINUTE)
    expect(folder.takes).toHaveLength(1)
    s.soon('meeting closed')
    await time.advance(MINUTE)
    expect(folder.takes).toHaveLength(2)
    await s.stop()
  })

  it('a closing while a backup is being written asks for one more after it (the first may have missed it)', async () => {
    const folder = new FakeFolder({ file: 'last-night.sqlite', at: local(10, 2) })
    const { s, time } = schedule(folder, local(10, 14))
    s.start()
    const slow = deferred()
    folder.hold = slow.promise
    void s.runNow('test')
    s.soon('poll closed')
    await time.advance(MINUTE)
    expect(folder.takes).toHaveLength(1)
    expect(s.status().running).toBe(true)
    folder.hold = null
    slow.release()
    await settle()
    expect(folder.takes).toHaveLength(2)
    expect(s.status().running).toBe(false)
    await s.stop()
  })

  it('nothing happens before start or after stop; stop waits for a backup under way and leaves no timer', async () => {
    const folder = new FakeFolder({ file: 'last-night.sqlite', at: local(10, 2) })
    const { s, time } = schedule(folder, local(10, 14))
    s.soon('poll closed')
    expect(time.pending).toBe(0)
    s.start()
    expect(time.pending).toBe(1)
    const slow = deferred()
    folder.hold = slow.promise
    void s.runNow('test')
    let stopped = false
    const stopping = s.stop().then(() => {
      stopped = true
    })
    await settle()
    expect(stopped).toBe(false)
    slow.release()
    await stopping
    expect(time.pending).toBe(0)
    s.soon('meeting closed')
    await time.advance(48 * HOUR)
    expect(folder.takes).toHaveLength(1)
  })
})

describe('a failing backup', () => {
  it('is logged and shown with its kind, never thrown; it is tried again an hour later, and the warning goes with the next good one', async () => {
    const folder = new FakeFolder({ file: 'last-night.sqlite', at: local(10, 2) })
    const { s, time, logged } = schedule(folder, local(10, 14))
    s.start()
    folder.fail = new BackupFailed('missing', 'The backup folder /media/usb/bal-panchayat-backups is not there')
    await time.advanceTo(local(11, 2, 5))
    expect(folder.takes).toHaveLength(1)
    expect(s.status()).toMatchObject({
      overdue: true,
      lastFailure: { kind: 'missing', at: new Date(folder.takes[0]) },
      lastGood: { at: new Date(local(10, 2)) },
    })
    expect(logged.filter((l) => l.level === 'error')).toMatchObject([
      { detail: { kind: 'missing' }, message: 'backup failed' },
    ])
    await time.advance(55 * MINUTE)
    expect(folder.takes).toHaveLength(1)
    await time.advance(10 * MINUTE)
    expect(folder.takes).toHaveLength(2)
    folder.fail = null
    await time.advance(65 * MINUTE)
    expect(folder.takes).toHaveLength(3)
    expect(s.status()).toMatchObject({ overdue: false, lastFailure: null, lastGood: { at: new Date(folder.takes[2]) } })
    await s.stop()
  })

  it('a disk full (ENOSPC), even thrown at once by the folder, is a "full" failure and nothing escapes', async () => {
    const throwing: BackupTaker = {
      settings: { dir: '/data/backups', keep: 14 },
      lastGood: () => null,
      take: () => {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
      },
    }
    const { s } = schedule(throwing, local(10, 14))
    s.start()
    await expect(s.runNow('test')).resolves.toBeUndefined()
    expect(s.status()).toMatchObject({ overdue: true, lastFailure: { kind: 'full' } })
    await s.stop()
  })
})

describe('overdue', () => {
  it('no good backup in the last 26 hours while the server was up (a backup that hangs on a dead USB stick)', async () => {
    const folder = new FakeFolder({ file: 'last-week.sqlite', at: local(3, 2) })
    const { s, time } = schedule(folder, local(10, 9))
    // Just started after a week off: not overdue yet, the missed night is being made up.
    s.start()
    expect(s.status().overdue).toBe(false)
    folder.hold = new Promise(() => {})
    await time.advance(25 * HOUR)
    expect(folder.takes).toHaveLength(1)
    expect(s.status()).toMatchObject({ overdue: false, running: true })
    await time.advance(HOUR + 1)
    expect(s.status()).toMatchObject({ overdue: true, lastFailure: null, running: true })
  })

  it('measured from the last good backup when the server has been up longer', async () => {
    const folder = new FakeFolder(null)
    const { s, time } = schedule(folder, local(10, 9))
    s.start()
    await time.advance(MINUTE)
    expect(s.status()).toMatchObject({ overdue: false, lastGood: { at: new Date(local(10, 9, 1)) } })
    folder.hold = new Promise(() => {})
    await time.advanceTo(local(11, 11, 1))
    expect(s.status().overdue).toBe(false)
    await time.advanceTo(local(11, 11, 2))
    expect(s.status().overdue).toBe(true)
  })
})
