import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { dictionaries, loadDictionaries, translator } from '../../src/i18n/translator.ts'
import { genders, outOfSchoolReasons } from '../../src/people/tables.ts'
import { roles } from '../../src/accounts/tables.ts'
import { ageBands } from '../../src/people/schemas.ts'
import { projectRoot } from '../../src/db/client.ts'
import {
  candidacyRules,
  methods,
  protections,
  roundings,
  shareChoices,
  shortfalls,
  stages,
  tieBreaks,
} from '../../src/elections/tables.ts'
import { symbols } from '../../src/elections/symbols.ts'
import { girlsQuorumShares, meetingStages, quorumShares } from '../../src/meetings/tables.ts'
import { categories, decisions, forwardingWays, responseKinds } from '../../src/resolutions/tables.ts'
import { journeyStatuses, nextSteps, type overdue } from '../../src/resolutions/journey.ts'
import { outcomes } from '../../src/figures/figures.ts'
import { failureKinds } from '../../src/backups/backup-folder.ts'

function keys(d: object, prefix = ''): string[] {
  return Object.entries(d).flatMap(([k, v]) =>
    typeof v === 'object' && v ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`],
  )
}
function files(dir: string, ext: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    return e.isDirectory() ? files(p, ext) : p.endsWith(ext) ? [p] : []
  })
}

/** Each dictionary file of one language, read on its own (as src/web/i18n.ts reads them). */
function dictionaryFiles(lang: 'hi' | 'en'): { file: string; words: object }[] {
  const dir = path.join(projectRoot, 'src/i18n')
  return fs
    .readdirSync(dir)
    .sort()
    .filter((f) => f.endsWith(`.${lang}.json`))
    .map((file) => ({ file, words: JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as object }))
}

/** 'a.b.c' → ['a', 'a.b'] */
function groupsOf(key: string): string[] {
  const parts = key.split('.')
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('.'))
}

/** A key counts as present when it is there itself or as its plural forms (`_one`, `_other`, …). */
function present(lang: 'hi' | 'en'): Set<string> {
  return new Set(keys(dictionaries[lang]).map((k) => k.replace(/_(zero|one|two|few|many|other)$/, '')))
}

// Every status a resolution can have (as the staff list in resolutions/routes.ts), and what overdue() returns.
const staffStatuses = ['passed', ...journeyStatuses, 'not_passed'] as const
const overdueKinds = ['acknowledge', 'decide'] as const satisfies readonly NonNullable<ReturnType<typeof overdue>>[]

/**
 * Keys a template or verb builds from a value (`it.t('contestShare.' + s)`), with the enum the value comes
 * from. Found by grepping src/ and views/ for t(`…${…}`) and t('prefix.' + …).
 */
const builtKeys: [prefix: string, values: readonly string[], where: string][] = [
  ['gender.', genders, 'people/_form, _list, show; elections/nominate, results; meetings/attendance; voting'],
  ['reason.', outOfSchoolReasons, 'people/_form, _list, show'],
  ['role.', roles, 'layout footer; accounts/users; villages/show'],
  ['roleHint.', roles, 'accounts/users/_form'],
  ['ageBand.', ageBands, 'people/index filter'],
  ['stage.', stages, 'elections/index, show'],
  ['candidacy.', candidacyRules, 'elections/_form'],
  ['method.', methods, 'elections/_contest-form'],
  ['contestShare.', shareChoices, 'elections/_contest-form'],
  ['rounding.', roundings, 'elections/_contest-form'],
  ['protect.', protections, 'elections/_contest-form'],
  ['tieBreak.', tieBreaks, 'elections/_contest-form'],
  ['shortfall.', shortfalls, 'elections/_contest-form'],
  ['symbol.', symbols, 'elections/nominate, show, paper-count; voting/ballot'],
  ['explain.group.', ['girls', 'girlsAndOther'], 'elections/explain.ts (groupKey, from protections)'],
  ['explain.stood.', ['girls', 'girlsAndOther'], 'elections/explain.ts (groupKey, from protections)'],
  ['audit.action.election.', stages.filter((s) => s !== 'draft'), 'elections/elections.ts advance(): election.${to}'],
  ['meetingStage.', meetingStages, 'meetings/index, show'],
  ['quorumShare.', quorumShares, 'meetings/quorum, index, minutes, _attendance (members)'],
  ['shareGirls.', girlsQuorumShares, 'meetings/quorum, index, minutes, _attendance (girls)'],
  [
    'audit.action.meeting.',
    meetingStages.filter((s) => s !== 'draft'),
    'meetings/meetings.ts moveTo(): meeting.${stage}',
  ],
  ['category.', categories, 'meetings/_resolution, _resolution-form; resolutions; figures'],
  ['status.', staffStatuses, 'resolutions/index, _list, show, inbox, board'],
  ['overdue.', overdueKinds, 'resolutions/_list, show, inbox'],
  ['way.', forwardingWays, 'resolutions/show'],
  ['decision.', decisions, 'resolutions/show'],
  ['journey.', responseKinds, 'resolutions/show; meetings/_answer'],
  [
    'journey.waiting.',
    journeyStatuses.filter((s) => nextSteps(s).length > 0),
    'resolutions/show (while an answer is awaited)',
  ],
  ['answers.notNow.', staffStatuses, 'resolutions/journeys.ts answerable()'],
  ['audit.action.resolution.', responseKinds, 'resolutions/journeys.ts answer(): resolution.${kind}'],
  ['outcome.', outcomes, 'figures/index'],
  ['backups.failure.', failureKinds, 'villages/_backups'],
]

describe('the Hindi and English dictionaries', () => {
  it('define each key in one file only', () => {
    const twice: string[] = []
    for (const lang of ['hi', 'en'] as const) {
      const leaves = new Map<string, string>()
      const groups = new Map<string, string>()
      for (const { file, words } of dictionaryFiles(lang)) {
        const mine = keys(words)
        // A leaf clashes with the same leaf in another file, or with a group of that name (either way).
        for (const k of mine) {
          const clash =
            leaves.get(k) ??
            groups.get(k) ??
            groupsOf(k)
              .map((g) => leaves.get(g))
              .find(Boolean)
          if (clash) twice.push(`${lang}: ${k} (${clash}, ${file})`)
        }
        for (const k of mine) {
          leaves.set(k, file)
          for (const g of groupsOf(k)) groups.set(g, file)
        }
      }
    }
    expect(twice).toEqual([])
  })

  it('refuse to load a key a second file defines again', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dictionaries-'))
    const write = (file: string, words: object) => fs.writeFileSync(path.join(dir, file), JSON.stringify(words))
    write('elections.en.json', { share: { '1/2': 'Half' }, audit: { action: { x: 'X' } } })
    write('meetings.en.json', { share: { '1/4': 'a quarter' }, audit: { action: { y: 'Y' } } })
    expect(loadDictionaries(dir).en).toEqual({
      share: { '1/2': 'Half', '1/4': 'a quarter' },
      audit: { action: { x: 'X', y: 'Y' } },
    })
    write('meetings.en.json', { share: { '1/2': 'half' } })
    expect(() => loadDictionaries(dir)).toThrow('meetings.en.json: "share.1/2" is already defined in elections.en.json')
    write('meetings.en.json', { share: 'Share' })
    expect(() => loadDictionaries(dir)).toThrow('meetings.en.json: "share" is already defined in elections.en.json')
    fs.rmSync(dir, { recursive: true })
  })

  it('name every value a key is built from, in both languages', () => {
    for (const lang of ['hi', 'en'] as const) {
      const all = present(lang)
      const missing = builtKeys.flatMap(([prefix, values, where]) =>
        values
          .map((v) => prefix + v)
          .filter((k) => !all.has(k))
          .map((k) => `${k} (${where})`),
      )
      expect(missing, lang).toEqual([])
    }
  })

  it('have the same keys', () => {
    expect(keys(dictionaries.hi).sort()).toEqual(keys(dictionaries.en).sort())
  })

  it('have no empty text', () => {
    for (const lang of ['hi', 'en'] as const) {
      const t = translator(lang)
      for (const k of keys(dictionaries[lang])) expect(t(k.replace(/_(one|other)$/, '')), `${lang}: ${k}`).not.toBe('')
    }
  })

  it('contain every key the templates and code ask for', () => {
    const used = new Set<string>()
    const sources = [...files(path.join(projectRoot, 'views'), '.eta'), ...files(path.join(projectRoot, 'src'), '.ts')]
    for (const file of sources) {
      const text = fs.readFileSync(file, 'utf8')
      for (const m of text.matchAll(/(?:\bt\(|flash: |Key = |new Conflict\(|key: )'([a-zA-Z]+\.[a-zA-Z.]+)'/g))
        used.add(m[1])
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
