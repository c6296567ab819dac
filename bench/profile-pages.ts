/**
 * Where a staff page's time goes (issue 14): the app (src/server.ts, as bench/staff-pages.ts runs it:
 * production mode, npm start's Node flags, the demo village, a logged-in facilitator or Gram
 * Panchayat member) under V8's CPU profiler (bench/profiled-server.ts) while autocannon asks for
 * each staff page for PROFILE_SECONDS (5) at 10 connections. Prints one JSON line per page: the
 * requests a second under the profiler, the share of the busy time in each group of work, and the
 * PROFILE_TOP (10) functions with the most self time. Not a figure with a target: the answer to
 * "what is left". Time in native code (a socket write, a SQLite call) counts for the JavaScript that
 * called it; idle time is left out.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Profiler } from 'node:inspector'
import { demoDatabase, demoPassword } from './demo.ts'
import { cookieHeader, emit, load, loggedIn, startServer, tempDir } from './harness.ts'

/** The work each function does, by where it is: the first rule that matches a file (or a name) wins. */
const groups: [string, (url: string) => boolean][] = [
  [
    'http: parsing, headers, writing to the socket',
    (url) => /^node:(_http|net|buffer|internal\/(stream|http))/.test(url),
  ],
  [
    'sessions, cookies, csrf (hashes, signatures)',
    (url) =>
      /@fastify\/(session|cookie|csrf)|node_modules\/cookie\/|safe-stable-stringify|node:internal\/crypto|src\/web\/(session|cookie-signer|csrf)/.test(
        url,
      ),
  ],
  [
    'templates and words',
    (url) => /\/eta\/|@fastify\/view|view-engine|view-helpers|src\/i18n|i18next|core\/dates|<template>/.test(url),
  ],
  ['database and read caches', (url) => /better-sqlite3|drizzle-orm|src\/db\//.test(url)],
  [
    'fastify, hooks, plugins',
    (url) => /fastify|find-my-way|toad-cache|avvio|pino|security-headers|src\/app\.ts/.test(url),
  ],
  ['event loop, promises', (url) => /^node:(events|timers|internal\/(process|timers|async))/.test(url)],
  ["the pages' own code (routes, domains, input checks)", (url) => url.includes('/src/') || url.includes('/zod/')],
  ['other', () => true],
]

const SECONDS = Number(process.env.PROFILE_SECONDS ?? 5)
const TOP = Number(process.env.PROFILE_TOP ?? 10)
const dir = tempDir('bp-bench-profile-')
const file = path.join(dir, 'demo.sqlite')
const ids = await demoDatabase(file)
const out = path.join(dir, 'profile')
const app = await startServer('bench/profiled-server.ts', {
  DATABASE_PATH: file,
  SESSION_SECRET: 'bench-secret-0123456789abcdefghijklmnop',
  PROFILE_OUT: out,
})
try {
  const facilitator = cookieHeader(await loggedIn(app.base, 'facilitator', demoPassword))
  const panchayat = cookieHeader(await loggedIn(app.base, 'panchayat', demoPassword))
  const pages = [
    { page: 'register', path: `/villages/${ids.villageId}/children`, cookie: facilitator },
    { page: 'result', path: `/elections/${ids.finished}/result`, cookie: facilitator },
    { page: 'inbox', path: '/inbox', cookie: panchayat },
  ]
  for (const [i, p] of pages.entries()) {
    const url = app.base + p.path
    const headers = { cookie: p.cookie }
    await load({ url, connections: 10, duration: 1, headers })
    app.child.kill('SIGUSR2')
    const r = await load({ url, connections: 10, duration: SECONDS, headers })
    app.child.kill('SIGHUP')
    const profile = await written(`${out}.${i + 1}.cpuprofile`)
    emit({
      figure: 'staff_page_profile',
      page: p.page,
      path: p.path.replace(/\d+/g, ':id'),
      seconds: SECONDS,
      rps_profiled: Math.round(r.perSecond('2xx')),
      failed: r.failures('2xx'),
      ...breakdown(profile),
    })
  }
} finally {
  app.stop()
}

async function written(file: string): Promise<Profiler.Profile> {
  for (let waited = 0; !fs.existsSync(file); waited += 50) {
    if (waited > 10_000) throw new Error(`no profile in ${file}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  await new Promise((r) => setTimeout(r, 100))
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Profiler.Profile
}

/**
 * Self time by function and by group. A sample in native code or a builtin (no file) counts for the
 * nearest caller with a file; eta's compiled templates (no file either, but a name of their own
 * making) count as templates.
 */
function breakdown(profile: Profiler.Profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const where = (id: number): { fn: string; url: string } => {
    const own = byId.get(id)!.callFrame
    if (own.functionName === '(garbage collector)') return { fn: own.functionName, url: '' }
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const { functionName, url, lineNumber } = byId.get(at)!.callFrame
      if (url) return { fn: functionName || '(anonymous)', url }
      // No file but a line: a function eta compiled from a template (native code has no line).
      if (lineNumber >= 0) return { fn: functionName || '(template)', url: '<template>' }
    }
    return { fn: own.functionName || '(native)', url: '' }
  }
  const self = new Map<string, number>()
  const byGroup = new Map<string, number>()
  let busy = 0
  const counts = new Map<number, number>()
  for (const id of profile.samples ?? []) counts.set(id, (counts.get(id) ?? 0) + 1)
  for (const [id, n] of counts) {
    const name = byId.get(id)!.callFrame.functionName
    if (name === '(idle)' || name === '(program)') continue
    busy += n
    const { fn, url } = where(id)
    const file = url.replace(/^file:\/\//, '').replace(`${process.cwd()}/`, '')
    const native = byId.get(id)!.callFrame.lineNumber < 0 && name !== '(garbage collector)'
    const label = `${native && name ? `${name} in ` : ''}${fn} ${file}`.trim()
    self.set(label, (self.get(label) ?? 0) + n)
    const group = fn === '(garbage collector)' ? 'garbage collection' : groups.find(([, test]) => test(url))![0]
    byGroup.set(group, (byGroup.get(group) ?? 0) + n)
  }
  const pct = (n: number) => Number(((100 * n) / busy).toFixed(1))
  return {
    groups_pct: Object.fromEntries([...byGroup].sort((a, b) => b[1] - a[1]).map(([g, n]) => [g, pct(n)])),
    top: [...self]
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP)
      .map(([fn, n]) => ({ fn, self_pct: pct(n) })),
  }
}
