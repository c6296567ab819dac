import { describe, expect, it } from 'vitest'
import { PASSWORD, testApp } from '../helpers/app.ts'
import { Client } from './client.ts'
import { invariantViolations } from './invariants.ts'
import { encode, mutateForm } from './mutations.ts'
import { Rng, seedFrom } from './random.ts'

/** The set-up form is the one form an empty database answers; whatever it is sent, it makes one coordinator at most. */
const SEED = seedFrom(process.env.FUZZ_SEED, 0xba1_2026)

describe('first run: the set-up form on an empty database', () => {
  it('takes bent forms without a 5xx, and makes a coordinator only from a correct one', async () => {
    const t = await testApp({ seed: false })
    try {
      const rng = new Rng(SEED ^ 0x5e7)
      const client = new Client(t.app)
      await client.get('/setup')
      const failures: string[] = []
      let made = 0
      for (let posts = 0; posts < 100; posts++) {
        const correct = {
          displayName: 'Suman',
          username: `suman-${rng.int(1000)}`,
          password: PASSWORD,
          confirm: PASSWORD,
        }
        const { pairs, how } = mutateForm(rng, correct, () => ['1', '999999'])
        const body = encode(rng, pairs, client.csrf)
        const res = await client.send({
          method: 'POST',
          url: '/setup',
          payload: body.payload,
          headers: { ...body.headers, ...(rng.chance(0.2) ? { 'hx-request': 'true' } : {}) },
        })
        if (res.statusCode >= 500) failures.push(`#${posts} [${body.kind}] ${how.join(' ')} → ${res.statusCode}`)
        const users = t.database.sqlite.prepare('SELECT role, village_id AS villageId FROM users').all()
        if (users.length === 0) continue
        // A coordinator was made: it must be the only account, and a coordinator. Then back to an empty database, and on.
        expect(users).toEqual([{ role: 'admin', villageId: null }])
        made++
        t.database.sqlite.exec('DELETE FROM sessions; DELETE FROM users')
        client.cookies.clear()
        await client.get('/setup')
      }
      expect(failures, `seed ${SEED}`).toEqual([])
      expect(made, 'some forms were correct, or bent in ways that do no harm').toBeGreaterThan(0)
      expect(invariantViolations(t.database.sqlite)).toEqual([])
    } finally {
      await t.close()
    }
  }, 120_000)

  it('when four people send it at once, one coordinator is made and the others are turned away', async () => {
    const t = await testApp({ seed: false })
    try {
      const clients = await Promise.all(
        [1, 2, 3, 4].map(async () => {
          const c = new Client(t.app)
          await c.get('/setup')
          return c
        }),
      )
      const answers = await Promise.all(
        clients.map((c, i) =>
          c.post('/setup', {
            displayName: `Person ${i}`,
            username: `person-${i}`,
            password: PASSWORD,
            confirm: PASSWORD,
          }),
        ),
      )
      expect(answers.map((a) => a.statusCode).filter((s) => s >= 500)).toEqual([])
      expect(answers.filter((a) => a.headers.location === '/villages')).toHaveLength(1)
      expect(t.database.sqlite.prepare('SELECT count(*) FROM users').pluck().get()).toBe(1)
      expect((await clients[0].get('/setup')).statusCode).toBe(303)
    } finally {
      await t.close()
    }
  }, 60_000)
})
