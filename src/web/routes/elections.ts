import type { FastifyInstance, FastifyRequest } from 'fastify'
import { parseForm, routeId } from '../forms.ts'
import { redirectAfter, render, submitForm } from '../render.ts'
import { getVillage } from '../../villages/villages.ts'
import { requireRole } from '../context.ts'
import { todayIso } from '../../core/dates.ts'
import type { Translate } from '../../i18n/translator.ts'
import { symbols } from '../../elections/symbols.ts'
import {
  addContest,
  createElection,
  electionCandidates,
  eligibleToStand,
  getContest,
  getElection,
  listElections,
  nominate,
  openNominations,
  openPoll,
  removeContest,
  updateContest,
  updateElection,
  withdrawCandidate,
  type Contest,
} from '../../elections/elections.ts'
import {
  ballotBoxSeal,
  closePoll,
  countElection,
  enterPaperCount,
  publishResult,
  voidPaperCount,
} from '../../elections/counting.ts'
import { balPanchayat, memberLeaves } from '../../elections/bal-panchayat.ts'
import { electionOverview } from '../../elections/overview.ts'
import {
  closingSchema,
  contestSchema,
  electionSchema,
  memberDepartureSchema,
  nominationSchema,
  paperCountSchema,
  shareChoiceOf,
} from '../../elections/schemas.ts'
import {
  candidacyRules,
  methods,
  protections,
  roundings,
  shareChoices,
  shortfalls,
  tieBreaks,
} from '../../elections/tables.ts'
import { describeRule, resultCsv, resultJson, resultPage, resultSheet } from '../../elections/result-view.ts'

const contestChoices = { methods, shareChoices, roundings, protections, tieBreaks, shortfalls }
const electionDefaults = {
  voterAgeMin: 6,
  voterAgeMax: 18,
  candidateAgeMin: 10,
  candidateAgeMax: 18,
  candidacy: 'age',
  termStart: todayIso(),
}
const contestDefaults = {
  seats: 10,
  method: 'minimum',
  share: '1/2',
  rounding: 'up',
  protect: 'girls',
  tieBreak: 'girl-first',
  shortfall: 'release',
}

export async function electionRoutes(app: FastifyInstance) {
  const organisers = { config: { roles: ['admin', 'facilitator'] as const } }
  const village = (request: FastifyRequest) =>
    getVillage(requireRole(request.ctx), routeId(request.params, 'villageId'))
  const electionOf = (request: FastifyRequest) => getElection(request.ctx, routeId(request.params))
  /** The election's page (elections/overview.ts), with the rule of each contest in the reader's words. */
  const overview = (request: FastifyRequest, id: number) => ({
    ...electionOverview(request.ctx, id),
    rule: (c: Contest) => describeRule(c, request.ctx.t),
  })

  app.get('/villages/:villageId/elections', organisers, async (request, reply) => {
    const v = village(request)
    return reply.view('elections/index', { village: v, elections: listElections(request.ctx, v.id) })
  })

  app.get('/villages/:villageId/elections/new', organisers, async (request, reply) =>
    reply.view('elections/new', { village: village(request), values: electionDefaults, errors: {}, candidacyRules }),
  )

  app.post('/villages/:villageId/elections', organisers, async (request, reply) => {
    const v = village(request)
    return submitForm(
      request,
      reply,
      { page: 'elections/new', partial: 'elections/_form', data: { village: v, candidacyRules } },
      () => {
        const election = createElection(request.ctx, v.id, parseForm(electionSchema, request.body))
        return { to: `/elections/${election.id}`, flash: 'elections.created' }
      },
    )
  })

  app.get('/elections/:id', organisers, async (request, reply) =>
    reply.view('elections/show', overview(request, routeId(request.params))),
  )

  app.get('/elections/:id/edit', organisers, async (request, reply) => {
    const { election } = electionOf(request)
    return reply.view('elections/edit', { election, values: election, errors: {}, candidacyRules })
  })

  app.post('/elections/:id', organisers, async (request, reply) => {
    const { election } = electionOf(request)
    return submitForm(
      request,
      reply,
      { page: 'elections/edit', partial: 'elections/_form', data: { election, candidacyRules } },
      () => {
        updateElection(request.ctx, election.id, parseForm(electionSchema, request.body))
        return { to: `/elections/${election.id}`, flash: 'elections.saved' }
      },
    )
  })

  app.get('/elections/:id/contests/new', organisers, async (request, reply) => {
    const { election } = electionOf(request)
    return render(request, reply, 'elections/contest-new', 'elections/_contest-form', {
      election,
      contest: null,
      values: contestDefaults,
      errors: {},
      ruleSentence: ruleFor(contestDefaults, election.id, request.ctx.t),
      ...contestChoices,
    })
  })

  /** The rule sentence for the choices being made, shown live next to the contest form. */
  app.get('/elections/:id/contests/rule', organisers, async (request, reply) => {
    const { election } = electionOf(request)
    return reply.view('elections/_rule', { sentence: ruleFor(request.query, election.id, request.ctx.t) })
  })

  app.post('/elections/:id/contests', organisers, async (request, reply) => {
    const { election } = electionOf(request)
    return submitForm(
      request,
      reply,
      {
        page: 'elections/contest-new',
        partial: 'elections/_contest-form',
        data: { election, contest: null, ...contestChoices },
      },
      () => {
        addContest(request.ctx, election.id, parseForm(contestSchema, request.body))
        return { to: `/elections/${election.id}`, flash: 'contests.added' }
      },
    )
  })

  app.get('/elections/:id/contests/:contestId/edit', organisers, async (request, reply) => {
    const { election } = electionOf(request)
    const contest = getContest(request.ctx, election.id, routeId(request.params, 'contestId'))
    return reply.view('elections/contest-edit', {
      election,
      contest,
      values: contestValues(contest),
      errors: {},
      ruleSentence: describeRule(contest, request.ctx.t),
      ...contestChoices,
    })
  })

  app.post('/elections/:id/contests/:contestId', organisers, async (request, reply) => {
    const { election } = electionOf(request)
    const contest = getContest(request.ctx, election.id, routeId(request.params, 'contestId'))
    return submitForm(
      request,
      reply,
      {
        page: 'elections/contest-edit',
        partial: 'elections/_contest-form',
        data: { election, contest, ...contestChoices },
      },
      () => {
        updateContest(request.ctx, election.id, contest.id, parseForm(contestSchema, request.body))
        return { to: `/elections/${election.id}`, flash: 'contests.saved' }
      },
    )
  })

  app.post('/elections/:id/contests/:contestId/removal', organisers, async (request, reply) => {
    const id = routeId(request.params)
    removeContest(request.ctx, id, routeId(request.params, 'contestId'))
    return redirectAfter(request, reply, `/elections/${id}`, 'contests.removed')
  })

  app.get('/elections/:id/contests/:contestId/candidates/new', organisers, async (request, reply) => {
    const { election } = electionOf(request)
    const contest = getContest(request.ctx, election.id, routeId(request.params, 'contestId'))
    return reply.view('elections/nominate', nominationPage(request, election.id, contest.id, {}))
  })

  app.post('/elections/:id/contests/:contestId/candidates', organisers, async (request, reply) => {
    const { election } = electionOf(request)
    const contest = getContest(request.ctx, election.id, routeId(request.params, 'contestId'))
    return submitForm(
      request,
      reply,
      {
        page: 'elections/nominate',
        partial: 'elections/nominate',
        data: () => nominationPage(request, election.id, contest.id, {}),
      },
      () => {
        nominate(request.ctx, election.id, contest.id, parseForm(nominationSchema, request.body))
        return { to: `/elections/${election.id}#contest-${contest.id}`, flash: 'candidates.nominated' }
      },
    )
  })

  app.post('/elections/:id/candidates/:candidateId/withdrawal', organisers, async (request, reply) => {
    const id = routeId(request.params)
    withdrawCandidate(request.ctx, id, routeId(request.params, 'candidateId'))
    return redirectAfter(request, reply, `/elections/${id}`, 'candidates.withdrawn')
  })

  app.post('/elections/:id/nominations', organisers, async (request, reply) => {
    const id = routeId(request.params)
    openNominations(request.ctx, id)
    return redirectAfter(request, reply, `/elections/${id}`, 'elections.nominationsOpened')
  })

  app.post('/elections/:id/poll', organisers, async (request, reply) => {
    const id = routeId(request.params)
    openPoll(request.ctx, id, request.server.storage.freeBytes())
    return redirectAfter(request, reply, `/elections/${id}`, 'elections.pollOpened')
  })

  app.get('/elections/:id/closing', organisers, async (request, reply) =>
    reply.view('elections/closing', {
      ...overview(request, routeId(request.params)),
      values: { source: 'random' },
      errors: {},
    }),
  )

  app.post('/elections/:id/closing', organisers, async (request, reply) => {
    const id = routeId(request.params)
    return submitForm(
      request,
      reply,
      { page: 'elections/closing', partial: 'elections/closing', data: () => overview(request, id) },
      () => {
        const body = parseForm(closingSchema, request.body) as { source: 'random' | 'chits' } & Record<string, unknown>
        closePoll(
          request.ctx,
          id,
          body.source === 'random' ? { source: 'random' } : { source: 'chits', lots: numbered(body, 'lot_') },
        )
        // A minute later, outside this request: the closed poll's box and result are then in a backup.
        request.server.backups?.soon('poll closed')
        return { to: `/elections/${id}/result`, flash: 'elections.pollClosed' }
      },
    )
  })

  app.get('/elections/:id/paper-counts/new', organisers, async (request, reply) => {
    const page = overview(request, routeId(request.params))
    const contestId = Number((request.query as Record<string, string>).contest) || page.contests[0]?.id
    return reply.view('elections/paper-count', { ...page, contestId, values: {}, errors: {} })
  })

  app.post('/elections/:id/paper-counts', organisers, async (request, reply) => {
    const id = routeId(request.params)
    const page = overview(request, id)
    const contestId = Number((request.body as Record<string, string> | undefined)?.contestId)
    const contest = page.contests.find((c) => c.id === contestId)
    return submitForm(
      request,
      reply,
      { page: 'elections/paper-count', partial: 'elections/paper-count', data: { ...page, contestId } },
      () => {
        if (!contest) return { to: `/elections/${id}/paper-counts/new` }
        const ids = page.candidates.filter((c) => c.contestId === contest.id).map((c) => c.id)
        const input = parseForm(paperCountSchema(ids), request.body) as { ballots: number; note: string } & Record<
          string,
          number
        >
        enterPaperCount(request.ctx, id, contest.id, {
          ballots: input.ballots,
          note: input.note,
          votes: numbered(input, 'votes_'),
        })
        return { to: `/elections/${id}`, flash: 'paperCounts.entered' }
      },
    )
  })

  app.post('/elections/:id/paper-counts/:paperCountId/voiding', organisers, async (request, reply) => {
    const id = routeId(request.params)
    voidPaperCount(request.ctx, id, routeId(request.params, 'paperCountId'))
    return redirectAfter(request, reply, `/elections/${id}`, 'paperCounts.voided')
  })

  app.get('/elections/:id/result', organisers, async (request, reply) => {
    const { election, stage } = electionOf(request)
    // The count and its sentences, in the reader's language, kept while the database is unchanged.
    const { counts, seal } = resultPage(request.ctx, election.id, request.ctx.t)
    return reply.view('elections/result', { election, stage, counts, seal })
  })

  app.get('/elections/:id/result/print', organisers, async (request, reply) =>
    reply.view('elections/result-print', resultSheet(request.ctx, routeId(request.params), request.ctx.t)),
  )

  app.get('/elections/:id/result.json', organisers, async (request, reply) => {
    const { election, stage } = electionOf(request)
    return reply
      .header('content-disposition', `attachment; filename="election-${election.id}-result.json"`)
      .send(
        resultJson(
          election,
          stage,
          countElection(request.ctx, election.id),
          ballotBoxSeal(request.ctx, election.id),
          request.ctx.t,
        ),
      )
  })

  app.get('/elections/:id/result.csv', organisers, async (request, reply) => {
    const { election } = electionOf(request)
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="election-${election.id}-result.csv"`)
      .send(resultCsv(countElection(request.ctx, election.id), request.ctx.t))
  })

  app.post('/elections/:id/publication', organisers, async (request, reply) => {
    const { election } = electionOf(request)
    publishResult(request.ctx, election.id)
    return redirectAfter(request, reply, `/villages/${election.villageId}/bal-panchayat`, 'elections.published')
  })

  app.get('/villages/:villageId/bal-panchayat', organisers, async (request, reply) => {
    const v = village(request)
    return reply.view('elections/bal-panchayat', {
      village: v,
      terms: balPanchayat(request.ctx, v.id),
      values: {},
      errors: {},
    })
  })

  app.post('/villages/:villageId/bal-panchayat/members/:memberId/departure', organisers, async (request, reply) => {
    const v = village(request)
    const memberId = routeId(request.params, 'memberId')
    return submitForm(
      request,
      reply,
      {
        page: 'elections/bal-panchayat',
        partial: 'elections/bal-panchayat',
        data: () => ({ village: v, terms: balPanchayat(request.ctx, v.id), memberId }),
      },
      () => {
        const { replacement } = memberLeaves(
          request.ctx,
          v.id,
          memberId,
          parseForm(memberDepartureSchema, request.body),
        )
        return { to: `/villages/${v.id}/bal-panchayat`, flash: replacement ? 'members.replaced' : 'members.leftVacant' }
      },
    )
  })

  function nominationPage(
    request: FastifyRequest,
    electionId: number,
    contestId: number,
    values: Record<string, unknown>,
  ) {
    const { election } = getElection(request.ctx, electionId)
    const contest = getContest(request.ctx, electionId, contestId)
    const taken = new Set(
      electionCandidates(request.ctx, electionId)
        .filter((c) => c.contestId === contestId)
        .map((c) => c.symbol),
    )
    return {
      election,
      contest,
      children: eligibleToStand(request.ctx, electionId),
      symbols: symbols.filter((s) => !taken.has(s)),
      values,
      errors: {},
    }
  }
}

/** The rule sentence for a contest form's values, or nothing while they are not valid yet. */
function ruleFor(values: unknown, electionId: number, t: Translate): string {
  // The name plays no part in the rule: a form without one yet still gets its sentence.
  const parsed = contestSchema.safeParse({ ...(typeof values === 'object' ? values : {}), name: 'rule' })
  return parsed.success ? describeRule({ ...parsed.data, id: 0, electionId, position: 0 }, t) : ''
}

/** Fields named prefix<id> (votes_12, lot_12) as a map from id to number. */
function numbered(body: Record<string, unknown>, prefix: string): Map<number, number> {
  const out = new Map<number, number>()
  for (const [k, v] of Object.entries(body))
    if (k.startsWith(prefix)) out.set(Number(k.slice(prefix.length)), Number(v))
  return out
}

function contestValues(c: ReturnType<typeof getContest>): Record<string, unknown> {
  return { ...c, seatTitles: c.seatTitles.join('\n'), share: shareChoiceOf(c), girlsMinimum: c.girlsMinimum ?? '' }
}
