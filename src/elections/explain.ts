// Plain sentences, in Hindi or English, that a facilitator reads out to the children to explain
// why each seat of a contest went where it went. Pure: the words come from `src/i18n/explain.*.json`
// through the translator `t`; the facts come from the steps `allocate` recorded (see the comment at
// the top of allocation.ts for their shapes).
//
// What is said:
// - `rule`: one sentence on what the rule of the contest does;
// - `steps`: one sentence for each step that changed or decided something, in the order of the
//   steps: ties that decided who is elected (or, with named seats or a zipper list, who holds which
//   seat), every swap, a shortfall of girls, and seats left empty for want of candidates. The
//   'ranked' step, ties that decided nothing visible, and the empty seats a shortfall sentence
//   already names get no sentence of their own;
// - `plainSummary`: what a plain count (most votes wins) would have elected, or that it gives the
//   same result.

import type { Translate } from '../core/translate.ts'
import type { AllocationResult, Gender, ShortfallStep, SwapStep, TieStep } from './allocation.ts'

export type ExplainCandidate = { id: string; name: string; gender: Gender; votes: number; lot: number }

export type ExplainInput = {
  contestName: string
  seats: number
  /** Empty, or one (already translated) title per seat, in seat order. */
  seatTitles: string[]
  method: 'plain' | 'minimum' | 'zipper'
  candidates: ExplainCandidate[]
  /** allocate() for this contest. */
  result: AllocationResult
  /** allocate() of the same candidates with method 'plain'. */
  plain: AllocationResult
  protect: 'girls' | 'girls-and-other'
}

export type Explanation = {
  rule: string
  steps: string[]
  differsFromPlain: boolean
  plainSummary: string
}

/** First letter in capitals (a no-op for Devanagari). */
const sentence = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1)

export function explainResult(input: ExplainInput, t: Translate): Explanation {
  const say = (key: string, options: Record<string, unknown> = {}): string => String(t(key, options))
  const { result, plain } = input
  const byId = new Map(input.candidates.map((c) => [c.id, c]))
  const name = (id: string): string => byId.get(id)?.name ?? id
  const withVotes = (id: string): string =>
    say('explain.nameVotes', { name: name(id), votes: say('explain.votes', { count: byId.get(id)?.votes ?? 0 }) })
  const title = (seat: number): string => (input.seatTitles[seat - 1] ?? '').trim()
  const titled = input.seatTitles.some((s) => s.trim() !== '')

  /** "A", "A and B", "A, B and C" */
  const join = (items: string[]): string =>
    items.length <= 1
      ? (items[0] ?? '')
      : say('explain.list.last', { rest: items.slice(0, -1).join(', '), last: items[items.length - 1] })
  const seatLabel = (seat: number): string =>
    title(seat) ? say('explain.seat.titled', { n: seat, title: title(seat) }) : say('explain.seat.number', { n: seat })
  /** "seat 4", "seats 4 and 5", or with titles "seat 1 (Pradhan) and seat 3 (Secretary)" */
  const seatList = (seats: number[]): string =>
    titled
      ? join(seats.map(seatLabel))
      : say('explain.seat.numbers', { count: seats.length, list: join(seats.map(String)) })

  const groupKey = input.protect === 'girls-and-other' ? 'girlsAndOther' : 'girls'
  const group = say(`explain.group.${groupKey}`)
  const k = input.seats
  const G = result.girlsRequired
  const reason = (): string =>
    G >= k
      ? say('explain.reason.all', { count: k, group })
      : say('explain.reason.atLeast', { count: G, seats: k, group })

  // --- the rule -------------------------------------------------------------------------------
  let body: string
  if (input.method === 'zipper' && k > 1) {
    const seats = Array.from({ length: k }, (_, i) => i + 1)
    body = say('explain.rule.zipper', {
      odd: seatList(seats.filter((s) => s % 2 === 1)),
      even: seatList(seats.filter((s) => s % 2 === 0)),
      group,
    })
  } else if (input.method !== 'plain' && G > 0) {
    body = reason()
  } else {
    body = say('explain.rule.plain', { count: k })
  }
  const contest = input.contestName.trim()
  const rule = contest ? say('explain.rule.named', { contest, body }) : sentence(say('explain.rule.unnamed', { body }))

  // --- the steps ------------------------------------------------------------------------------
  const seatOf = new Map<string, number>()
  result.elected.forEach((id, i) => {
    if (id !== null) seatOf.set(id, i + 1)
  })
  // With named seats or a zipper list, the order of the elected matters too, not only who is in.
  const ordered = titled || input.method === 'zipper'
  const tieMatters = (s: TieStep): boolean => {
    const elected = s.order.filter((id) => seatOf.has(id)).length
    return (elected > 0 && elected < s.order.length) || (ordered && elected >= 2)
  }

  const tie = (s: TieStep): string => {
    const base = { names: join(s.order.map(name)), votes: s.votes, group }
    const order = s.order.map((id, i) => say('explain.nameLot', { name: name(id), lot: s.lots[i] })).join(', ')
    const girlFirst = s.by.includes('girl-first')
    if (girlFirst && !s.by.includes('lot')) return say('explain.tie.girlFirst', { ...base, first: name(s.order[0]) })
    if (girlFirst) return say('explain.tie.both', { ...base, order })
    if (s.order.length === 2) {
      return say('explain.tie.lotTwo', {
        ...base,
        first: name(s.order[0]),
        second: name(s.order[1]),
        a: s.lots[0],
        b: s.lots[1],
      })
    }
    return say('explain.tie.lotMany', { ...base, order })
  }

  const swap = (s: SwapStep): string => {
    if (s.method === 'minimum') {
      const opts = { incoming: withVotes(s.in), outgoing: withVotes(s.out), reason: reason() }
      return title(s.seat)
        ? say('explain.swap.minimumTitled', { ...opts, title: title(s.seat) })
        : say('explain.swap.minimum', opts)
    }
    const opts = {
      seat: seatLabel(s.seat),
      incoming: withVotes(s.in),
      name: name(s.in),
      passed: join(s.passedOver.map(withVotes)),
      group,
    }
    return s.protectedElected <= 1 ? say('explain.swap.zipperFirst', opts) : say('explain.swap.zipperNext', opts)
  }

  const shortfall = (s: ShortfallStep): string => {
    const seats = seatList(s.seats)
    if (s.method === 'zipper') {
      if (s.policy === 'vacant') return say('explain.shortfall.zipperVacant', { count: s.seats.length, seats, group })
      const names = join(
        s.seats
          .map((seat) => result.elected[seat - 1])
          .filter((id): id is string => id !== null)
          .map(withVotes),
      )
      return say('explain.shortfall.zipperRelease', { count: s.seats.length, seats, group, names })
    }
    const stood = say(`explain.stood.${groupKey}`, { count: s.available })
    const kept = say('explain.kept', { count: s.required, group })
    if (s.policy === 'release') {
      return say('explain.shortfall.release', { count: Math.max(1, s.required - s.protectedElected), stood, kept })
    }
    const text = say('explain.shortfall.vacant', { count: s.seats.length, seats, stood, kept, group })
    if (s.displaced.length === 0) return text
    return `${text} ${sentence(say('explain.displaced', { count: s.displaced.length, names: join(s.displaced.map(withVotes)) }))}`
  }

  const steps: string[] = []
  const empty = result.steps.flatMap((s) => (s.kind === 'vacant' && s.reason === 'no-candidates' ? [s.seat] : []))
  for (const step of result.steps) {
    if (step.kind === 'tie') {
      if (tieMatters(step)) steps.push(tie(step))
    } else if (step.kind === 'swap') steps.push(swap(step))
    else if (step.kind === 'shortfall') steps.push(shortfall(step))
    else if (step.kind === 'vacant' && step.reason === 'no-candidates' && step.seat === empty[0]) {
      // All the seats nobody was left for, in one sentence.
      steps.push(say('explain.vacant.noCandidates', { count: empty.length, seats: seatList(empty) }))
    }
  }

  // --- the comparison with a plain count --------------------------------------------------------
  const differsFromPlain =
    result.elected.length !== plain.elected.length || result.elected.some((id, i) => id !== plain.elected[i])
  const plainNames = plain.elected.flatMap((id, i) =>
    id === null ? [] : [title(i + 1) ? say('explain.nameTitle', { name: name(id), title: title(i + 1) }) : name(id)],
  )
  const plainSummary = differsFromPlain
    ? say('explain.plain.differs', { names: join(plainNames) })
    : say('explain.plain.same')

  return { rule, steps: steps.map(sentence), differsFromPlain, plainSummary: sentence(plainSummary) }
}
