import type { FastifyInstance, FastifyRequest } from 'fastify'
import { parseForm, routeId, typedValues } from '../forms.ts'
import { render, submitForm } from '../render.ts'
import { getVillage } from '../../villages/villages.ts'
import { requireRole, wantsFragment } from '../context.ts'
import { InvalidInput, NotFound } from '../../core/errors.ts'
import { once } from '../../audit/form-keys.ts'
import { todayIso } from '../../core/dates.ts'
import {
  addStep,
  casePage,
  meetingCase,
  newCaseForm,
  openCase,
  raiseAtMeeting,
  stepForm,
  villageCases,
} from '../../cases/cases.ts'
import { caseSchema, meetingStepSchema, stepSchema } from '../../cases/schemas.ts'
import { caseReasons, closeReasons, finders, type StepKind, stepKinds, workPlaces } from '../../cases/tables.ts'

/** What the case form needs to draw its choices. */
const choices = { caseReasons, workPlaces, finders, closeReasons }

/**
 * Out-of-school cases: the village's facilitators and coordinators only (the verbs check the village too).
 * A case is opened from a child's register entry; its steps are added one kind at a time.
 */
export async function caseRoutes(app: FastifyInstance) {
  const keepers = { config: { roles: ['admin', 'facilitator'] as const } }
  const village = (request: FastifyRequest) =>
    getVillage(requireRole(request.ctx), routeId(request.params, 'villageId'))
  const caseUrl = (villageId: number, caseId: number) => `/villages/${villageId}/cases/${caseId}`

  app.get('/villages/:villageId/cases', keepers, async (request, reply) => {
    const v = village(request)
    return reply.view('cases/index', { village: v, ...villageCases(request.ctx, v.id) })
  })

  /** The case form, for a child of the village: the Bal Panchayat's members to say which of them found it. */
  const caseFormData = (request: FastifyRequest) => {
    const v = village(request)
    return { village: v, ...newCaseForm(request.ctx, v.id, routeId(request.params)), ...choices }
  }

  app.get('/villages/:villageId/children/:id/cases/new', keepers, async (request, reply) => {
    const data = caseFormData(request)
    const values = { foundOn: todayIso(), reason: data.child.outOfSchoolReason ?? '', foundBy: 'facilitator' }
    return reply.view('cases/new', { ...data, values, errors: {} })
  })

  app.post('/villages/:villageId/children/:id/cases', keepers, async (request, reply) => {
    const data = caseFormData(request)
    return submitForm(request, reply, { page: 'cases/new', partial: 'cases/_case-form', data }, () => {
      const kase = openCase(request.ctx, data.village.id, data.child.id, parseForm(caseSchema, request.body))
      return { to: caseUrl(data.village.id, kase.id), flash: 'cases.opened' }
    })
  })

  app.get('/villages/:villageId/cases/:id', keepers, async (request, reply) => {
    const v = village(request)
    return reply.view('cases/show', { village: v, ...casePage(request.ctx, v.id, routeId(request.params)) })
  })

  /**
   * One kind of step's form. Asked for, a kind the case does not take now is not found; posted, a kind that
   * is no kind is drawn as the case's likeliest next step, for the form to say what was wrong.
   */
  const stepFormData = (request: FastifyRequest, kind: unknown, asked: boolean) => {
    const v = village(request)
    const page = stepForm(request.ctx, v.id, routeId(request.params))
    const known = stepKinds.includes(kind as StepKind)
    if (asked && (!known || !page.offered.includes(kind as StepKind))) throw new NotFound()
    const drawn: StepKind = known ? (kind as StepKind) : (page.offered[0] ?? 'family_visit')
    return { village: v, ...page, kind: drawn, ...choices }
  }

  app.get('/villages/:villageId/cases/:id/steps/new', keepers, async (request, reply) => {
    const data = stepFormData(request, (request.query as Record<string, unknown> | undefined)?.kind, true)
    const values = {
      on: todayIso(),
      checkDay: data.state.nextCheck ? String(data.state.nextCheck.day) : '',
      closeReason: data.state.passed90 ? 'back_in_school' : '',
    }
    return render(request, reply, 'cases/step', 'cases/_step-form', { ...data, values, errors: {} })
  })

  app.post('/villages/:villageId/cases/:id/steps', keepers, async (request, reply) => {
    const data = stepFormData(request, (request.body as Record<string, unknown> | undefined)?.kind, false)
    return submitForm(request, reply, { page: 'cases/step', partial: 'cases/_step-form', data }, () => {
      addStep(request.ctx, data.village.id, data.kase.id, parseForm(stepSchema, request.body))
      return { to: caseUrl(data.village.id, data.kase.id), flash: 'cases.stepAdded' }
    })
  })

  /**
   * What the members said of a child at the meeting's item "children not in school" (the list on the meeting's
   * page): a step raised with the Bal Panchayat. htmx gets that child's entry back in place, with what was written
   * or the refused note's message (a redirect to the same page would only move to its anchor).
   */
  app.post('/villages/:villageId/cases/:id/meeting-steps/:itemId', keepers, async (request, reply) => {
    const v = village(request)
    const listed = () => meetingCase(request.ctx, v.id, routeId(request.params), routeId(request.params, 'itemId'))
    const { item, row } = listed()
    const data = { village: v, item, c: row, writable: true, oocCase: row.caseId }
    const form = { page: 'meetings/out-of-school-step', partial: 'meetings/_out-of-school-child', data }
    const write = () => {
      raiseAtMeeting(request.ctx, v.id, row.caseId, item.id, parseForm(meetingStepSchema, request.body))
      return { to: `/meetings/${item.meetingId}#ooc-${row.caseId}`, flash: 'cases.stepAdded' }
    }
    if (!wantsFragment(request)) return submitForm(request, reply, form, write)
    try {
      await once(request, write)
    } catch (err) {
      if (!(err instanceof InvalidInput)) throw err
      const values = typedValues((request.body ?? {}) as Record<string, unknown>)
      return render(request, reply.code(422), form.page, form.partial, { ...data, errors: err.fields, values })
    }
    return render(request, reply, form.page, form.partial, { ...data, c: listed().row, saved: true })
  })
}
