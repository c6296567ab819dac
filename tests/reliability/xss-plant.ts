// Hostile text planted in every free-text field of every record, through the same verbs the forms
// call, so the XSS test can look for it on every page that shows it.
import { and, eq, isNull } from 'drizzle-orm'
import type { Server } from '../helpers/browser.ts'
import { ctxFor, operatorCtx, PASSWORD } from '../helpers/app.ts'
import { createUser } from '../../src/accounts/accounts.ts'
import type { Role } from '../../src/accounts/tables.ts'
import { createVillage } from '../../src/villages/villages.ts'
import { addChild, markLeftVillage } from '../../src/people/children.ts'
import type { Gender } from '../../src/people/tables.ts'
import { addContest, createElection, nominate, openNominations, openPoll } from '../../src/elections/elections.ts'
import { closePoll, enterPaperCount, publishResult } from '../../src/elections/counting.ts'
import { memberLeaves } from '../../src/elections/bal-panchayat.ts'
import { members } from '../../src/elections/tables.ts'
import { symbols } from '../../src/elections/symbols.ts'
import {
  addActionPoint,
  addAgendaItem,
  addAmendment,
  agendaOf,
  closeMeeting,
  recordAttendance,
  recordGuests,
  rollOf,
  saveMinutes,
  scheduleMeeting,
  startMeeting,
} from '../../src/meetings/meetings.ts'
import {
  actionPointSchema,
  amendmentSchema,
  guestsSchema,
  minutesSchema,
  scheduleSchema,
} from '../../src/meetings/schemas.ts'
import { recordResolution } from '../../src/resolutions/resolutions.ts'
import {
  acknowledgeResolution,
  decideResolution,
  forwardResolution,
  recordAction,
} from '../../src/resolutions/journeys.ts'
import { actionSchema, decisionSchema, forwardingSchema, resolutionSchema } from '../../src/resolutions/schemas.ts'
import { addStep, openCase } from '../../src/cases/cases.ts'
import { caseSchema, stepSchema } from '../../src/cases/schemas.ts'
import { contestInput, electionInput } from '../helpers/elections.ts'
import { bornYearsBefore, todayIso } from '../../src/core/dates.ts'
import type { Actor } from '../../src/web/context.ts'

/** Each tries a different way out of the text it is put in; any that works sets window.__xss. */
export const vectors = {
  script: '<script>window.__xss=1</script>',
  img: '"><img src=x onerror="window.__xss=1">',
  quote: "' autofocus onfocus='window.__xss=1",
  svg: '</textarea><svg onload=window.__xss=1>',
  link: 'javascript:window.__xss=1//',
  template: '{{7*7}}<%=7*7%>${7*7}$t(app.name)',
  rtl: '\u202Eبال 👧🏽 बाल पंचायत 🗳️\u202C',
  dialog: '<details open ontoggle=alert(1)>',
} as const
export type Vector = keyof typeof vectors | 'escapes' | 'all'
/** The five escapes together (fits 200 characters), and every vector together (fits 300). */
const escapes = [vectors.script, vectors.img, vectors.quote, vectors.svg, vectors.template].join(' ')
const all = [escapes, vectors.dialog, vectors.link, vectors.rtl].join(' ')

export type Plant = { tag: string; what: string; value: string }

/** The planted values, each with a short tag of its own so that every field can be told apart. */
export class Garden {
  readonly plants: Plant[] = []

  /** A value for one field: its tag and the vector, within the field's maximum length. */
  plant(what: string, vector: Vector, max: number): string {
    const n = this.plants.length
    const tag = `${String.fromCharCode(65 + Math.floor(n / 10))}${n % 10}`
    // A javascript: value must start with the scheme to be worth anything as a link, so its tag goes last.
    const value =
      vector === 'link'
        ? `${vectors.link}${tag}`
        : `${tag}${vector === 'escapes' ? escapes : vector === 'all' ? all : vectors[vector]}`
    if (value.length > max) throw new Error(`${what}: ${value.length} characters, the field takes ${max}`)
    if (this.plants.some((p) => p.what === what)) throw new Error(`planted twice: ${what}`)
    this.plants.push({ tag, what, value })
    return value
  }

  value(what: string): string {
    const found = this.plants.find((p) => p.what === what)
    if (!found) throw new Error(`nothing planted as ${what}`)
    return found.value
  }
}

const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10)

/**
 * A village whose every text is hostile, with one record in every state a page can show: children
 * (one gone), a published election with a member replaced, a by-election with its poll open, an
 * election taking nominations, a closed meeting with six resolutions at every stage of their way to
 * the Gram Panchayat, a meeting in progress and the next one scheduled; and an account of each role.
 */
export async function plantEverywhere(server: Server) {
  const g = new Garden()
  const { database } = server
  const op = operatorCtx(database)
  const village = createVillage(op, {
    name: g.plant('village name', 'script', 100),
    gramPanchayat: g.plant('village gram panchayat', 'img', 100),
    block: g.plant('village block', 'quote', 100),
    district: g.plant('village district', 'template', 100),
    state: g.plant('village state', 'rtl', 100),
  })
  const account = async (username: string, role: Role, vector: Vector): Promise<Actor> => {
    const u = await createUser(op, {
      username,
      displayName: g.plant(`${role} display name`, vector, 100),
      role,
      villageId: role === 'admin' ? null : village.id,
      password: PASSWORD,
    })
    return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, villageId: u.villageId }
  }
  const users = {
    admin: await account('xss-admin', 'admin', 'svg'),
    facilitator: await account('xss-facilitator', 'facilitator', 'img'),
    panchayat: await account('xss-panchayat', 'panchayat', 'script'),
  }
  const keeper = ctxFor(database, users.facilitator)
  const member = ctxFor(database, users.panchayat)
  const today = todayIso()

  // Children: ward and class take 40 characters, so they get the short vectors.
  const short = ['script', 'img', 'quote', 'link', 'template', 'rtl'] as const
  const long = ['script', 'img', 'quote', 'svg', 'link', 'template', 'rtl', 'dialog'] as const
  const kids: { id: number; name: string }[] = []
  const genders: Gender[] = ['girl', 'boy', 'girl', 'girl', 'boy', 'other', 'girl']
  genders.forEach((gender, i) => {
    const child = addChild(
      keeper,
      village.id,
      {
        name: g.plant(`child ${i} name`, long[i % long.length], 100),
        gender,
        dateOfBirth: bornYearsBefore(11 + (i % 4)),
        ward: g.plant(`child ${i} ward`, short[i % short.length], 40),
        school: g.plant(`child ${i} school`, long[(i + 3) % long.length], 150),
        schoolClass: g.plant(`child ${i} class`, short[(i + 2) % short.length], 40),
        inSchool: i !== 4,
        outOfSchoolReason: i === 4 ? 'working' : null,
        guardianName: g.plant(`child ${i} guardian`, long[(i + 5) % long.length], 100),
        guardianPhone: i % 2 ? '9876543210' : '',
      },
      today,
    )
    kids.push({ id: child.id, name: child.name })
  })
  const gone = kids[6]
  markLeftVillage(keeper, village.id, gone.id, today, g.plant('departure note', 'all', 300))

  // The published election: a Pradhan, and three members of whom one leaves and is replaced.
  const e1 = createElection(
    keeper,
    village.id,
    electionInput({ title: g.plant('election title', 'svg', 120), termStart: today }),
  )
  const leaders = addContest(
    keeper,
    e1.id,
    contestInput({
      name: g.plant('contest name (leaders)', 'script', 80),
      seats: '1',
      seatTitles: g.plant('seat title (leaders)', 'img', 60),
      method: 'plain',
    }),
  )
  const seatTitles = [
    g.plant('seat title 1', 'template', 60),
    g.plant('seat title 2', 'rtl', 60),
    g.plant('seat title 3', 'svg', 60),
  ]
  const membersContest = addContest(
    keeper,
    e1.id,
    contestInput({
      name: g.plant('contest name (members)', 'quote', 80),
      seats: '3',
      seatTitles: seatTitles.join('\n'),
      method: 'plain',
    }),
  )
  openNominations(keeper, e1.id)
  const stand = (electionId: number, contestId: number, kid: number, i: number) =>
    nominate(keeper, electionId, contestId, { childId: kids[kid].id, symbol: symbols[i] })
  const l = [stand(e1.id, leaders.id, 0, 0), stand(e1.id, leaders.id, 1, 1)]
  const m = [2, 3, 4, 5].map((kid, i) => stand(e1.id, membersContest.id, kid, i + 2))
  openPoll(keeper, e1.id)
  enterPaperCount(keeper, e1.id, leaders.id, {
    ballots: 20,
    note: g.plant('paper count note (leaders)', 'escapes', 200),
    votes: new Map([
      [l[0].id, 12],
      [l[1].id, 8],
    ]),
  })
  enterPaperCount(keeper, e1.id, membersContest.id, {
    ballots: 20,
    note: g.plant('paper count note (members)', 'link', 200),
    votes: new Map(m.map((c, i) => [c.id, 19 - i * 3])),
  })
  closePoll(keeper, e1.id, { source: 'random' })
  publishResult(keeper, e1.id)
  const leaving = database.db
    .select()
    .from(members)
    .where(and(eq(members.contestId, membersContest.id), eq(members.seat, 3), isNull(members.leftOn)))
    .get()!
  memberLeaves(keeper, village.id, leaving.id, {
    leftOn: today,
    reason: g.plant('member departure reason', 'escapes', 200),
  })

  // A by-election with its poll open, for the station, the ballot and the paper count.
  const e2 = createElection(
    keeper,
    village.id,
    electionInput({ title: g.plant('by-election title', 'template', 120), termStart: today }),
  )
  const byContest = addContest(
    keeper,
    e2.id,
    contestInput({ name: g.plant('by-election contest name', 'rtl', 80), seats: '1', method: 'plain' }),
  )
  openNominations(keeper, e2.id)
  const byCandidates = [0, 1, 2].map((kid, i) => stand(e2.id, byContest.id, kid, i))
  openPoll(keeper, e2.id)

  // An election still taking nominations, for the set-up pages.
  const e3 = createElection(
    keeper,
    village.id,
    electionInput({ title: g.plant('election title (nominations)', 'link', 120), termStart: inDays(30) }),
  )
  const e3Contest = addContest(
    keeper,
    e3.id,
    contestInput({
      name: g.plant('contest name (nominations)', 'dialog', 80),
      seats: '2',
      seatTitles: [
        g.plant('seat title (nominations) 1', 'script', 60),
        g.plant('seat title (nominations) 2', 'quote', 60),
      ].join('\n'),
    }),
  )
  openNominations(keeper, e3.id)
  stand(e3.id, e3Contest.id, 0, 0)

  // The closed meeting, with six resolutions.
  const m1 = scheduleMeeting(
    keeper,
    village.id,
    scheduleSchema.parse({
      date: today,
      time: '16:00',
      place: g.plant('meeting place', 'svg', 120),
      chairChildId: '',
      agenda: [g.plant('agenda item 1', 'escapes', 200), g.plant('agenda item 2', 'template', 200)].join('\n'),
    }),
  )
  startMeeting(keeper, m1.id)
  const present = rollOf(database.db, m1.id)
  for (const r of present) recordAttendance(keeper, m1.id, r.childId, true)
  recordGuests(
    keeper,
    m1.id,
    guestsSchema.parse({ otherChildren: '4', adults: '2', guests: g.plant('guests', 'all', 500) }),
  )
  const [item1, item2] = agendaOf(database.db, m1.id)
  saveMinutes(
    keeper,
    m1.id,
    item1.id,
    minutesSchema.parse({
      discussion: g.plant('minutes discussion', 'all', 20_000),
      decisions: g.plant('minutes decisions', 'escapes', 20_000),
    }),
  )
  saveMinutes(
    keeper,
    m1.id,
    item2.id,
    minutesSchema.parse({
      discussion: g.plant('minutes discussion 2', 'rtl', 20_000),
      decisions: g.plant('minutes decisions 2', 'link', 20_000),
    }),
  )
  addActionPoint(
    keeper,
    m1.id,
    item1.id,
    actionPointSchema.parse({
      what: g.plant('action point what', 'all', 300),
      who: g.plant('action point who', 'img', 120),
      byDate: inDays(10),
    }),
  )
  const hands = present.length
  const resolve = (
    n: number,
    vectors: [Vector, Vector, Vector, Vector],
    votes: [number, number, number] = [hands - 1, 0, 1],
  ) =>
    recordResolution(
      keeper,
      m1.id,
      resolutionSchema.parse({
        agendaItemId: String(n % 2 ? item2.id : item1.id),
        category: 'sanitation',
        title: g.plant(`resolution ${n} title`, vectors[0], 160),
        problem: g.plant(`resolution ${n} problem`, vectors[1], 4000),
        request: g.plant(`resolution ${n} request`, vectors[2], 4000),
        addressedTo: g.plant(`resolution ${n} addressed to`, vectors[3], 160),
        proposerChildId: String(present[0].childId),
        seconderChildId: String(present[1].childId),
        votesFor: String(votes[0]),
        votesAgainst: String(votes[1]),
        votesAbstain: String(votes[2]),
      }),
    )
  const r = [
    resolve(1, ['script', 'all', 'all', 'quote']), // accepted, then an action
    // A name (addressed to) refuses the right-to-left override (field.name): it goes in the texts.
    resolve(2, ['img', 'svg', 'template', 'dialog']), // referred
    resolve(3, ['quote', 'escapes', 'link', 'img']), // declined
    resolve(4, ['template', 'rtl', 'escapes', 'script']), // acknowledged only
    resolve(5, ['rtl', 'link', 'svg', 'template']), // passed, not forwarded
    resolve(6, ['dialog', 'template', 'rtl', 'link'], [1, hands - 1, 0]), // not passed
  ]
  closeMeeting(keeper, m1.id)
  addAmendment(
    keeper,
    m1.id,
    amendmentSchema.parse({ agendaItemId: String(item1.id), text: g.plant('amendment', 'all', 4000) }),
  )

  // Forwarded to the Gram Panchayat and answered, one resolution at each stage.
  for (const [i, res] of r.slice(0, 4).entries()) {
    forwardResolution(
      keeper,
      res.id,
      forwardingSchema.parse({
        forwardedOn: today,
        addressedTo: g.plant(
          `forwarding ${i + 1} addressed to`,
          (['escapes', 'img', 'link', 'dialog'] as const)[i],
          200,
        ),
        way: 'letter',
        note: g.plant(`forwarding ${i + 1} note`, (['all', 'template', 'script', 'quote'] as const)[i], 500),
      }),
    )
    acknowledgeResolution(member, res.id, today)
  }
  decideResolution(
    member,
    r[0].id,
    decisionSchema.parse({
      decision: 'accepted',
      on: today,
      plan: g.plant('decision plan', 'all', 2000),
      targetDate: inDays(30),
    }),
  )
  recordAction(
    member,
    r[0].id,
    actionSchema.parse({
      on: today,
      text: g.plant('action taken', 'all', 2000),
      evidence: g.plant('action evidence', 'link', 500),
    }),
  )
  decideResolution(
    member,
    r[1].id,
    decisionSchema.parse({ decision: 'referred', on: today, referredTo: g.plant('referred to', 'escapes', 200) }),
  )
  decideResolution(
    member,
    r[2].id,
    decisionSchema.parse({ decision: 'declined', on: today, reason: g.plant('decline reason', 'all', 2000) }),
  )

  // The out-of-school child's case: what was found, a visit, a talk with the employer, raised with the Gram
  // Panchayat under the accepted resolution (whose planted plan then shows on the case).
  const kase = openCase(
    keeper,
    village.id,
    kids[4].id,
    caseSchema.parse({
      reason: 'working',
      workPlace: 'brick_kiln',
      foundBy: 'facilitator',
      foundOn: today,
      note: g.plant('case note', 'all', 1000),
    }),
  )
  const caseStep = (form: Record<string, string>) => addStep(keeper, village.id, kase.id, stepSchema.parse(form))
  caseStep({ kind: 'family_visit', on: today, note: g.plant('case visit note', 'escapes', 1000) })
  caseStep({ kind: 'employer_talk', on: today, note: g.plant('case employer note', 'svg', 1000) })
  caseStep({ kind: 'raised_gram_panchayat', on: today, resolutionId: String(r[0].id) })

  // The next meeting, scheduled after the answers so they come onto its agenda, and one being held.
  const m2 = scheduleMeeting(
    keeper,
    village.id,
    scheduleSchema.parse({
      date: inDays(7),
      time: '11:00',
      place: g.plant('meeting place (next)', 'dialog', 120),
      chairChildId: '',
      agenda: g.plant('agenda item (next)', 'rtl', 200),
    }),
  )
  addAgendaItem(keeper, m2.id, g.plant('agenda item added', 'img', 200))
  const m3 = scheduleMeeting(
    keeper,
    village.id,
    scheduleSchema.parse({
      date: today,
      time: '17:30',
      place: g.plant('meeting place (in progress)', 'link', 120),
      chairChildId: '',
      agenda: g.plant('agenda item (in progress)', 'svg', 200),
    }),
  )
  startMeeting(keeper, m3.id)
  for (const p of rollOf(database.db, m3.id)) recordAttendance(keeper, m3.id, p.childId, true)
  recordGuests(
    keeper,
    m3.id,
    guestsSchema.parse({ otherChildren: '1', adults: '0', guests: g.plant('guests (in progress)', 'svg', 500) }),
  )
  const [item3] = agendaOf(database.db, m3.id).filter((i) => i.kind === 'item')
  saveMinutes(
    keeper,
    m3.id,
    item3.id,
    minutesSchema.parse({
      discussion: g.plant('minutes discussion (in progress)', 'all', 20_000),
      decisions: g.plant('minutes decisions (in progress)', 'svg', 20_000),
    }),
  )
  addActionPoint(
    keeper,
    m3.id,
    item3.id,
    actionPointSchema.parse({
      what: g.plant('action point what (in progress)', 'svg', 300),
      who: g.plant('action point who (in progress)', 'quote', 120),
      byDate: '',
    }),
  )

  return {
    garden: g,
    village,
    users,
    kids,
    gone,
    elections: { published: e1.id, open: e2.id, nominations: e3.id },
    contests: { leaders: leaders.id, members: membersContest.id, open: byContest.id, nominations: e3Contest.id },
    byCandidates: byCandidates.map((c) => c.id),
    memberId: database.db
      .select()
      .from(members)
      .where(and(eq(members.contestId, membersContest.id), isNull(members.leftOn)))
      .get()!.id,
    meetings: { closed: m1.id, next: m2.id, held: m3.id },
    items: { closed: item1.id, held: item3.id },
    present: present.map((p) => p.childId),
    case: kase.id,
    resolutions: {
      accepted: r[0].id,
      referred: r[1].id,
      declined: r[2].id,
      received: r[3].id,
      passed: r[4].id,
      failed: r[5].id,
    },
  }
}
export type Planted = Awaited<ReturnType<typeof plantEverywhere>>
