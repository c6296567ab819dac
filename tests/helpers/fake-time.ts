import type { Timers } from '../../src/backups/backup-schedule.ts'

/**
 * A clock and timers that move only when told: `advanceTo` runs every timer that falls due on the
 * way, in order, each at its own time, letting the promises it starts settle before the next.
 */
export class FakeTime {
  private queue: { at: number; run: () => void; id: number }[] = []
  private nextId = 1

  constructor(public at: number) {}

  readonly now = () => this.at

  readonly timers: Timers = {
    setTimeout: (run, ms) => {
      const id = this.nextId++
      this.queue.push({ at: this.at + Math.max(0, ms), run, id })
      return id
    },
    clearTimeout: (handle) => {
      this.queue = this.queue.filter((t) => t.id !== handle)
    },
  }

  /** Timers waiting to run. */
  get pending(): number {
    return this.queue.length
  }

  async advanceTo(time: number): Promise<void> {
    for (;;) {
      const next = [...this.queue].sort((a, b) => a.at - b.at || a.id - b.id)[0]
      if (!next || next.at > time) break
      this.queue = this.queue.filter((t) => t !== next)
      this.at = Math.max(this.at, next.at)
      next.run()
      await settle()
    }
    this.at = Math.max(this.at, time)
    await settle()
  }

  advance(ms: number): Promise<void> {
    return this.advanceTo(this.at + ms)
  }
}

/** Lets every promise chain already started run to its end (a few turns of the event loop). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve))
}
