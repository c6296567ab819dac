import { z } from 'zod'
import { field } from '../core/fields.ts'
import {
  candidacyRules,
  lotSources,
  methods,
  protections,
  roundings,
  shareChoices,
  shortfalls,
  tieBreaks,
} from './tables.ts'

const whole = (min: number, max: number) =>
  z.coerce.number('v.number').int('v.number').min(min, `v.between|${min}–${max}`).max(max, `v.between|${min}–${max}`)

export const electionSchema = z
  .object({
    title: field.text(120),
    termStart: field.date(),
    termEnd: field.date(),
    voterAgeMin: whole(4, 25),
    voterAgeMax: whole(4, 25),
    candidateAgeMin: whole(4, 25),
    candidateAgeMax: whole(4, 25),
    candidacy: field.choice(candidacyRules),
  })
  .superRefine((v, ctx) => {
    if (v.termEnd <= v.termStart) ctx.addIssue({ code: 'custom', message: 'v.termOrder', path: ['termEnd'] })
    if (v.voterAgeMax < v.voterAgeMin) ctx.addIssue({ code: 'custom', message: 'v.ageOrder', path: ['voterAgeMax'] })
    if (v.candidateAgeMax < v.candidateAgeMin)
      ctx.addIssue({ code: 'custom', message: 'v.ageOrder', path: ['candidateAgeMax'] })
  })
export type ElectionInput = z.output<typeof electionSchema>

export const SHARES: Record<Exclude<(typeof shareChoices)[number], 'number'>, number> = {
  '1/3': 1 / 3,
  '1/2': 1 / 2,
  '3/5': 3 / 5,
  all: 1,
}

/** The form's choice for a contest's stored rule: SHARES read backwards (a fixed number wins). */
export function shareChoiceOf(contest: {
  girlsShare: number | null
  girlsMinimum: number | null
}): (typeof shareChoices)[number] {
  if (contest.girlsMinimum !== null) return 'number'
  const share = contest.girlsShare ?? SHARES['1/2']
  const found = (Object.keys(SHARES) as (keyof typeof SHARES)[]).find((k) => Math.abs(SHARES[k] - share) < 1e-9)
  return found ?? '1/2'
}

export const contestSchema = z
  .object({
    name: field.text(80),
    seats: whole(1, 50),
    // Too long aborts: zod would otherwise still run the refinement below, with the text where it expects the titles.
    seatTitles: z
      .string('v.invalid')
      .max(2000, { message: 'v.tooLong|2000', abort: true })
      .optional()
      .default('')
      .transform((s) =>
        s
          .split(/\r?\n/)
          .map((l) => l.trim())
          .filter(Boolean),
      ),
    maxChoices: z
      .union([z.literal(''), whole(1, 50)])
      .optional()
      .transform((v) => (v === '' || v === undefined ? null : v)),
    method: field.choice(methods),
    share: field.choice(shareChoices),
    girlsMinimum: z
      .union([z.literal(''), whole(0, 50)])
      .optional()
      .transform((v) => (v === '' || v === undefined ? null : v)),
    rounding: field.choice(roundings),
    protect: field.choice(protections),
    tieBreak: field.choice(tieBreaks),
    shortfall: field.choice(shortfalls),
  })
  .superRefine((v, ctx) => {
    if (v.seatTitles.length > 0 && v.seatTitles.length !== v.seats)
      ctx.addIssue({ code: 'custom', message: `v.seatTitlesCount|${v.seats}`, path: ['seatTitles'] })
    if (v.seatTitles.some((s) => s.length > 60))
      ctx.addIssue({ code: 'custom', message: 'v.tooLong|60', path: ['seatTitles'] })
    if (v.maxChoices !== null && v.maxChoices > v.seats)
      ctx.addIssue({ code: 'custom', message: 'v.choicesMoreThanSeats', path: ['maxChoices'] })
    if (v.share === 'number' && v.girlsMinimum === null)
      ctx.addIssue({ code: 'custom', message: 'v.required', path: ['girlsMinimum'] })
    if (v.share === 'number' && v.girlsMinimum !== null && v.girlsMinimum > v.seats)
      ctx.addIssue({ code: 'custom', message: 'v.minimumMoreThanSeats', path: ['girlsMinimum'] })
  })
  .transform((v) => ({
    name: v.name,
    seats: v.seats,
    seatTitles: v.seatTitles,
    maxChoices: v.maxChoices ?? v.seats,
    method: v.method,
    girlsShare: v.share === 'number' ? null : SHARES[v.share],
    girlsMinimum: v.share === 'number' ? v.girlsMinimum : null,
    rounding: v.rounding,
    protect: v.protect,
    tieBreak: v.tieBreak,
    shortfall: v.shortfall,
  }))
export type ContestInput = z.output<typeof contestSchema>

export const nominationSchema = z.object({ childId: field.id(), symbol: field.text(40) })

/** Paper totals: one field per candidate, named votes_<candidateId>. */
export function paperCountSchema(candidateIds: number[]) {
  const votes = Object.fromEntries(candidateIds.map((id) => [`votes_${id}`, whole(0, 100_000)]))
  return z.object({ ballots: whole(0, 100_000), note: field.optionalText(200), ...votes })
}

export const closingSchema = z.object({ source: field.choice(lotSources) }).passthrough()

export const memberDepartureSchema = z.object({ leftOn: field.date(), reason: field.text(200) })
