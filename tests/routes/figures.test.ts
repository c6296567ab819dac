import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { testApp, textOf, type TestApp, type Agent } from '../helpers/app.ts'
import { closedMeetingWithResolutions, commonBalPanchayat, seatBalPanchayat } from '../helpers/meetings.ts'
import { children, erasures } from '../../src/people/tables.ts'

let t: TestApp
let coordinator: Agent
let rekha: Agent
let kids: Record<string, number>
beforeAll(async () => {
  t = await testApp()
  coordinator = await t.agent().login('coordinator')
  rekha = await t.agent().login('rekha')
  kids = seatBalPanchayat(t.database, t.fx.users.facilitator, t.fx.villages.papdi.id, commonBalPanchayat)
  closedMeetingWithResolutions(t.database, t.fx.users.facilitator, t.fx.villages.papdi.id, kids, 1)
})
afterAll(async () => {
  await t.close()
})

describe('the figures page', () => {
  it('shows the coordinator every table with its chart, for all villages or one', async () => {
    const res = await coordinator.get('/figures')
    expect(res.statusCode).toBe(200)
    const page = textOf(res.body)
    expect(page).toContain('उम्मीदवारों, चुने गए सदस्यों और पदाधिकारियों में लड़कियाँ')
    expect(page).toContain('10 में से 6 लड़कियाँ (60%)')
    expect(page).toContain('लड़कियाँ: 33% (6 में से 2)')
    expect(res.body).toMatch(/<svg class="chart"[^>]*role="img"/)
    expect(textOf((await coordinator.get(`/figures?village=${t.fx.villages.bhangdoli.id}`)).body)).toContain(
      'अभी गिनने को कुछ नहीं।',
    )
    expect((await coordinator.get('/figures?village=abc')).statusCode).toBe(200)
  })

  it('downloads each table as CSV, and refuses an unknown one', async () => {
    const csv = await coordinator.get('/figures.csv?table=attendance')
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-type']).toContain('text/csv')
    // The headings are in the reader's language (the figures' words); the cells are the figures.
    expect(csv.body.split('\r\n')[0]).toBe('\uFEFFगाँव,बैठकें,उपस्थित लड़कियाँ,बुलाई गई लड़कियाँ,उपस्थित लड़के,बुलाए गए लड़के')
    expect(csv.body).toContain('Papdi,1,2,6,4,4')
    expect((await coordinator.get('/figures.csv?table=children')).statusCode).toBe(404)
    const english = await t.agent().login('coordinator')
    await english.post('/language', { lang: 'en', back: '/figures' })
    const inEnglish = await english.get('/figures.csv?table=resolutions')
    expect(inEnglish.body.split('\r\n')[0]).toBe(
      '\uFEFFSubject,Not passed,Waiting for the Gram Panchayat,Being acted on,Done,Declined,Total',
    )
  })

  it('is not for facilitators or panchayat members', async () => {
    expect((await rekha.get('/figures')).statusCode).toBe(403)
    expect((await rekha.get('/figures.csv?table=turnout')).statusCode).toBe(403)
  })
})

describe('a child’s data', () => {
  const url = () => `/villages/${t.fx.villages.papdi.id}/children/${kids.Sunita}`

  it('downloads as JSON for the coordinator only', async () => {
    const res = await coordinator.get(`${url()}/export.json`)
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-disposition']).toContain(`child-${kids.Sunita}.json`)
    expect(res.json().child.name).toBe('Sunita')
    expect((await rekha.get(`${url()}/export.json`)).statusCode).toBe(403)
    const kamla = await t.agent().login('kamla')
    expect((await kamla.get(`${url()}/export.json`)).statusCode).toBe(403)
    expect(
      (await coordinator.get(`/villages/${t.fx.villages.bhangdoli.id}/children/${kids.Sunita}/export.json`)).statusCode,
    ).toBe(404)
  })

  it('is erased by the coordinator after confirming, and the facilitator sees only the erased record', async () => {
    expect((await rekha.post(`${url()}/erasure`)).statusCode).toBe(403)
    expect((await coordinator.post(`${url()}/erasure`, {}, {}, false)).statusCode).toBe(403)
    expect(t.db.select().from(erasures).all()).toEqual([])
    expect((await coordinator.get(url())).body).toContain('हाँ, इस बच्चे का निजी डेटा मिटाएँ')
    const res = await coordinator.post(`${url()}/erasure`)
    expect(res.statusCode).toBe(303)
    expect(t.db.select().from(children).where(eq(children.id, kids.Sunita)).get()!.name).toBe(`— #${kids.Sunita}`)
    const page = textOf((await rekha.get(url())).body)
    expect(page).toContain('निजी डेटा मिटाया')
    expect(page).not.toContain('Sunita')
    const edit = await rekha.post(url(), {
      name: 'Sunita',
      gender: 'girl',
      dateOfBirth: '2012-01-01',
      ward: '1',
      inSchool: 'yes',
      guardianName: 'x',
    })
    expect(edit.statusCode).toBe(409)
  })
})
