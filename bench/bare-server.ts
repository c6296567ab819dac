/**
 * The yardstick for the cast: fastify and better-sqlite3 doing the durable work of a cast and
 * nothing else. A box file like the app's (rollback journal truncated at each commit,
 * synchronous=FULL, secure_delete=ON, no WAL) laid out at start with BARE_SLOTS empty fixed-size
 * slots and as many check-off rows (children 1 … BARE_SLOTS); POST /cast with `childId` turns that
 * child's check-off from 0 to 1 in place and overwrites a uniformly random empty slot in place
 * (3 bytes of marks, as a contest of 20 candidates), both in one savepoint of the SAME group
 * commit as the app's (src/db/group-commit.ts), and answers 303 only after that commit.
 * No session, no CSRF, no page, no check of the poll's stage or of the paper.
 */
import { randomInt } from 'node:crypto'
import Fastify from 'fastify'
import formbody from '@fastify/formbody'
import Sqlite from 'better-sqlite3'
import { GroupCommit } from '../src/db/group-commit.ts'

const SLOTS = Number(process.env.BARE_SLOTS ?? 200_000)
const WIDTH = 3
const db = new Sqlite(process.env.BARE_DB!)
db.pragma('journal_mode = TRUNCATE')
db.pragma('synchronous = FULL')
db.pragma('secure_delete = ON')
db.exec(`CREATE TABLE box_slots (id INTEGER PRIMARY KEY, contest_id INTEGER NOT NULL, filled INTEGER NOT NULL, marks BLOB NOT NULL);
  CREATE INDEX box_slots_contest_idx ON box_slots (contest_id);
  CREATE TABLE box_checkoffs (id INTEGER PRIMARY KEY, election_id INTEGER NOT NULL, child_id INTEGER NOT NULL, voted INTEGER NOT NULL);
  CREATE UNIQUE INDEX box_checkoffs_child_idx ON box_checkoffs (election_id, child_id);`)
// Laid out before the server listens (set-up): one transaction, no fsync while writing.
db.pragma('synchronous = OFF')
db.transaction(() => {
  db.prepare(`INSERT INTO box_checkoffs (election_id, child_id, voted)
    WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?) SELECT 1, i, 0 FROM k`).run(SLOTS)
  db.prepare(`INSERT INTO box_slots (contest_id, filled, marks)
    WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?) SELECT 1, 0, zeroblob(?) FROM k`).run(
    SLOTS,
    WIDTH,
  )
})()
db.pragma('synchronous = FULL')

const free = db.prepare('SELECT id FROM box_slots WHERE contest_id = 1 AND filled = 0').pluck().all() as number[]
const checkOff = db.prepare('UPDATE box_checkoffs SET voted = 1 WHERE election_id = 1 AND child_id = ? AND voted = 0')
const fill = db.prepare('UPDATE box_slots SET filled = 1, marks = ? WHERE id = ? AND filled = 0')
const groupCommit = new GroupCommit(db)

const app = Fastify()
await app.register(formbody)
app.post('/cast', async (request, reply) => {
  const body = request.body as Record<string, string>
  const childId = Number(body.childId)
  const marks = Buffer.alloc(WIDTH)
  for (const i of [body.marks ?? ''].flat().join(',').split(',').filter(Boolean).map(Number))
    marks[i >> 3] |= 1 << (i & 7)
  const cast = await groupCommit.run(() => {
    if (checkOff.run(childId).changes === 0) return false
    if (free.length === 0) throw new Error('no empty slot')
    const i = randomInt(free.length)
    const slot = free[i]
    free[i] = free[free.length - 1]
    free.pop()
    if (fill.run(marks, slot).changes !== 1) throw new Error(`slot ${slot} was not empty`)
    return true
  })
  if (!cast) return reply.code(409).send('voted')
  return reply.code(303).header('location', '/done').send()
})
app.get('/health', async () => ({ status: 'ok' }))
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
