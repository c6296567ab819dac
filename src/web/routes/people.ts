import type { FastifyInstance, FastifyRequest } from 'fastify'
import { parseForm, routeId } from '../forms.ts'
import { redirectAfter, render, submitForm } from '../render.ts'
import { getVillage } from '../../villages/villages.ts'
import { requireRole } from '../context.ts'
import {
  addChild,
  childHistory,
  editChild,
  getChild,
  listChildren,
  listWards,
  markLeftVillage,
  markReturned,
  recordConsent,
  registerSummary,
  withdrawConsent,
} from '../../people/children.ts'
import {
  ageBands,
  childSchema,
  consentSchema,
  departureSchema,
  filterSchema,
  newChildSchema,
} from '../../people/schemas.ts'
import { genders, outOfSchoolReasons } from '../../people/tables.ts'
import { backupsBefore, eraseChild, exportChild } from '../../privacy/child-data.ts'
import { casesOfChild, followedChildren } from '../../cases/cases.ts'

/** What every register form needs to draw its choices. */
const choices = { genders, outOfSchoolReasons, ageBands }

export async function peopleRoutes(app: FastifyInstance) {
  const keepers = { config: { roles: ['admin', 'facilitator'] as const } }
  const base = '/villages/:villageId/children'
  const village = (request: FastifyRequest) =>
    getVillage(requireRole(request.ctx), routeId(request.params, 'villageId'))
  const childUrl = (villageId: number, childId: number) => `/villages/${villageId}/children/${childId}`

  app.get(base, keepers, async (request, reply) => {
    const v = village(request)
    const filter = filterSchema.parse(request.query ?? {})
    return render(request, reply, 'people/index', 'people/_list', {
      village: v,
      filter,
      list: listChildren(request.ctx, v.id, filter),
      wards: listWards(request.ctx, v.id),
      summary: registerSummary(request.ctx, v.id),
      following: followedChildren(request.ctx, v.id),
      ...choices,
    })
  })

  app.get(`${base}/new`, keepers, async (request, reply) =>
    reply.view('people/new', { village: village(request), values: { consentOn: '' }, errors: {}, ...choices }),
  )

  app.post(base, keepers, async (request, reply) => {
    const v = village(request)
    return submitForm(
      request,
      reply,
      { page: 'people/new', partial: 'people/_form', data: { village: v, ...choices } },
      () => {
        const input = parseForm(newChildSchema, request.body)
        const child = addChild(request.ctx, v.id, input.child, input.consentOn)
        return { to: childUrl(v.id, child.id), flash: 'children.added' }
      },
    )
  })

  app.get(`${base}/:id`, keepers, async (request, reply) => {
    const v = village(request)
    const child = getChild(request.ctx, v.id, routeId(request.params))
    // The coordinator who erased a child is told which older backups still hold the data.
    const backups =
      child.erasure && request.ctx.actor?.role === 'admin' ? backupsBefore(request.ctx, v.id, child.id) : null
    return reply.view('people/show', {
      village: v,
      child,
      history: childHistory(request.ctx, v.id, child.id),
      cases: casesOfChild(request.ctx, v.id, child.id),
      backups,
      values: {},
      errors: {},
    })
  })

  app.get(`${base}/:id/edit`, keepers, async (request, reply) => {
    const v = village(request)
    const child = getChild(request.ctx, v.id, routeId(request.params))
    return reply.view('people/edit', { village: v, child, values: formValues(child), errors: {}, ...choices })
  })

  app.post(`${base}/:id`, keepers, async (request, reply) => {
    const v = village(request)
    const child = getChild(request.ctx, v.id, routeId(request.params))
    return submitForm(
      request,
      reply,
      { page: 'people/edit', partial: 'people/_form', data: { village: v, child, ...choices } },
      () => {
        editChild(request.ctx, v.id, child.id, parseForm(childSchema, request.body))
        return { to: childUrl(v.id, child.id), flash: 'children.saved' }
      },
    )
  })

  app.post(`${base}/:id/consent`, keepers, async (request, reply) => {
    const v = village(request)
    const child = getChild(request.ctx, v.id, routeId(request.params))
    return submitForm(request, reply, showForm(request, v, child), () => {
      recordConsent(request.ctx, v.id, child.id, parseForm(consentSchema, request.body).givenOn)
      return { to: childUrl(v.id, child.id), flash: 'children.consentRecorded' }
    })
  })

  app.post(`${base}/:id/consent/withdrawal`, keepers, async (request, reply) => {
    const v = village(request)
    const childId = routeId(request.params)
    withdrawConsent(request.ctx, v.id, childId)
    return redirectAfter(request, reply, childUrl(v.id, childId), 'children.consentWithdrawn')
  })

  app.post(`${base}/:id/departure`, keepers, async (request, reply) => {
    const v = village(request)
    const child = getChild(request.ctx, v.id, routeId(request.params))
    return submitForm(request, reply, showForm(request, v, child), () => {
      const input = parseForm(departureSchema, request.body)
      markLeftVillage(request.ctx, v.id, child.id, input.leftOn, input.note)
      return { to: childUrl(v.id, child.id), flash: 'children.markedLeft' }
    })
  })

  app.post(`${base}/:id/return`, keepers, async (request, reply) => {
    const v = village(request)
    const childId = routeId(request.params)
    markReturned(request.ctx, v.id, childId)
    return redirectAfter(request, reply, childUrl(v.id, childId), 'children.markedReturned')
  })

  /** A coordinator's download of everything held about one child. */
  app.get(`${base}/:id/export.json`, { config: { roles: ['admin'] as const } }, async (request, reply) => {
    const v = village(request)
    const data = exportChild(request.ctx, v.id, routeId(request.params))
    return reply
      .header('content-disposition', `attachment; filename="child-${data.child.id}.json"`)
      .header('cache-control', 'no-store')
      .send(data)
  })

  app.post(`${base}/:id/erasure`, { config: { roles: ['admin'] as const } }, async (request, reply) => {
    const v = village(request)
    const id = routeId(request.params)
    eraseChild(request.ctx, v.id, id)
    return redirectAfter(request, reply, childUrl(v.id, id), 'children.erased')
  })
}

/** The child's page, re-shown with a message when its consent or departure form was wrong. */
function showForm(request: FastifyRequest, village: unknown, child: ReturnType<typeof getChild>) {
  return {
    page: 'people/show',
    partial: 'people/show',
    data: () => ({
      village,
      child,
      history: childHistory(request.ctx, child.villageId, child.id),
      cases: casesOfChild(request.ctx, child.villageId, child.id),
    }),
  }
}

function formValues(child: ReturnType<typeof getChild>): Record<string, unknown> {
  return { ...child, inSchool: child.inSchool ? 'yes' : 'no', outOfSchoolReason: child.outOfSchoolReason ?? '' }
}
