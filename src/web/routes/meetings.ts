import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { parseForm, routeId, typedValues } from '../forms.ts'
import { InvalidInput } from '../../core/errors.ts'
import { once } from '../../audit/form-keys.ts'
import { redirectAfter, render, submitForm } from '../render.ts'
import { getVillage } from '../../villages/villages.ts'
import { requireRole, wantsFragment } from '../context.ts'
import { formatInstant, todayIso } from '../../core/dates.ts'
import { sheetWords } from '../view-helpers.ts'
import { categories } from '../../resolutions/tables.ts'
import { meetingList, meetingPage as readMeetingPage } from '../../resolutions/meeting-page.ts'
import { resolutionSchema } from '../../resolutions/schemas.ts'
import { recordResolution } from '../../resolutions/resolutions.ts'
import { casesForMeeting } from '../../cases/cases.ts'
import { translator } from '../../i18n/translator.ts'
import {
  addActionPoint,
  addAgendaItem,
  addAmendment,
  addOutOfSchoolItem,
  attendanceRecord,
  balPanchayatFor,
  cancelMeeting,
  closeMeeting,
  getMeeting,
  moveAgendaItem,
  postponeMeeting,
  villageQuorumRule,
  recordAttendance,
  recordGuests,
  removeActionPoint,
  removeAgendaItem,
  renameAgendaItem,
  saveMinutes,
  scheduleMeeting,
  setQuorumRule,
  startMeeting,
  updateMeeting,
} from '../../meetings/meetings.ts'
import {
  actionPointSchema,
  agendaItemSchema,
  amendmentSchema,
  attendanceSchema,
  cancelSchema,
  chairQuerySchema,
  guestsSchema,
  meetingSchema,
  minutesSchema,
  moveSchema,
  postponeSchema,
  quorumRuleSchema,
  scheduleSchema,
  startSchema,
} from '../../meetings/schemas.ts'
import { girlsQuorumShares, quorumShares } from '../../meetings/tables.ts'

export async function meetingRoutes(app: FastifyInstance) {
  const keepers = { config: { roles: ['admin', 'facilitator'] as const } }
  const village = (request: FastifyRequest) =>
    getVillage(requireRole(request.ctx), routeId(request.params, 'villageId'))
  const meetingOf = (request: FastifyRequest) => getMeeting(request.ctx, routeId(request.params))
  const members = (villageId: number, day: string, request: FastifyRequest) =>
    balPanchayatFor(request.ctx, villageId, day)
  /**
   * The chair is chosen among the members seated on the day typed in the form: that day (only a real
   * one: what was typed may be anything) and its members, none for a day not valid.
   */
  const chairsOn = (villageId: number, typed: unknown, request: FastifyRequest) => {
    const { date } = chairQuerySchema.safeParse({ date: typed }).data ?? { date: '' }
    return { chairDay: date, members: date ? members(villageId, date, request) : [] }
  }
  const bodyOf = (request: FastifyRequest) => (request.body ?? {}) as Record<string, unknown>

  /**
   * The meeting's page (resolutions/meeting-page.ts), with the form state the route adds, and the open cases
   * its item "children not in school" lists, read from cases: null for whoever may not see cases.
   */
  const meetingPage = (request: FastifyRequest, extra: Record<string, unknown> = {}) => {
    const page = readMeetingPage(request.ctx, routeId(request.params))
    const item = page.agenda.find((i) => i.kind === 'out_of_school')
    const outOfSchool = item ? casesForMeeting(request.ctx, page.meeting.villageId, item.id) : null
    return { ...page, outOfSchool, errors: {}, values: {}, ...extra }
  }
  const back = (request: FastifyRequest, anchor = '') => `/meetings/${routeId(request.params)}${anchor}`

  app.get('/villages/:villageId/meetings', keepers, async (request, reply) => {
    const v = village(request)
    return reply.view('meetings/index', {
      village: v,
      meetings: meetingList(request.ctx, v.id),
      rule: villageQuorumRule(request.ctx, v.id),
      hasMembers: members(v.id, todayIso(), request).length > 0,
    })
  })

  app.get('/villages/:villageId/meetings/new', keepers, async (request, reply) => {
    const v = village(request)
    return reply.view('meetings/new', {
      village: v,
      ...chairsOn(v.id, todayIso(), request),
      values: { date: todayIso(), time: '16:00' },
      errors: {},
    })
  })

  /** The chair field again, for the day now typed in the meeting form (htmx swaps it in place). */
  app.get('/villages/:villageId/meetings/chair', keepers, async (request, reply) => {
    const v = village(request)
    const query = chairQuerySchema.safeParse(request.query).data ?? { date: '', chairChildId: '' }
    return reply.header('Vary', 'HX-Request').view('meetings/_chair', {
      village: v,
      ...chairsOn(v.id, query.date, request),
      values: query,
      errors: {},
    })
  })

  app.post('/villages/:villageId/meetings', keepers, async (request, reply) => {
    const v = village(request)
    return submitForm(
      request,
      reply,
      {
        page: 'meetings/new',
        partial: 'meetings/_form',
        data: () => ({ village: v, ...chairsOn(v.id, bodyOf(request).date, request) }),
      },
      () => {
        const meeting = scheduleMeeting(request.ctx, v.id, parseForm(scheduleSchema, request.body))
        return { to: `/meetings/${meeting.id}`, flash: 'meetings.scheduled' }
      },
    )
  })

  app.get('/villages/:villageId/quorum', keepers, async (request, reply) => {
    const v = village(request)
    return reply.view('meetings/quorum', {
      village: v,
      values: villageQuorumRule(request.ctx, v.id),
      errors: {},
      quorumShares,
      girlsQuorumShares,
    })
  })

  app.post('/villages/:villageId/quorum', keepers, async (request, reply) => {
    const v = village(request)
    return submitForm(
      request,
      reply,
      { page: 'meetings/quorum', partial: 'meetings/quorum', data: { village: v, quorumShares, girlsQuorumShares } },
      () => {
        setQuorumRule(request.ctx, v.id, parseForm(quorumRuleSchema, request.body))
        return { to: `/villages/${v.id}/meetings`, flash: 'quorum.saved' }
      },
    )
  })

  app.get('/villages/:villageId/bal-panchayat/attendance', keepers, async (request, reply) => {
    const v = village(request)
    return reply.view('meetings/attendance-record', { village: v, record: attendanceRecord(request.ctx, v.id) })
  })

  app.get('/meetings/:id', keepers, async (request, reply) => reply.view('meetings/show', meetingPage(request)))

  app.get('/meetings/:id/edit', keepers, async (request, reply) => {
    const { meeting } = meetingOf(request)
    return reply.view('meetings/edit', {
      meeting,
      ...chairsOn(meeting.villageId, meeting.date, request),
      values: meeting,
      errors: {},
    })
  })

  app.post('/meetings/:id', keepers, async (request, reply) => {
    const { meeting } = meetingOf(request)
    return submitForm(
      request,
      reply,
      {
        page: 'meetings/edit',
        partial: 'meetings/_form',
        data: () => ({ meeting, ...chairsOn(meeting.villageId, bodyOf(request).date, request) }),
      },
      () => {
        updateMeeting(request.ctx, meeting.id, parseForm(meetingSchema, request.body))
        return { to: back(request), flash: 'meetings.saved' }
      },
    )
  })

  /** Agenda edits: htmx gets the agenda back in place (a redirect to the same page would only move to its anchor). */
  const agendaForm = async (request: FastifyRequest, reply: FastifyReply, act: () => void, editItem?: number) => {
    try {
      // Adding an item carries a one-time key: a repeat of it adds nothing (audit/form-keys.ts).
      await once(request, () => {
        act()
        return { to: back(request, '#agenda') }
      })
    } catch (err) {
      if (!(err instanceof InvalidInput)) throw err
      return render(
        request,
        reply.code(422),
        'meetings/show',
        'meetings/_agenda',
        meetingPage(request, {
          errors: err.fields,
          values: { ...typedValues((request.body ?? {}) as Record<string, unknown>), ...err.values },
          editItem,
        }),
      )
    }
    if (!wantsFragment(request)) return redirectAfter(request, reply, back(request, '#agenda'))
    return render(request, reply, 'meetings/show', 'meetings/_agenda', meetingPage(request))
  }

  app.post('/meetings/:id/agenda', keepers, async (request, reply) =>
    agendaForm(request, reply, () =>
      addAgendaItem(request.ctx, routeId(request.params), parseForm(agendaItemSchema, request.body).title),
    ),
  )

  /** The item "children not in school", titled in the village's words (Hindi), whoever adds it. */
  app.post('/meetings/:id/agenda/out-of-school', keepers, async (request, reply) =>
    agendaForm(request, reply, () =>
      addOutOfSchoolItem(request.ctx, routeId(request.params), translator('hi')('agenda.outOfSchoolTitle')),
    ),
  )

  app.post('/meetings/:id/agenda/:itemId', keepers, async (request, reply) =>
    agendaForm(
      request,
      reply,
      () =>
        renameAgendaItem(
          request.ctx,
          routeId(request.params),
          routeId(request.params, 'itemId'),
          parseForm(agendaItemSchema, request.body).title,
        ),
      routeId(request.params, 'itemId'),
    ),
  )

  app.post('/meetings/:id/agenda/:itemId/removal', keepers, async (request, reply) =>
    agendaForm(request, reply, () =>
      removeAgendaItem(request.ctx, routeId(request.params), routeId(request.params, 'itemId')),
    ),
  )

  app.post('/meetings/:id/agenda/:itemId/move', keepers, async (request, reply) =>
    agendaForm(request, reply, () =>
      moveAgendaItem(
        request.ctx,
        routeId(request.params),
        routeId(request.params, 'itemId'),
        parseForm(moveSchema, request.body).direction,
      ),
    ),
  )

  /** Started now, or typed in from the paper register; on another day than planned, with a reason. */
  app.post('/meetings/:id/start', keepers, async (request, reply) =>
    submitForm(
      request,
      reply,
      { page: 'meetings/show', partial: 'meetings/show', data: () => meetingPage(request, { form: 'start' }) },
      () => {
        startMeeting(request.ctx, routeId(request.params), parseForm(startSchema, request.body))
        return { to: back(request, '#attendance'), flash: 'meetings.started' }
      },
    ),
  )

  app.post('/meetings/:id/postponement', keepers, async (request, reply) =>
    submitForm(
      request,
      reply,
      { page: 'meetings/show', partial: 'meetings/show', data: () => meetingPage(request, { form: 'postpone' }) },
      () => {
        postponeMeeting(request.ctx, routeId(request.params), parseForm(postponeSchema, request.body))
        return { to: back(request), flash: 'meetings.postponing.done' }
      },
    ),
  )

  app.post('/meetings/:id/cancellation', keepers, async (request, reply) =>
    submitForm(
      request,
      reply,
      { page: 'meetings/show', partial: 'meetings/show', data: () => meetingPage(request, { form: 'cancel' }) },
      () => {
        cancelMeeting(request.ctx, routeId(request.params), parseForm(cancelSchema, request.body))
        return { to: back(request), flash: 'meetings.cancelling.done' }
      },
    ),
  )

  /** One tap per member: htmx swaps the roll and the quorum; without it the page reloads at the roll. */
  app.post('/meetings/:id/attendance/:childId', keepers, async (request, reply) => {
    const { present } = parseForm(attendanceSchema, request.body)
    recordAttendance(request.ctx, routeId(request.params), routeId(request.params, 'childId'), present)
    if (!wantsFragment(request)) return redirectAfter(request, reply, back(request, '#attendance'))
    return reply.header('Vary', 'HX-Request').view('meetings/_attendance', meetingPage(request))
  })

  app.post('/meetings/:id/guests', keepers, async (request, reply) =>
    submitForm(
      request,
      reply,
      { page: 'meetings/show', partial: 'meetings/_attendance', data: () => meetingPage(request) },
      () => {
        recordGuests(request.ctx, routeId(request.params), parseForm(guestsSchema, request.body))
        return { to: back(request, '#attendance'), flash: 'meetings.guestsSaved' }
      },
    ),
  )

  /** Autosave answers JSON to the page's script; a plain form post is redirected like any other. */
  app.post('/meetings/:id/items/:itemId/minutes', keepers, async (request, reply) => {
    const itemId = routeId(request.params, 'itemId')
    const saved = saveMinutes(request.ctx, routeId(request.params), itemId, parseForm(minutesSchema, request.body))
    if ((request.headers.accept ?? '').includes('application/json')) {
      return { revision: saved.revision, savedAt: formatInstant(saved.updatedAt, request.ctx.lang) }
    }
    return redirectAfter(request, reply, back(request, `#item-${itemId}`), 'minutes.saved')
  })

  app.post('/meetings/:id/items/:itemId/actions', keepers, async (request, reply) => {
    const itemId = routeId(request.params, 'itemId')
    return submitForm(
      request,
      reply,
      { page: 'meetings/show', partial: 'meetings/show', data: () => meetingPage(request, { actionItem: itemId }) },
      () => {
        addActionPoint(request.ctx, routeId(request.params), itemId, parseForm(actionPointSchema, request.body))
        return { to: back(request, `#item-${itemId}`), flash: 'actions.added' }
      },
    )
  })

  app.post('/meetings/:id/actions/:actionId/removal', keepers, async (request, reply) => {
    removeActionPoint(request.ctx, routeId(request.params), routeId(request.params, 'actionId'))
    return redirectAfter(request, reply, back(request), 'actions.removed')
  })

  const resolutionPage = (request: FastifyRequest, values: Record<string, unknown>) => {
    const page = meetingPage(request)
    return { ...page, present: page.roll.filter((r) => r.present), categories, values, errors: {} }
  }

  app.get('/meetings/:id/resolutions/new', keepers, async (request, reply) => {
    const item = (request.query as Record<string, string>).item ?? ''
    return reply.view(
      'meetings/resolution-new',
      resolutionPage(request, { agendaItemId: item, votesFor: '', votesAgainst: '0', votesAbstain: '0' }),
    )
  })

  app.post('/meetings/:id/resolutions', keepers, async (request, reply) =>
    submitForm(
      request,
      reply,
      {
        page: 'meetings/resolution-new',
        partial: 'meetings/_resolution-form',
        data: () => resolutionPage(request, {}),
      },
      () => {
        const resolution = recordResolution(
          request.ctx,
          routeId(request.params),
          parseForm(resolutionSchema, request.body),
        )
        return {
          to: back(request, `#resolution-${resolution.id}`),
          flash: resolution.number ? 'resolutions.passedFlash' : 'resolutions.failedFlash',
        }
      },
    ),
  )

  app.post('/meetings/:id/closing', keepers, async (request, reply) => {
    closeMeeting(request.ctx, routeId(request.params))
    request.server.backups?.soon('meeting closed')
    return redirectAfter(request, reply, back(request), 'meetings.closed')
  })

  app.post('/meetings/:id/amendments', keepers, async (request, reply) =>
    submitForm(
      request,
      reply,
      { page: 'meetings/show', partial: 'meetings/show', data: () => meetingPage(request) },
      () => {
        addAmendment(request.ctx, routeId(request.params), parseForm(amendmentSchema, request.body))
        return { to: back(request, '#amendments'), flash: 'amendments.added' }
      },
    ),
  )

  /** The minutes as the village's paper register has them: Hindi unless English is asked for. */
  app.get('/meetings/:id/minutes', keepers, async (request, reply) => {
    // The minutes go to the Gram Panchayat: no child of a case on them, only what was typed in the minutes.
    return reply.view('meetings/minutes', { ...meetingPage(request), outOfSchool: null, ...sheetWords(request.query) })
  })
}
