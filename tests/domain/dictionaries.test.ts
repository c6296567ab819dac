import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { dictionaries, translator } from '../../src/web/i18n.ts'
import { genders, outOfSchoolReasons } from '../../src/people/tables.ts'
import { roles } from '../../src/accounts/tables.ts'
import { ageBands } from '../../src/people/schemas.ts'
import { projectRoot } from '../../src/db/client.ts'

function keys(d: object, prefix = ''): string[] {
  return Object.entries(d).flatMap(([k, v]) => (typeof v === 'object' && v ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]))
}
function files(dir: string, ext: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    return e.isDirectory() ? files(p, ext) : p.endsWith(ext) ? [p] : []
  })
}

describe('the Hindi and English dictionaries', () => {
  it('have the same keys', () => {
    expect(keys(dictionaries.hi).sort()).toEqual(keys(dictionaries.en).sort())
  })

  it('have no empty text', () => {
    for (const lang of ['hi', 'en'] as const) {
      const t = translator(lang)
      for (const k of keys(dictionaries[lang])) expect(t(k.replace(/_(one|other)$/, '')), `${lang}: ${k}`).not.toBe('')
    }
  })

  it('name every enum value the interface shows', () => {
    const needed = [...genders.map((g) => `gender.${g}`), ...outOfSchoolReasons.map((r) => `reason.${r}`),
      ...roles.map((r) => `role.${r}`), ...roles.map((r) => `roleHint.${r}`), ...ageBands.map((a) => `ageBand.${a}`)]
    const all = new Set(keys(dictionaries.en))
    expect(needed.filter((k) => !all.has(k))).toEqual([])
  })

  it('contain every key the templates and code ask for', () => {
    const used = new Set<string>()
    const sources = [...files(path.join(projectRoot, 'views'), '.eta'), ...files(path.join(projectRoot, 'src'), '.ts')]
    for (const file of sources) {
      const text = fs.readFileSync(file, 'utf8')
      for (const m of text.matchAll(/(?:\bt\(|flash: |Key = |new Conflict\(|key: )'([a-zA-Z]+\.[a-zA-Z.]+)'/g)) used.add(m[1])
      for (const m of text.matchAll(/'(v\.[a-zA-Z]+)(?:\|[^']*)?'/g)) used.add(m[1])
      // Every action written to the audit log has words in the audit page.
      for (const m of text.matchAll(/action: (?:active \? )?'([a-z]+\.[a-z_]+)'(?: : '([a-z]+\.[a-z_]+)')?/g)) {
        used.add(`audit.action.${m[1]}`)
        if (m[2]) used.add(`audit.action.${m[2]}`)
      }
    }
    const all = new Set(keys(dictionaries.en).map((k) => k.replace(/_(one|other)$/, '')))
    expect([...used].filter((k) => !k.endsWith('.') && !all.has(k))).toEqual([])
    expect(used.size).toBeGreaterThan(50)
  })
})
