import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { afterAll, describe, expect, it } from 'vitest'
import Sqlite from 'better-sqlite3'
import { ballotBoxPath, projectRoot } from '../../src/db/client.ts'
import { PASSWORD } from '../helpers/app.ts'
import { openPollOnDisk } from '../helpers/elections.ts'
import { freePort } from '../helpers/box-server.ts'
import { Tablet } from '../helpers/tablet-client.ts'
import {
  checkCastOrder,
  commitsUsed,
  dropLines,
  fdOf,
  fdTarget,
  moveLine,
  parseTrace,
  type CastPattern,
  type Syscall,
} from './strace.ts'

/**
 * Durability, in the order that matters: the answer that thanks a child for a cast is written to the
 * tablet's socket only after the ballot box's file was synced (fsync/fdatasync) by a commit that
 * began after the cast arrived, and after that commit's journal was truncated and synced. The real
 * server runs under strace during a burst of casts from four tablets; every cast is checked in the
 * trace. (tests/routes/crash.test.ts kills the server mid-burst: that proves a crash loses nothing
 * acknowledged, not that the acknowledged was on the disk; this does.)
 */

const TABLETS = 4
const CASTS_PER_TABLET = 10
const SYSCALLS = 'fsync,fdatasync,ftruncate,read,readv,recvfrom,recvmsg,write,writev,sendto,sendmsg'

/** strace, able to trace here (a container may refuse ptrace): null when it works, else why not. */
function straceUnusable(): string | null {
  const run = spawnSync('strace', ['-f', '-e', 'trace=fsync', 'true'], { encoding: 'utf8' })
  if (run.error) return `strace is not installed (${run.error.message}); .ci/run installs it from Debian's packages`
  if (run.status !== 0)
    return `strace cannot trace here (exit ${run.status}): ${run.stderr.trim()} — the check needs ptrace (CAP_SYS_PTRACE)`
  return null
}

// The real path: strace names files as /proc shows them, symlinks resolved.
const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'bp-order-')))
let server: ChildProcess | undefined
let nodePid: number | undefined
let captured: { trace: string; pattern: CastPattern } | undefined
afterAll(() => {
  if (nodePid)
    try {
      process.kill(nodePid, 'SIGKILL')
    } catch {
      /* gone */
    }
  server?.kill('SIGKILL')
  if (!process.env.BP_KEEP_TRACE) fs.rmSync(dir, { recursive: true, force: true })
})

// A hand-written log in strace's own format (-f -tt -yy): thread 100 serves HTTP and runs SQLite.
const BOX = '/d/x.ballot-box.sqlite'
const sample = String.raw`100 05:33:49.900000 read(33<TCP:[127.0.0.1:3000->127.0.0.1:50001]>, "POST /elections/1/ballot HTTP/1.1\r\nhost: 127.0.0.1:3000\r\n"..., 65536) = 555
101 05:33:49.900100 write(16<anon_inode:[eventfd]>, "\1\0\0\0\0\0\0\0", 8 <unfinished ...>
100 05:33:49.900200 fsync(39</d/x.ballot-box.sqlite-journal> <unfinished ...>
101 05:33:49.900300 <... write resumed>) = 8
100 05:33:49.900400 <... fsync resumed>) = 0
100 05:33:49.900500 fsync(40</d>) = 0
100 05:33:49.900600 fsync(39</d/x.ballot-box.sqlite-journal>) = 0
100 05:33:49.900700 fsync(27</d/x.ballot-box.sqlite>) = 0
100 05:33:49.900800 ftruncate(39</d/x.ballot-box.sqlite-journal>, 0) = 0
100 05:33:49.900900 fsync(39</d/x.ballot-box.sqlite-journal>) = 0
100 05:33:49.901000 write(33<TCP:[127.0.0.1:3000->127.0.0.1:50001]>, "HTTP/1.1 303 See Other\r\nlocation: /elections/1/ballot/thanks\r\ncontent-length: 0\r\n\r\n", 80) = 80
100 05:33:49.901100 read(34<TCP:[127.0.0.1:3000->127.0.0.1:50002]>, "POST /elections/1/ballot HTTP/1.1\r\nhost: 127.0.0.1:3000\r\n", 65536) = 300
100 05:33:49.901200 read(34<TCP:[127.0.0.1:3000->127.0.0.1:50002]>, "token=a) = 5&c_1=2", 65536) = 18
100 05:33:49.901300 read(34<TCP:[127.0.0.1:3000->127.0.0.1:50002]>, 0x7f0000, 65536) = -1 EAGAIN (Resource temporarily unavailable)
102 05:33:49.901400 fsync(27</d/x.ballot-box.sqlite>) = 0
100 05:33:49.901500 write(1</dev/null<char 1:3>>, "{\"msg\":\"request\"}\n", 18) = 18
100 05:33:49.901600 writev(34<TCP:[127.0.0.1:3000->127.0.0.1:50002]>, [{iov_base="HTTP/1.1 303 See Other\r\nlocation: /elections/1/ballot/thanks\r\n\r\n", iov_len=60}], 1) = 60
100 05:33:49.901700 read(35<TCP:[127.0.0.1:3000->127.0.0.1:50003]>, "POST /elections/1/ballot HTTP/1.1\r\n", 65536) = 35
100 05:33:49.901800 --- SIGTERM {si_signo=SIGTERM, si_code=SI_USER, si_pid=1, si_uid=0} ---
100 05:33:49.901900 +++ exited with 0 +++`
const samplePattern: CastPattern = {
  request: /^POST \/elections\/1\/ballot HTTP\/1\.1/,
  thanks: /^HTTP\/1\.1 303 .*\\r\\nlocation: \/elections\/1\/ballot\/thanks\\r\\n/i,
  boxFile: BOX,
}

describe('reading an strace log', () => {
  it('joins unfinished and resumed calls, decodes fds, and takes the return value from the end', () => {
    const calls = parseTrace(sample)
    expect(calls.map((c) => c.name)).toEqual([
      'read',
      'write',
      'fsync',
      'fsync',
      'fsync',
      'fsync',
      'ftruncate',
      'fsync',
      'write',
      'read',
      'read',
      'read',
      'fsync',
      'write',
      'writev',
      'read',
    ])
    const journalSync = calls[2]
    expect([
      journalSync.tid,
      journalSync.start,
      journalSync.end,
      journalSync.result,
      fdTarget(fdOf(journalSync)),
    ]).toEqual([100, 3, 5, 0, `${BOX}-journal`])
    expect([calls[1].tid, calls[1].end, calls[1].result]).toEqual([101, 4, 8])
    expect(fdOf(calls[0])).toBe('33<TCP:[127.0.0.1:3000->127.0.0.1:50001]>')
    expect(fdTarget(fdOf(calls[13]))).toBe('/dev/null<char 1:3>')
    expect(calls[10].result).toBe(18)
    expect(calls[10].args).toContain('token=a) = 5&c_1=2')
    expect(calls[11].result).toBe(-1)
  })

  it('finds, per connection, the syncs between a cast and its answer, on the answering thread only', () => {
    const report = checkCastOrder(parseTrace(sample), samplePattern)
    expect(report.casts.map((c) => [c.connection, c.requestRead, c.answer, c.boxSyncs, c.journalClosed])).toEqual([
      ['33<TCP:[127.0.0.1:3000->127.0.0.1:50001]>', 1, 11, [8], true],
      // The body's read counts as the request's arrival; the box's sync on thread 102 does not count.
      ['34<TCP:[127.0.0.1:3000->127.0.0.1:50002]>', 13, 17, [], false],
      ['35<TCP:[127.0.0.1:3000->127.0.0.1:50003]>', 18, null, [], false],
    ])
    expect(report.violations.map((v) => [v.cast.connection.slice(0, 2), v.why])).toEqual([
      ['34', 'thanked before any sync of the ballot box that followed the request'],
      ['35', 'no answer in the trace'],
    ])
  })

  it('tells a refusal from a thank-you', () => {
    const refused = sample.replace(
      'HTTP/1.1 303 See Other\\r\\nlocation: /elections/1/ballot/thanks',
      'HTTP/1.1 507 Insufficient Storage\\r\\ncontent-type: text/html',
    )
    const report = checkCastOrder(parseTrace(refused), samplePattern)
    expect(report.violations[0].why).toBe('answered, but not with the thank-you')
  })
})

describe('a thanked cast is on the disk before the thank-you leaves (strace)', () => {
  it(`syncs the ballot box, commit and journal, before answering each of ${TABLETS * CASTS_PER_TABLET} casts from ${TABLETS} tablets`, async () => {
    const unusable = straceUnusable()
    if (unusable) throw new Error(`this check runs the server under strace and cannot here: ${unusable}`)

    const dbFile = path.join(dir, 'order.sqlite')
    const { election, contest, candidates, kids } = await openPollOnDisk(dbFile, TABLETS * CASTS_PER_TABLET)

    const port = await freePort()
    const traceFile = path.join(dir, 'server.strace')
    // node itself under strace (not the tsx wrapper): -f follows its threads, -yy names each fd's file
    // or TCP endpoints, -s keeps enough of each request and answer to read their first lines.
    server = spawn(
      'strace',
      [
        '-f',
        '-tt',
        '-yy',
        '-s',
        '2048',
        '--seccomp-bpf',
        '-e',
        `trace=${SYSCALLS}`,
        '-o',
        traceFile,
        process.execPath,
        '--import',
        'tsx',
        'src/server.ts',
      ],
      {
        cwd: projectRoot,
        stdio: ['ignore', 'ignore', 'pipe'],
        env: {
          ...process.env,
          PORT: String(port),
          HTTPS_PORT: '0',
          HOST: '127.0.0.1',
          DATABASE_PATH: dbFile,
          SESSION_SECRET: 'order-test-secret-0123456789abcdefghijklm',
          NODE_ENV: 'production',
        },
      },
    )
    let stderr = ''
    server.stderr!.on('data', (d) => {
      stderr += d
    })
    const exited = new Promise<number | null>((resolve) => server!.once('exit', (code) => resolve(code)))
    let gone = false
    void exited.then(() => {
      gone = true
    })
    const base = `http://127.0.0.1:${port}`
    const deadline = Date.now() + 60_000
    // strace blocks fatal signals (-I 3, with -o and a command): signals go to node itself, its child.
    const findNode = () => {
      try {
        nodePid ||=
          Number(fs.readFileSync(`/proc/${server!.pid}/task/${server!.pid}/children`, 'utf8').trim().split(/\s+/)[0]) ||
          undefined
      } catch {
        /* not yet */
      }
    }
    while (
      !(await fetch(`${base}/health`).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      findNode()
      if (gone || Date.now() > deadline) throw new Error(`the server did not start under strace:\n${stderr}`)
      await new Promise((r) => setTimeout(r, 100))
    }
    findNode()
    if (!nodePid) throw new Error('no node process under strace')

    const thanked: number[] = []
    const ids = Object.values(kids)
    const voteAll = async (share: number[]) => {
      const tablet = new Tablet(base)
      await tablet.openStation(election.id, 'rekha', PASSWORD)
      for (const childId of share) {
        if (await tablet.vote(election.id, childId, { [`c_${contest.id}`]: String(candidates[childId % 2]) }))
          thanked.push(childId)
        await tablet.unlock(election.id)
      }
    }
    await Promise.all(Array.from({ length: TABLETS }, (_, k) => voteAll(ids.filter((_, i) => i % TABLETS === k))))
    process.kill(nodePid, 'SIGTERM')
    expect(await exited).toBe(0)

    expect(thanked.length).toBe(ids.length)
    const box = new Sqlite(ballotBoxPath(dbFile), { readonly: true })
    try {
      expect(box.prepare('SELECT count(*) FROM box_checkoffs WHERE voted').pluck().get()).toBe(ids.length)
    } finally {
      box.close()
    }

    const trace = fs.readFileSync(traceFile, 'utf8')
    const pattern: CastPattern = {
      request: new RegExp(`^POST /elections/${election.id}/ballot HTTP/1\\.1`),
      thanks: new RegExp(
        `^HTTP/1\\.1 303 .*\\\\r\\\\nlocation: /elections/${election.id}/ballot/thanks\\\\r\\\\n`,
        'i',
      ),
      boxFile: ballotBoxPath(dbFile),
    }
    const report = checkCastOrder(parseTrace(trace), pattern)
    expect(report.casts.length).toBe(ids.length)
    expect(report.violations).toEqual([])
    expect(report.casts.every((c) => c.thanked && c.boxSyncs.length > 0 && c.journalClosed)).toBe(true)
    // The casts shared commits (group commit), and each commit synced the box file.
    const commits = commitsUsed(report)
    expect(commits).toBeGreaterThan(0)
    expect(commits).toBeLessThanOrEqual(ids.length)
    console.log(
      `strace: ${report.casts.length} casts thanked, each after the box file's sync of a commit begun after it arrived and that commit's journal truncated and synced; ${commits} commits`,
    )
    captured = { trace, pattern }
  }, 120_000)

  // Controls: the same analysis on the captured log, reordered or cut as a faulty server would leave it.
  const theTrace = () => {
    if (!captured) throw new Error('needs the log captured by the test above')
    return { ...captured, calls: parseTrace(captured.trace) }
  }
  const isSyncOf = (call: Syscall, file: string) =>
    (call.name === 'fsync' || call.name === 'fdatasync') && fdTarget(fdOf(call)) === file

  it('reports a thank-you moved before the sync of its commit', () => {
    const { trace, pattern, calls } = theTrace()
    const ok = checkCastOrder(calls, pattern).casts
    // A cast in the middle of the burst whose answer is one line: move it before its commit's first sync.
    const cast = ok.slice(ok.length / 2).find((c) => calls.find((x) => x.start === c.answer)!.end === c.answer)!
    const firstSync = calls.find(
      (x) =>
        x.tid === cast.tid &&
        x.start > cast.requestRead &&
        (isSyncOf(x, pattern.boxFile) || isSyncOf(x, `${pattern.boxFile}-journal`)),
    )!
    const bad = checkCastOrder(parseTrace(moveLine(trace, cast.answer!, firstSync.start)), pattern)
    expect(bad.violations.map((v) => [v.cast.connection, v.why])).toEqual([
      [cast.connection, 'thanked before any sync of the ballot box that followed the request'],
    ])
    expect(bad.casts.length).toBe(ok.length)
  })

  it("reports a thank-you sent after the box file's sync but before the journal is truncated and synced", () => {
    const { trace, pattern, calls } = theTrace()
    const ok = checkCastOrder(calls, pattern).casts
    const cast = ok.find((c) => calls.find((x) => x.start === c.answer)!.end === c.answer)!
    const truncate = calls.find((x) => x.tid === cast.tid && x.start > cast.boxSyncs.at(-1)! && x.name === 'ftruncate')!
    const bad = checkCastOrder(parseTrace(moveLine(trace, cast.answer!, truncate.start)), pattern)
    expect(bad.violations.map((v) => [v.cast.connection, v.why])).toEqual([
      [cast.connection, "thanked before the commit's journal was truncated and synced"],
    ])
  })

  it('reports every cast when the box file is never synced (as with synchronous=OFF)', () => {
    const { trace, pattern, calls } = theTrace()
    const syncs = new Set(calls.filter((x) => isSyncOf(x, pattern.boxFile)).flatMap((x) => [x.start, x.end]))
    expect(syncs.size).toBeGreaterThan(0)
    const bad = checkCastOrder(parseTrace(dropLines(trace, syncs)), pattern)
    expect(bad.casts.length).toBe(TABLETS * CASTS_PER_TABLET)
    expect(bad.violations.length).toBe(bad.casts.length)
  })
})
