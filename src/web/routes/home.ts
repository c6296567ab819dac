import type { FastifyInstance } from 'fastify'
import { hasAnyUser } from '../../accounts/accounts.ts'
import { getVillage } from '../../villages/villages.ts'
import { requireRole } from '../context.ts'

/** The first page: set-up on an empty database, then the login, then each role's own start. */
export async function homeRoutes(app: FastifyInstance) {
  app.get('/', { config: { public: true } }, async (request, reply) => {
    const { actor, db } = request.ctx
    if (!actor) return reply.redirect(hasAnyUser(db) ? '/login' : '/setup', 303)
    if (actor.role === 'admin') return reply.redirect('/villages', 303)
    if (actor.role === 'facilitator' && actor.villageId)
      return reply.redirect(`/villages/${actor.villageId}/children`, 303)
    if (actor.role === 'panchayat' && actor.villageId) return reply.redirect('/inbox', 303)
    const village = actor.villageId ? getVillage(requireRole(request.ctx), actor.villageId) : null
    return reply.view('home', { village })
  })
}
