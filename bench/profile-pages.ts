/**
 * Where a staff page's time goes: the app built in this process (production mode) on the demo
 * village (bench/demo.ts), each staff page asked for many times through fastify's inject under the
 * V8 CPU profiler, then the functions with the most self time printed, one JSON line per page (and
 * one for the three together). Not a figure with a target: the answer to "what is left" (issue 14).
 * PROFILE_REQUESTS (300) requests a page; PROFILE_TOP (10) functions shown.
 */
import fs from 'node:fs'
import path from 'node:path'
import { Session, type Profiler } from 'node:inspector/promises'
import { demoDatabase, demoPassword } from './demo.ts'
import { emit, tempDir } from './harness.ts'

process.env.NODE_ENV = 'production'
const { build } = await import('../src/app.ts')

const REQUESTS = Number(process.env.PROFILE_REQUESTS ?? 300)
const TOP = Number(process.env.PROFILE_TOP ?? 10)
const dir = tempDir('bp-bench-profile-')
const file = path.join(dir, 'demo.sqlite')
const ids = await demoDatabase(file)
const app = await build({ databasePath: file, sessionSecret: 'bench-secret-0123456789abcdefghijklmnop' })
await app.ready()

/** Logs in through the login form as a browser does; the cookies to send. */
async function login(username: string): Promise<string> {
  const jar = new Map<string, string>()
  const keep = (res: { headers: Record<string, unknown> }) => {
    for (const c of [res.headers['set-cookie'] ?? []].flat() as string[]) {
      const [pair] = c.split(';')
      const i = pair.indexOf('=')
      jar.set(pair.slice(0, i), pair.slice(i + 1))
    }
  }
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
  const page = await app.inject({ method: 'GET', url: '/login' })
  keep(page)
  const csrf = /name="csrf-token" content="([^"]+)"/.exec(page.body)?.[1] ?? ''
  const res = await app.inject({
    method: 'POST',
    url: '/login',
    headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrf, username, password: demoPassword }).toString(),
  })
  if (res.statusCode !== 303) throw new Error(`login as ${username} answered ${res.statusCode}`)
  keep(res)
  return cookie()
}

const facilitator = await login('facilitator')
const panchayat = await login('panchayat')
const pages = [
  { page: 'register', url: `/villages/${ids.villageId}/children`, cookie: facilitator },
  { page: 'result', url: `/elections/${ids.finished}/result`, cookie: facilitator },
  { page: 'inbox', url: '/inbox', cookie: panchayat },
]
// As the load test's browser-less client: no accept-encoding, so no compression (as autocannon).
const ask = async (p: (typeof pages)[number]) => {
  const res = await app.inject({ method: 'GET', url: p.url, headers: { cookie: p.cookie } })
  if (res.statusCode !== 200) throw new Error(`${p.url} answered ${res.statusCode}`)
}

const session = new Session()
session.connect()
await session.post('Profiler.enable')
await session.post('Profiler.setSamplingInterval', { interval: 100 })
const all: Profiler.Profile[] = []
try {
  for (const p of pages) {
    for (let i = 0; i < 50; i++) await ask(p) // warm-up: compiled templates, optimised code
    await session.post('Profiler.start')
    const t0 = performance.now()
    for (let i = 0; i < REQUESTS; i++) await ask(p)
    const ms = (performance.now() - t0) / REQUESTS
    const { profile } = await session.post('Profiler.stop')
    all.push(profile)
    if (process.env.PROFILE_SAVE)
      fs.writeFileSync(path.join(process.env.PROFILE_SAVE, `${p.page}.cpuprofile`), JSON.stringify(profile))
    emit({
      figure: 'staff_page_profile',
      page: p.page,
      requests: REQUESTS,
      ms_per_page: Number(ms.toFixed(3)),
      top: top(profile),
    })
  }
  emit({ figure: 'staff_page_profile', page: 'all', top: top(...all) })
} finally {
  session.disconnect()
  await app.close()
}

/** The functions with the most self time, as `name file:line` and their share of the samples (idle left out). */
function top(...profiles: Profiler.Profile[]) {
  const self = new Map<string, number>()
  let total = 0
  for (const profile of profiles) {
    const byId = new Map(profile.nodes.map((n) => [n.id, n]))
    const counts = new Map<number, number>()
    for (const id of profile.samples ?? []) counts.set(id, (counts.get(id) ?? 0) + 1)
    for (const [id, n] of counts) {
      const { functionName, url, lineNumber } = byId.get(id)!.callFrame
      if (functionName === '(idle)' || functionName === '(program)') continue
      const where = url ? `${url.replace(/^file:\/\//, '').replace(`${process.cwd()}/`, '')}:${lineNumber + 1}` : ''
      const name = `${functionName || '(anonymous)'} ${where}`.trim()
      self.set(name, (self.get(name) ?? 0) + n)
      total += n
    }
  }
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP)
    .map(([fn, n]) => ({ fn, self_pct: Number(((100 * n) / total).toFixed(1)) }))
}
