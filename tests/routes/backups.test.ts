// The automatic backups as the coordinator meets them: their start page says when the last good
// backup was made and where, and warns (with what to do) when one is overdue or failed; closing a poll
// or a meeting brings a backup a minute later, outside the request, which answers as before.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { addContest, createElection, nominate, openNominations, openPoll } from '../../src/elections/elections.ts'
import { enterPaperCount } from '../../src/elections/counting.ts'
import { candidates } from '../../src/elections/tables.ts'
import { scheduleMeeting, startMeeting } from '../../src/meetings/meetings.ts'
import { formatInstant } from '../../src/core/dates.ts'
import { ctxFor, testApp, textOf, type TestApp } from '../helpers/app.ts'
import { contestInput, electionInput, villageChildren } from '../helpers/elections.ts'
import { commonBalPanchayat, scheduleInput, seatBalPanchayat } from '../helpers/meetings.ts'
import { FakeTime } from '../helpers/fake-time.ts'

// The backup's own process from the build when it is up to date (see compiledBackupWorker): it starts
// in a fraction of the time, and this file starts it two times a backup.
vi.mock('node:child_process', async (original) =>
  (await import('../helpers/entry.ts')).compiledBackupWorker(await original()),
)

/** The box's clock at noon: no nightly backup falls due while a test moves it on by minutes. */
const MIDDAY = new Date(2026, 0, 10, 12).getTime()

const MINUTE = 60_000
/** A backup is made and checked in a process of its own (which loads its TypeScript first under the tests): waited for. */
const UNTIL_DONE = { timeout: 30_000 }
const backupsIn = (dir: string) =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((n) => /^test-.*\.sqlite$/.test(n))
        .sort()
    : []
const backedUp = (t: TestApp) =>
  t.database.sqlite
    .prepare("SELECT count(*) FROM audit_log WHERE action = 'database.backed_up'")
    .pluck()
    .get() as number

describe('a box whose backups work', () => {
  let t: TestApp
  let dir: string
  const time = new FakeTime(MIDDAY)

  beforeAll(async () => {
    // The timers are the test's: a backup after a closing happens exactly when the test moves them on.
    dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bp-backups-')), 'backups')
    t = await testApp({ backups: { dir, keep: 14, makeDir: true, now: time.now, timers: time.timers } })
  })
  afterAll(async () => {
    await t?.close()
    fs.rmSync(path.dirname(dir), { recursive: true, force: true })
  })

  it('build() makes the schedule but starts nothing: no timer, no backup', async () => {
    expect(time.pending).toBe(0)
    t.app.backups!.soon('poll closed')
    expect(time.pending).toBe(0)
  })

  it("the coordinator's start page says when the last good backup was made, and where", async () => {
    t.app.backups!.start()
    await t.app.backups!.runNow('test')
    const [file] = backupsIn(dir)
    expect(file).toBeDefined()
    const at = t.app.backups!.status().lastGood!.at
    const admin = await t.agent().login('coordinator')
    const page = await admin.get('/villages')
    expect(page.statusCode).toBe(200)
    const text = textOf(page.body)
    expect(text).toContain(`आखिरी सही बैकअप: ${formatInstant(at, 'hi')}`)
    expect(text).toContain(`बैकअप यहाँ रखे जाते हैं: ${dir} (आखिरी 14)।`)
    expect(page.body).not.toContain('backup-warning')
    admin.cookies.set('lang', 'en')
    const english = textOf((await admin.get('/villages')).body)
    expect(english).toContain(`Last good backup: ${formatInstant(at, 'en')}`)
    expect(english).toContain(`Kept in ${dir} (the last 14).`)
  })

  it('a poll closed brings a backup a minute later, not inside the request', async () => {
    const rekha = await t.agent().login('rekha')
    const electionId = pollOpen(t)
    const before = backupsIn(dir).length
    const closed = await rekha.post(`/elections/${electionId}/closing`, { source: 'random' })
    expect(closed.statusCode).toBe(303)
    expect(closed.headers.location).toBe(`/elections/${electionId}/result`)
    // Answered, and no backup yet: it waits a minute for other closings.
    expect(backupsIn(dir)).toHaveLength(before)
    await time.advance(MINUTE)
    await expect.poll(() => backupsIn(dir).length, UNTIL_DONE).toBe(before + 1)
    await expect.poll(() => t.app.backups!.status().running, UNTIL_DONE).toBe(false)
    expect(t.app.backups!.status()).toMatchObject({ overdue: false, lastFailure: null })
  })

  it('a meeting closed brings one too', async () => {
    const rekha = await t.agent().login('rekha')
    const papdi = t.fx.villages.papdi.id
    seatBalPanchayat(t.database, t.fx.users.facilitator, papdi, commonBalPanchayat)
    const ctx = ctxFor(t.database, t.fx.users.facilitator)
    const meeting = scheduleMeeting(ctx, papdi, scheduleInput({ place: 'Chaupal' }))
    startMeeting(ctx, meeting.id)
    const count = backedUp(t)
    expect((await rekha.post(`/meetings/${meeting.id}/closing`)).statusCode).toBe(303)
    expect(backedUp(t)).toBe(count)
    await time.advance(MINUTE)
    await expect.poll(() => backedUp(t), UNTIL_DONE).toBe(count + 1)
  })
})

describe('a box whose backups fail (the USB stick is not plugged in)', () => {
  let t: TestApp
  let stick: string
  const time = new FakeTime(MIDDAY)

  beforeAll(async () => {
    stick = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bp-media-')), 'usb', 'bal-panchayat')
    t = await testApp({ backups: { dir: stick, keep: 14, now: time.now, timers: time.timers } })
    t.app.backups!.start()
  })
  afterAll(async () => {
    await t?.close()
    fs.rmSync(path.dirname(path.dirname(stick)), { recursive: true, force: true })
  })

  it('the coordinator is warned on their start page, with what to do; the box keeps working', async () => {
    await t.app.backups!.runNow('test')
    expect(fs.existsSync(stick)).toBe(false)
    const admin = await t.agent().login('coordinator')
    const page = await admin.get('/villages')
    expect(page.statusCode).toBe(200)
    expect(page.body).toMatch(/class="warning backup-warning" role="alert"/)
    const text = textOf(page.body)
    expect(text).toContain('बैकअप समय पर नहीं बना')
    expect(text).toContain('पिछला बैकअप नहीं बन पाया: बैकअप का फ़ोल्डर नहीं मिला (क्या USB स्टिक लगी है?)।')
    expect(text).toContain('क्या करें: देखें कि बॉक्स की डिस्क पर खाली जगह है')
    expect(text).toContain('अभी तक कोई सही बैकअप नहीं बना है।')
    // The warning comes before the list of villages, where it is seen first.
    expect(page.body.indexOf('backup-warning')).toBeLessThan(page.body.indexOf('<table'))
    expect((await t.app.inject({ url: '/health' })).json()).toEqual({ status: 'ok' })
  })

  it('a poll closed on such a box answers as always', async () => {
    const rekha = await t.agent().login('rekha')
    const electionId = pollOpen(t)
    const closed = await rekha.post(`/elections/${electionId}/closing`, { source: 'random' })
    expect(closed.statusCode).toBe(303)
    await time.advance(MINUTE)
    await expect.poll(() => t.app.backups!.status().running, UNTIL_DONE).toBe(false)
    expect(t.app.backups!.status()).toMatchObject({ overdue: true, lastFailure: { kind: 'missing' } })
  })
})

it("without automatic backups configured (tests' apps) the page has no backups panel", async () => {
  const t = await testApp()
  try {
    expect(t.app.backups).toBeNull()
    const page = await (await t.agent().login('coordinator')).get('/villages')
    expect(page.body).not.toContain('class="panel backups"')
  } finally {
    await t.close()
  }
})

/** An election of Papdi with its poll open and a paper count entered, ready to close. */
function pollOpen(t: TestApp): number {
  const ctx = ctxFor(t.database, t.fx.users.facilitator)
  const papdi = t.fx.villages.papdi.id
  const suffix = `${Date.now()}-${Math.random()}`
  const kids = villageChildren(t.database, t.fx.users.facilitator, papdi, [
    [`Asha ${suffix}`, 'girl'],
    [`Raju ${suffix}`, 'boy'],
  ])
  const election = createElection(ctx, papdi, electionInput({ title: `By-election ${suffix}` }))
  const contest = addContest(ctx, election.id, contestInput({ name: 'Members', seats: '1', method: 'plain' }))
  openNominations(ctx, election.id)
  nominate(ctx, election.id, contest.id, { childId: Object.values(kids)[0], symbol: 'flower' })
  nominate(ctx, election.id, contest.id, { childId: Object.values(kids)[1], symbol: 'kite' })
  openPoll(ctx, election.id)
  const ids = t.db
    .select()
    .from(candidates)
    .all()
    .filter((c) => Object.values(kids).includes(c.childId))
    .map((c) => c.id)
  enterPaperCount(ctx, election.id, contest.id, {
    ballots: 10,
    note: '',
    votes: new Map([
      [ids[0], 6],
      [ids[1], 4],
    ]),
  })
  return election.id
}
