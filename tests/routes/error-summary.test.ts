import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { count } from 'drizzle-orm'
import { testApp, type TestApp, type Agent } from '../helpers/app.ts'
import { commonBalPanchayat, resolutionForm, seatBalPanchayat } from '../helpers/meetings.ts'
import { children } from '../../src/people/tables.ts'
import { resolutions } from '../../src/resolutions/tables.ts'
import { bornYearsBefore, todayIso } from '../../src/core/dates.ts'
import { linkErrorSummary } from '../../src/web/error-summary.ts'

let t: TestApp
let rekha: Agent
let kids: Record<string, number>
let register: string
beforeAll(async () => {
  t = await testApp()
  rekha = await t.agent().login('rekha')
  kids = seatBalPanchayat(t.database, t.fx.users.facilitator, t.fx.villages.papdi.id, commonBalPanchayat)
  register = `/villages/${t.fx.villages.papdi.id}/children`
})
afterAll(async () => {
  await t.close()
})

const htmx = { 'hx-request': 'true' }
const child = {
  name: 'मीना मीणा',
  gender: 'girl',
  dateOfBirth: bornYearsBefore(12),
  ward: '3',
  school: '',
  schoolClass: '',
  inSchool: 'yes',
  outOfSchoolReason: '',
  guardianName: 'रमेश मीणा',
  guardianPhone: '',
  consent: 'yes',
  consentOn: '',
}

/** The error summary of a page: its heading, its linked lines (target id and words) and its plain lines. */
function summaryOf(html: string) {
  const box =
    /<div class="form-error error-summary" role="alert" tabindex="-1" data-error-summary>([\s\S]*?)<\/div>/.exec(html)
  if (!box) return null
  const heading = /<h2 class="error-summary-title">([^<]*)<\/h2>/.exec(box[1])?.[1]
  const links = [...box[1].matchAll(/<li><a href="#([^"]+)">([^<]*)<\/a><\/li>/g)].map((m) => ({
    id: m[1],
    text: m[2].replace(/&#39;/g, "'"),
  }))
  const plain = [...box[1].matchAll(/<li data-summary-field="[^"]*">([^<]*)<\/li>/g)].map((m) => m[1])
  return { heading, links, plain, at: box.index }
}
/** The fields with a message on the page, in page order, by the id their control has. */
const fieldsWithErrors = (html: string) =>
  [...html.matchAll(/<span class="error" data-field="[^"]*" data-target="([^"]*)"/g)].map((m) => m[1])

describe('a refused form starts with a summary of its mistakes, each a link to its field', () => {
  it('the register form: one line per field, in the order of the form, "label: message", linking to the control', async () => {
    const before = t.db.select({ n: count() }).from(children).get()!.n
    const res = await rekha.post(register, { ...child, name: '', dateOfBirth: '2999-01-01', inSchool: 'no' })
    expect(res.statusCode).toBe(422)
    const summary = summaryOf(res.body)!
    expect(summary.heading).toBe('कृपया चिह्नित खाने ठीक करें।')
    expect(summary.links).toEqual([
      { id: 'f-name', text: 'बच्चे का नाम: यह भरना ज़रूरी है।' },
      { id: 'f-dateOfBirth', text: 'जन्म तिथि: यह तारीख़ आगे की नहीं हो सकती।' },
      { id: 'f-outOfSchoolReason', text: 'स्कूल नहीं जाता/जाती तो क्यों: बताएँ कि बच्चा स्कूल क्यों नहीं जाता।' },
    ])
    expect(summary.plain).toEqual([])
    // Every field with a message is in the summary, and every link leads to a control on the page.
    expect(summary.links.map((l) => l.id)).toEqual(fieldsWithErrors(res.body))
    for (const { id } of summary.links) expect(res.body).toMatch(new RegExp(`<(input|select|textarea)[^>]* id="${id}"`))
    // The summary comes first, above the first field.
    expect(summary.at).toBeLessThan(res.body.indexOf('id="f-name"'))
    expect(t.db.select({ n: count() }).from(children).get()!.n).toBe(before)
  })

  it('a choice left out links to its first option', async () => {
    const res = await rekha.post(register, { ...child, gender: 'dragon' })
    expect(res.statusCode).toBe(422)
    expect(summaryOf(res.body)!.links).toEqual([{ id: 'f-gender', text: 'लिंग: दिए गए विकल्पों में से एक चुनें।' }])
    expect(res.body).toMatch(/<input id="f-gender" type="radio" name="gender" value="girl"/)
  })

  it('the same summary comes in the htmx fragment, and in English for an English user', async () => {
    const fragment = await rekha.post(register, { ...child, ward: '' }, htmx)
    expect(fragment.statusCode).toBe(422)
    expect(fragment.body).not.toContain('<html')
    expect(summaryOf(fragment.body)!.links).toEqual([{ id: 'f-ward', text: 'वार्ड: यह भरना ज़रूरी है।' }])

    const en = await t.agent().login('rekha')
    await en.post('/language', { lang: 'en', back: '/' })
    const english = await en.post(register, { ...child, name: '' })
    const summary = summaryOf(english.body)!
    expect(summary.heading).toBe('Please correct the marked fields.')
    expect(summary.links).toEqual([{ id: 'f-name', text: "Child's name: This is required." }])
  })

  it('the resolution form of a meeting in progress: every refused field listed, nothing recorded', async () => {
    const scheduled = await rekha.post(`/villages/${t.fx.villages.papdi.id}/meetings`, {
      date: todayIso(),
      time: '16:00',
      place: 'School verandah',
      chairChildId: '',
      agenda: 'Hand pump',
    })
    const meeting = scheduled.headers.location as string
    expect((await rekha.post(`${meeting}/start`)).statusCode).toBe(303)
    for (const name of ['Meena', 'Sunita', 'Pooja', 'Ravi', 'Sunil', 'Gopal']) {
      await rekha.post(`${meeting}/attendance/${kids[name]}`, { present: '1' })
    }
    const res = await rekha.post(
      `${meeting}/resolutions`,
      resolutionForm({
        title: '',
        category: '',
        proposerChildId: String(kids.Meena),
        seconderChildId: String(kids.Ravi),
      }),
      htmx,
    )
    expect(res.statusCode).toBe(422)
    const summary = summaryOf(res.body)!
    expect(summary.links.map((l) => l.id)).toEqual(['f-title', 'f-category'])
    expect(summary.links[0].text).toBe('शीर्षक: यह भरना ज़रूरी है।')
    expect(summary.links.map((l) => l.id)).toEqual(fieldsWithErrors(res.body))
    expect(t.db.select({ n: count() }).from(resolutions).get()!.n).toBe(0)
  })

  it('a refusal of the whole form says its reason as the heading, with no list', async () => {
    const res = await t.agent().post('/login', { username: 'rekha', password: 'not her password' })
    expect(res.statusCode).toBe(422)
    const summary = summaryOf(res.body)!
    expect(summary.heading).toBeTruthy()
    expect(summary.heading).not.toBe('कृपया चिह्नित खाने ठीक करें।')
    expect(summary.links).toEqual([])
  })

  it('a form that was not refused has no summary', async () => {
    expect(summaryOf((await rekha.get(`${register}/new`)).body)).toBeNull()
  })
})

describe('linking the summary (src/web/error-summary.ts)', () => {
  const summary = (fields: string[]) =>
    `<div data-error-summary><ul class="error-summary-list">${fields.map((f) => `<li data-summary-field="${f}">bad ${f}</li>`).join('')}</ul></div>`
  const field = (name: string, id: string, label: string) =>
    `<span class="error" data-field="${name}" data-target="${id}" data-label="${label}" id="e-${name}">bad</span>`

  it('two forms on one page with a field of the same name: each summary links to its own form', () => {
    const html = `${summary(['on'])}${field('on', 'ack-on', 'Received')}${summary(['on'])}${field('on', 'decision-on', 'Decided')}`
    const linked = linkErrorSummary(html)
    expect(linked).toContain('<a href="#ack-on">Received: bad on</a>')
    expect(linked).toContain('<a href="#decision-on">Decided: bad on</a>')
  })

  it('a field drawn without the partials stays as plain words, after the linked ones', () => {
    const linked = linkErrorSummary(`${summary(['consent', 'name'])}${field('name', 'f-name', 'Name')}`)
    expect(linked).toContain(
      '<ul class="error-summary-list"><li><a href="#f-name">Name: bad name</a></li><li data-summary-field="consent">bad consent</li></ul>',
    )
  })

  it('a summary drawn before its fields is left for the page that draws both; a page without one is untouched', () => {
    const alone = summary(['name'])
    expect(linkErrorSummary(alone)).toBe(alone)
    const page = '<main><p>nothing refused</p></main>'
    expect(linkErrorSummary(page)).toBe(page)
  })
})
