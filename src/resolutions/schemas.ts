import { z } from 'zod'
import { field } from '../web/forms.ts'
import { categories } from './tables.ts'

const hands = z.coerce.number('v.number').int('v.number').min(0, 'v.between|0–500').max(500, 'v.between|0–500')

export const resolutionSchema = z.object({
  agendaItemId: z.union([z.literal(''), field.id()]).optional().transform((v) => (v === '' || v === undefined ? null : v)),
  title: field.text(160),
  problem: field.text(4000),
  request: field.text(4000),
  addressedTo: field.text(160),
  category: field.choice(categories),
  proposerChildId: field.id(),
  seconderChildId: field.id(),
  votesFor: hands,
  votesAgainst: hands,
  votesAbstain: hands,
}).superRefine((v, ctx) => {
  if (v.proposerChildId === v.seconderChildId) ctx.addIssue({ code: 'custom', message: 'v.seconderSameAsProposer', path: ['seconderChildId'] })
  if (v.votesFor + v.votesAgainst + v.votesAbstain === 0) ctx.addIssue({ code: 'custom', message: 'v.noVotes', path: ['votesFor'] })
})
export type ResolutionInput = z.output<typeof resolutionSchema>
