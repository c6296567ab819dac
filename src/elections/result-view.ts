import { toCsv } from '../core/csv.ts'
import type { Translate } from '../core/translate.ts'
import { allocate, girlsRequired } from './allocation.ts'
import { allocationInput, type ContestCount } from './counting.ts'
import type { Contest, Election } from './elections.ts'
import { explainResult } from './explain.ts'
import type { Stage } from './tables.ts'
import { isErasedName } from '../people/erased.ts'
import type { Ctx } from '../core/actor.ts'
import { todayIso } from '../core/dates.ts'
import { getVillage } from '../villages/villages.ts'
import { ballotBoxSeal, countElection } from './counting.ts'
import { getElection, timelineOf } from './elections.ts'
import { readCache } from '../db/read-cache.ts'

/** A candidate whose data was erased is "a candidate (erased)" on every result; the count stays. */
function shown<C extends { name: string }>(c: C, t: Translate): C {
  return isErasedName(c.name) ? { ...c, name: t('results.erasedCandidate') } : c
}

/** One plain sentence of what this contest's rule will do (the same words as on the result), for the set-up screen. */
export function describeRule(contest: Contest, t: Translate): string {
  const empty = allocate(allocationInput(contest, []))
  const { rule } = explainResult(
    {
      contestName: '',
      seats: contest.seats,
      seatTitles: contest.seatTitles,
      method: contest.method,
      candidates: [],
      result: empty,
      plain: empty,
      protect: contest.protect,
    },
    t,
  )
  if (contest.method === 'plain' || empty.girlsRequired === 0) return rule
  return `${rule} ${t(contest.shortfall === 'vacant' ? 'rule.tailVacant' : 'rule.tailRelease')}`
}

export function girlsNeeded(contest: Contest): number {
  return contest.method === 'plain' ? 0 : girlsRequired(allocationInput(contest, []))
}

/** What the result page shows of one contest: candidates in ranking order with bars, seats, and the reasons. */
export function resultView(counts: ContestCount[], t: Translate) {
  return counts.map((original) => {
    const count = { ...original, candidates: original.candidates.map((c) => shown(c, t)) }
    const byId = new Map(count.candidates.map((c) => [String(c.id), c]))
    const maxVotes = Math.max(1, ...count.candidates.map((c) => c.votes))
    const seatOf = new Map(
      count.result.elected.map((id, i) => [id, i] as const).filter(([id]) => id !== null) as [string, number][],
    )
    const plainSet = new Set(count.plain.elected.filter(Boolean) as string[])
    const explanation = explainResult(
      {
        contestName: '',
        seats: count.contest.seats,
        seatTitles: count.contest.seatTitles,
        method: count.contest.method,
        candidates: count.candidates.map((c) => ({
          id: String(c.id),
          name: c.name,
          gender: c.gender,
          votes: c.votes,
          lot: c.lot,
        })),
        result: count.result,
        plain: count.plain,
        protect: count.contest.protect,
      },
      t,
    )
    return {
      contest: count.contest,
      ballots: count.ballots,
      girlsRequired: count.result.girlsRequired,
      rows: count.result.ranking.map((id, rank) => {
        const c = byId.get(id)!
        const seat = seatOf.get(id)
        return {
          ...c,
          rank: rank + 1,
          share: c.votes / maxVotes,
          seat: seat === undefined ? null : seat + 1,
          seatTitle: seat === undefined ? '' : (count.contest.seatTitles[seat] ?? ''),
          inPlain: plainSet.has(id),
        }
      }),
      seats: count.result.elected.map((id, i) => ({
        seat: i + 1,
        title: count.contest.seatTitles[i] ?? '',
        candidate: id ? byId.get(id)! : null,
      })),
      plainNames: count.plain.elected.map((id) => (id ? byId.get(id)!.name : t('results.vacant'))),
      explanation,
    }
  })
}

/**
 * The printed result sheet: the count of every contest in the reader's words, the sealed box, the village
 * named in full, and the day the result was published (none before: the sheet then says it may change).
 */
export function resultSheet(ctx: Ctx, electionId: number, t: Translate) {
  const { election, stage, staff } = getElection(ctx, electionId)
  const published = timelineOf(staff.db, election.id).find((e) => e.stage === 'result_published')
  return {
    election,
    stage,
    village: getVillage(staff, election.villageId),
    counts: resultView(countElection(staff, election.id), t),
    seal: ballotBoxSeal(staff, election.id),
    publishedOn: published ? todayIso(published.at) : null,
  }
}

export function resultJson(
  election: Election,
  stage: Stage,
  counts: ContestCount[],
  seal: { digest: string; sealedAt: Date } | null,
  t: Translate,
) {
  return {
    election: {
      id: election.id,
      title: election.title,
      termStart: election.termStart,
      termEnd: election.termEnd,
      stage,
      published: stage === 'result_published',
    },
    ballotBox: seal ? { algorithm: 'sha256', digest: seal.digest, sealedAt: seal.sealedAt.toISOString() } : null,
    contests: counts.map((count) => ({
      id: count.contest.id,
      name: count.contest.name,
      seats: count.contest.seats,
      seatTitles: count.contest.seatTitles,
      method: count.contest.method,
      girlsRequired: count.result.girlsRequired,
      ballots: count.ballots,
      candidates: count.result.ranking.map((id, rank) => {
        const c = shown(count.candidates.find((x) => String(x.id) === id)!, t)
        const seat = count.result.elected.indexOf(id)
        return {
          id: c.id,
          name: c.name,
          gender: c.gender,
          symbol: c.symbol,
          votes: c.votes,
          lot: c.lot,
          rank: rank + 1,
          elected: seat >= 0,
          seat: seat >= 0 ? seat + 1 : null,
          seatTitle: seat >= 0 ? (count.contest.seatTitles[seat] ?? null) : null,
        }
      }),
      elected: count.result.elected.map((id, i) => ({
        seat: i + 1,
        title: count.contest.seatTitles[i] ?? null,
        candidateId: id === null ? null : Number(id),
        vacant: id === null,
      })),
      steps: count.result.steps,
      plainElected: count.plain.elected.map((id) => (id === null ? null : Number(id))),
    })),
  }
}

/** The result's CSV columns, in order; a spreadsheet's headings are their words (results.column.*). */
export const resultCsvColumns = [
  'contest',
  'rank',
  'candidate',
  'gender',
  'symbol',
  'votes',
  'lot',
  'elected',
  'seat',
  'seatTitle',
] as const

/** The result for a spreadsheet, in the reader's language: headings, gender, symbol and yes/no in words. */
export function resultCsv(counts: ContestCount[], t: Translate): string {
  const header = resultCsvColumns.map((c) => t(`results.column.${c}`))
  const rows = counts.flatMap((count) =>
    count.result.ranking.map((id, rank) => {
      const c = shown(count.candidates.find((x) => String(x.id) === id)!, t)
      const seat = count.result.elected.indexOf(id)
      return [
        count.contest.name,
        rank + 1,
        c.name,
        t(`gender.${c.gender}`),
        t(`symbol.${c.symbol}`),
        c.votes,
        c.lot,
        t(seat >= 0 ? 'common.yes' : 'common.no'),
        seat >= 0 ? seat + 1 : '',
        seat >= 0 ? (count.contest.seatTitles[seat] ?? '') : '',
      ]
    }),
  )
  return toCsv(header, rows)
}

/** The result pages as last counted (db/read-cache.ts): counting and explaining a result is a good part of its page. */
const resultPages = readCache<{ counts: ReturnType<typeof resultView>; seal: ReturnType<typeof ballotBoxSeal> }>({
  schemas: ['main', 'box'],
})

/**
 * The result page's data: the count and its sentences in the reader's words, and the box's seal, kept
 * while the database is unchanged. Who may read it is asked every time, kept or not.
 */
export function resultPage(ctx: Ctx, electionId: number, t: Translate) {
  getElection(ctx, electionId)
  return resultPages(ctx.db, `${electionId}:${ctx.lang}`, () => ({
    counts: resultView(countElection(ctx, electionId), t),
    seal: ballotBoxSeal(ctx, electionId),
  }))
}
