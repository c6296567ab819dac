/** The yardstick: fastify and one durable better-sqlite3 insert per request, nothing else. */
import Fastify from 'fastify'
import formbody from '@fastify/formbody'
import Sqlite from 'better-sqlite3'
import { randomBytes } from 'node:crypto'

const db = new Sqlite(process.env.BARE_DB!)
db.pragma('journal_mode = WAL')
db.pragma('synchronous = FULL')
db.exec('CREATE TABLE IF NOT EXISTS ballots (id TEXT PRIMARY KEY, contest_id INTEGER NOT NULL) WITHOUT ROWID')
const insert = db.prepare('INSERT INTO ballots (id, contest_id) VALUES (?, ?)')
const app = Fastify()
await app.register(formbody)
app.post('/insert', async (request, reply) => {
  insert.run(randomBytes(16).toString('base64url'), Number((request.body as Record<string, string>).contest ?? 1))
  return reply.code(303).header('location', '/done').send()
})
app.get('/health', async () => ({ status: 'ok' }))
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
