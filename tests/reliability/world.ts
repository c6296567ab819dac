import { createUser } from '../../src/accounts/accounts.ts'
import { addContest, createElection, nominate, openNominations, openPoll } from '../../src/elections/elections.ts'
import { closePoll, enterPaperCount } from '../../src/elections/counting.ts'
import { symbols } from '../../src/elections/symbols.ts'
import {
  addActionPoint,
  addAmendment,
  agendaOf,
  addOutOfSchoolItem,
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
  markDone,
  recordAction,
} from '../../src/resolutions/journeys.ts'
import { addChild, markLeftVillage } from '../../src/people/children.ts'
import { addStep, openCase } from '../../src/cases/cases.ts'
import { caseSchema, stepSchema } from '../../src/cases/schemas.ts'
import { bornYearsBefore, todayIso } from '../../src/core/dates.ts'
import type { Actor } from '../../src/web/context.ts'
import type { Gender } from '../../src/people/tables.ts'
import { ctxFor, operatorCtx, PASSWORD, testApp, type TestApp } from '../helpers/app.ts'
import { contestInput, electionInput, villageChildren } from '../helpers/elections.ts'
import {
  closedMeetingWithResolutions,
  commonBalPanchayat,
  resolutionForm,
  scheduleInput,
  seatBalPanchayat,
} from '../helpers/meetings.ts'
import { shiftDays } from './forms.ts'

export type World = Awaited<ReturnType<typeof buildWorld>>

/** Who logs in for the reliability suites: each role, and each role of the other village. */
export const LOGINS = {
  admin: 'coordinator',
  facilitator: 'rekha',
  otherFacilitator: 'kamla',
  panchayat: 'sarpanch',
  otherPanchayat: 'patel',
} as const
export type Who = keyof typeof LOGINS

/**
 * Papdi and Bhangdoli, each as a village looks some months in: a register with children of every
 * kind, elections in every stage, a seated Bal Panchayat, meetings scheduled, being held and
 * closed, and resolutions at every step of their journey to the Gram Panchayat. Built through the
 * domain verbs, so every row is one the app itself would write.
 */
export async function buildWorld(app?: TestApp) {
  const t = app ?? (await testApp())
  const { papdi, bhangdoli } = t.fx.villages
  const op = operatorCtx(t.database)
  const patel = await createUser(op, {
    username: 'patel',
    displayName: 'Patel',
    role: 'panchayat',
    villageId: bhangdoli.id,
    password: PASSWORD,
  })
  const otherPanchayat: Actor = {
    id: patel.id,
    username: patel.username,
    displayName: patel.displayName,
    role: 'panchayat',
    villageId: bhangdoli.id,
  }
  // Accounts a coordinator may reset or switch off in the suites without logging anyone out.
  const spare = {
    papdi: await createUser(op, {
      username: 'spare-papdi',
      displayName: 'Spare of Papdi',
      role: 'facilitator',
      villageId: papdi.id,
      password: PASSWORD,
    }),
    bhangdoli: await createUser(op, {
      username: 'spare-bhangdoli',
      displayName: 'Spare of Bhangdoli',
      role: 'panchayat',
      villageId: bhangdoli.id,
      password: PASSWORD,
    }),
  }
  const world = {
    t,
    papdi: buildVillage(t, papdi.id, t.fx.users.facilitator, t.fx.users.panchayat, 'papdi'),
    bhangdoli: buildVillage(t, bhangdoli.id, t.fx.users.otherFacilitator, otherPanchayat, 'bhangdoli'),
    spareUsers: spare,
    actors: { ...t.fx.users, otherPanchayat },
  }
  return world
}

function buildVillage(t: TestApp, villageId: number, keeperActor: Actor, answererActor: Actor, tag: string) {
  const keeper = ctxFor(t.database, keeperActor)
  const answerer = ctxFor(t.database, answererActor)
  const today = todayIso()
  const nextYearEnd = `${Number(today.slice(0, 4)) + 1}-12-31`

  // The Bal Panchayat, seated by a published election.
  const bp = seatBalPanchayat(t.database, keeperActor, villageId, commonBalPanchayat)
  const publishedElectionId = t.database.sqlite
    .prepare('SELECT max(id) FROM elections WHERE village_id = ?')
    .pluck()
    .get(villageId) as number

  // More of the register: voters of every gender and age, one without consent, one who left.
  const voters: [string, Gender, number][] = []
  const names = [
    'Asha',
    'Bhola',
    'Chanda',
    'Deepa',
    'Eklavya',
    'Farida',
    'Gauri',
    'Hari',
    'Indu',
    'Jyoti',
    'Kiran',
    'Lalit',
    'Mohan',
    'Nisha',
    'Om',
    'Parul',
    'Rani',
    'Sonu',
    'Tara',
    'Usha',
  ]
  names.forEach((n, i) =>
    voters.push([`${n} ${tag}`, i % 7 === 3 ? 'other' : i % 2 === 0 ? 'girl' : 'boy', 8 + (i % 11)]),
  )
  const voterIds = villageChildren(t.database, keeperActor, villageId, voters)
  const noConsent = addChild(
    keeper,
    villageId,
    {
      name: `Without consent ${tag}`,
      gender: 'girl',
      dateOfBirth: bornYearsBefore(11),
      ward: '2',
      school: '',
      schoolClass: '',
      inSchool: false,
      outOfSchoolReason: 'working',
      guardianName: 'Guardian',
      guardianPhone: '',
    },
    null,
  ).id
  const leftVillage = addChild(
    keeper,
    villageId,
    {
      name: `Moved away ${tag}`,
      gender: 'boy',
      dateOfBirth: bornYearsBefore(13),
      ward: '3',
      school: 'GSS',
      schoolClass: '7',
      inSchool: true,
      outOfSchoolReason: null,
      guardianName: 'Guardian',
      guardianPhone: '9876543210',
    },
    today,
  ).id
  markLeftVillage(keeper, villageId, leftVillage, today, 'family moved to Jaipur')
  const childIds = [...Object.values(bp), ...Object.values(voterIds), noConsent, leftVillage]
  const voterList = Object.values(voterIds)
  /** Voters old enough to stand (10 and over). */
  const standable = voters.filter(([, , age]) => age >= 10).map(([name]) => voterIds[name])

  // Elections in every stage before publication.
  const election = (title: string) => createElection(keeper, villageId, electionInput({ title, termEnd: nextYearEnd }))
  const draft = election(`Draft ${tag}`)
  const draftContest = addContest(keeper, draft.id, contestInput({ name: 'Members' })).id
  const draftSpareContest = addContest(keeper, draft.id, contestInput({ name: 'Spare', seats: '2' })).id

  const nominations = election(`Nominations ${tag}`)
  const nomContest = addContest(keeper, nominations.id, contestInput({ name: 'Members', seats: '3' })).id
  openNominations(keeper, nominations.id)
  const nomCandidates = standable
    .slice(0, 3)
    .map((childId, i) => nominate(keeper, nominations.id, nomContest, { childId, symbol: symbols[i] }).id)

  /** A poll with a Pradhan (one mark) and members (up to three marks). */
  const poll = (title: string) => {
    const e = election(title)
    const lead = addContest(
      keeper,
      e.id,
      contestInput({ name: 'Pradhan', seats: '1', seatTitles: 'Pradhan', method: 'plain' }),
    ).id
    const rest = addContest(keeper, e.id, contestInput({ name: 'Members', seats: '3' })).id
    openNominations(keeper, e.id)
    const cands = {
      [lead]: standable
        .slice(3, 5)
        .map((childId, i) => nominate(keeper, e.id, lead, { childId, symbol: symbols[i] }).id),
      [rest]: standable
        .slice(5, 10)
        .map((childId, i) => nominate(keeper, e.id, rest, { childId, symbol: symbols[i + 5] }).id),
    }
    openPoll(keeper, e.id)
    return { id: e.id, contests: [lead, rest], candidates: cands }
  }
  const tabletPoll = poll(`Tablet poll ${tag}`)
  const openPollE = poll(`Open poll ${tag}`)
  const paperCount = enterPaperCount(keeper, openPollE.id, openPollE.contests[1], {
    ballots: 10,
    note: 'box 1',
    votes: new Map(openPollE.candidates[openPollE.contests[1]].map((c, i) => [c, i + 1])),
  }).id
  const closed = poll(`Closed poll ${tag}`)
  const closedPaper = enterPaperCount(keeper, closed.id, closed.contests[0], {
    ballots: 12,
    note: '',
    votes: new Map([
      [closed.candidates[closed.contests[0]][0], 7],
      [closed.candidates[closed.contests[0]][1], 5],
    ]),
  }).id
  closePoll(keeper, closed.id, { source: 'random' })
  const memberIds = t.database.sqlite
    .prepare('SELECT id FROM members WHERE election_id = ? ORDER BY id')
    .pluck()
    .all(publishedElectionId) as number[]

  // Meetings: closed ones with resolutions, one being held, one scheduled.
  const early = closedMeetingWithResolutions(t.database, keeperActor, villageId, bp, 4)
  const later = closedMeetingWithResolutions(t.database, keeperActor, villageId, bp, 3)
  const [sent, received, accepted, referred] = early.passed
  const [declined, done, notForwarded] = later.passed
  for (const id of [sent, received, accepted, referred, declined, done])
    forwardResolution(keeper, id, { forwardedOn: today, addressedTo: 'Sarpanch', way: 'gram_sabha', note: '' })
  for (const id of [received, accepted, referred, declined, done]) acknowledgeResolution(answerer, id, today)
  decideResolution(answerer, accepted, {
    decision: 'accepted',
    on: today,
    text: 'Build it by March',
    targetDate: nextYearEnd,
  })
  decideResolution(answerer, referred, {
    decision: 'referred',
    on: today,
    text: 'Block education officer',
    targetDate: null,
  })
  decideResolution(answerer, declined, { decision: 'declined', on: today, text: 'No budget', targetDate: null })
  decideResolution(answerer, done, { decision: 'accepted', on: today, text: 'Repair', targetDate: nextYearEnd })
  recordAction(answerer, accepted, { on: today, text: 'Bricks bought', evidence: 'bill' })
  recordAction(answerer, done, { on: today, text: 'Pump repaired', evidence: 'photo' })
  markDone(answerer, done, today)
  addAmendment(keeper, early.meetingId, {
    agendaItemId: agendaOf(t.db, early.meetingId)[0].id,
    text: 'The date of the next meeting was 5th, not 6th.',
  })

  const live = scheduleMeeting(keeper, villageId, scheduleInput({ place: 'School verandah (live)' }))
  // Its last item, "children not in school", lists the open case below.
  addOutOfSchoolItem(keeper, live.id, 'स्कूल से बाहर बच्चे')
  startMeeting(keeper, live.id)
  for (const name of ['Meena', 'Sunita', 'Pooja', 'Ravi', 'Sunil', 'Gopal'])
    recordAttendance(keeper, live.id, bp[name], true)
  const liveItems = agendaOf(t.db, live.id).map((i) => i.id)
  saveMinutes(keeper, live.id, liveItems[0], {
    discussion: 'The hand pump has been broken for a month.',
    decisions: 'Ask the Gram Panchayat.',
  })
  addActionPoint(keeper, live.id, liveItems[0], { what: 'Visit the ward member', who: 'Meena', byDate: null })
  const liveActionId = t.database.sqlite.prepare('SELECT max(id) FROM action_points').pluck().get() as number
  const liveResolution = recordResolution(
    keeper,
    live.id,
    resolutionSchema.parse(
      resolutionForm({
        proposerChildId: String(bp.Meena),
        seconderChildId: String(bp.Ravi),
        votesFor: '5',
        votesAgainst: '1',
      }),
    ),
  ).id

  const scheduled = scheduleMeeting(
    keeper,
    villageId,
    scheduleInput({ place: 'Chaupal (next)', agenda: 'Playground\nSchool bus\nLibrary books' }),
  )
  const scheduledItems = agendaOf(t.db, scheduled.id).map((i) => i.id)

  // An out-of-school case, open, with a first step: the child who works at the kiln.
  const openedCase = openCase(
    keeper,
    villageId,
    noConsent,
    caseSchema.parse({ reason: 'working', workPlace: 'brick_kiln', foundBy: 'facilitator', foundOn: today, note: '' }),
  )
  addStep(
    keeper,
    villageId,
    openedCase.id,
    stepSchema.parse({ kind: 'family_visit', on: today, note: 'Met the mother' }),
  )

  return {
    villageId,
    /** The Bal Panchayat's children by name (Meena is the Pradhan), and the rest of the register. */
    bp,
    children: { ...voterIds, noConsent, leftVillage },
    childIds,
    voters: voterList,
    bpChildIds: Object.values(bp),
    elections: {
      draft: draft.id,
      nominations: nominations.id,
      tablet: tabletPoll.id,
      open: openPollE.id,
      closed: closed.id,
      published: publishedElectionId,
    },
    contests: {
      draft: draftContest,
      draftSpare: draftSpareContest,
      nominations: nomContest,
      tablet: tabletPoll.contests,
      open: openPollE.contests,
      closed: closed.contests,
    },
    candidates: { nominations: nomCandidates, tablet: tabletPoll.candidates, open: openPollE.candidates },
    paperCounts: { open: paperCount, closed: closedPaper },
    members: memberIds,
    meetings: { closed: early.meetingId, closedLater: later.meetingId, live: live.id, scheduled: scheduled.id },
    agendaItems: {
      live: liveItems,
      liveOutOfSchool: agendaOf(t.db, live.id).find((i) => i.kind === 'out_of_school')!.id,
      scheduled: scheduledItems,
      closed: agendaOf(t.db, early.meetingId).map((i) => i.id),
    },
    actionPoints: { live: liveActionId },
    resolutions: {
      sent,
      received,
      accepted,
      referred,
      declined,
      done,
      notForwarded,
      failed: early.failed,
      live: liveResolution,
    },
    cases: { open: openedCase.id },
  }
}

/**
 * Puts back what the fuzz used up: a meeting being held with its quorum, resolutions waiting for
 * each answer, an election taking nominations. Each step is skipped when the village can no
 * longer have it (its Bal Panchayat all gone, say): this only keeps the fuzz aimed deep.
 */
export function replenish(world: World): string[] {
  const skipped: string[] = []
  const today = todayIso()
  const attempt = (what: string, step: () => void) => {
    try {
      step()
    } catch (err) {
      skipped.push(`${what}: ${(err as Error).message}`)
    }
  }
  for (const [v, keeperActor, answererActor] of [
    [world.papdi, world.actors.facilitator, world.actors.panchayat],
    [world.bhangdoli, world.actors.otherFacilitator, world.actors.otherPanchayat],
  ] as const) {
    const keeper = ctxFor(world.t.database, keeperActor)
    const answerer = ctxFor(world.t.database, answererActor)
    let held = 0
    const heldMeeting = () => {
      const meeting = scheduleMeeting(keeper, v.villageId, scheduleInput({ place: `Held meeting ${++held}` }))
      startMeeting(keeper, meeting.id)
      const roll = world.t.database.sqlite
        .prepare('SELECT child_id FROM attendance WHERE meeting_id = ?')
        .pluck()
        .all(meeting.id) as number[]
      for (const child of roll) recordAttendance(keeper, meeting.id, child, true)
      return { id: meeting.id, roll }
    }
    attempt('a meeting being held', () => {
      heldMeeting()
    })
    attempt('resolutions waiting for answers', () => {
      const { id, roll } = heldMeeting()
      const passed = [0, 1, 2, 3].map(
        () =>
          recordResolution(
            keeper,
            id,
            resolutionSchema.parse(
              resolutionForm({
                proposerChildId: String(roll[0]),
                seconderChildId: String(roll[1]),
                votesFor: '2',
                votesAgainst: '0',
              }),
            ),
          ).id,
      )
      closeMeeting(keeper, id)
      for (const r of passed.slice(1))
        forwardResolution(keeper, r, { forwardedOn: today, addressedTo: 'Sarpanch', way: 'letter', note: '' })
      for (const r of passed.slice(2)) acknowledgeResolution(answerer, r, today)
      decideResolution(answerer, passed[3], {
        decision: 'referred',
        on: today,
        text: 'Block officer',
        targetDate: null,
      })
    })
    attempt('a meeting scheduled', () => {
      scheduleMeeting(keeper, v.villageId, scheduleInput({ date: shiftDays(today, 3) }))
    })
    attempt('an election taking nominations', () => {
      const e = createElection(
        keeper,
        v.villageId,
        electionInput({ title: 'Replenished', termEnd: `${Number(today.slice(0, 4)) + 1}-12-31` }),
      )
      addContest(keeper, e.id, contestInput({ name: 'Members', seats: '2' }))
      openNominations(keeper, e.id)
    })
  }
  return skipped
}
