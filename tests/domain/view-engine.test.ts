import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Splice, viewEngine, withoutIndentation } from '../../src/web/view-engine.ts'

const views = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-views-'))
const write = (file: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(views, file)), { recursive: true })
  fs.writeFileSync(path.join(views, file), text)
}
afterAll(() => fs.rmSync(views, { recursive: true, force: true }))

describe('the view engine', () => {
  const engine = (cache = true) => viewEngine({ autoEscape: true, autoTrim: [false, 'nl'], views, cache })
  const page = (list: object, extra: object = {}) => ({
    t: (k: string) => k,
    lang: 'hi',
    age: () => 9,
    village: Object.freeze({ id: 1 }),
    filter: { q: '' },
    list,
    ...extra,
  })

  it('draws a kept list once, and again for rows read anew', () => {
    write('people/_list.eta', '<%= it.list.rows.length %> <%= it.t("x") %> <%= it.count() %>')
    let drawn = 0
    const count = () => ++drawn
    // `count` is not among the partial's inputs: drawn from its inputs alone, using it fails.
    const kept = Object.freeze({ rows: Object.freeze([1, 2]) })
    expect(() => engine().render('people/_list', page(kept, { count }))).toThrow(TypeError)
    write('people/_list.eta', '<%= it.list.rows.length %> <%= it.t("x") %>')
    const eta = engine()
    expect(eta.render('people/_list', page(kept))).toBe('2 x')
    expect(eta.render('people/_list', page(kept))).toBe('2 x')
    // Rows that are not kept (not frozen) are drawn as they come, with all of `it`.
    write('people/_list.eta', '<%= it.list.rows.length %> <%= it.count() %>')
    const fresh = engine()
    expect(fresh.render('people/_list', page({ rows: [1] }, { count }))).toBe('1 1')
    expect(fresh.render('people/_list', page({ rows: [1] }, { count }))).toBe('1 2')
  })

  it('sends a kept list as the bytes it was encoded to once, in its place on the page', () => {
    write('people/_list.eta', '<ul hx-get="/x"><% for (const r of it.list.rows) { %><li>बच्चा <%= r %></li><% } %></ul>')
    write('people/list-page.eta', 'ऊपर <%~ include("/people/_list", it) %> नीचे <%= it.who %>')
    const eta = engine()
    const kept = Object.freeze({ rows: Object.freeze(['सुनीता', 'Ravi & Co']) })
    const expected = 'ऊपर <ul hx-get="/x"><li>बच्चा सुनीता</li><li>बच्चा Ravi &amp; Co</li></ul> नीचे मीना'
    for (let i = 0; i < 2; i++) {
      const splice = new Splice()
      const html = eta.render('people/list-page', page(kept, { who: 'मीना', splice }))
      // The page itself holds a mark where the list goes, not the list…
      expect(html).not.toContain('बच्चा')
      // …and the answer's bytes are the whole page, the list's taken as they were kept.
      const sent = splice.join(html)
      expect(Buffer.isBuffer(sent)).toBe(true)
      expect(sent.toString('utf8')).toBe(expected)
      // The layout asks whether the page needs htmx: the list in it does.
      expect(splice.usesHtmx(html)).toBe(true)
    }
    // Drawn without a splice (a test, a partial inside a kept one): the HTML itself.
    expect(eta.render('people/list-page', page(kept, { who: 'मीना' }))).toBe(expected)
  })

  it('sends text that looks like a mark as it is: the marks carry a secret of the process', () => {
    const splice = new Splice()
    const typed = 'नाम \u0000x:0\u0000 और \u0000'
    expect(splice.join(typed)).toBe(typed)
    write('people/_list.eta', '<%= it.list.rows.length %>')
    write('people/list-page.eta', '<%= it.who %>|<%~ include("/people/_list", it) %>')
    const eta = engine()
    const kept = Object.freeze({ rows: Object.freeze([1, 2, 3]) })
    const html = eta.render('people/list-page', page(kept, { who: typed, splice }))
    expect(splice.join(html).toString('utf8')).toBe(`${typed}|3`)
    expect(splice.usesHtmx(html)).toBe(false)
  })

  it("hands a partial and a layout the page's data and their own, without an object spread", () => {
    write('layouts/frame.eta', '<%= it.title %>|<%= it.who %>|<%~ it.body %>')
    write('bits/name.eta', '<%= it.who %>/<%= it.part %>')
    write('bits/empty.eta', '<%= it.who %>')
    write(
      'framed.eta',
      '<% layout("/layouts/frame", { title: "परिणाम" }) %><b><%~ include("/bits/name", { part: 2, who: "रवि" }) %> <%~ include("/bits/empty") %></b>',
    )
    const eta = engine()
    // The include's fields and the layout's win over the page's, as with Eta's own spreads.
    expect(eta.render('framed', { who: 'मीना', title: 'old' })).toBe('परिणाम|मीना|<b>रवि/2 मीना</b>')
    // Eta's calls are rewritten: a new Eta that writes them otherwise fails here, not silently.
    const source = eta.compileToString('<% layout("/layouts/frame") %><%~ include("/bits/empty") %>', {})
    expect(source).toContain('__eta_d === it ? it : Object.assign({}, it, __eta_d)')
    expect(source).toContain('Object.assign({}, it, {body: __eta.res}, __eta.layoutData, {__blocks: __eta.blocks})')
    expect(source).not.toContain('...')
  })

  it("is handed the template's own data by a partial that gets it whole: no template writes to `it`", () => {
    // A partial given `it` gets that very object (withoutSpreads): a write to it would reach the template.
    const root = path.join(import.meta.dirname, '../../views')
    const files = fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.eta'))
    expect(files.length).toBeGreaterThan(50)
    const writes =
      /\bit(\.[A-Za-z_$][\w$]*|\[[^\]]*\])+\s*(=(?!=)|\+=|-=|\+\+|--)|\bdelete\s+it\b|Object\.assign\(\s*it\b/
    const offenders = files.filter((f) => writes.test(fs.readFileSync(path.join(root, f), 'utf8')))
    expect(offenders).toEqual([])
    // The check itself sees a write.
    expect(writes.test('<% it.title = "x" %>')).toBe(true)
    expect(writes.test('<% if (it.a === 1) { %>')).toBe(false)
  })

  it('keeps nothing when templates are not kept either (development)', () => {
    write('people/_list.eta', '<%= it.list.rows.length %> <%= it.count() %>')
    let n = 0
    const kept = Object.freeze({ rows: Object.freeze([1]) })
    expect(engine(false).render('people/_list', page(kept, { count: () => ++n }))).toBe('1 1')
  })

  it("draws a closed poll's result afresh: its form is the reader's own", () => {
    write('elections/_result.eta', '<%= it.stage %><% if (it.stage === "poll_closed") { %> <%= it.csrf() %><% } %>')
    const eta = engine()
    const data = (stage: string, token: string) => ({
      t: (k: string) => k,
      lang: 'hi',
      stage,
      counts: Object.freeze([]),
      election: Object.freeze({ id: 1 }),
      seal: null,
      csrf: () => token,
    })
    expect(eta.render('elections/_result', data('poll_closed', 'a'))).toBe('poll_closed a')
    expect(eta.render('elections/_result', data('poll_closed', 'b'))).toBe('poll_closed b')
    expect(eta.render('elections/_result', data('result_published', 'c'))).toBe('result_published')
  })

  it('finds a name relative to the template that asks for it, each time: the same name from two folders is two files', () => {
    write('north/page.eta', `<%~ include('./part', it) %>`)
    write('north/part.eta', 'north part')
    write('south/page.eta', `<%~ include('./part', it) %>`)
    write('south/part.eta', 'south part')
    const eta = engine()
    for (let i = 0; i < 2; i++) {
      expect(eta.render('/north/page', {})).toBe('north part')
      expect(eta.render('/south/page', {})).toBe('south part')
    }
  })

  it('still refuses a template outside the views folder, every time', () => {
    const eta = engine()
    for (let i = 0; i < 2; i++) expect(() => eta.render('../outside', {})).toThrow(/not in the views directory/)
  })

  it("sends pages without their templates' indentation, and what the browser shows is the same", () => {
    write(
      'plain.eta',
      '<ul>\n  <li>\n    <%= it.a %>\n    <%= it.b %>\n  </li>\n    <li><% if (it.a) { %>\n      <b>x</b>\n    <% } %></li>\n</ul>\n',
    )
    const html = engine().render('plain', { a: 'Meena', b: 'Ravi' })
    expect(html).toBe('<ul>\n<li>\nMeena Ravi </li>\n<li> <b>x</b>\n</li>\n</ul>\n')
    // The words stay apart where the template's autoTrim took the line break after a tag: as before, a space.
    const before = new (engine().constructor as typeof import('eta').Eta)({ autoTrim: [false, 'nl'], views })
    expect(before.render('plain', { a: 'Meena', b: 'Ravi' }).replace(/\s+/g, ' ')).toBe(html.replace(/\s+/g, ' '))
    // A template with <pre> keeps every space.
    const pre = '<pre>\n  two\n    four\n</pre>'
    expect(withoutIndentation(pre)).toBe(pre)
    expect(withoutIndentation('<p>\n\t\tTabs\n</p>')).toBe('<p>\nTabs\n</p>')
  })
})
