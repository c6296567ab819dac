import fs from 'node:fs'
import path from 'node:path'
import type Sqlite from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser } from '../../src/accounts/accounts.ts'
import { backupDatabase } from '../../src/backups/backup.ts'
import { ballotBoxPath } from '../../src/db/client.ts'
import { editChild, getChild } from '../../src/people/children.ts'
import {
  addActionPoint,
  addAmendment,
  agendaOf,
  closeMeeting,
  recordAttendance,
  saveMinutes,
  scheduleMeeting,
  startMeeting,
} from '../../src/meetings/meetings.ts'
import { recordResolution } from '../../src/resolutions/resolutions.ts'
import { resolutionSchema } from '../../src/resolutions/schemas.ts'
import {
  acknowledgeResolution,
  decideResolution,
  forwardResolution,
  recordAction,
} from '../../src/resolutions/journeys.ts'
import { recordAudit, operatorActor } from '../../src/audit/audit.ts'
import { addStep, openCase } from '../../src/cases/cases.ts'
import { caseSchema, stepSchema } from '../../src/cases/schemas.ts'
import { todayIso } from '../../src/core/dates.ts'
import { translator } from '../../src/i18n/translator.ts'
import { ctxFor, operatorCtx, PASSWORD, testApp, textOf, type TestApp } from '../helpers/app.ts'
import { commonBalPanchayat, resolutionForm, scheduleInput, seatBalPanchayat } from '../helpers/meetings.ts'
import { Client } from './client.ts'
import { appRoutes, fill, paramNames, recordsFor, type Route } from './routes.ts'
import { targetQuery } from './targets.ts'

/**
 * A child erased after a life in the app — a candidate elected Pradhan, renamed once, the proposer of
 * resolutions, named in an agenda item, a resolution, the minutes, an action point, an amendment, a
 * forwarding note and the Gram Panchayat's answer — and then looked for everywhere someone could
 * look: every text column of every table, every page and download any role can reach, and the raw
 * bytes of the database file, its WAL, the ballot box and a backup made after the erasure. The same
 * search run before the erasure is the control: it finds every one of them.
 */
const FIRST_NAME = 'Zoya Banjara'
const NEW_NAME = 'Zoya Kalbeliya'
const GUARDIAN = 'Rukmini Kalbeliya'
const PHONE = '9414012345'
const BIRTH = '2013-04-17'
/** A detail only her out-of-school case holds: where she worked, and the school she was enrolled in. */
const KILN = 'Ramji Lal kiln'
const NEEDLES = [FIRST_NAME, NEW_NAME, `Guardian of ${FIRST_NAME}`, GUARDIAN, PHONE, BIRTH, KILN]

let t: TestApp
let papdi: number
let zoya: number
let clients: Record<string, Client>

beforeAll(async () => {
  t = await testApp()
  papdi = t.fx.villages.papdi.id
  const keeper = ctxFor(t.database, t.fx.users.facilitator)
  const answerer = ctxFor(t.database, t.fx.users.panchayat)
  await createUser(operatorCtx(t.database), {
    username: 'patel',
    displayName: 'Patel',
    role: 'panchayat',
    villageId: t.fx.villages.bhangdoli.id,
    password: PASSWORD,
  })
  // The other village has a Bal Panchayat of its own; nothing of it may be touched.
  seatBalPanchayat(t.database, t.fx.users.otherFacilitator, t.fx.villages.bhangdoli.id, commonBalPanchayat)

  // Elected Pradhan under her first name: the frozen count keeps that name.
  const bp = seatBalPanchayat(t.database, t.fx.users.facilitator, papdi, [
    [FIRST_NAME, 'girl'],
    ['Sunita', 'girl'],
    ['Pooja', 'girl'],
    ['Ravi', 'boy'],
    ['Sunil', 'boy'],
    ['Gopal', 'boy'],
  ])
  zoya = bp[FIRST_NAME]
  const child = getChild(keeper, papdi, zoya)
  editChild(keeper, papdi, zoya, {
    name: NEW_NAME,
    gender: 'girl',
    dateOfBirth: BIRTH,
    ward: '4',
    school: 'GUPS Papdi',
    schoolClass: '7',
    inSchool: true,
    outOfSchoolReason: null,
    guardianName: GUARDIAN,
    guardianPhone: PHONE,
  })
  expect(child.name).toBe(FIRST_NAME)

  // A meeting that speaks of her under both names.
  const meeting = scheduleMeeting(
    keeper,
    papdi,
    scheduleInput({ place: `${NEW_NAME}'s courtyard`, agenda: `School fees of ${NEW_NAME}\nHand pump in ward 2` }),
  )
  startMeeting(keeper, meeting.id)
  for (const id of Object.values(bp)) recordAttendance(keeper, meeting.id, id, true)
  const [feesItem] = agendaOf(t.db, meeting.id)
  saveMinutes(keeper, meeting.id, feesItem.id, {
    discussion: `${NEW_NAME} said her father (${GUARDIAN}, ${PHONE}) wants her at the kiln.`,
    decisions: `Ask the Gram Panchayat to help ${NEW_NAME}.`,
  })
  addActionPoint(keeper, meeting.id, feesItem.id, {
    what: `Visit the family of ${FIRST_NAME}`,
    who: NEW_NAME,
    byDate: null,
  })
  const resolution = recordResolution(
    keeper,
    meeting.id,
    resolutionSchema.parse(
      resolutionForm({
        title: `Help ${NEW_NAME} back to school`,
        problem: `${NEW_NAME} (once ${FIRST_NAME}) works at the brick kiln.`,
        proposerChildId: String(zoya),
        seconderChildId: String(bp.Ravi),
        votesFor: '5',
        votesAgainst: '0',
      }),
    ),
  ).id
  closeMeeting(keeper, meeting.id)
  addAmendment(keeper, meeting.id, { agendaItemId: feesItem.id, text: `${NEW_NAME} also asked for books.` })
  forwardResolution(keeper, resolution, {
    forwardedOn: todayIso(),
    addressedTo: 'Sarpanch',
    way: 'letter',
    note: `${NEW_NAME} will read it at the Gram Sabha.`,
  })
  acknowledgeResolution(answerer, resolution, todayIso())
  decideResolution(answerer, resolution, {
    decision: 'accepted',
    on: todayIso(),
    text: `We will meet ${GUARDIAN} about ${NEW_NAME}.`,
    targetDate: null,
  })
  recordAction(answerer, resolution, {
    on: todayIso(),
    text: `Met ${GUARDIAN}`,
    evidence: `Signed by ${GUARDIAN}, ${PHONE}`,
  })
  // Her out-of-school case: what was found, a visit, the resolution raised with the Gram Panchayat, her enrolment;
  // and another child's case that names her.
  const kase = openCase(
    keeper,
    papdi,
    zoya,
    caseSchema.parse({
      reason: 'working',
      workPlace: 'brick_kiln',
      foundBy: 'member',
      foundByChildId: String(bp.Ravi),
      foundOn: todayIso(),
      note: `${NEW_NAME} carries bricks at the ${KILN}`,
    }),
  )
  const step = (form: Record<string, string>) => addStep(keeper, papdi, kase.id, stepSchema.parse(form))
  step({ kind: 'family_visit', on: todayIso(), note: `${GUARDIAN} (${PHONE}) agreed to send her back` })
  step({ kind: 'raised_gram_panchayat', on: todayIso(), resolutionId: String(resolution) })
  step({ kind: 'enrolled', on: todayIso(), school: `Bridge school at the ${KILN}`, schoolClass: `7 (${NEW_NAME})` })
  const sunitas = openCase(
    keeper,
    papdi,
    bp.Sunita,
    caseSchema.parse({ reason: 'married', foundBy: 'member', foundOn: todayIso(), note: `${NEW_NAME} told us` }),
  )
  addStep(
    keeper,
    papdi,
    sunitas.id,
    stepSchema.parse({ kind: 'family_visit', on: todayIso(), note: `With ${NEW_NAME}` }),
  )
  // The operator made a backup last week (the CLI writes this entry for each backup it makes).
  recordAudit(t.db, operatorActor, {
    action: 'database.backed_up',
    subject: 'database',
    detail: { file: '/media/usb/bal-panchayat-old.sqlite', encrypted: false },
  })

  clients = {
    anonymous: new Client(t.app),
    admin: await new Client(t.app).login('coordinator'),
    facilitator: await new Client(t.app).login('rekha'),
    otherFacilitator: await new Client(t.app).login('kamla'),
    panchayat: await new Client(t.app).login('sarpanch'),
    otherPanchayat: await new Client(t.app).login('patel'),
  }
}, 120_000)
afterAll(async () => t?.close())

/** Where each needle stands in every text column of every table (main and ballot box). */
function inTables(sqlite: Sqlite.Database): Map<string, string[]> {
  const found = new Map<string, string[]>()
  for (const schemaName of ['main', 'box']) {
    const tables = sqlite
      .prepare(`SELECT name FROM ${schemaName}.sqlite_master WHERE type = 'table'`)
      .pluck()
      .all() as string[]
    for (const table of tables) {
      const columns = (
        sqlite.prepare('SELECT name FROM pragma_table_info(?, ?)').all(table, schemaName) as { name: string }[]
      ).map((c) => c.name)
      for (const row of sqlite.prepare(`SELECT * FROM ${schemaName}."${table}"`).all() as Record<string, unknown>[]) {
        for (const column of columns) {
          const value = row[column]
          const text = Buffer.isBuffer(value) ? value.toString('latin1') : String(value ?? '')
          for (const needle of NEEDLES)
            if (text.toLowerCase().includes(needle.toLowerCase()))
              found.set(needle, [...(found.get(needle) ?? []), `${table}.${column}`])
        }
      }
    }
  }
  return found
}

/** Every way to fill a route's parameters with Papdi's records, each belonging to the one before. */
function fillings(sqlite: Sqlite.Database, route: Route): Record<string, string>[] {
  let out: Record<string, string>[] = [{}]
  for (const name of paramNames(route.url)) {
    out = out.flatMap((partial) =>
      recordsFor(sqlite, route.url, name, Number(partial.id), papdi).map((id) => ({ ...partial, [name]: String(id) })),
    )
  }
  return out
}

/** Every page and download every visitor can reach about Papdi: which needles each shows. */
async function inPages(): Promise<{ pages: number; found: Map<string, string[]> }> {
  const found = new Map<string, string[]>()
  let pages = 0
  const gets = appRoutes(t.app).filter((r) => r.method === 'GET' && r.url !== '/health')
  for (const [who, client] of Object.entries(clients)) {
    for (const route of gets) {
      for (const params of fillings(t.database.sqlite, route)) {
        const url = fill(route.url, params) + targetQuery(route.key)
        const res = await client.get(url)
        expect(res.statusCode, `${who} GET ${url}`).toBeLessThan(500)
        if (res.statusCode !== 200) continue
        pages++
        const text = `${res.body}\n${textOf(res.body)}`.toLowerCase()
        for (const needle of NEEDLES)
          if (text.includes(needle.toLowerCase())) found.set(needle, [...(found.get(needle) ?? []), `${who} ${url}`])
      }
    }
  }
  return { pages, found }
}

/** The needles in the raw bytes of each file, as SQLite stores text (UTF-8). */
function inFiles(files: string[]): Map<string, string[]> {
  const found = new Map<string, string[]>()
  for (const file of files) {
    if (!fs.existsSync(file)) continue
    const bytes = fs.readFileSync(file)
    for (const needle of NEEDLES)
      if (bytes.includes(Buffer.from(needle, 'utf8')))
        found.set(needle, [...(found.get(needle) ?? []), path.basename(file)])
  }
  return found
}

const dbFile = () => t.database.sqlite.name
const liveFiles = () => [dbFile(), `${dbFile()}-wal`, ballotBoxPath(dbFile())]

describe('a child erased is gone from everything the box holds and shows', () => {
  it('control: before the erasure each search finds her names, her guardian and the phone', async () => {
    const tables = inTables(t.database.sqlite)
    expect([...tables.keys()].sort()).toEqual([...NEEDLES].sort())
    expect(tables.get(FIRST_NAME)).toEqual(expect.arrayContaining(['results.count', 'audit_log.detail']))
    expect(tables.get(NEW_NAME)).toEqual(
      expect.arrayContaining([
        'agenda_items.title',
        'resolutions.title',
        'minutes.discussion',
        'action_points.who',
        'amendments.text',
        'forwardings.note',
        'responses.text',
        'meetings.place',
        'cases.note',
        'case_steps.note',
        'case_steps.school_class',
      ]),
    )
    expect(tables.get(GUARDIAN)).toEqual(expect.arrayContaining(['case_steps.note']))
    // The enrolment wrote the school into the register too, and its log entry.
    expect(tables.get(KILN)).toEqual(
      expect.arrayContaining(['cases.note', 'case_steps.school', 'children.school', 'audit_log.detail']),
    )
    const { found } = await inPages()
    for (const needle of [FIRST_NAME, NEW_NAME, GUARDIAN, PHONE, KILN]) expect(found.get(needle), needle).toBeDefined()
    expect(found.get(FIRST_NAME)!.some((p) => p.includes('/result'))).toBe(true)
    expect(found.get(KILN)!.some((p) => p.includes('/cases/'))).toBe(true)
    const files = inFiles(liveFiles())
    for (const needle of [FIRST_NAME, NEW_NAME, GUARDIAN, PHONE, KILN]) expect(files.get(needle), needle).toBeDefined()
  }, 300_000)

  it('after the erasure no table, page, download, database file, WAL or new backup holds any of them', async () => {
    const res = await clients.admin.post(`/villages/${papdi}/children/${zoya}/erasure`)
    expect(res.statusCode).toBe(303)

    expect(inTables(t.database.sqlite)).toEqual(new Map())

    const { pages, found } = await inPages()
    expect(found).toEqual(new Map())
    expect(pages).toBeGreaterThan(100)

    const backup = path.join(path.dirname(dbFile()), 'after-erasure.sqlite')
    await backupDatabase(t.database, backup)
    expect(inFiles([...liveFiles(), backup])).toEqual(new Map())
    expect(fs.statSync(`${dbFile()}-wal`).size === 0 || !inFiles([`${dbFile()}-wal`]).size).toBe(true)
  }, 300_000)

  it('keeps what the figures and the result need: her seat, her votes, "a candidate (erased)" on the result', async () => {
    const seat = t.database.sqlite.prepare('SELECT count(*) FROM members WHERE child_id = ?').pluck().get(zoya)
    expect(seat).toBe(1)
    const electionId = t.database.sqlite
      .prepare('SELECT election_id FROM candidates WHERE child_id = ?')
      .pluck()
      .get(zoya) as number
    const result = textOf((await clients.admin.get(`/elections/${electionId}/result`)).body)
    // The clients read Hindi, the box's first language.
    const hi = translator('hi')
    expect(result).toContain(hi('results.erasedCandidate'))
    const json = JSON.parse((await clients.admin.get(`/elections/${electionId}/result.json`)).body) as {
      contests: { candidates: { name: string; votes: number; elected: boolean }[] }[]
    }
    expect(json.contests[0].candidates[0]).toMatchObject({ name: hi('results.erasedCandidate'), elected: true })
    expect(json.contests[0].candidates[0].votes).toBeGreaterThan(0)
    // The other village's Bal Panchayat, with the same first names as many children, is untouched.
    expect(t.database.sqlite.prepare("SELECT count(*) FROM children WHERE name = 'Meena'").pluck().get()).toBe(1)
  })

  it('tells the coordinator which older backups still hold her data', async () => {
    const page = textOf((await clients.admin.get(`/villages/${papdi}/children/${zoya}`)).body)
    expect(page).toContain(translator('hi')('children.backupsStillHold'))
    expect(page).toContain('/media/usb/bal-panchayat-old.sqlite')
    // A facilitator sees that the data was erased, not where the operator keeps backups.
    const facilitator = textOf((await clients.facilitator.get(`/villages/${papdi}/children/${zoya}`)).body)
    expect(facilitator).not.toContain('/media/usb')
  })
})
