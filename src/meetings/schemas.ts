import { z } from 'zod'
import { field } from '../core/fields.ts'
import { girlsQuorumShares, quorumShares } from './tables.ts'

const count = (max: number) =>
  z
    .union([
      z.literal(''),
      z.coerce.number('v.number').int('v.number').min(0, `v.between|0–${max}`).max(max, `v.between|0–${max}`),
    ])
    .optional()
    .transform((v) => (v === '' || v === undefined ? 0 : v))
const optionalId = () =>
  z
    .union([z.literal(''), field.id()])
    .optional()
    .transform((v) => (v === '' || v === undefined ? null : v))

/**
 * Agenda items typed one per line when the meeting is scheduled. Too long aborts: zod would
 * otherwise still run the form's refinement, with the text where it expects the lines.
 */
const agendaLines = z
  .string('v.invalid')
  .max(4000, { message: 'v.tooLong|4000', abort: true })
  .optional()
  .default('')
  .transform((s) =>
    s
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean),
  )

const clock = () =>
  z
    .string('v.required')
    .trim()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'v.time')
/** Empty, or what `valid` accepts: a field asked for only in one way of filling the form. */
const emptyOr = (valid: z.ZodType, message: string) =>
  z
    .string('v.invalid')
    .trim()
    .max(20, message)
    .optional()
    .default('')
    .refine((s) => s === '' || valid.safeParse(s).success, message)
/** Why a meeting is moved, cancelled or held on another day: a line or two, asked for in the verb. */
const reason = () => field.optionalText(500)

export const meetingSchema = z.object({
  date: field.date(),
  time: clock(),
  place: field.name(120),
  chairChildId: optionalId(),
})
export type MeetingInput = z.output<typeof meetingSchema>

export const scheduleSchema = meetingSchema.extend({ agenda: agendaLines }).superRefine((v, ctx) => {
  if (v.agenda.length > 30) ctx.addIssue({ code: 'custom', message: 'v.tooManyItems|30', path: ['agenda'] })
  if (v.agenda.some((l) => l.length > 200)) ctx.addIssue({ code: 'custom', message: 'v.tooLong|200', path: ['agenda'] })
})
export type ScheduleInput = z.output<typeof scheduleSchema>

export const agendaItemSchema = z.object({ title: field.text(200) })
export const moveSchema = z.object({ direction: field.choice(['up', 'down'] as const) })

export const attendanceSchema = z.object({ present: field.checkbox() })

export const guestsSchema = z.object({ otherChildren: count(500), adults: count(500), guests: field.optionalText(500) })
export type GuestsInput = z.output<typeof guestsSchema>

export const minutesSchema = z.object({
  discussion: field.optionalText(20_000),
  decisions: field.optionalText(20_000),
  /** The revision the writer started from; a save made from an older one is refused, not merged. */
  revision: z.coerce.number('v.invalid').int('v.invalid').min(0, 'v.invalid').max(1_000_000, 'v.invalid').optional(),
})
export type MinutesInput = z.output<typeof minutesSchema>

export const actionPointSchema = z.object({
  what: field.text(300),
  who: field.name(120),
  byDate: z
    .union([z.literal(''), field.date()])
    .optional()
    .transform((v) => (v === '' || v === undefined ? null : v)),
})
export type ActionPointInput = z.output<typeof actionPointSchema>

export const amendmentSchema = z.object({ agendaItemId: optionalId(), text: field.text(4000) })
export type AmendmentInput = z.output<typeof amendmentSchema>

export const quorumRuleSchema = z.object({
  members: field.choice(quorumShares),
  girls: field.choice(girlsQuorumShares),
})

/** Started now (stamped), or typed in later from the paper register (the day and times as written there). */
export const startWays = ['now', 'paper'] as const
export const startSchema = z
  .object({
    way: field.choice(startWays).optional().default('now'),
    heldOn: emptyOr(field.date(), 'v.date'),
    from: emptyOr(clock(), 'v.time'),
    until: emptyOr(clock(), 'v.time'),
    reason: reason(),
  })
  .superRefine((v, ctx) => {
    if (v.way !== 'paper') return
    for (const f of ['heldOn', 'from', 'until'] as const)
      if (v[f] === '') ctx.addIssue({ code: 'custom', message: 'v.required', path: [f] })
  })
export type StartInput = z.output<typeof startSchema>

export const postponeSchema = z.object({ date: field.date(), time: clock(), reason: reason() })
export type PostponeInput = z.output<typeof postponeSchema>

export const cancelSchema = z.object({ reason: reason() })
export type CancelInput = z.output<typeof cancelSchema>

/** The chair field of the meeting form, drawn again for the day typed (anything not a day: no members). */
export const chairQuerySchema = z.object({
  date: emptyOr(field.date(), 'v.date'),
  chairChildId: z.string().max(12).optional().default(''),
})
