import { z } from 'zod'
import { field } from '../core/fields.ts'
import { categories, decisions, forwardingWays } from './tables.ts'

const hands = z.coerce.number('v.number').int('v.number').min(0, 'v.between|0–500').max(500, 'v.between|0–500')

export const resolutionSchema = z
  .object({
    agendaItemId: z
      .union([z.literal(''), field.id()])
      .optional()
      .transform((v) => (v === '' || v === undefined ? null : v)),
    title: field.text(160),
    problem: field.text(4000),
    request: field.text(4000),
    addressedTo: field.name(160),
    category: field.choice(categories),
    proposerChildId: field.id(),
    seconderChildId: field.id(),
    votesFor: hands,
    votesAgainst: hands,
    votesAbstain: hands,
  })
  .superRefine((v, ctx) => {
    if (v.proposerChildId === v.seconderChildId)
      ctx.addIssue({ code: 'custom', message: 'v.seconderSameAsProposer', path: ['seconderChildId'] })
    if (v.votesFor + v.votesAgainst + v.votesAbstain === 0)
      ctx.addIssue({ code: 'custom', message: 'v.noVotes', path: ['votesFor'] })
  })
export type ResolutionInput = z.output<typeof resolutionSchema>

const optionalDate = () =>
  z
    .union([z.literal(''), field.date()])
    .optional()
    .transform((v) => (v === '' || v === undefined ? null : v))

export const forwardingSchema = z.object({
  forwardedOn: field.date(),
  addressedTo: field.name(200),
  way: field.choice(forwardingWays),
  note: field.optionalText(500),
})
export type ForwardingInput = z.output<typeof forwardingSchema>

export const acknowledgementSchema = z.object({ on: field.date() })

/** The Gram Panchayat's decision: a plan and a target date, an officer, or a reason — each required for its kind. */
export const decisionSchema = z
  .object({
    decision: field.choice(decisions),
    on: field.date(),
    plan: field.optionalText(2000),
    targetDate: optionalDate(),
    referredTo: field.optionalName(200),
    reason: field.optionalText(2000),
  })
  .superRefine((v, ctx) => {
    if (v.decision === 'accepted' && !v.plan)
      ctx.addIssue({ code: 'custom', message: 'v.planRequired', path: ['plan'] })
    if (v.decision === 'accepted' && !v.targetDate)
      ctx.addIssue({ code: 'custom', message: 'v.targetRequired', path: ['targetDate'] })
    if (v.decision === 'referred' && !v.referredTo)
      ctx.addIssue({ code: 'custom', message: 'v.referredToRequired', path: ['referredTo'] })
    if (v.decision === 'declined' && !v.reason)
      ctx.addIssue({ code: 'custom', message: 'v.reasonForDecline', path: ['reason'] })
  })
  .transform((v) => ({
    decision: v.decision,
    on: v.on,
    text: v.decision === 'accepted' ? v.plan : v.decision === 'referred' ? v.referredTo : v.reason,
    targetDate: v.decision === 'declined' ? null : v.targetDate,
  }))
export type DecisionInput = z.output<typeof decisionSchema>

export const actionSchema = z.object({ on: field.date(), text: field.text(2000), evidence: field.optionalText(500) })
export type ActionInput = z.output<typeof actionSchema>

export const doneSchema = z.object({ on: field.date() })

const days = z.coerce.number('v.number').int('v.number').min(1, 'v.between|1–365').max(365, 'v.between|1–365')
export const followUpRuleSchema = z
  .object({ acknowledgeDays: days, decideDays: days, boardShowsProposers: field.checkbox() })
  .superRefine((v, ctx) => {
    if (v.decideDays < v.acknowledgeDays)
      ctx.addIssue({ code: 'custom', message: 'v.decideAfterAcknowledge', path: ['decideDays'] })
  })
