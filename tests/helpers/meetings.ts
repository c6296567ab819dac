import { ctxFor } from './app.ts'
import { villageChildren, electionInput, contestInput } from './elections.ts'
import type { AppDatabase } from '../../src/db/client.ts'
import type { Actor } from '../../src/web/context.ts'
import type { Gender } from '../../src/people/tables.ts'
import { addContest, createElection, nominate, openNominations, openPoll } from '../../src/elections/elections.ts'
import { closePoll, enterPaperCount, publishResult } from '../../src/elections/counting.ts'
import { symbols } from '../../src/elections/symbols.ts'
import { scheduleSchema } from '../../src/meetings/schemas.ts'
import { closeMeeting, recordAttendance, scheduleMeeting, startMeeting } from '../../src/meetings/meetings.ts'
import { recordResolution } from '../../src/resolutions/resolutions.ts'
import { resolutionSchema } from '../../src/resolutions/schemas.ts'
import { todayIso } from '../../src/core/dates.ts'

/**
 * A village's Bal Panchayat, seated by a published election: the first child is Pradhan, the rest
 * members (everyone standing is elected). Returns the children's ids by name.
 */
export function seatBalPanchayat(
  database: AppDatabase,
  actor: Actor,
  villageId: number,
  kids: [string, Gender][],
  termStart = todayIso(),
) {
  const ctx = ctxFor(database, actor)
  const ids = villageChildren(database, actor, villageId, kids)
  const election = createElection(ctx, villageId, electionInput({ termStart }))
  const leaders = addContest(
    ctx,
    election.id,
    contestInput({ name: 'Pradhan', seats: '1', seatTitles: 'Pradhan', method: 'plain' }),
  )
  const rest = addContest(
    ctx,
    election.id,
    contestInput({ name: 'Members', seats: String(kids.length - 1), method: 'plain' }),
  )
  openNominations(ctx, election.id)
  const standing = new Map<number, number>()
  kids.forEach(([name], i) => {
    const contest = i === 0 ? leaders : rest
    standing.set(nominate(ctx, election.id, contest.id, { childId: ids[name], symbol: symbols[i] }).id, kids.length - i)
  })
  openPoll(ctx, election.id)
  for (const contest of [leaders, rest]) {
    const votes = new Map(
      [...standing].filter(([id]) =>
        contest === leaders ? id === [...standing.keys()][0] : id !== [...standing.keys()][0],
      ),
    )
    enterPaperCount(ctx, election.id, contest.id, { ballots: 30, note: '', votes })
  }
  closePoll(ctx, election.id, { source: 'random' })
  publishResult(ctx, election.id)
  return ids
}

/** The common Bal Panchayat of the tests: six girls and four boys, Meena the Pradhan. */
export const commonBalPanchayat: [string, Gender][] = [
  ['Meena', 'girl'],
  ['Sunita', 'girl'],
  ['Pooja', 'girl'],
  ['Kavita', 'girl'],
  ['Seema', 'girl'],
  ['Anita', 'girl'],
  ['Ravi', 'boy'],
  ['Sunil', 'boy'],
  ['Gopal', 'boy'],
  ['Mukesh', 'boy'],
]

export const scheduleInput = (over: Record<string, string> = {}) =>
  scheduleSchema.parse({
    date: todayIso(),
    time: '16:00',
    place: 'School verandah',
    chairChildId: '',
    agenda: 'Hand pump in ward 2\nGirls toilet at the school',
    ...over,
  })

export const resolutionForm = (over: Record<string, string> = {}) => ({
  agendaItemId: '',
  title: 'A girls toilet at the primary school',
  problem: 'The school has one toilet and it has no door.',
  request: 'Build a separate toilet for girls before the monsoon.',
  addressedTo: 'Sarpanch, Gram Panchayat Sothana',
  category: 'sanitation',
  proposerChildId: '',
  seconderChildId: '',
  votesFor: '6',
  votesAgainst: '1',
  votesAbstain: '0',
  ...over,
})

let rooms = 0

/**
 * A closed meeting of the common Bal Panchayat (six present, quorum met) that passed `passed`
 * resolutions and failed one. Returns their ids, passed first.
 */
export function closedMeetingWithResolutions(
  database: AppDatabase,
  actor: Actor,
  villageId: number,
  kids: Record<string, number>,
  passed = 2,
  date = todayIso(),
) {
  const ctx = ctxFor(database, actor)
  const meeting = scheduleMeeting(ctx, villageId, scheduleInput({ date, place: `Panchayat bhavan, room ${++rooms}` }))
  // A meeting of another day is entered as held on that day, from the paper register.
  startMeeting(
    ctx,
    meeting.id,
    date === todayIso() ? undefined : { way: 'paper', heldOn: date, from: '16:00', until: '17:15', reason: '' },
  )
  for (const name of ['Meena', 'Sunita', 'Ravi', 'Sunil', 'Gopal', 'Mukesh'])
    recordAttendance(ctx, meeting.id, kids[name], true)
  const ids: number[] = []
  const titles = [
    'A girls toilet at the primary school',
    'Repair the hand pump in ward 2',
    'Stop the marriage of a 14-year-old girl',
    'A playground',
  ]
  for (let i = 0; i < passed; i++) {
    ids.push(
      recordResolution(
        ctx,
        meeting.id,
        resolutionSchema.parse(
          resolutionForm({
            title: titles[i % titles.length],
            proposerChildId: String(kids.Meena),
            seconderChildId: String(kids.Ravi),
            votesFor: '5',
            votesAgainst: '1',
          }),
        ),
      ).id,
    )
  }
  ids.push(
    recordResolution(
      ctx,
      meeting.id,
      resolutionSchema.parse(
        resolutionForm({
          title: 'Close the shop',
          proposerChildId: String(kids.Sunil),
          seconderChildId: String(kids.Gopal),
          votesFor: '1',
          votesAgainst: '4',
        }),
      ),
    ).id,
  )
  closeMeeting(ctx, meeting.id)
  return { meetingId: meeting.id, passed: ids.slice(0, passed), failed: ids[passed] }
}
