import path from 'node:path'
import { createHmac } from 'node:crypto'
import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from 'fastify'
import cookie from '@fastify/cookie'
import session from '@fastify/session'
import compress from '@fastify/compress'
import { assetCompression, oneShotZlib } from './web/one-shot-compression.ts'
import rateLimit from '@fastify/rate-limit'
import formbody from '@fastify/formbody'
import fastifyStatic from '@fastify/static'
import view from '@fastify/view'
import { projectRoot, type AppDatabase } from './db/client.ts'
import { openDatabase } from './database.ts'
import { SqliteSessionStore } from './web/session-store.ts'
import { databaseVersion } from './db/read-cache.ts'
import { applySessionLimits } from './web/session-policy.ts'
import { registerCsrf } from './web/csrf.ts'
import { setFlash } from './web/flash.ts'
import { pickLanguage, translator } from './i18n/translator.ts'
import { loadActor } from './web/context.ts'
import { registerErrorHandling } from './web/error-handler.ts'
import { registerSecurityHeaders } from './web/security-headers.ts'
import { rememberingSigner } from './web/cookie-signer.ts'
import { viewHelpers } from './web/view-helpers.ts'
import { type Splice, viewEngine } from './web/view-engine.ts'
import { schemaCompilersOnFirstUse } from './web/schema-compilers.ts'
import { FONT_DIR, fontVersions } from './web/fonts.ts'
import { assetCacheControl, assetFolders, assetUrl } from './web/assets.ts'
import { accountRoutes } from './web/routes/accounts.ts'
import { villageRoutes } from './web/routes/villages.ts'
import { peopleRoutes } from './web/routes/people.ts'
import { caseRoutes } from './web/routes/cases.ts'
import { auditRoutes } from './web/routes/audit.ts'
import { electionRoutes } from './web/routes/elections.ts'
import { meetingRoutes } from './web/routes/meetings.ts'
import { resolutionRoutes } from './web/routes/resolutions.ts'
import { figureRoutes } from './web/routes/figures.ts'
import { kioskRedirect, votingRoutes } from './web/routes/voting.ts'
import { redirectAfter } from './web/render.ts'
import { StorageWatch } from './web/storage.ts'
import { backupSchedule, type BackupOptions, type BackupSchedule } from './backups/backup-schedule.ts'
import { homeRoutes } from './web/routes/home.ts'
import { certificateRoutes } from './web/routes/certificate.ts'
import {
  isLoopback,
  neededForCertificate,
  overTls,
  refusePlainHttp,
  secureLocation,
  type SecureSetup,
} from './web/plain-http.ts'

export type BuildOptions = {
  /** An open database (tests) or a path to open. */
  database?: AppDatabase
  databasePath?: string
  sessionSecret: string
  logger?: boolean
  /** Where the request log goes (tests read it to prove no ballot choice is ever logged). */
  logStream?: NodeJS.WritableStream
  /** The session cookie always Secure, even on the box's own plain HTTP; else Secure exactly over TLS. */
  secureCookies?: boolean
  /**
   * HTTPS for every device but the box itself (server.ts): plain HTTP from another device gets only
   * the certificate pages, a redirect or a refusal. Without it (tests), plain HTTP serves everyone.
   */
  https?: SecureSetup
  loginRateLimit?: { max: number; timeWindow: number }
  /** The clock the session limits (30 minutes idle, 12 hours in all) are measured by; tests move it. */
  now?: () => number
  /** Watches the free space beside the database (tests give one with a made-up disk). */
  storage?: StorageWatch
  /** The automatic backups (BACKUP_DIR…): made here but idle until `app.backups.start()` (server.ts, or a test that asks). */
  backups?: BackupOptions
}

declare module 'fastify' {
  interface FastifyInstance {
    database: AppDatabase
    loginRateLimit: { max: number; timeWindow: number }
    now: () => number
    storage: StorageWatch
    /** The automatic backups, when configured: `soon()` after a poll or meeting closes, `status()` for the coordinator. */
    backups: BackupSchedule | null
    /** Whether a cookie set in answer to this request is Secure: over TLS, or always with `secureCookies`. */
    cookieSecure: (request: FastifyRequest) => boolean
    /** Every route with its config, for the tests that check access across the whole app. */
    routeTable: { method: string; url: string; config: { public?: boolean; roles?: readonly string[] } }[]
  }
}

const SESSION_DAYS = 7

export async function build(options: BuildOptions): Promise<FastifyInstance> {
  const database = options.database ?? openDatabase(options.databasePath ?? ':memory:')
  const app = Fastify({
    logger:
      options.logger || options.logStream
        ? {
            level: 'info',
            redact: ['req.headers.cookie', 'req.body'],
            ...(options.logStream ? { stream: options.logStream } : {}),
          }
        : false,
    // Real phones post forms of a few KB; anything much larger is not a person typing.
    bodyLimit: 256 * 1024,
    // One line per request that went wrong or was slow, not two per request: the village box
    // often runs on a small card, and a polling station makes many requests a minute.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
    // Routes check their input with zod: ajv and fast-json-stringify load only if a route ever needs them.
    schemaController: { compilersFactory: schemaCompilersOnFirstUse },
  })
  app.decorate('database', database)
  app.decorate('routeTable', [])
  app.addHook('onRoute', (route) => {
    // Read config late: a later onRoute hook (static files) may still mark the route public.
    for (const method of [route.method].flat())
      app.routeTable.push({
        method,
        url: route.url,
        get config() {
          return (route.config ?? {}) as never
        },
      })
  })
  // Ten wrong guesses a minute from one address, then a pause.
  app.decorate('loginRateLimit', options.loginRateLimit ?? { max: 10, timeWindow: 60_000 })
  if (!options.database) app.addHook('onClose', async () => database.close())
  app.decorate('now', options.now ?? Date.now)
  app.decorate('storage', options.storage ?? StorageWatch.forDatabase(database.sqlite.name))
  app.decorate(
    'backups',
    options.backups
      ? backupSchedule(database, { reserveBytes: app.storage.lowBytes, ...options.backups }, app.log)
      : null,
  )
  // Before the database closes (onClose): a backup under way finishes first.
  app.addHook('preClose', async () => {
    await app.backups?.stop()
  })
  app.decorate('cookieSecure', (request: FastifyRequest) => options.secureCookies === true || overTls(request))

  // Helmet's headers, worked out once (web/security-headers.ts).
  await registerSecurityHeaders(app, {
    hsts: false,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        // Served over plain HTTP on the village network: never ask the browser to upgrade.
        upgradeInsecureRequests: null,
      },
    },
  })
  // A page's kept partials go out as the bytes they were encoded to once (web/view-engine.ts): before
  // compression, which takes the page's bytes.
  app.addHook('onSend', (_request, reply, payload, done) => {
    const splice = (reply.locals as { splice?: Splice } | null)?.splice
    done(null, splice && typeof payload === 'string' ? splice.join(payload) : payload)
  })
  // Pages, CSS and htmx go out compressed: a phone on the village Wi-Fi loads a third of the bytes.
  // Each answer in one go once it is complete (web/one-shot-compression.ts): the same bytes, less memory and CPU.
  // Our own files and htmx, the same for everyone, as small as brotli makes them, compressed once and remembered.
  app.addHook('onRoute', (route) => {
    if (isAssetUrl(route.url)) route.config = { ...(route.config ?? {}), compress: assetCompression }
  })
  await app.register(compress, { global: true, threshold: 1024, encodings: ['br', 'gzip'], zlib: oneShotZlib })
  await app.register(formbody, { bodyLimit: 256 * 1024 })
  // The secret signs the CSRF cookie (web/csrf.ts); the session cookie is signed by the session plugin.
  await app.register(cookie, {
    secret: rememberingSigner(createHmac('sha256', options.sessionSecret).update('bp_csrf cookie').digest('base64url')),
  })
  const secure = options.https
  if (secure) {
    // Before the session is read: a refused request sets no cookie and changes nothing.
    app.addHook('onRequest', async (request, reply) => {
      if (overTls(request) || isLoopback(request.socket.remoteAddress) || neededForCertificate(request)) return
      if (request.method === 'GET' || request.method === 'HEAD')
        return reply.redirect(secureLocation(request, secure.port), 302)
      return refusePlainHttp(request, reply, secure.port)
    })
  }
  await app.register(session, {
    // Each request unsigns the cookie and signs the id again: remembered (web/cookie-signer.ts).
    secret: rememberingSigner(options.sessionSecret),
    cookieName: 'bp_session',
    // Each request's session is read again only after the database changed (web/session-store.ts).
    store: new SqliteSessionStore(database.sessions, { now: app.now, version: () => databaseVersion(database.sqlite) }),
    saveUninitialized: false,
    // Saved when it changes, not on every request: a tablet's votes are not slowed by session writes.
    rolling: false,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: options.secureCookies ? true : 'auto',
      path: '/',
      maxAge: SESSION_DAYS * 24 * 3600 * 1000,
    },
  })
  if (!options.secureCookies) {
    // 'auto' decides only for a new session; one begun over plain HTTP (the certificate page) would
    // keep Secure off over TLS, and so would the session a login makes from it.
    app.addHook('onRequest', (request, _reply, done) => {
      const tls = overTls(request)
      if (request.session?.cookie && request.session.cookie.secure !== tls) request.session.options({ secure: tls })
      done()
    })
  }
  await registerCsrf(app)
  await app.register(rateLimit, { global: false })
  await registerStatic(app)
  await app.register(view, {
    engine: { eta: viewEngine({ autoEscape: true, autoTrim: [false, 'nl'] }) },
    root: path.join(projectRoot, 'views'),
    production: process.env.NODE_ENV === 'production',
    // it.asset('/static/app.css'): a file of ours by its version (web/assets.ts), in every template, also those
    // drawn before a request has its helpers (the plain-HTTP refusal); it.usesHtmx(it.body) as those helpers have it.
    defaultContext: { asset: assetUrl, usesHtmx: (body: string) => body.includes('hx-') },
  })

  app.decorateRequest('ctx', null as never)
  app.addHook('preHandler', async (request, reply) => {
    const lang = pickLanguage(request.cookies.lang)
    const ended = await applySessionLimits(request, app.now())
    if (ended) setFlash(request, reply, ended === 'idle' ? 'login.endedIdle' : 'login.endedLong')
    const actor = loadActor(database.db, request.session.get('userId'))
    request.ctx = { db: database.db, actor, lang, t: translator(lang) }
    const config = request.routeOptions.config
    if (!config.public && !actor) {
      if (request.headers['hx-request'] === 'true') return reply.code(401).header('HX-Redirect', '/login').send()
      return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303)
    }
    const kiosk = actor ? await kioskRedirect(request, reply) : null
    if (kiosk) return redirectAfter(request, reply, kiosk)
    if (config.roles && (!actor || !config.roles.includes(actor.role))) {
      throw Object.assign(new Error('forbidden'), { statusCode: 403 })
    }
    if (!['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
      await new Promise<void>((resolve, reject) =>
        app.csrfProtection(request, reply, (err?: Error) => (err ? reject(err) : resolve())),
      )
    }
    reply.locals = viewHelpers(request, reply)
  })

  // Nothing a logged-in person saw stays in the browser's cache: Back on a shared tablet shows no roll, no register.
  // (Hooks that need not wait take the callback: no promise for each of them on every request.)
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.ctx?.actor && !reply.hasHeader('cache-control') && !/^\/(static|vendor)\//.test(request.url))
      reply.header('cache-control', 'no-store')
    done(null, payload)
  })

  app.addHook('onResponse', (request, reply, done) => {
    const ms = reply.elapsedTime
    if (reply.statusCode >= 400 || ms > 250) {
      request.log.warn(
        { method: request.method, url: request.url.split('?')[0], status: reply.statusCode, ms: Math.round(ms) },
        'request',
      )
    }
    done()
  })
  registerErrorHandling(app)
  app.get('/health', { config: { public: true } }, async () => {
    database.sqlite.prepare('SELECT 1').get()
    // {"status":"ok"} as the contract says; a disk running out of room is added when it is.
    const storage = app.storage.state()
    return storage === 'ok' ? { status: 'ok' } : { status: 'ok', storage }
  })
  await app.register(homeRoutes)
  await app.register(accountRoutes)
  await app.register(villageRoutes)
  await app.register(peopleRoutes)
  await app.register(caseRoutes)
  await app.register(auditRoutes)
  await app.register(electionRoutes)
  await app.register(votingRoutes)
  await app.register(meetingRoutes)
  await app.register(resolutionRoutes)
  await app.register(figureRoutes)
  if (secure) await app.register(certificateRoutes, { secure })
  return app
}

const isAssetUrl = (url: string) => url.startsWith('/static/') || url.startsWith('/vendor/')

/** Our own files, htmx straight from its npm package, and the Devanagari font cut from its package. */
async function registerStatic(app: FastifyInstance) {
  const maxAge = 7 * 24 * 3600 * 1000
  app.addHook('onRoute', (route) => {
    if (isAssetUrl(route.url)) route.config = { ...(route.config ?? {}), public: true }
  })
  // Pages name our files by their version (web/assets.ts): kept for good when so asked, else checked again.
  const versioned = (reply: { request: FastifyRequest; header: (name: string, value: string) => unknown }) => {
    reply.header('cache-control', assetCacheControl(reply.request.url, (reply.request.query as { v?: string }).v))
  }
  await app.register(fastifyStatic, {
    root: assetFolders['/static/'],
    prefix: '/static/',
    setHeaders: versioned,
  })
  await app.register(fastifyStatic, {
    root: assetFolders['/vendor/htmx/'],
    prefix: '/vendor/htmx/',
    decorateReply: false,
    allowedPath: (p) => /^\/htmx(\.min)?\.js$/.test(p),
    setHeaders: versioned,
  })
  // The font, cut from its package by scripts/subset-fonts.ts: its URLs carry the file's hash (?v=), kept for good.
  const versions = fontVersions()
  await app.register(fastifyStatic, {
    root: FONT_DIR,
    prefix: '/vendor/fonts/',
    decorateReply: false,
    maxAge,
    allowedPath: (p) => p.endsWith('.woff2'),
    setHeaders: (reply, file) => {
      if ((reply.request.query as { v?: string }).v === versions.get(path.basename(file)))
        reply.header('cache-control', 'public, max-age=31536000, immutable')
    },
  })
}
