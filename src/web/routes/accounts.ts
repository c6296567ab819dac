import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { parseForm, routeId } from '../forms.ts'
import { DomainError, InvalidInput } from '../../core/errors.ts'
import { redirectAfter, safeLocalPath, submitForm } from '../render.ts'
import { requireRole } from '../context.ts'
import { getVillage, listVillages } from '../../villages/villages.ts'
import type { StaffCtx } from '../context.ts'
import { beginSession, endSession, renewSession } from '../session-policy.ts'
import {
  logIn,
  changeOwnPassword,
  setUpFirstCoordinator,
  createUser,
  getUser,
  setupNeeded,
  listUsers,
  resetPassword,
  setUserActive,
} from '../../accounts/accounts.ts'
import {
  changePasswordSchema,
  languageSchema,
  loginSchema,
  resetPasswordSchema,
  setupSchema,
  userSchema,
} from '../../accounts/schemas.ts'

const ONE_YEAR = 365 * 24 * 3600

export async function accountRoutes(app: FastifyInstance) {
  const pub = { config: { public: true } }
  const admin = { config: { roles: ['admin'] as const } }
  // Guesses at the current password are limited as logins are, per account (a stolen session is one account).
  const passwordTries = {
    ...app.loginRateLimit,
    keyGenerator: (request: FastifyRequest) =>
      request.session?.userId ? `user:${request.session.userId}` : `ip:${request.ip}`,
    errorResponseBuilder: () => new DomainError(429, 'account.tooManyTries'),
  }

  app.get('/setup', pub, async (request, reply) => {
    if (!setupNeeded(request.ctx)) return reply.redirect('/login', 303)
    return reply.view('accounts/setup', { values: {}, errors: {} })
  })

  app.post('/setup', pub, async (request, reply) => {
    if (!setupNeeded(request.ctx)) return reply.redirect('/login', 303)
    return submitForm(request, reply, { page: 'accounts/setup', partial: 'accounts/setup', data: {} }, async () => {
      const actor = await setUpFirstCoordinator(request.ctx, parseForm(setupSchema, request.body))
      await beginSession(request, reply, actor.id)
      return { to: '/villages', flash: 'setup.done' }
    })
  })

  app.get('/login', pub, async (request, reply) => {
    if (setupNeeded(request.ctx)) return reply.redirect('/setup', 303)
    if (request.ctx.actor) return reply.redirect('/', 303)
    const next = safeLocalPath((request.query as Record<string, unknown>).next, '')
    return reply.view('accounts/login', { values: { next }, errors: {} })
  })

  app.post('/login', { config: { public: true, rateLimit: app.loginRateLimit } }, async (request, reply) =>
    submitForm(request, reply, { page: 'accounts/login', partial: 'accounts/login', data: {} }, async () => {
      const input = parseForm(loginSchema, request.body)
      const actor = await logIn(request.ctx, input.username, input.password)
      if (!actor)
        throw new InvalidInput({ _form: { key: 'login.failed' } }, { username: input.username, next: input.next ?? '' })
      await beginSession(request, reply, actor.id)
      return { to: safeLocalPath(input.next) }
    }),
  )

  app.post('/logout', pub, async (request, reply) => {
    await endSession(request, reply)
    return redirectAfter(request, reply, '/login', 'login.loggedOut')
  })

  app.post('/language', pub, async (request, reply) => {
    const parsed = languageSchema.safeParse(request.body ?? {})
    const lang = parsed.success ? parsed.data.lang : 'hi'
    reply.setCookie('lang', lang, { path: '/', maxAge: ONE_YEAR, sameSite: 'lax', httpOnly: true })
    return redirectAfter(request, reply, safeLocalPath(parsed.success ? parsed.data.back : undefined))
  })

  app.get('/account/password', async (_request, reply) => reply.view('accounts/password', { values: {}, errors: {} }))

  app.post('/account/password', { config: { rateLimit: passwordTries } }, async (request, reply) =>
    submitForm(request, reply, { page: 'accounts/password', partial: 'accounts/password', data: {} }, async () => {
      const input = parseForm(changePasswordSchema, request.body)
      await changeOwnPassword(requireRole(request.ctx), input.current, input.password)
      await renewSession(request, reply)
      return { to: '/', flash: 'account.passwordChanged' }
    }),
  )

  app.get('/users', admin, async (request, reply) =>
    reply.view('accounts/users/index', { users: listUsers(requireRole(request.ctx, 'admin')) }),
  )

  app.get('/users/new', admin, async (request, reply) => {
    const villages = listVillages(requireRole(request.ctx, 'admin'))
    const villageId = (request.query as Record<string, string>).villageId ?? ''
    return reply.view('accounts/users/new', { villages, values: { role: 'facilitator', villageId }, errors: {} })
  })

  app.post('/users', admin, async (request, reply) => {
    const ctx = requireRole(request.ctx, 'admin')
    return submitForm(
      request,
      reply,
      { page: 'accounts/users/new', partial: 'accounts/users/_form', data: { villages: listVillages(ctx) } },
      async () => {
        const user = await createUser(ctx, parseForm(userSchema, request.body))
        return { to: `/users/${user.id}`, flash: 'users.createdFlash' }
      },
    )
  })

  app.get('/users/:id', admin, async (request, reply) => {
    const ctx = requireRole(request.ctx, 'admin')
    const user = getUser(ctx, routeId(request.params))
    return reply.view('accounts/users/show', {
      user,
      village: userVillage(ctx, user.villageId),
      values: {},
      errors: {},
    })
  })

  app.post('/users/:id/password', admin, async (request, reply) => {
    const ctx = requireRole(request.ctx, 'admin')
    const user = getUser(ctx, routeId(request.params))
    return submitForm(
      request,
      reply,
      {
        page: 'accounts/users/show',
        partial: 'accounts/users/show',
        data: { user, village: userVillage(ctx, user.villageId) },
      },
      async () => {
        await resetPassword(ctx, user.id, parseForm(resetPasswordSchema, request.body).password)
        return { to: `/users/${user.id}`, flash: 'users.passwordReset' }
      },
    )
  })

  app.post('/users/:id/activation', admin, async (request, reply) => {
    const id = routeId(request.params)
    const { active } = parseForm(z.object({ active: z.enum(['yes', 'no'], 'v.choose') }), request.body)
    setUserActive(requireRole(request.ctx, 'admin'), id, active === 'yes')
    return redirectAfter(request, reply, `/users/${id}`, active === 'yes' ? 'users.enabled' : 'users.disabledFlash')
  })
}

function userVillage(ctx: StaffCtx, villageId: number | null) {
  return villageId ? getVillage(ctx, villageId) : null
}
