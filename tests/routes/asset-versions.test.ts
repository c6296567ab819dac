import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../../src/db/client.ts'
import { assetFolders, assetUrl, assetVersion } from '../../src/web/assets.ts'
import { testApp } from '../helpers/app.ts'
import { villageChildren } from '../helpers/elections.ts'
import { ctxFor } from '../helpers/app.ts'
import { addContest, createElection, nominate, openNominations } from '../../src/elections/elections.ts'
import { contestInput, electionInput } from '../helpers/elections.ts'

const versionOf = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 10)
const css = path.join(projectRoot, 'public/app.css')
const js = path.join(projectRoot, 'public/app.js')
const sprite = path.join(projectRoot, 'public/symbols.svg')

let t: Awaited<ReturnType<typeof testApp>>
beforeAll(async () => {
  t = await testApp()
})
afterAll(async () => {
  await t.close()
})

describe('our CSS and scripts, named by their version', () => {
  it('a page names each of its files with the hash of its bytes', async () => {
    const page = await t.app.inject('/login')
    expect(page.body).toContain(`href="/static/app.css?v=${versionOf(css)}"`)
    expect(page.body).toContain(`src="/static/app.js?v=${versionOf(js)}"`)
    expect(page.body).not.toMatch(/(?:href|src)="\/static\/[\w.-]+"/)
  })

  it('asked for by its current version, a file is kept for good; otherwise it is checked again before use', async () => {
    const current = await t.app.inject(`/static/app.css?v=${versionOf(css)}`)
    expect(current.statusCode).toBe(200)
    expect(current.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    for (const url of ['/static/app.css', '/static/app.css?v=0123456789', '/static/app.css?v=']) {
      const res = await t.app.inject(url)
      expect(res.statusCode, url).toBe(200)
      expect(res.headers['cache-control'], url).toBe('public, no-cache')
    }
    // Checked again: the ETag answers 304 with no body.
    const again = await t.app.inject({
      url: '/static/app.css',
      headers: { 'if-none-match': String(current.headers.etag) },
    })
    expect(again.statusCode).toBe(304)
  })

  it('htmx too, from its package', async () => {
    const url = assetUrl('/vendor/htmx/htmx.min.js')
    expect(url).toMatch(/^\/vendor\/htmx\/htmx\.min\.js\?v=[0-9a-f]{10}$/)
    const res = await t.app.inject(url)
    expect(res.statusCode).toBe(200)
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable')
  })

  it('a file changed while the server runs gets a new name; a path outside the folders none', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-assets-'))
    assetFolders['/test-assets/'] = dir
    try {
      const file = path.join(dir, 'board.js')
      fs.writeFileSync(file, 'one')
      const first = assetVersion('/test-assets/board.js')
      expect(first).toBe(versionOf(file))
      fs.writeFileSync(file, 'two, longer')
      expect(assetVersion('/test-assets/board.js')).not.toBe(first)
      expect(assetUrl('/test-assets/board.js')).toBe(`/test-assets/board.js?v=${versionOf(file)}`)
      expect(assetVersion('/test-assets/../../etc/passwd')).toBeNull()
      expect(assetVersion('/test-assets/missing.js')).toBeNull()
      expect(assetUrl('/elsewhere/x.js')).toBe('/elsewhere/x.js')
    } finally {
      delete assetFolders['/test-assets/']
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it("a staff page draws the ballot symbols from the symbols' file, named by its version and kept for good", async () => {
    const ctx = ctxFor(t.database, t.fx.users.facilitator)
    const kids = villageChildren(t.database, t.fx.users.facilitator, t.fx.villages.papdi.id, [
      ['Meena', 'girl'],
      ['Ravi', 'boy'],
    ])
    const election = createElection(ctx, t.fx.villages.papdi.id, electionInput())
    const contest = addContest(ctx, election.id, contestInput({ seats: '1' }))
    openNominations(ctx, election.id)
    nominate(ctx, election.id, contest.id, { childId: kids.Meena, symbol: 'kite' })
    nominate(ctx, election.id, contest.id, { childId: kids.Ravi, symbol: 'sun' })
    const rekha = await t.agent().login('rekha')
    const page = await rekha.get(`/elections/${election.id}`)
    expect(page.statusCode).toBe(200)
    const href = `/static/symbols.svg?v=${versionOf(sprite)}`
    expect(page.body).toContain(`data-symbol="kite"><use href="${href}#kite"/></svg>`)
    expect(page.body).toContain(`data-symbol="sun"><use href="${href}#sun"/></svg>`)
    // Not drawn in the page itself.
    expect(page.body).not.toMatch(/data-symbol="[a-z-]+"><g /)
    const file = await t.app.inject(href)
    expect(file.statusCode).toBe(200)
    expect(file.headers['content-type']).toMatch(/^image\/svg\+xml/)
    expect(file.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(file.body).toContain('<symbol id="kite" viewBox="0 0 64 64">')
  })
})
