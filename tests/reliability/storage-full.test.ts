import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { execFileSync, spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { build } from '../../src/app.ts'
import { projectRoot, type AppDatabase } from '../../src/db/client.ts'
import { openDatabase } from '../../src/database.ts'
import { addContest, createElection, nominate, openNominations, openPoll } from '../../src/elections/elections.ts'
import { scheduleMeeting, startMeeting, agendaOf } from '../../src/meetings/meetings.ts'
import { symbols } from '../../src/elections/symbols.ts'
import { translator } from '../../src/i18n/translator.ts'
import { Agent, ctxFor, seedVillages, textOf } from '../helpers/app.ts'
import { contestInput, electionInput, villageChildren } from '../helpers/elections.ts'
import { nodeArgs } from '../helpers/entry.ts'
import { commonBalPanchayat, scheduleInput, seatBalPanchayat } from '../helpers/meetings.ts'

/**
 * The box's disk fills up on polling day. The database lives on a real small filesystem (a tmpfs of
 * 48 MB, mounted for the test; CI runs as root) that is filled to the last byte while four tablets
 * cast and a facilitator types minutes: every answer is either a thank-you for a cast that is in the
 * box, or a 507 page saying the storage is full for one that is not; the server keeps serving; and
 * once space is freed, voting goes on. Where no filesystem can be mounted, the main database is held
 * to its size with max_page_count instead (the ballot box, written in place, then never fills).
 */
const hi = translator('hi')
let dir: string
let mounted = false
let database: AppDatabase
let app: FastifyInstance
let filler: string
let electionId: number
let contestId: number
let candidates: number[]
let voters: number[]
let meetingId: number
let itemId: number

function tryMount(target: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m,mode=0700', 'tmpfs', target], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Fills the filesystem to its last byte (or holds the main database to its size where it is not a tmpfs of our own). */
function fillDisk(): void {
  if (!mounted) {
    for (const conn of [database.sqlite, database.sessions])
      conn.pragma(`main.max_page_count = ${conn.pragma('main.page_count', { simple: true })}`)
    return
  }
  const fd = fs.openSync(filler, 'w')
  const block = Buffer.alloc(64 * 1024, 1)
  try {
    for (;;) fs.writeSync(fd, block)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err
    // The last partial block, byte by byte.
    try {
      for (;;) fs.writeSync(fd, block.subarray(0, 512))
    } catch {
      /* full */
    }
  } finally {
    fs.closeSync(fd)
  }
}

function freeDisk(): void {
  if (!mounted) {
    for (const conn of [database.sqlite, database.sessions]) conn.pragma('main.max_page_count = 1073741823')
    return
  }
  fs.rmSync(filler, { force: true })
}

const filledSlots = () =>
  database.sqlite
    .prepare('SELECT count(*) FROM box.box_slots WHERE contest_id = ? AND filled = 1')
    .pluck()
    .get(contestId) as number
const voted = () =>
  database.sqlite
    .prepare('SELECT count(*) FROM box.box_checkoffs WHERE election_id = ? AND voted = 1')
    .pluck()
    .get(electionId) as number

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-full-'))
  mounted = process.env.BP_TEST_NO_MOUNT ? false : tryMount(dir)
  filler = path.join(dir, 'filler')
  database = openDatabase(path.join(dir, 'box.sqlite'))
  app = await build({
    database,
    sessionSecret: 'test-secret-that-is-long-enough-0123456789',
    loginRateLimit: { max: 1000, timeWindow: 60_000 },
  })
  const fx = await seedVillages(database)
  const papdi = fx.villages.papdi.id
  const ctx = ctxFor(database, fx.users.facilitator)
  const bp = seatBalPanchayat(database, fx.users.facilitator, papdi, commonBalPanchayat)
  const kids = villageChildren(
    database,
    fx.users.facilitator,
    papdi,
    Array.from(
      { length: 40 },
      (_, i) => [`Voter ${i}`, i % 2 ? 'boy' : 'girl', 12] as [string, 'girl' | 'boy', number],
    ),
  )
  voters = Object.values(kids)
  const election = createElection(ctx, papdi, electionInput({ title: 'Full disk election' }))
  electionId = election.id
  contestId = addContest(ctx, electionId, contestInput({ name: 'Members', seats: '1', method: 'plain' })).id
  openNominations(ctx, electionId)
  candidates = voters
    .slice(0, 3)
    .map((childId, i) => nominate(ctx, electionId, contestId, { childId, symbol: symbols[i] }).id)
  openPoll(ctx, electionId)
  const meeting = scheduleMeeting(ctx, papdi, scheduleInput({ place: 'Chaupal' }))
  startMeeting(ctx, meeting.id)
  meetingId = meeting.id
  itemId = agendaOf(database.db, meetingId)[0].id
  expect(bp.Meena).toBeGreaterThan(0)
}, 120_000)

afterAll(async () => {
  await app?.close()
  database?.close()
  if (mounted) execFileSync('umount', [dir])
  fs.rmSync(dir, { recursive: true, force: true })
})

/** One tablet: its station open with PIN 2468. */
async function tablet(): Promise<Agent> {
  const a = await new Agent(app).login('rekha')
  const res = await a.post(`/elections/${electionId}/station`, { pin: '2468', confirm: '2468' })
  expect(res.headers.location).toBe(`/elections/${electionId}/station`)
  return a
}

/** Hands the child a ballot on this tablet and casts it: 'thanked', or the refusal's status and page. */
async function castFor(
  a: Agent,
  childId: number,
): Promise<{ outcome: 'thanked' | 'refused'; status: number; text: string }> {
  const base = `/elections/${electionId}`
  const unlocked = await a.post(`${base}/station/unlock`, { pin: '2468' })
  const issue = await a.post(`${base}/station/ballot`, { childId: String(childId) })
  if (issue.statusCode !== 303) return { outcome: 'refused', status: issue.statusCode, text: textOf(issue.body) }
  const ballot = await a.get(`${base}/ballot`)
  const token = /name="token" value="([^"]+)"/.exec(ballot.body)?.[1]
  if (!token) return { outcome: 'refused', status: ballot.statusCode || unlocked.statusCode, text: textOf(ballot.body) }
  const cast = await a.post(`${base}/ballot`, { token, [`c_${contestId}`]: String(candidates[childId % 3]) })
  if (cast.headers.location === `${base}/ballot/thanks`) return { outcome: 'thanked', status: 303, text: '' }
  return { outcome: 'refused', status: cast.statusCode, text: textOf(cast.body) }
}

describe('a full disk on polling day', () => {
  it('every cast is thanked and counted, or refused with a 507 page that says so and not counted; voting resumes once space is freed', async () => {
    const tablets = await Promise.all([tablet(), tablet(), tablet(), tablet()])
    // Two votes each while there is room.
    const before = await Promise.all(
      tablets.map(async (a, i) => [await castFor(a, voters[i * 2]), await castFor(a, voters[i * 2 + 1])]),
    )
    expect(before.flat().map((r) => r.outcome)).toEqual(Array(8).fill('thanked'))
    expect([filledSlots(), voted()]).toEqual([8, 8])

    fillDisk()
    const during = (
      await Promise.all(
        tablets.map(async (a, i) => {
          const out = []
          for (let k = 0; k < 4; k++) out.push(await castFor(a, voters[8 + i * 4 + k]))
          return out
        }),
      )
    ).flat()
    for (const r of during) {
      if (r.outcome === 'refused') {
        expect(r.status).toBe(507)
        expect(r.text).toContain(hi('errors.storageFullChild'))
      }
    }
    const thanked = during.filter((r) => r.outcome === 'thanked').length
    console.log(
      `[storage-full] ${mounted ? 'tmpfs' : 'max_page_count'}: while full, ${thanked} casts thanked, ${during.length - thanked} refused (${during.map((r) => r.status).join(' ')})`,
    )
    if (mounted) expect(during.some((r) => r.status === 507)).toBe(true)
    expect([filledSlots(), voted()]).toEqual([8 + thanked, 8 + thanked])
    const health = await app.inject({ method: 'GET', url: '/health' })
    expect(health.statusCode).toBe(200)

    freeDisk()
    const after = await Promise.all(tablets.map((a, i) => castFor(a, voters[30 + i])))
    expect(after.map((r) => r.outcome)).toEqual(Array(4).fill('thanked'))
    expect([filledSlots(), voted()]).toEqual([12 + thanked, 12 + thanked])
  }, 180_000)

  it('typing minutes on a full disk answers 507 with the message; what was not saved is not there, what was is', async () => {
    const facilitator = await new Agent(app).login('rekha')
    const url = `/meetings/${meetingId}/items/${itemId}/minutes`
    const page = await facilitator.get(`/meetings/${meetingId}`)
    expect(page.statusCode).toBe(200)
    fillDisk()
    let refused = 0
    let lastSaved = ''
    for (let i = 0; i < 60 && refused < 3; i++) {
      const discussion = `Round ${i}: ${'the hand pump in ward 2 is broken '.repeat(200)}`
      const res = await facilitator.post(url, { discussion, decisions: '' })
      expect([200, 204, 303, 507]).toContain(res.statusCode)
      if (res.statusCode === 507) {
        refused++
        expect(textOf(res.body)).toContain(hi('errors.storageFull'))
      } else lastSaved = discussion
    }
    expect(refused).toBeGreaterThan(0)
    const stored = database.sqlite
      .prepare('SELECT discussion FROM minutes WHERE agenda_item_id = ?')
      .pluck()
      .get(itemId) as string | undefined
    expect(stored ?? '').toBe(lastSaved)
    // The box says so: the health check, and a warning on the meeting's page.
    expect(JSON.parse((await app.inject({ method: 'GET', url: '/health' })).body)).toEqual({
      status: 'ok',
      storage: 'full',
    })
    freeDisk()
    const saved = await facilitator.post(url, { discussion: 'Saved again.', decisions: '' })
    expect(saved.statusCode).toBeLessThan(400)
    expect(database.sqlite.prepare('SELECT discussion FROM minutes WHERE agenda_item_id = ?').pluck().get(itemId)).toBe(
      'Saved again.',
    )
  }, 180_000)

  it('an operator command on a full disk says so in one line and exits 1, with no stack trace', () => {
    // Where no disk can be filled, a database path the command cannot create fails the same way: one line.
    const target = mounted ? path.join(dir, 'box.sqlite') : path.join(dir, 'not-a-folder', 'x.sqlite')
    if (!mounted) fs.writeFileSync(path.join(dir, 'not-a-folder'), '')
    fillDisk()
    const r = spawnSync(process.execPath, [...nodeArgs('cli'), 'seed-demo'], {
      cwd: projectRoot,
      encoding: 'utf8',
      env: { ...process.env, DATABASE_PATH: target, DEBUG: '' },
    })
    freeDisk()
    expect(r.status).toBe(1)
    const lines = r.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(mounted ? /^The disk is full: nothing was saved\./ : /^The command failed: /)
    expect(r.stderr).not.toMatch(/\n\s+at /)
  }, 120_000)
})
