/**
 * A small seeded generator (mulberry32): the same seed gives the same requests, so a failure
 * found once can be found again with `FUZZ_SEED=<seed>`.
 */
export class Rng {
  private state: number
  constructor(readonly seed: number) {
    this.state = seed >>> 0
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  int(n: number): number {
    return Math.floor(this.next() * n)
  }
  chance(p: number): boolean {
    return this.next() < p
  }
  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new Error('pick from nothing')
    return xs[this.int(xs.length)]
  }
  /** One of the options, each as likely as its weight. */
  weighted<T>(options: readonly (readonly [T, number])[]): T {
    let r = this.next() * options.reduce((n, [, w]) => n + w, 0)
    for (const [value, w] of options) if ((r -= w) < 0) return value
    return options[options.length - 1][0]
  }
  shuffle<T>(xs: readonly T[]): T[] {
    const a = [...xs]
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      ;[a[i], a[j]] = [a[j], a[i]]
    }
    return a
  }
}

/** The seed from the environment, or a fixed one so `npm test` is the same run every time. */
export function seedFrom(env: string | undefined, fallback: number): number {
  const n = Number(env)
  return env && Number.isInteger(n) ? n >>> 0 : fallback
}

/**
 * node:crypto with randomInt drawn from a seeded generator: the app draws the lots that break ties
 * with it, and a fuzz run whose ties fall differently would not replay. Everything else is untouched.
 */
export function withSeededRandomInt<T extends object>(crypto: T, seed = 1): T {
  const rng = new Rng(seed)
  const randomInt = (a: number, b?: number) => (b === undefined ? rng.int(a) : a + rng.int(b - a))
  return { ...crypto, randomInt, default: { ...(crypto as { default?: object }).default, randomInt } }
}
