import type { FastifyInstance, FastifyRequest } from 'fastify'
import { parseForm, routeId, typedValues } from '../forms.ts'
import { render, submitForm } from '../render.ts'
import { getVillage } from '../../villages/villages.ts'
import { requireRole } from '../context.ts'
import { todayIso } from '../../core/dates.ts'
import { sheetWords } from '../view-helpers.ts'
import { InvalidInput } from '../../core/errors.ts'
import { categoryIcon } from '../../resolutions/category-icons.ts'
import { letterPage } from '../../resolutions/letter.ts'
import { journeyStatuses } from '../../resolutions/journey.ts'
import {
  acknowledgeResolution,
  checkDecision,
  decideResolution,
  villageFollowUpRule,
  forwardResolution,
  getJourney,
  inbox,
  markDone,
  boardOf,
  recordAction,
  setFollowUpRule,
  villageResolutions,
} from '../../resolutions/journeys.ts'
import {
  acknowledgementSchema,
  actionSchema,
  decisionSchema,
  doneSchema,
  followUpRuleSchema,
  forwardingSchema,
} from '../../resolutions/schemas.ts'
import { decisions, forwardingWays } from '../../resolutions/tables.ts'
import { boardBackInSchool } from '../../figures/report-card.ts'

/** Every status a resolution's list can show: passed and not yet forwarded, on its journey, or not passed. */
export const listStatuses = ['passed', ...journeyStatuses, 'not_passed'] as const
const pick = <T extends string>(value: unknown, allowed: readonly T[]): T | undefined =>
  (allowed as readonly unknown[]).includes(value) ? (value as T) : undefined

export async function resolutionRoutes(app: FastifyInstance) {
  const keepers = { config: { roles: ['admin', 'facilitator'] as const } }
  const answerers = { config: { roles: ['admin', 'panchayat'] as const } }

  /** The resolution's page: its journey, and the one form that comes next for whoever is looking. */
  const journeyPage = (request: FastifyRequest, extra: Record<string, unknown> = {}) => {
    const { staff: _, ...found } = getJourney(request.ctx, routeId(request.params))
    const { journey, village } = found
    return {
      ...found,
      forwardingWays,
      decisions,
      today: todayIso,
      forwardDefaults: {
        forwardedOn: todayIso(),
        addressedTo: request.ctx.t('forwarding.defaultTo', { gp: village.gramPanchayat }),
        way: 'gram_sabha',
        note: '',
      },
      icon: categoryIcon(journey.category, { size: 40 }),
      errors: {},
      values: {},
      form: '',
      ...extra,
    }
  }
  const back = (request: FastifyRequest) => `/resolutions/${routeId(request.params)}`
  /** Each answer form re-renders the page with its mistakes marked; `form` says which form they belong to. */
  const answerForm = (
    request: FastifyRequest,
    reply: Parameters<typeof submitForm>[1],
    form: string,
    act: () => void,
    flash: string,
  ) =>
    submitForm(
      request,
      reply,
      { page: 'resolutions/show', partial: 'resolutions/show', data: () => journeyPage(request, { form }) },
      () => {
        act()
        return { to: back(request), flash }
      },
    )

  app.get('/villages/:villageId/resolutions', keepers, async (request, reply) => {
    const village = getVillage(requireRole(request.ctx), routeId(request.params, 'villageId'))
    const status = pick((request.query as Record<string, unknown>).status, listStatuses)
    return render(request, reply, 'resolutions/index', 'resolutions/_list', {
      village,
      status: status ?? '',
      statuses: listStatuses,
      items: villageResolutions(request.ctx, village.id, status),
      rule: villageFollowUpRule(request.ctx, village.id),
    })
  })

  app.get('/inbox', { config: { roles: ['panchayat'] as const } }, async (request, reply) =>
    reply.view('resolutions/inbox', inbox(request.ctx)),
  )

  app.get('/resolutions/:id', async (request, reply) => reply.view('resolutions/show', journeyPage(request)))

  app.post('/resolutions/:id/forwarding', keepers, async (request, reply) =>
    answerForm(
      request,
      reply,
      'forwarding',
      () => forwardResolution(request.ctx, routeId(request.params), parseForm(forwardingSchema, request.body)),
      'forwarding.done',
    ),
  )

  app.post('/resolutions/:id/acknowledgement', answerers, async (request, reply) =>
    answerForm(
      request,
      reply,
      'acknowledged',
      () =>
        acknowledgeResolution(request.ctx, routeId(request.params), parseForm(acknowledgementSchema, request.body).on),
      'answers.acknowledgedFlash',
    ),
  )

  /**
   * The decision is made once, so it is shown back before it is recorded: a post without `confirm`
   * is checked as if recorded and answered with the page asking to confirm it (or the form's
   * mistakes, 422); only the confirming post records it. Plain forms: no script needed.
   */
  const askToConfirm = (request: FastifyRequest, reply: Parameters<typeof render>[1], check: () => unknown) => {
    const typed = typedValues((request.body ?? {}) as Record<string, unknown>)
    try {
      check()
    } catch (err) {
      if (!(err instanceof InvalidInput)) throw err
      reply.code(422)
      const refused = journeyPage(request, {
        form: 'decision',
        errors: err.fields,
        values: { ...typed, ...err.values },
      })
      return render(request, reply, 'resolutions/show', 'resolutions/show', refused)
    }
    const asking = journeyPage(request, { form: 'decision', values: typed, confirming: true })
    return render(request, reply, 'resolutions/show', 'resolutions/show', asking)
  }

  app.post('/resolutions/:id/decision', answerers, async (request, reply) => {
    const id = routeId(request.params)
    const decision = () => parseForm(decisionSchema, request.body)
    if ((request.body as Record<string, unknown> | undefined)?.confirm !== 'yes')
      return askToConfirm(request, reply, () => checkDecision(request.ctx, id, decision()))
    const decide = () => decideResolution(request.ctx, id, decision())
    return answerForm(request, reply, 'decision', decide, 'answers.decidedFlash')
  })

  app.post('/resolutions/:id/actions', answerers, async (request, reply) =>
    answerForm(
      request,
      reply,
      'action',
      () => recordAction(request.ctx, routeId(request.params), parseForm(actionSchema, request.body)),
      'answers.actionFlash',
    ),
  )

  app.post('/resolutions/:id/completion', answerers, async (request, reply) =>
    answerForm(
      request,
      reply,
      'done',
      () => markDone(request.ctx, routeId(request.params), parseForm(doneSchema, request.body).on),
      'answers.doneFlash',
    ),
  )

  /** The formal letter to the Sarpanch: Hindi unless English is asked for. */
  app.get('/resolutions/:id/letter', keepers, async (request, reply) =>
    reply.view('resolutions/letter', {
      ...letterPage(request.ctx, routeId(request.params)),
      ...sheetWords(request.query),
    }),
  )

  app.get('/villages/:villageId/follow-up', keepers, async (request, reply) => {
    const village = getVillage(requireRole(request.ctx), routeId(request.params, 'villageId'))
    return reply.view('resolutions/follow-up', {
      village,
      values: villageFollowUpRule(request.ctx, village.id),
      errors: {},
    })
  })

  app.post('/villages/:villageId/follow-up', keepers, async (request, reply) => {
    const village = getVillage(requireRole(request.ctx), routeId(request.params, 'villageId'))
    return submitForm(
      request,
      reply,
      { page: 'resolutions/follow-up', partial: 'resolutions/follow-up', data: { village } },
      () => {
        setFollowUpRule(request.ctx, village.id, parseForm(followUpRuleSchema, request.body))
        return { to: `/villages/${village.id}/resolutions`, flash: 'followUp.saved' }
      },
    )
  })

  /** The children's board: public and read-only, made to be shown on the tablet or a TV. */
  app.get('/board/:villageId', { config: { public: true } }, async (request, reply) => {
    const status = pick((request.query as Record<string, unknown>).status, journeyStatuses)
    const board = boardOf(request.ctx, routeId(request.params, 'villageId'), status)
    return reply.view('resolutions/board', {
      ...board,
      // Counts only (issue 16): the children back in school this year, never a case.
      backInSchool: boardBackInSchool(request.ctx.db, board.village.id),
      status: status ?? '',
      statuses: journeyStatuses,
      icon: (category: Parameters<typeof categoryIcon>[0]) => categoryIcon(category, { size: 64 }),
    })
  })
}
