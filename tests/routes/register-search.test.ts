import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testApp, textOf, ctxFor, type TestApp, type Agent } from '../helpers/app.ts'
import { addChild } from '../../src/people/children.ts'
import type { ChildInput } from '../../src/people/schemas.ts'
import { bornYearsBefore } from '../../src/core/dates.ts'

let t: TestApp
let rekha: Agent
let register: string
beforeAll(async () => {
  t = await testApp()
  rekha = await t.agent().login('rekha')
  register = `/villages/${t.fx.villages.papdi.id}/children`
  const ctx = ctxFor(t.database, t.fx.users.facilitator, 'hi')
  const child = (name: string, guardianName: string, gender: ChildInput['gender']): ChildInput => ({
    name,
    gender,
    dateOfBirth: bornYearsBefore(11),
    ward: '2',
    school: '',
    schoolClass: '',
    inSchool: true,
    outOfSchoolReason: null,
    guardianName,
    guardianPhone: '',
  })
  addChild(ctx, t.fx.villages.papdi.id, child('सीमा मीणा', 'रमेश', 'girl'), null)
  addChild(ctx, t.fx.villages.papdi.id, child('सुरेश कुमार', 'रामलाल', 'boy'), null)
  addChild(ctx, t.fx.villages.papdi.id, child('पूजा देवी', 'गीता देवी', 'girl'), null)
  // Another village's Meena is never found from Papdi.
  addChild(
    ctxFor(t.database, t.fx.users.otherFacilitator),
    t.fx.villages.bhangdoli.id,
    child('मीना', 'x', 'girl'),
    null,
  )
})
afterAll(async () => {
  await t.close()
})

const htmx = { 'hx-request': 'true' }
const listed = (html: string) =>
  [...html.matchAll(/<td data-label="[^"]*"><a href="[^"]*">([^<]*)<\/a>/g)].map((m) => m[1])

describe('the register searched over HTTP', () => {
  it('finds a Devanagari name by its Latin spelling: "meena" finds सीमा मीणा, as the htmx list', async () => {
    const res = await rekha.get(`${register}?q=meena`, htmx)
    expect(res.statusCode).toBe(200)
    expect(res.headers.vary).toContain('HX-Request')
    expect(res.body).toMatch(/^\s*<div id="children-list"/)
    expect(listed(res.body)).toEqual(['सीमा मीणा'])
    expect(textOf(res.body)).toContain('1 बच्चा मिला')
  })

  it('finds by a near-miss in either script and by the guardian, and still by a plain piece of a name', async () => {
    expect(listed((await rekha.get(`${register}?q=suresh`)).body)).toEqual(['सुरेश कुमार'])
    expect(listed((await rekha.get(`${register}?q=${encodeURIComponent('मीना')}`)).body)).toEqual(['सीमा मीणा'])
    expect(listed((await rekha.get(`${register}?q=geeta`)).body)).toEqual(['पूजा देवी'])
    expect(listed((await rekha.get(`${register}?q=puja+devi`)).body)).toEqual(['पूजा देवी'])
    expect(listed((await rekha.get(`${register}?q=${encodeURIComponent('रेश कु')}`)).body)).toEqual(['सुरेश कुमार'])
    const none = await rekha.get(`${register}?q=zzz`)
    expect(listed(none.body)).toEqual([])
    expect(textOf(none.body)).toContain('कोई बच्चा नहीं मिला।')
  })

  it('search and the other filters together: "meena" among the boys finds none', async () => {
    expect(listed((await rekha.get(`${register}?q=meena&gender=boy`)).body)).toEqual([])
    expect(listed((await rekha.get(`${register}?q=kumar&gender=boy`)).body)).toEqual(['सुरेश कुमार'])
  })

  it('the page says the search takes either script, and folds its other filters away unless one is set', async () => {
    const plain = (await rekha.get(register)).body
    expect(textOf(plain)).toContain('हिंदी या अंग्रेज़ी अक्षरों में लिखें।')
    expect(plain).toMatch(/<details class="filter-fold wide" data-fold-wide>\s*<summary>फ़िल्टर<\/summary>/)
    const filtered = (await rekha.get(`${register}?gender=girl`)).body
    expect(filtered).toMatch(/<details class="filter-fold wide" data-fold-wide open>/)
    // The filters are all still in the form, inside the fold.
    const fold = /<details[\s\S]*?<\/details>/.exec(filtered)![0]
    for (const name of ['gender', 'age', 'ward', 'school', 'status']) expect(fold).toContain(`name="${name}"`)
  })

  it('a search string of any shape is answered, never a 500', async () => {
    for (const q of ['%', '_', "'; DROP TABLE children; --", '\u202e', 'क़्‍', 'a'.repeat(100), '😀']) {
      const res = await rekha.get(`${register}?q=${encodeURIComponent(q)}`)
      expect(res.statusCode, q).toBe(200)
    }
  })

  it('a Gram Panchayat member cannot search the register', async () => {
    const member = await t.agent().login('sarpanch')
    const res = await member.get(`${register}?q=meena`)
    expect([403, 404]).toContain(res.statusCode)
    expect(res.body).not.toContain('सीमा मीणा')
  })
})
