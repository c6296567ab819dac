import { vi } from 'vitest'
import { fuzzSuite } from './fuzz-harness.ts'

// The tie-breaking lots come from a seeded sequence, so that a run replays exactly (see random.ts).
vi.mock('node:crypto', async (importOriginal) =>
  (await import('./random.ts')).withSeededRandomInt(await importOriginal<object>(), 3),
)

// A quarter of the fuzz's posts, in a village of its own, with seed FUZZ_SEED + 2; see fuzz-harness.ts.
fuzzSuite(3)
