/**
 * The pages' data: `npm run cli -- seed-demo`'s village (src/demo/seed.ts) on a throw-away database,
 * with a meeting in progress and more forwarded resolutions in the Gram Panchayat's inbox, all
 * through the domain verbs. Returns the ids the page benchmarks open.
 */
import path from 'node:path'
import { eq, sql } from 'drizzle-orm'
import { BackupFolder } from '../src/backups/backup-folder.ts'
import { openDatabase } from '../src/database.ts'
import { seedDemo, DEMO_PASSWORD } from '../src/demo/seed.ts'
import { users } from '../src/accounts/tables.ts'
import { elections } from '../src/elections/tables.ts'
import { meetings, meetingEvents } from '../src/meetings/tables.ts'
import { forwardings, resolutions, categories } from '../src/resolutions/tables.ts'
import {
  balPanchayatOn,
  closeMeeting,
  recordAttendance,
  saveMinutes,
  scheduleMeeting,
  startMeeting,
  agendaOf,
} from '../src/meetings/meetings.ts'
import { minutesSchema, scheduleSchema } from '../src/meetings/schemas.ts'
import { recordResolution } from '../src/resolutions/resolutions.ts'
import { forwardResolution } from '../src/resolutions/journeys.ts'
import { forwardingSchema, resolutionSchema } from '../src/resolutions/schemas.ts'
import { countElection } from '../src/elections/counting.ts'
import { listChildren } from '../src/people/children.ts'
import { filterSchema } from '../src/people/schemas.ts'
import { todayIso } from '../src/core/dates.ts'
import type { StaffCtx } from '../src/web/context.ts'

/** Resolutions forwarded on top of the demo's own seven: a Gram Panchayat's inbox after a busy year. */
const EXTRA_FORWARDED = Number(process.env.EXTRA_FORWARDED ?? 13)

export const demoPassword = DEMO_PASSWORD

export async function demoDatabase(file: string) {
  const database = openDatabase(file)
  database.sqlite.pragma('synchronous = OFF') // set-up only
  const { villageId } = await seedDemo(database.db)
  const db = database.db
  const ctxOf = (username: string): StaffCtx => {
    const u = db.select().from(users).where(eq(users.username, username)).get()!
    return {
      db,
      lang: 'en',
      actor: { id: u.id, username: u.username, displayName: u.displayName, role: u.role, villageId: u.villageId },
    }
  }
  const keeper = ctxOf('facilitator')
  const today = todayIso()

  // A meeting held today that passed EXTRA_FORWARDED resolutions, each forwarded to the Gram Panchayat.
  const roll = balPanchayatOn(db, villageId, today)
  const held = scheduleMeeting(
    keeper,
    villageId,
    scheduleSchema.parse({ date: today, time: '10:00', place: 'पंचायत भवन', chairChildId: '', agenda: 'गाँव की समस्याएँ' }),
  )
  startMeeting(keeper, held.id)
  for (const m of roll) recordAttendance(keeper, held.id, m.childId, true)
  const passed: number[] = []
  for (let i = 0; i < EXTRA_FORWARDED; i++) {
    passed.push(
      recordResolution(
        keeper,
        held.id,
        resolutionSchema.parse({
          agendaItemId: '',
          title: `प्रस्ताव ${i + 1}: वार्ड ${1 + (i % 6)} में हैंडपंप की मरम्मत और स्कूल के रास्ते की सफ़ाई`,
          problem: 'वार्ड का हैंडपंप कई हफ़्तों से बंद है; बच्चे, ख़ासकर लड़कियाँ, दूर से पानी लाती हैं और स्कूल देर से पहुँचती हैं।',
          request: 'ग्राम पंचायत हैंडपंप की मरम्मत एक महीने में करवाए और रास्ते की नियमित सफ़ाई की व्यवस्था करे।',
          addressedTo: 'सरपंच, ग्राम पंचायत सोठाना',
          category: categories[i % categories.length],
          proposerChildId: String(roll[i % roll.length].childId),
          seconderChildId: String(roll[(i + 1) % roll.length].childId),
          votesFor: String(roll.length - 1),
          votesAgainst: '1',
          votesAbstain: '0',
        }),
      ).id,
    )
  }
  closeMeeting(keeper, held.id)
  for (const id of passed)
    forwardResolution(
      keeper,
      id,
      forwardingSchema.parse({
        forwardedOn: today,
        addressedTo: 'सरपंच, ग्राम पंचायत सोठाना',
        way: 'gram_sabha',
        note: '',
      }),
    )

  // The demo's scheduled meeting, started: half the roll ticked present, the first item's minutes typed.
  const scheduled = db
    .select({ id: meetings.id })
    .from(meetings)
    .where(
      sql`${meetings.villageId} = ${villageId} AND NOT EXISTS (SELECT 1 FROM ${meetingEvents} e WHERE e.meeting_id = ${meetings.id})`,
    )
    .get()!
  // The demo postpones it to another day: started today, so with a reason.
  startMeeting(keeper, scheduled.id, { way: 'now', heldOn: '', from: '', until: '', reason: 'बच्चे आज ही मिल सके' })
  roll.slice(0, Math.ceil(roll.length / 2)).forEach((m) => recordAttendance(keeper, scheduled.id, m.childId, true))
  const [item] = agendaOf(db, scheduled.id)
  if (item)
    saveMinutes(
      keeper,
      scheduled.id,
      item.id,
      minutesSchema.parse({
        discussion: 'सदस्यों ने पिछली बैठक के प्रस्तावों पर ग्राम पंचायत के जवाब पढ़े और आगे की बात की।'.repeat(3),
        decisions: 'अगली बैठक में फिर बात होगी।',
      }),
    )

  const electionRows = db
    .select({ id: elections.id })
    .from(elections)
    .where(eq(elections.villageId, villageId))
    .orderBy(elections.id)
    .all()
  const finished = electionRows[0].id
  const openPoll = electionRows[electionRows.length - 1].id
  const closedMeeting = db
    .select({ id: meetings.id })
    .from(meetings)
    .where(
      sql`${meetings.villageId} = ${villageId} AND EXISTS (SELECT 1 FROM ${meetingEvents} e WHERE e.meeting_id = ${meetings.id} AND e.stage = 'closed')`,
    )
    .orderBy(meetings.id)
    .get()!.id
  const resolution = db
    .select({ id: forwardings.resolutionId })
    .from(forwardings)
    .orderBy(forwardings.resolutionId)
    .get()!.id
  const register = listChildren(keeper, villageId, filterSchema.parse({}))
  const child = register.rows[0].id
  // Rows each staff page draws: the register's page, the result's candidates, the inbox's resolutions.
  const rows = {
    register: register.rows.length,
    result: countElection(keeper, finished).reduce((n, c) => n + c.candidates.length, 0),
    inbox: db
      .select({ n: sql<number>`count(*)` })
      .from(forwardings)
      .innerJoin(resolutions, eq(resolutions.id, forwardings.resolutionId))
      .where(eq(resolutions.villageId, villageId))
      .get()!.n,
  }
  // Last night's backup already in the default folder beside the database, as on a box that has been
  // running: a server started on it has no missed night to make up a minute after it starts, in the
  // middle of a measurement (src/backups/backup-schedule.ts).
  await new BackupFolder(database, { dir: path.join(path.dirname(file), 'backups'), keep: 14, makeDir: true }).take(
    Date.now(),
  )
  database.close()
  return { villageId, child, finished, openPoll, closedMeeting, meetingInProgress: scheduled.id, resolution, rows }
}
