// The ballot box seen through the app: the roll fixed when the poll opens and added to only on
// purpose, a tablet's ballot that a restart forgets, sessions that never name a child, and the
// sealed box's digest on the result sheet, held against a recount from the command line.
import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build } from '../../src/app.ts'
import { projectRoot } from '../../src/db/client.ts'
import { openDatabase } from '../../src/database.ts'
import { addContest, createElection, nominate, openNominations, openPoll } from '../../src/elections/elections.ts'
import { Agent, PASSWORD, testApp, textOf, type TestApp } from '../helpers/app.ts'
import { contestInput, electionInput, villageChildren } from '../helpers/elections.ts'
import { nodeArgs } from '../helpers/entry.ts'

let t: TestApp
let base: string
let electionId: number
let contestId: number
let kids: Record<string, number>
let cand: Record<string, number>

beforeAll(async () => {
  t = await testApp()
  const ctx = { db: t.db, actor: t.fx.users.facilitator, lang: 'en' as const, t: ((k: string) => k) as never }
  kids = villageChildren(t.database, t.fx.users.facilitator, t.fx.villages.papdi.id, [
    ['Ravi', 'boy'],
    ['Meena', 'girl'],
    ['Sunita', 'girl'],
    ['Gopal', 'boy'],
  ])
  electionId = createElection(ctx, t.fx.villages.papdi.id, electionInput()).id
  contestId = addContest(ctx, electionId, contestInput({ seats: '1' })).id
  openNominations(ctx, electionId)
  cand = {
    Ravi: nominate(ctx, electionId, contestId, { childId: kids.Ravi, symbol: 'sun' }).id,
    Meena: nominate(ctx, electionId, contestId, { childId: kids.Meena, symbol: 'kite' }).id,
  }
  openPoll(ctx, electionId)
  base = `/elections/${electionId}`
})
afterAll(async () => {
  await t.close()
})

async function station(pin = '2468') {
  const a = await t.agent().login('rekha')
  await a.post(`${base}/station`, { pin, confirm: pin })
  return a
}
async function vote(a: Agent, childId: number, candidateId: number) {
  await a.post(`${base}/station/ballot`, { childId: String(childId) })
  const token = /name="token" value="([^"]+)"/.exec((await a.get(`${base}/ballot`)).body)![1]
  const cast = await a.post(`${base}/ballot`, { token, [`c_${contestId}`]: String(candidateId) })
  expect(cast.headers.location).toBe(`${base}/ballot/thanks`)
  await a.post(`${base}/station/unlock`, { pin: '2468' })
}

describe('the voter roll of an open poll', () => {
  it('a child registered after the poll opened is not on the roll until a facilitator adds them, and that is logged', async () => {
    const late = villageChildren(t.database, t.fx.users.facilitator, t.fx.villages.papdi.id, [['Pooja', 'girl']]).Pooja
    const a = await station()
    expect(textOf((await a.get(`${base}/station`)).body)).toContain('डाले गए वोट: 0 / 4')
    // Handing Pooja a ballot is refused: she is not on the roll.
    expect((await a.post(`${base}/station/ballot`, { childId: String(late) })).statusCode).toBe(404)
    const page = await a.get(`${base}/roll/additions`)
    expect(page.statusCode).toBe(200)
    expect(textOf(page.body)).toContain('Pooja')
    expect(textOf(page.body)).not.toContain('Ravi')
    // Nonsense is refused with a message and adds nobody.
    expect((await a.post(`${base}/roll`, { childId: 'x' })).statusCode).toBe(422)
    expect((await a.post(`${base}/roll`, { childId: String(kids.Ravi) })).statusCode).toBe(303) // already on it: nothing changes
    const added = await a.post(`${base}/roll`, { childId: String(late) })
    expect(added.headers.location).toBe(`${base}/roll/additions`)
    expect(textOf((await a.get(`${base}/station`)).body)).toContain('डाले गए वोट: 0 / 5')
    const logged = t.database.sqlite
      .prepare("SELECT actor_name, detail FROM audit_log WHERE action = 'roll.child_added'")
      .all() as { actor_name: string; detail: string }[]
    expect(logged).toHaveLength(1)
    expect(logged[0].detail).toContain('Pooja')
    await vote(a, late, cand.Meena)
  })

  it("another village's facilitator and a panchayat member cannot see or change the roll", async () => {
    for (const user of ['kamla', 'sarpanch']) {
      const other = await t.agent().login(user)
      expect((await other.get(`${base}/roll/additions`)).statusCode, user).toBeGreaterThanOrEqual(403)
      expect(
        (await other.post(`${base}/roll`, { childId: String(kids.Gopal) })).statusCode,
        user,
      ).toBeGreaterThanOrEqual(403)
    }
  })
})

describe("a ballot in a child's hands", () => {
  it('is never written to a session: the sessions table names no child while a ballot is open', async () => {
    const a = await station()
    await a.post(`${base}/station/ballot`, { childId: String(kids.Gopal) })
    expect((await a.get(`${base}/ballot`)).statusCode).toBe(200)
    const sessions = (t.database.sqlite.prepare('SELECT data FROM sessions').pluck().all() as string[]).map(
      (s) => JSON.parse(s) as { station?: Record<string, unknown> },
    )
    const holding = sessions.filter((s) => s.station?.ballot)
    expect(holding).toHaveLength(1)
    // The session knows its station and a random token, nothing more: no child, no time.
    expect(Object.keys(holding[0].station!).sort()).toEqual(['ballot', 'electionId', 'failedPins', 'id', 'unlocked'])
    expect(Object.keys(holding[0].station!.ballot as object)).toEqual(['token'])
    expect(JSON.stringify(sessions)).not.toMatch(/childId|"child"|issuedAt/)
    await a.post(`${base}/ballot/abandonment`, { reason: 'cancel', pin: '2468' })
  })

  it('is cancelled by a restart of the server, and the station says so; the child can then vote', async () => {
    const a = await station()
    await a.post(`${base}/station/ballot`, { childId: String(kids.Sunita) })
    const token = /name="token" value="([^"]+)"/.exec((await a.get(`${base}/ballot`)).body)![1]
    // The same database file opened by a new server: its memory of issued ballots is empty.
    const restarted = await build({
      databasePath: t.database.sqlite.name,
      sessionSecret: 'test-secret-that-is-long-enough-0123456789',
      loginRateLimit: { max: 1000, timeWindow: 60_000 },
    })
    try {
      const same = Object.assign(new Agent(restarted), { cookies: a.cookies, csrf: a.csrf })
      const ballot = await same.get(`${base}/ballot`)
      expect(ballot.headers.location).toBe(`${base}/station`)
      const locked = await same.get(`${base}/station`)
      expect(textOf(locked.body)).toContain('बॉक्स फिर से चालू हुआ, इसलिए इस टैबलेट पर खुला मतपत्र रद्द हो गया।')
      const cast = await same.post(`${base}/ballot`, { token, [`c_${contestId}`]: String(cand.Ravi) })
      expect(cast.statusCode).not.toBe(303)
      expect(
        restarted.database.sqlite
          .prepare('SELECT voted FROM box_checkoffs WHERE child_id = ?')
          .pluck()
          .get(kids.Sunita),
      ).toBe(0)
    } finally {
      await restarted.close()
    }
  })
})

describe('a tablet a child cannot escape', () => {
  it("a locked station is not opened anew with a new PIN alone: only with the account's password", async () => {
    const a = await station()
    await vote(a, kids.Meena, cand.Ravi)
    // A ballot handed out and cancelled: the tablet is locked for the next child.
    expect((await a.post(`${base}/station/ballot`, { childId: String(kids.Ravi) })).headers.location).toBe(
      `${base}/ballot`,
    )
    await a.post(`${base}/ballot/abandonment`, { reason: 'cancel', pin: '2468' })
    // The crafted request a child (or anyone) might send from the locked tablet: refused, still locked.
    const crafted = await a.post(`${base}/station`, { pin: '9999', confirm: '9999' })
    expect(crafted.statusCode).toBe(422)
    expect(textOf(crafted.body)).toContain('यह भरना ज़रूरी है।')
    const wrong = await a.post(`${base}/station`, { password: 'not-my-password', newPin: '9999', newConfirm: '9999' })
    expect(wrong.statusCode).toBe(422)
    expect(textOf(wrong.body)).toContain('यह आपके खाते का पासवर्ड नहीं है। केंद्र बंद ही रहेगा।')
    for (const url of [`/villages/${t.fx.villages.papdi.id}/children`, `${base}/station/voters/${kids.Gopal}`]) {
      expect((await a.get(url)).headers.location, url).toBe(`${base}/station`)
    }
    expect(textOf((await a.get(`${base}/station`)).body)).toContain('अगला मतदाता')
    const right = await a.post(`${base}/station`, { password: PASSWORD, newPin: '9999', newConfirm: '9999' })
    expect(right.headers.location).toBe(`${base}/station`)
    expect(textOf((await a.get(`${base}/station`)).body)).toContain('डाले गए वोट')
  })

  it("a station session reaches nothing but its station, whatever the route and method: the roll's pages only while the roll is open", async () => {
    const a = await station()
    const routes = t.app.routeTable.filter(
      (r) => ['GET', 'POST'].includes(r.method) && !/^\/(static|vendor)\//.test(r.url),
    )
    const child = [
      `${base}/station`,
      `${base}/station/unlock`,
      `${base}/ballot`,
      `${base}/ballot/thanks`,
      `${base}/ballot/status`,
      `${base}/ballot/presence`,
      `${base}/ballot/abandonment`,
      '/logout',
      '/language',
      '/health',
    ]
    const roll = [
      `${base}/station/ballot`,
      `${base}/station/closing`,
      `${base}/roll`,
      `${base}/roll/additions`,
      `${base}/station/voters/1`,
    ]
    // Every route outside the station's own is sent back to the station (those are tested above).
    const sweep = async (allowed: string[]) => {
      const escaped: string[] = []
      for (const r of routes) {
        const url = r.url.replace(':id', String(electionId)).replace(/:[A-Za-z]+/g, '1')
        if (allowed.includes(url)) continue
        const res = r.method === 'GET' ? await a.get(url) : await a.post(url, {})
        if (res.statusCode !== 303 || res.headers.location !== `${base}/station`)
          escaped.push(`${r.method} ${url}: ${res.statusCode} ${res.headers.location ?? ''}`)
      }
      return escaped
    }
    expect(routes.length).toBeGreaterThan(80)
    expect(await sweep([...child, ...roll])).toEqual([]) // the roll open, the facilitator at it
    await a.post(`${base}/station/ballot`, { childId: String(kids.Gopal) })
    await a.post(`${base}/ballot/abandonment`, { reason: 'cancel', pin: '2468' })
    expect(await sweep(child)).toEqual([]) // locked for the next child
  }, 120_000)

  it("every page a logged-in person sees is sent no-store; the app's CSS and fonts stay cacheable", async () => {
    const a = await t.agent().login('rekha')
    for (const url of [`/villages/${t.fx.villages.papdi.id}/children`, base, '/account/password']) {
      expect((await a.get(url)).headers['cache-control'], url).toBe('no-store')
    }
    // Named by its version in the page (web/assets.ts), the CSS is kept for good.
    const css = /href="(\/static\/app\.css\?v=[0-9a-f]+)"/.exec((await a.get(base)).body)![1]
    expect((await a.get(css)).headers['cache-control']).toMatch(/max-age=\d+/)
  })
})

describe('the sealed ballot box', () => {
  it('the result sheet and result.json carry the digest, and verify-count recounts against it', async () => {
    const a = await station()
    await vote(a, kids.Ravi, cand.Ravi)
    await vote(a, kids.Gopal, cand.Ravi)
    await a.post(`${base}/station/closing`)
    const closed = await a.post(`${base}/closing`, { source: 'random' })
    expect(closed.statusCode).toBe(303)
    const json = (await a.get(`${base}/result.json`)).json() as { ballotBox: { algorithm: string; digest: string } }
    expect(json.ballotBox.algorithm).toBe('sha256')
    expect(json.ballotBox.digest).toMatch(/^[0-9a-f]{64}$/)
    const sheet = textOf((await a.get(`${base}/result/print`)).body)
    expect(sheet.replace(/\s/g, '')).toContain(json.ballotBox.digest)
    expect(sheet).toContain(`verify-count ${electionId}`)

    const cli = (args: string[]) =>
      spawnSync(process.execPath, [...nodeArgs('cli'), ...args], {
        cwd: projectRoot,
        encoding: 'utf8',
        env: { ...process.env, DATABASE_PATH: t.database.sqlite.name },
      })
    const ok = cli(['verify-count', String(electionId)])
    expect(ok.stdout).toContain('(matches)')
    expect(ok.stdout).toContain('The recount agrees with the result sheet.')
    expect(ok.status).toBe(0)
    // A ballot slipped into the box afterwards: the digest and the recount both disagree.
    const other = openDatabase(t.database.sqlite.name)
    try {
      other.sqlite
        .prepare(
          "UPDATE box_slots SET filled = 1, marks = x'02' WHERE id = (SELECT id FROM box_slots WHERE contest_id = ? AND NOT filled LIMIT 1)",
        )
        .run(contestId)
    } finally {
      other.close()
    }
    const bad = cli(['verify-count', String(electionId)])
    expect(bad.stdout).toContain('(DIFFERENT)')
    expect(bad.stdout).toContain('does NOT agree')
    expect(bad.status).toBe(1)
    expect(cli(['verify-count', 'x']).status).toBe(1)
    expect(cli(['verify-count', '999']).stderr).toContain('No election 999.')
  }, 60_000)
})
