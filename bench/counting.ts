/**
 * Counting one million ballots (tally + allocation) must take at most 2 s (issue: elections).
 * Builds a throw-away database through the real verbs, fills one contest with 1,000,000 secret
 * ballots (1–5 marks each), closes the poll and times countElection. Prints one JSON line.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { freshDatabaseAt, benchFixture } from './fixture.ts'
import { countElection, closePoll } from '../src/elections/counting.ts'

const BALLOTS = Number(process.env.BALLOTS ?? 1_000_000)
const LIMIT_MS = 2000

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-bench-'))
const database = freshDatabaseAt(path.join(dir, 'bench.sqlite'))
try {
  const { ctx, electionId, contestId, candidateIds } = await benchFixture(database, { seats: 10, candidates: 20 })
  // Ballot i marks 1 + (i % 5) candidates (3 on average), starting at (7i mod n) and stepping by 3,
  // each ballot under a random 22-character id as the app's are. Written by SQLite itself, in the
  // order of the ids and with a large page cache (single inserts from JavaScript, in random order,
  // took minutes), in one transaction.
  const sqlite = database.sqlite
  const fill = sqlite.transaction((n: number) => {
    sqlite.exec('CREATE TEMP TABLE bench_candidates (k INTEGER PRIMARY KEY, id INTEGER NOT NULL)')
    const candidate = sqlite.prepare('INSERT INTO bench_candidates (k, id) VALUES (?, ?)')
    candidateIds.forEach((id, k) => candidate.run(k, id))
    sqlite.prepare(`CREATE TEMP TABLE bench_ballots AS WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1)
      SELECT i, lower(hex(randomblob(11))) AS id FROM n`).run(n)
    sqlite.prepare('INSERT INTO ballots (id, contest_id) SELECT id, ? FROM bench_ballots ORDER BY id').run(contestId)
    sqlite.prepare(`INSERT INTO ballot_marks (ballot_id, contest_id, candidate_id)
      SELECT b.id, ?, c.id FROM bench_ballots b
      JOIN (SELECT 0 AS m UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) marks ON marks.m < 1 + (b.i % 5)
      JOIN bench_candidates c ON c.k = ((b.i * 7) % :n + marks.m * 3) % :n ORDER BY b.id, c.id`.replace(/:n/g, String(candidateIds.length))).run(contestId)
    sqlite.exec('DROP TABLE bench_ballots; DROP TABLE bench_candidates')
  })
  const filled = Date.now()
  // Filling is set-up, not what is measured: skip fsync while writing, then count as the app does.
  database.sqlite.pragma('synchronous = OFF')
  database.sqlite.pragma('cache_size = -262144')
  fill(BALLOTS)
  database.sqlite.pragma('cache_size = -2000')
  database.sqlite.pragma('synchronous = FULL')
  const fillMs = Date.now() - filled
  closePoll(ctx, electionId, { source: 'random' })
  countElection(ctx, electionId) // warm the page cache once, as a facilitator's second look would be
  const runs: number[] = []
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now()
    const [count] = countElection(ctx, electionId)
    runs.push(performance.now() - t0)
    if (count.ballots !== BALLOTS) throw new Error(`counted ${count.ballots} ballots, expected ${BALLOTS}`)
  }
  const ms = Math.round(Math.max(...runs))
  console.log(JSON.stringify({ figure: 'count_ballots', ballots: BALLOTS, marks: database.sqlite.prepare('SELECT count(*) FROM ballot_marks').pluck().get(), ms, runs_ms: runs.map(Math.round), limit_ms: LIMIT_MS, ok: ms <= LIMIT_MS, fill_ms: fillMs }))
  if (ms > LIMIT_MS) process.exitCode = 1
} finally {
  database.close()
  fs.rmSync(dir, { recursive: true, force: true })
}
