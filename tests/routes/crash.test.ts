import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawn, type ChildProcess } from 'node:child_process'
import { afterAll, describe, expect, it } from 'vitest'
import Sqlite from 'better-sqlite3'
import { ballotBoxPath, projectRoot } from '../../src/db/client.ts'
import { PASSWORD } from '../helpers/app.ts'
import { openPollOnDisk } from '../helpers/elections.ts'
import { Tablet } from '../helpers/tablet-client.ts'
import { freePort } from '../helpers/box-server.ts'
import { nodeArgs } from '../helpers/entry.ts'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-crash-'))
const dbFile = path.join(dir, 'crash.sqlite')
let server: ChildProcess | undefined
afterAll(() => {
  server?.kill('SIGKILL')
  fs.rmSync(dir, { recursive: true, force: true })
})

/**
 * A crash mid-burst: the server process is killed (SIGKILL) while four tablets cast. This proves
 * crash atomicity — nothing acknowledged is lost, nothing is recorded twice, no commit is left
 * half-done — but not durability: a killed process does not lose the operating system's cached
 * writes, so this would pass without a single fsync. That the thank-you waits for the sync of its
 * commit is shown under strace in tests/reliability/durability-order.test.ts.
 */
describe('a crash (the server process killed) during voting', () => {
  it('loses no cast the tablet was thanked for, records none twice, and ballots always equal check-offs', async () => {
    // The village, an open poll and 80 children on the roll, made through the domain verbs.
    const { election, contest, candidates, kids } = await openPollOnDisk(dbFile, 80)

    const port = await freePort()
    // node itself, not the tsx wrapper: SIGKILL must hit the process that holds the database.
    server = spawn(process.execPath, nodeArgs('server'), {
      cwd: projectRoot,
      stdio: 'ignore',
      env: {
        ...process.env,
        PORT: String(port),
        HTTPS_PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_PATH: dbFile,
        SESSION_SECRET: 'crash-test-secret-0123456789abcdefghij',
        NODE_ENV: 'production',
      },
    })
    const base = `http://127.0.0.1:${port}`
    for (
      let i = 0;
      i < 150 &&
      !(await fetch(`${base}/health`).then(
        (r) => r.ok,
        () => false,
      ));
      i++
    )
      await new Promise((r) => setTimeout(r, 100))

    const thanked: number[] = []
    const ids = Object.values(kids)
    let killed = false
    const voteAll = async (share: number[]) => {
      const tablet = new Tablet(base)
      await tablet.openStation(election.id, 'rekha', PASSWORD)
      for (const childId of share) {
        try {
          if (await tablet.vote(election.id, childId, { [`c_${contest.id}`]: String(candidates[childId % 2]) }))
            thanked.push(childId)
          await tablet.unlock(election.id)
        } catch {
          return
        } // the server is gone
      }
    }
    const burst = Promise.all([0, 1, 2, 3].map((k) => voteAll(ids.filter((_, i) => i % 4 === k))))
    while (thanked.length < 12) await new Promise((r) => setTimeout(r, 5))
    server.kill('SIGKILL')
    killed = true
    await burst

    // The box as the crash left it: opening it rolls back any half-written commit from its journal.
    const after = new Sqlite(ballotBoxPath(dbFile))
    try {
      const checked = new Set(after.prepare('SELECT child_id FROM box_checkoffs WHERE voted').pluck().all() as number[])
      expect(killed).toBe(true)
      expect(checked.size).toBeLessThan(ids.length) // the cut came in the middle of the burst
      expect(thanked.length).toBeGreaterThanOrEqual(12)
      expect(thanked.filter((id) => !checked.has(id))).toEqual([])
      expect(after.prepare('SELECT count(*) FROM box_slots WHERE filled').pluck().get()).toBe(checked.size)
      expect(after.pragma('integrity_check', { simple: true })).toBe('ok')
    } finally {
      after.close()
    }
    const main = new Sqlite(dbFile)
    try {
      expect(main.pragma('integrity_check', { simple: true })).toBe('ok')
    } finally {
      main.close()
    }
  }, 120_000)
})
