import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { requireRole } from '../context.ts'
import { listVillages } from '../../villages/villages.ts'
import { render } from '../render.ts'
import { listAudit } from '../../audit/audit.ts'
import { auditActorName, auditDetailLines } from '../../audit/details.ts'

const auditQuery = z.object({
  village: z.coerce.number().int().positive().optional().catch(undefined),
  before: z.coerce.number().int().positive().optional().catch(undefined),
})

export async function auditRoutes(app: FastifyInstance) {
  app.get('/audit', { config: { roles: ['admin'] } }, async (request, reply) => {
    const ctx = requireRole(request.ctx, 'admin')
    const query = auditQuery.parse(request.query ?? {})
    const page = listAudit(ctx, { villageId: query.village, before: query.before })
    const { t, lang } = request.ctx
    const entries = page.entries.map((e) => ({
      ...e,
      who: auditActorName(e, t),
      lines: auditDetailLines(e.detail, t, lang),
    }))
    return render(request, reply, 'audit/index', 'audit/_entries', {
      ...page,
      entries,
      query,
      villages: listVillages(ctx),
    })
  })
}
