import type { FastifyInstance } from 'fastify'
import { parseForm, routeId } from '../forms.ts'
import { submitForm } from '../render.ts'
import { requireRole } from '../context.ts'
import { createVillage, getVillage, updateVillage } from '../../villages/villages.ts'
import { villageStaff } from '../../accounts/accounts.ts'
import { villageDirectory } from '../../figures/figures.ts'
import { villageSchema } from '../../villages/schemas.ts'

export async function villageRoutes(app: FastifyInstance) {
  const admin = { config: { roles: ['admin'] as const } }

  // The coordinators' start page: it also says when the box last made a good backup, and warns when one is overdue.
  app.get('/villages', admin, async (request, reply) =>
    reply.view('villages/index', {
      villages: villageDirectory(requireRole(request.ctx, 'admin')),
      backups: request.server.backups?.status() ?? null,
    }),
  )

  app.get('/villages/new', admin, async (_request, reply) => reply.view('villages/new', { values: {}, errors: {} }))

  app.post('/villages', admin, async (request, reply) =>
    submitForm(request, reply, { page: 'villages/new', partial: 'villages/_form', data: {} }, () => {
      const village = createVillage(requireRole(request.ctx, 'admin'), parseForm(villageSchema, request.body))
      return { to: `/villages/${village.id}`, flash: 'villages.created' }
    }),
  )

  app.get('/villages/:id', admin, async (request, reply) => {
    const ctx = requireRole(request.ctx, 'admin')
    const village = getVillage(ctx, routeId(request.params))
    return reply.view('villages/show', { village, staff: villageStaff(ctx, village.id) })
  })

  app.get('/villages/:id/edit', admin, async (request, reply) => {
    const village = getVillage(requireRole(request.ctx, 'admin'), routeId(request.params))
    return reply.view('villages/edit', { village, values: village, errors: {} })
  })

  app.post('/villages/:id', admin, async (request, reply) => {
    const ctx = requireRole(request.ctx, 'admin')
    const village = getVillage(ctx, routeId(request.params))
    return submitForm(request, reply, { page: 'villages/edit', partial: 'villages/_form', data: { village } }, () => {
      updateVillage(ctx, village.id, parseForm(villageSchema, request.body))
      return { to: `/villages/${village.id}`, flash: 'villages.updated' }
    })
  })
}
