/**
 * The yardstick for staff pages: fastify and @fastify/view rendering one eta table of N rows
 * (GET /rows/:n), the same engine and settings as the app, and nothing else: no session, no
 * database, no translation, no layout helpers.
 */
import path from 'node:path'
import Fastify from 'fastify'
import view from '@fastify/view'
import { Eta } from 'eta'

const rows = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    name: `सुनीता मीणा ${i + 1}`,
    gender: i % 2 ? 'लड़का' : 'लड़की',
    age: 6 + (i % 13),
    ward: String(1 + (i % 6)),
    school: 'राजकीय उच्च माध्यमिक विद्यालय, पापड़ी',
    guardian: 'रामेश्वर मीणा',
  }))
const cache = new Map<number, ReturnType<typeof rows>>()

const app = Fastify()
await app.register(view, {
  engine: { eta: new Eta({ autoEscape: true, autoTrim: [false, 'nl'] }) },
  root: path.join(import.meta.dirname, 'bare-views'),
  production: true,
})
app.get('/health', async () => ({ status: 'ok' }))
app.get('/rows/:n', async (request, reply) => {
  const n = Math.min(1000, Math.max(0, Number((request.params as { n: string }).n) || 0))
  if (!cache.has(n)) cache.set(n, rows(n))
  return reply.view('table', { title: `${n} पंक्तियाँ`, rows: cache.get(n) })
})
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
