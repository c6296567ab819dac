import type { FastifyInstance, FastifyRequest } from 'fastify'
import { listVillages } from '../../villages/villages.ts'
import { requireRole } from '../context.ts'
import { toCsv } from '../../core/csv.ts'
import { NotFound } from '../../core/errors.ts'
import { figures, figureTables, outcomes, type FigureTable } from '../../figures/figures.ts'
import { barChart, percent, stackedChart } from '../../figures/charts.ts'
import { reportCardColumns, shareOf, towardGoals, villageReportCard } from '../../figures/report-card.ts'
import { routeId } from '../forms.ts'

/** The columns of each figures table, in order: its CSV headings are their words (figures.column.*, outcome.*). */
export const figureColumns: Record<FigureTable, string[]> = {
  representation: [
    'village',
    'election',
    'termStart',
    'candidates',
    'girlCandidates',
    'elected',
    'girlsElected',
    'leaders',
    'girlLeaders',
    'seats',
    'girlsMinimum',
  ],
  turnout: ['village', 'election', 'girlsVoted', 'girlsOnRoll', 'boysVoted', 'boysOnRoll'],
  attendance: ['village', 'meetings', 'girlsPresent', 'girlsExpected', 'boysPresent', 'boysExpected'],
  resolutions: ['category', ...outcomes, 'total'],
  answers: ['village', 'forwarded', 'acknowledged', 'decided', 'medianDaysToAcknowledge', 'medianDaysToDecide'],
  reportCard: [...reportCardColumns],
}

/** A column's heading in the reader's language: a resolution's outcome by its words, any other by figures.column.*. */
function columnName(column: string, t: (key: string) => string): string {
  return (outcomes as readonly string[]).includes(column) ? t(`outcome.${column}`) : t(`figures.column.${column}`)
}

export async function figureRoutes(app: FastifyInstance) {
  const coordinators = { config: { roles: ['admin'] as const } }
  /** ?village= narrows the figures to one village; anything else means all of them. */
  const villageOf = (request: FastifyRequest) => {
    const raw = (request.query as Record<string, unknown>).village
    const villages = listVillages(requireRole(request.ctx, 'admin'))
    const chosen = typeof raw === 'string' ? villages.find((v) => String(v.id) === raw) : undefined
    return { villages, chosen }
  }

  app.get('/figures', coordinators, async (request, reply) => {
    const { villages, chosen } = villageOf(request)
    return reply.view('figures/index', {
      villages,
      chosen: chosen ?? null,
      figures: figures(request.ctx, chosen?.id),
      tables: figureTables,
      outcomes,
      chart: barChart,
      stacked: stackedChart,
      percent,
    })
  })

  app.get('/figures.csv', coordinators, async (request, reply) => {
    const table = (request.query as Record<string, unknown>).table
    if (!(figureTables as readonly unknown[]).includes(table)) throw new NotFound()
    const { chosen } = villageOf(request)
    const rows = figures(request.ctx, chosen?.id)[table as FigureTable] as Record<string, unknown>[]
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header(
        'content-disposition',
        `attachment; filename="figures-${table as string}${chosen ? `-village-${chosen.id}` : ''}.csv"`,
      )
      .send(
        toCsv(
          figureColumns[table as FigureTable].map((c) => columnName(c, request.ctx.t)),
          rows.map((r) => figureColumns[table as FigureTable].map((c) => r[c])),
        ),
      )
  })

  /** A village's report card on a day (?date=, today when none), one A4 page for the Gram Sabha: its facilitators and the coordinators. */
  app.get(
    '/villages/:villageId/report-card',
    { config: { roles: ['admin', 'facilitator'] as const } },
    async (request, reply) => {
      const date = (request.query as Record<string, unknown>).date
      const { village, card } = villageReportCard(request.ctx, routeId(request.params, 'villageId'), date)
      return reply.view('figures/report-card', {
        village,
        card,
        goals: towardGoals(card),
        share: shareOf,
        chart: barChart,
        percent,
      })
    },
  )
}
