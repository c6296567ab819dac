import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { dictionaries, loadDictionaries, readDictionaries, translator } from '../../src/i18n/translator.ts'
import { namespaceOf, namespaces } from '../../src/i18n/namespaces.ts'
import { genders, outOfSchoolReasons } from '../../src/people/tables.ts'
import { roles } from '../../src/accounts/tables.ts'
import { ageBands, childStatuses } from '../../src/people/schemas.ts'
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
import { ballotEnds, ballotOutcomes } from '../../src/elections/voting.ts'
import { notOnRollReasons } from '../../src/elections/roll.ts'
import { girlsQuorumShares, meetingStages, quorumShares } from '../../src/meetings/tables.ts'
import { categories, decisions, forwardingWays, responseKinds } from '../../src/resolutions/tables.ts'
import { journeyStatuses, nextSteps, type overdue, type Status } from '../../src/resolutions/journey.ts'
import { finishedStatuses, waitingStatuses } from '../../src/resolutions/inbox.ts'
import { listStatuses } from '../../src/web/routes/resolutions.ts'
import { outcomes } from '../../src/figures/figures.ts'
import { failureKinds } from '../../src/backups/backup-folder.ts'
import { auditFields } from '../../src/audit/details.ts'
import { figureColumns } from '../../src/web/routes/figures.ts'
import { resultCsvColumns } from '../../src/elections/result-view.ts'
import { caseReasons, closeReasons, finders, stepKinds, workPlaces } from '../../src/cases/tables.ts'
import { caseStatuses, stepRefusals } from '../../src/cases/machine.ts'

const languages = ['hi', 'en'] as const
const i18nDir = path.join(projectRoot, 'src/i18n')

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

/** Each dictionary file of one language, read on its own (not through the loader). */
function dictionaryFiles(lang: 'hi' | 'en', dir = i18nDir): { file: string; words: object }[] {
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

const plural = /_(zero|one|two|few|many|other)$/
/** A key counts as present when it is there itself or as its plural forms (`_one`, `_other`, …). */
function present(lang: 'hi' | 'en'): Set<string> {
  return new Set(keys(dictionaries[lang]).map((k) => k.replace(plural, '')))
}

/** A copy of the dictionaries in a scratch folder, each file's words changed by `edit` (by file name). */
function copyOfDictionaries(edit: (file: string, words: Record<string, unknown>) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dictionaries-'))
  for (const file of fs.readdirSync(i18nDir).filter((f) => f.endsWith('.json'))) {
    const words = JSON.parse(fs.readFileSync(path.join(i18nDir, file), 'utf8')) as Record<string, unknown>
    edit(file, words)
    fs.writeFileSync(path.join(dir, file), JSON.stringify(words, null, 2))
  }
  return dir
}
function renameGroup(words: Record<string, unknown>, from: string, to: string): void {
  words[to] = words[from]
  delete words[from]
}

// ---------------------------------------------------------------------------------------------------
// Finding the keys in the templates (views/**/*.eta) and the code (src/**/*.ts).

/** The templates and the code, as project-relative path → text. The dictionaries' own folder is not code that asks. */
function sources(): Map<string, string> {
  const all = [...files(path.join(projectRoot, 'views'), '.eta'), ...files(path.join(projectRoot, 'src'), '.ts')]
  return new Map(
    all
      .map((f) => path.relative(projectRoot, f).split(path.sep).join('/'))
      .filter((f) => !f.startsWith('src/i18n/'))
      .map((f) => [f, fs.readFileSync(path.join(projectRoot, f), 'utf8')]),
  )
}

/** Comments may name keys (`app.routing`) without asking for them. */
function withoutComments(text: string, file: string): string {
  if (!file.endsWith('.ts')) return text
  return text.replace(/^\s*\/\*[\s\S]*?\*\//gm, '').replace(/(^|\s)\/\/.*$/gm, '$1')
}

/** The fixed start of a built key: 'gender.', 'answers.notNow.' */
const HEAD = String.raw`[a-zA-Z][a-zA-Z0-9_]*(?:\.[a-zA-Z0-9_]+)*\.`
/** An audit action is written as `action: …` (or `audit('…'`); its words are `audit.action.<action>`. */
const ACTION_BEFORE = /(?:\baction:|(?<![\w$])audit\()\s*$/
const ACTION_SPAN = /(?:\baction:|(?<![\w$])audit\()\s*([^,\n)}]*)/g
const CONCAT = new RegExp(String.raw`(['"])(${HEAD})\1\s*\+\s*[\w$.]+(?:\s*\+\s*(['"])([\w.]*)\3)?`, 'g')
const TEMPLATE = new RegExp(String.raw`\`(${HEAD})\$\{[^}\`]*\}([\w.]*)\``, 'g')
const TEMPLATE_ALONE = new RegExp(String.raw`^\`${HEAD}\$\{[^}\`]*\}[\w.]*\`$`)
/** A call of the translator (`t(`, `it.t(`, `request.ctx.t(`, explain.ts's `say(`) and its first argument. */
const CALL_ARGUMENT = /(?<![\w$])(?:t|say)\(\s*(`[^`]*`|[^\s'"`)][^,)]*)/g

/**
 * Every key one file builds at run time, as a pattern: `'gender.' + c.gender` → 'gender.*',
 * `'resolution.' + f + 'Hint'` → 'resolution.*Hint', `` action: `meeting.${stage}` `` → 'audit.action.meeting.*';
 * and every call of the translator with a key it did not spell out (`t(m.key)`), as 't(m.key)'.
 */
function builtIn(source: string, file: string): string[] {
  const text = withoutComments(source, file)
  const found: string[] = []
  const add = (at: number, head: string, tail: string) => {
    const action = ACTION_BEFORE.test(text.slice(Math.max(0, at - 40), at))
    found.push(`${action ? 'audit.action.' : ''}${head}*${tail}`)
  }
  for (const m of text.matchAll(CONCAT)) add(m.index, m[2], m[4] ?? '')
  for (const m of text.matchAll(TEMPLATE)) add(m.index, m[1], m[2])
  for (const m of text.matchAll(CALL_ARGUMENT)) {
    const argument = m[1].trim()
    // Built as above, or one of two spelled-out keys (`t(b.encrypted ? 'x.a' : 'x.b')`): not a pass-through.
    if (TEMPLATE_ALONE.test(argument) || /\?\s*'[^']*'\s*:\s*'[^']*'$/.test(argument)) continue
    found.push(`t(${argument})`)
  }
  return [...new Set(found)]
}

/**
 * The keys one file spells out: the translator's literal arguments (`t('x.y')`, `'v.tooLong|120'` less its
 * parameter), literals handed on as keys (`flash: 'x.y'`, `new Conflict('x.y')`, `key: 'x.y'`), and any
 * literal shaped like a key under a prefix some dictionary file claims (`redirectAfter(…, 'children.erased')`);
 * and the audit actions it writes (`action: 'child.added'`, whose words are `audit.action.child.added`).
 */
function spelledIn(source: string, file: string): { keys: string[]; actions: string[] } {
  const actions: string[] = []
  const text = withoutComments(source, file).replace(ACTION_SPAN, (_, value: string) => {
    for (const m of value.matchAll(/'([a-z_]+\.[a-z_]+)'/g)) actions.push(m[1])
    return ''
  })
  const found: string[] = []
  for (const m of text.matchAll(/(?<![\w$])(?:t|say)\(\s*(['"`])([^'"`$|]+)(?:\|[^'"`]*)?\1(?=\s*[,)])/g))
    found.push(m[2])
  for (const m of text.matchAll(/(?:flash: |Key = |new (?:Conflict|NotFound|Forbidden)\(|key: )'([a-zA-Z]+\.[^'|]+)/g))
    found.push(m[1])
  for (const m of text.matchAll(/(['"`])([a-zA-Z][\w-]*(?:\.[\w/-]+)+)(?:\|[^'"`]*)?\1/g))
    if (namespaceOf(m[2])) found.push(m[2])
  return { keys: [...new Set(found)], actions }
}

// ---------------------------------------------------------------------------------------------------
// What the built keys are built from.

/** Every status a resolution can have (Status in resolutions/journey.ts), as the staff list shows them. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const listStatusesAreEveryStatus: Same<Status, (typeof listStatuses)[number]> = true
// What overdue() returns.
const overdueKinds = ['acknowledge', 'decide'] as const satisfies readonly NonNullable<ReturnType<typeof overdue>>[]
/** explain.ts names the protected group in camelCase: 'girls-and-other' → 'girlsAndOther'. */
const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())

/** Every audit action the code writes, spelled out or built (as the `audit.action.<x>.*` entries below build them). */
function writtenActions(): string[] {
  const spelled = [...sources()].flatMap(([file, text]) => spelledIn(text, file).actions)
  const built = builtKeys
    .filter((b) => b.key.startsWith('audit.action.') && b.key !== 'audit.action.*')
    .flatMap((b) => b.values.map((v) => b.key.slice('audit.action.'.length).replace('*', v)))
  return [...new Set([...spelled, ...built])].sort()
}

type Built = {
  /** The key with `*` where the value goes. */
  key: string
  values: readonly string[]
  /** Where the values come from. */
  from: string
  /** Every file that builds this key. */
  at: string[]
  /** The values are an array literal written at the site, spelled exactly as `values` (checked). */
  inline?: true
}

/**
 * Every key a template or the code builds from a value, with the enum the value comes from, and the files that
 * build it. The scanner below finds each building in views/ and src/ and fails on one missing here; every key
 * each entry can build must be in both dictionaries.
 */
const builtKeys: Built[] = [
  {
    key: 'gender.*',
    values: genders,
    from: 'people/tables.ts genders',
    at: [
      'src/elections/result-view.ts',
      'views/elections/_result-contest.eta',
      'views/elections/bal-panchayat.eta',
      'views/elections/nominate.eta',
      'views/elections/show.eta',
      'views/meetings/_attendance.eta',
      'views/meetings/attendance-record.eta',
      'views/meetings/minutes.eta',
      'views/people/_form.eta',
      'views/people/_list.eta',
      'views/people/_register.eta',
      'views/people/show.eta',
      'views/voting/additions.eta',
      'views/voting/confirm-voter.eta',
    ],
  },
  {
    key: 'reason.*',
    values: outOfSchoolReasons,
    from: 'people/tables.ts outOfSchoolReasons',
    at: ['views/people/_form.eta', 'views/people/_list.eta', 'views/people/show.eta'],
  },
  {
    key: 'ageBand.*',
    values: ageBands,
    from: 'people/schemas.ts ageBands',
    at: ['views/people/_register.eta'],
  },
  {
    key: 'childStatus.*',
    values: childStatuses,
    from: 'people/schemas.ts childStatuses',
    at: ['views/people/_register.eta'],
  },
  {
    key: 'children.stat.*',
    values: ['total', 'girls', 'boys', 'others', 'outOfSchool', 'noConsent'],
    from: "the register's counts (people/children.ts), listed in the template",
    at: ['views/people/_register.eta'],
    inline: true,
  },
  {
    key: 'role.*',
    values: roles,
    from: 'core/actor.ts roles',
    at: [
      'views/accounts/users/_form.eta',
      'views/accounts/users/index.eta',
      'views/accounts/users/show.eta',
      'views/layout.eta',
      'views/villages/show.eta',
    ],
  },
  { key: 'roleHint.*', values: roles, from: 'core/actor.ts roles', at: ['views/accounts/users/_form.eta'] },
  {
    key: 'village.*',
    values: ['name', 'gramPanchayat', 'block', 'district', 'state'],
    from: "the village form's fields, listed in the template",
    at: ['views/villages/_form.eta'],
    inline: true,
  },
  {
    key: 'backups.failure.*',
    values: failureKinds,
    from: 'backups/backup-folder.ts failureKinds',
    at: ['views/villages/_backups.eta'],
  },
  {
    key: 'certificate.menu.*',
    values: ['settings', 'security', 'credentials', 'install', 'ca'],
    from: "the phone's menu path, listed in the template",
    at: ['views/certificate/show.eta'],
    inline: true,
  },
  {
    key: 'stage.*',
    values: stages,
    from: 'elections/tables.ts stages',
    at: ['views/elections/index.eta', 'views/elections/show.eta'],
  },
  {
    key: 'candidacy.*',
    values: candidacyRules,
    from: 'elections/tables.ts candidacyRules',
    at: ['views/elections/_form.eta'],
  },
  { key: 'method.*', values: methods, from: 'elections/tables.ts methods', at: ['views/elections/_contest-form.eta'] },
  {
    key: 'contestShare.*',
    values: shareChoices,
    from: 'elections/tables.ts shareChoices',
    at: ['views/elections/_contest-form.eta'],
  },
  {
    key: 'rounding.*',
    values: roundings,
    from: 'elections/tables.ts roundings',
    at: ['views/elections/_contest-form.eta'],
  },
  {
    key: 'protect.*',
    values: protections,
    from: 'elections/tables.ts protections',
    at: ['views/elections/_contest-form.eta'],
  },
  {
    key: 'tieBreak.*',
    values: tieBreaks,
    from: 'elections/tables.ts tieBreaks',
    at: ['views/elections/_contest-form.eta'],
  },
  {
    key: 'shortfall.*',
    values: shortfalls,
    from: 'elections/tables.ts shortfalls',
    at: ['views/elections/_contest-form.eta'],
  },
  {
    key: 'symbol.*',
    values: symbols,
    from: 'elections/symbols.ts symbols',
    at: [
      'src/elections/result-view.ts',
      'views/elections/nominate.eta',
      'views/elections/paper-count.eta',
      'views/elections/show.eta',
      'views/voting/ballot.eta',
    ],
  },
  {
    key: 'voting.ended.*',
    values: ballotEnds,
    from: 'elections/voting.ts ballotEnds',
    at: ['views/voting/locked.eta'],
  },
  {
    key: 'voting.outcome.*',
    values: ballotOutcomes,
    from: 'elections/voting.ts ballotOutcomes',
    at: ['src/web/routes/voting.ts'],
  },
  {
    key: 'voting.offRoll.*',
    values: notOnRollReasons,
    from: 'elections/roll.ts notOnRollReasons',
    at: ['views/voting/additions.eta'],
  },
  {
    key: 'explain.group.*',
    values: protections.map(camel),
    from: 'elections/tables.ts protections, in camelCase (explain.ts groupKey)',
    at: ['src/elections/explain.ts'],
  },
  {
    key: 'explain.stood.*',
    values: protections.map(camel),
    from: 'elections/tables.ts protections, in camelCase (explain.ts groupKey)',
    at: ['src/elections/explain.ts'],
  },
  {
    key: 'audit.action.election.*',
    values: stages.filter((s) => s !== 'draft'),
    from: 'elections/tables.ts stages after draft (advance() moves only onward)',
    at: ['src/elections/elections.ts'],
  },
  {
    key: 'meetingStage.*',
    values: meetingStages,
    from: 'meetings/tables.ts meetingStages',
    at: ['views/meetings/index.eta', 'views/meetings/show.eta'],
  },
  {
    key: 'audit.action.meeting.*',
    values: meetingStages.filter((s) => s !== 'draft'),
    from: 'meetings/tables.ts meetingStages after draft (moveTo() is called for in_progress and closed)',
    at: ['src/meetings/meetings.ts'],
  },
  {
    key: 'quorumShare.*',
    values: quorumShares,
    from: 'meetings/tables.ts quorumShares',
    at: [
      'views/meetings/_attendance.eta',
      'views/meetings/index.eta',
      'views/meetings/minutes.eta',
      'views/meetings/quorum.eta',
    ],
  },
  {
    key: 'shareGirls.*',
    values: girlsQuorumShares,
    from: 'meetings/tables.ts girlsQuorumShares',
    at: [
      'views/meetings/_attendance.eta',
      'views/meetings/index.eta',
      'views/meetings/minutes.eta',
      'views/meetings/quorum.eta',
    ],
  },
  {
    key: 'agenda.move.*',
    values: ['up', 'down'],
    from: 'the two directions an agenda item moves, listed in the template',
    at: ['views/meetings/_agenda.eta'],
    inline: true,
  },
  {
    key: 'resolution.*',
    values: ['problem', 'request'],
    from: "the resolution form's long fields, listed in the template",
    at: ['views/meetings/_resolution-form.eta'],
    inline: true,
  },
  {
    key: 'resolution.*Hint',
    values: ['problem', 'request'],
    from: "the resolution form's long fields, listed in the template",
    at: ['views/meetings/_resolution-form.eta'],
    inline: true,
  },
  {
    key: 'category.*',
    values: categories,
    from: 'resolutions/tables.ts categories',
    at: [
      'views/figures/index.eta',
      'views/meetings/_resolution-form.eta',
      'views/meetings/_resolution.eta',
      'views/resolutions/_inbox.eta',
      'views/resolutions/_list.eta',
      'views/resolutions/board.eta',
      'views/resolutions/show.eta',
    ],
  },
  {
    key: 'status.*',
    values: listStatuses,
    from: 'web/routes/resolutions.ts listStatuses (every Status of resolutions/journey.ts)',
    at: [
      'views/cases/show.eta',
      'views/resolutions/_list.eta',
      'views/resolutions/board.eta',
      'views/resolutions/index.eta',
      'views/resolutions/show.eta',
    ],
  },
  {
    key: 'overdue.*',
    values: overdueKinds,
    from: 'what resolutions/journey.ts overdue() returns',
    at: ['views/cases/show.eta', 'views/resolutions/_list.eta', 'views/resolutions/show.eta'],
  },
  {
    key: 'board.late.*',
    values: overdueKinds,
    from: 'what resolutions/journey.ts overdue() returns',
    at: ['views/resolutions/board.eta'],
  },
  {
    key: 'inbox.late.*',
    values: overdueKinds,
    from: 'what resolutions/journey.ts overdue() returns',
    at: ['views/resolutions/_inbox.eta'],
  },
  {
    key: 'inbox.state.*',
    values: journeyStatuses,
    from: 'resolutions/journey.ts journeyStatuses (a forwarded resolution, as its inbox card says it)',
    at: ['views/resolutions/_inbox.eta'],
  },
  {
    key: 'inbox.next.*',
    values: waitingStatuses,
    from: 'resolutions/inbox.ts waitingStatuses',
    at: ['views/resolutions/_inbox.eta'],
  },
  {
    key: 'inbox.finishedOn.*',
    values: finishedStatuses,
    from: 'resolutions/inbox.ts finishedStatuses',
    at: ['views/resolutions/_inbox.eta'],
  },
  {
    key: 'way.*',
    values: forwardingWays,
    from: 'resolutions/tables.ts forwardingWays',
    at: ['views/resolutions/show.eta'],
  },
  {
    key: 'decision.*',
    values: decisions,
    from: 'resolutions/tables.ts decisions',
    at: ['views/resolutions/_decision-form.eta', 'views/resolutions/show.eta'],
  },
  {
    key: 'journey.*',
    values: responseKinds,
    from: 'resolutions/tables.ts responseKinds',
    at: ['views/cases/show.eta', 'views/meetings/_answer.eta', 'views/resolutions/show.eta'],
  },
  {
    key: 'journey.waiting.*',
    values: journeyStatuses.filter((s) => nextSteps(s).length > 0),
    from: 'resolutions/journey.ts journeyStatuses that await an answer (nextSteps)',
    at: ['views/resolutions/show.eta'],
  },
  {
    key: 'answers.notNow.*',
    values: listStatuses,
    from: 'every Status of resolutions/journey.ts (answerable())',
    at: ['src/resolutions/journeys.ts'],
  },
  {
    key: 'audit.action.resolution.*',
    values: responseKinds,
    from: 'resolutions/tables.ts responseKinds (answer())',
    at: ['src/resolutions/journeys.ts'],
  },
  // Out-of-school cases (issue 16)
  {
    key: 'cases.reason.*',
    values: caseReasons,
    from: 'cases/tables.ts caseReasons',
    at: ['views/cases/_case-form.eta', 'views/cases/index.eta', 'views/cases/show.eta', 'views/people/show.eta'],
  },
  {
    key: 'cases.workPlace.*',
    values: workPlaces,
    from: 'cases/tables.ts workPlaces',
    at: ['views/cases/_case-form.eta', 'views/cases/index.eta', 'views/cases/show.eta'],
  },
  {
    key: 'cases.finder.*',
    values: finders,
    from: 'cases/tables.ts finders',
    at: ['views/cases/_case-form.eta', 'views/cases/show.eta'],
  },
  { key: 'cases.step.*', values: stepKinds, from: 'cases/tables.ts stepKinds', at: ['views/cases/show.eta'] },
  {
    key: 'cases.add.*',
    values: stepKinds,
    from: 'cases/tables.ts stepKinds',
    at: ['views/cases/show.eta', 'views/cases/step.eta'],
  },
  {
    key: 'cases.noteLabel.*',
    values: stepKinds,
    from: 'cases/tables.ts stepKinds',
    at: ['views/cases/_step-form.eta'],
  },
  {
    key: 'audit.action.case.*',
    values: stepKinds,
    from: 'cases/tables.ts stepKinds (addStep)',
    at: ['src/cases/cases.ts'],
  },
  {
    key: 'cases.closeReason.*',
    values: closeReasons,
    from: 'cases/tables.ts closeReasons',
    at: ['views/cases/_status.eta', 'views/cases/_step-form.eta', 'views/cases/show.eta'],
  },
  {
    key: 'cases.status.*',
    values: caseStatuses,
    from: 'cases/machine.ts caseStatuses',
    at: ['views/cases/_status.eta'],
  },
  { key: 'cases.refusal.*', values: stepRefusals, from: 'cases/machine.ts stepRefusals', at: ['src/cases/cases.ts'] },
  {
    key: 'outcome.*',
    values: outcomes,
    from: 'figures/figures.ts outcomes',
    at: ['src/web/routes/figures.ts', 'views/figures/index.eta'],
  },
  {
    key: 'results.column.*',
    values: resultCsvColumns,
    from: 'elections/result-view.ts resultCsvColumns (the result CSV headings)',
    at: ['src/elections/result-view.ts'],
  },
  {
    key: 'figures.column.*',
    values: [...new Set(Object.values(figureColumns).flat())].filter(
      (c) => !(outcomes as readonly string[]).includes(c),
    ),
    from: 'web/routes/figures.ts figureColumns (the CSV headings), less the outcomes',
    at: ['src/web/routes/figures.ts'],
  },
  {
    key: 'audit.field.*',
    values: Object.keys(auditFields),
    from: 'audit/details.ts auditFields (the fields an audit entry may hold)',
    at: ['src/audit/details.ts'],
  },
  {
    key: 'audit.action.*',
    get values() {
      return writtenActions()
    },
    from: 'every audit action the code writes (spelled out, or built as above)',
    at: ['views/audit/_entries.eta', 'views/people/show.eta'],
  },
]

/**
 * Calls of the translator with a key held in a variable. Each hands on keys written elsewhere as literals
 * (form messages, flash messages, error keys), which the static check below finds and checks.
 */
const passedThrough: { call: string; at: string[]; why: string }[] = [
  {
    call: 't(m.key)',
    at: ['src/cli.ts', 'src/web/view-helpers.ts'],
    why: 'a form message (core/errors.ts Message)',
  },
  {
    call: 't(key)',
    at: ['src/audit/details.ts', 'src/elections/explain.ts', 'src/web/error-handler.ts', 'src/web/flash.ts'],
    why: "an enum's words in an audit detail (every group and value checked in tests/domain/audit-details.test.ts); explain.ts's say() itself; a DomainError's key; a flash message",
  },
  { call: 't(inSession)', at: ['src/web/flash.ts'], why: 'a flash message kept in the session' },
]

/** What the scanner finds that the lists above do not name, and what they name that is no longer there. */
function coverage(found: Map<string, string[]>): { unlisted: string[]; stale: string[] } {
  const listed = new Set([
    ...builtKeys.flatMap((b) => b.at.map((f) => `${b.key} @ ${f}`)),
    ...passedThrough.flatMap((p) => p.at.map((f) => `${p.call} @ ${f}`)),
  ])
  const seen = new Set([...found].flatMap(([file, built]) => built.map((b) => `${b} @ ${file}`)))
  return {
    unlisted: [...seen].filter((s) => !listed.has(s)).sort(),
    stale: [...listed].filter((s) => !seen.has(s)).sort(),
  }
}
function scan(texts: Map<string, string>): Map<string, string[]> {
  return new Map([...texts].map(([file, text]) => [file, builtIn(text, file)]))
}

// ---------------------------------------------------------------------------------------------------

describe('the dictionary files', () => {
  it('each hold only keys under the prefixes src/i18n/namespaces.ts gives them, and no key twice', () => {
    expect(readDictionaries().problems).toEqual([])
  })

  it('are all declared in namespaces.ts, and every prefix declared there holds words in both languages', () => {
    const names = new Set(fs.readdirSync(i18nDir).flatMap((f) => /^([a-z-]+)\.(?:hi|en)\.json$/.exec(f)?.[1] ?? []))
    expect([...names].sort()).toEqual(Object.keys(namespaces).sort())
    const unused: string[] = []
    for (const lang of languages)
      for (const [name, prefixes] of Object.entries(namespaces)) {
        const mine = keys(JSON.parse(fs.readFileSync(path.join(i18nDir, `${name}.${lang}.json`), 'utf8')))
        for (const p of prefixes)
          if (!mine.some((k) => k === p || k.startsWith(`${p}.`))) unused.push(`${name}.${lang}.json: ${p}`)
      }
    expect(unused).toEqual([])
  })

  it('name the file of each key by its most specific prefix', () => {
    expect(namespaceOf('contestShare.1/3')).toEqual({ file: 'elections', prefix: 'contestShare' })
    expect(namespaceOf('quorumShare.1/3')).toEqual({ file: 'meetings', prefix: 'quorumShare' })
    expect(namespaceOf('audit.title')).toEqual({ file: 'core', prefix: 'audit' })
    expect(namespaceOf('audit.action.user.created')?.file).toBe('core')
    expect(namespaceOf('audit.action.election.poll_open')).toEqual({
      file: 'elections',
      prefix: 'audit.action.election',
    })
    expect(namespaceOf('v.pinWait_one')?.file).toBe('core')
    expect(namespaceOf('share.1/3')).toBeUndefined()
    expect(namespaceOf('contestShareX.1')).toBeUndefined()
  })

  it('define each key in one file only (read file by file, without the loader)', () => {
    const twice: string[] = []
    for (const lang of languages) {
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

  it('merge one group from several files when each file keeps to its own prefixes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dictionaries-'))
    const write = (file: string, words: object) => fs.writeFileSync(path.join(dir, file), JSON.stringify(words))
    const owned = { elections: ['contestShare', 'audit.action.x'], meetings: ['quorumShare', 'audit.action.y'] }
    write('elections.en.json', { contestShare: { '1/2': 'Half' }, audit: { action: { 'x.done': 'X' } } })
    write('meetings.en.json', { quorumShare: { '1/4': 'a quarter' }, audit: { action: { 'y.done': 'Y' } } })
    expect(loadDictionaries(dir, owned).en).toEqual({
      contestShare: { '1/2': 'Half' },
      quorumShare: { '1/4': 'a quarter' },
      audit: { action: { 'x.done': 'X', 'y.done': 'Y' } },
    })
    fs.rmSync(dir, { recursive: true })
  })

  it('refuse to load a key outside its file’s namespace, a key defined twice, an undeclared file, a prefix claimed twice', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dictionaries-'))
    const write = (file: string, words: object) => fs.writeFileSync(path.join(dir, file), JSON.stringify(words))
    const owned = { elections: ['share'], meetings: ['quorumShare'] }
    write('elections.en.json', { share: { '1/2': 'Half' } })
    write('meetings.en.json', { share: { '1/2': 'half' } })
    expect(readDictionaries(dir, owned).problems).toEqual([
      'meetings.en.json: "share.1/2" is outside the namespace of meetings: it belongs to elections ("share")',
      'meetings.en.json: "share.1/2" is already defined in elections.en.json',
    ])
    expect(() => loadDictionaries(dir, owned)).toThrow('"share.1/2" is already defined in elections.en.json')
    // A leaf where another file has a group of that name.
    write('meetings.en.json', { share: 'Share' })
    expect(() => loadDictionaries(dir, owned)).toThrow(
      'meetings.en.json: "share" is already defined in elections.en.json',
    )
    write('meetings.en.json', { quorumShare: { '1/2': 'half' } })
    expect(loadDictionaries(dir, owned).en).toEqual({ share: { '1/2': 'Half' }, quorumShare: { '1/2': 'half' } })
    expect(() => loadDictionaries(dir, { elections: ['share'] })).toThrow(
      'meetings.en.json: no namespace is declared for "meetings"',
    )
    expect(() => loadDictionaries(dir, { elections: ['share'], meetings: ['quorumShare', 'share'] })).toThrow(
      '"share" is claimed by both elections and meetings',
    )
    fs.rmSync(dir, { recursive: true })
  })

  it('refuse the old layout, where the contest form and the quorum both had share.* (share.1/3, share.1/2 twice)', () => {
    // The dictionaries as they are, with the two groups named as they were before contestShare/quorumShare.
    const dir = copyOfDictionaries((file, words) => {
      if (file.startsWith('elections.')) renameGroup(words, 'contestShare', 'share')
      if (file.startsWith('meetings.')) renameGroup(words, 'quorumShare', 'share')
    })
    const { problems } = readDictionaries(dir)
    for (const lang of languages) {
      expect(problems).toContain(
        `elections.${lang}.json: "share.1/3" is outside the namespace of elections: no file claims it`,
      )
      expect(problems).toContain(
        `meetings.${lang}.json: "share.1/3" is outside the namespace of meetings: no file claims it`,
      )
      expect(problems).toContain(`meetings.${lang}.json: "share.1/3" is already defined in elections.${lang}.json`)
      expect(problems).toContain(`meetings.${lang}.json: "share.1/2" is already defined in elections.${lang}.json`)
    }
    expect(problems.every((p) => p.includes('"share.'))).toBe(true)
    expect(() => loadDictionaries(dir)).toThrow(/refused[\s\S]*"share\.1\/3"/)
    // Had one of them claimed `share`, the other would still be refused.
    const electionsClaimShare = { ...namespaces, elections: [...namespaces.elections, 'share'] }
    expect(readDictionaries(dir, electionsClaimShare).problems).toContain(
      'meetings.en.json: "share.1/4" is outside the namespace of meetings: it belongs to elections ("share")',
    )
    // And both cannot claim it.
    const bothClaimShare = { ...electionsClaimShare, meetings: [...namespaces.meetings, 'share'] }
    expect(readDictionaries(dir, bothClaimShare).problems).toContain(
      '"share" is claimed by both elections and meetings',
    )
    fs.rmSync(dir, { recursive: true })
  })

  it('refuse a word put in another domain’s file', () => {
    const dir = copyOfDictionaries((file, words) => {
      if (file === 'voting.en.json') words.stage = { extra: 'Extra' }
    })
    expect(readDictionaries(dir).problems).toEqual([
      'voting.en.json: "stage.extra" is outside the namespace of voting: it belongs to elections ("stage")',
    ])
    fs.rmSync(dir, { recursive: true })
  })
})

describe('the Hindi and English dictionaries', () => {
  it('have the same keys', () => {
    expect(keys(dictionaries.hi).sort()).toEqual(keys(dictionaries.en).sort())
  })

  it('have no empty text', () => {
    for (const lang of languages) {
      const t = translator(lang)
      for (const k of keys(dictionaries[lang])) expect(t(k.replace(/_(one|other)$/, '')), `${lang}: ${k}`).not.toBe('')
    }
  })
})

describe('the keys the templates and the code ask for', () => {
  const texts = sources()

  it('are each in both dictionaries, where spelled out', () => {
    const used = new Map<string, string>()
    for (const [file, text] of texts) {
      const { keys: spelled, actions } = spelledIn(text, file)
      for (const k of spelled) used.set(k.replace(plural, ''), file)
      for (const a of actions) used.set(`audit.action.${a}`, file)
    }
    for (const lang of languages) {
      const all = present(lang)
      expect(
        [...used].filter(([k]) => !all.has(k)).map(([k, file]) => `${k} (${file})`),
        lang,
      ).toEqual([])
    }
    expect(used.size).toBeGreaterThan(800)
  })

  it('are each in both dictionaries, where built from a value: for every value of its enum', () => {
    expect(listStatusesAreEveryStatus).toBe(true)
    for (const lang of languages) {
      const all = present(lang)
      const missing = builtKeys.flatMap(({ key, values, from }) =>
        values
          .map((v) => key.replace('*', v))
          .filter((k) => !all.has(k))
          .map((k) => `${k} (${from})`),
      )
      expect(missing, lang).toEqual([])
    }
    expect(builtKeys.find((b) => b.key === 'audit.action.*')?.values).toContain('election.poll_open')
  })

  it('are built only where the list of built keys says, and hand on keys only where it says', () => {
    expect(coverage(scan(texts))).toEqual({ unlisted: [], stale: [] })
  })

  it('are built from the lists written in the templates as those lists stand', () => {
    const changed = builtKeys
      .filter((b) => b.inline)
      .flatMap((b) => b.at.map((file) => ({ file, list: `[${b.values.map((v) => `'${v}'`).join(', ')}]` })))
      .filter(({ file, list }) => !texts.get(file)?.includes(list))
    expect(changed).toEqual([])
  })

  it('control: the scanner finds a key built anew in a template or the code, and an unknown key spelled out', () => {
    const planted = new Map(texts)
    const add = (file: string, text: string) => planted.set(file, `${planted.get(file) ?? ''}\n${text}\n`)
    add('views/meetings/quorum.eta', "<%= it.t('share.' + it.rule.members) %>")
    add('views/people/show.eta', "<%= it.t('gender.' + it.child.gender) %>") // already listed for this file
    add('views/figures/index.eta', "<%= it.t('gender.' + r.gender) %>") // listed, but not for this file
    add('src/meetings/planted.ts', 'export const k = (s: string, t: (k: string) => string) => t(`quorum.rule.${s}`)')
    add('src/elections/planted.ts', 'audit(tx, actor, { action: `ballot.${kind}` })')
    add('src/web/planted.ts', 'const label = t(row.labelKey)')
    add('src/web/planted2.ts', 'const label = t(`${group}.${value}`)')
    expect(coverage(scan(planted))).toEqual({
      unlisted: [
        'share.* @ views/meetings/quorum.eta',
        'gender.* @ views/figures/index.eta',
        'quorum.rule.* @ src/meetings/planted.ts',
        'audit.action.ballot.* @ src/elections/planted.ts',
        't(row.labelKey) @ src/web/planted.ts',
        't(`${group}.${value}`) @ src/web/planted2.ts',
      ].sort(),
      stale: [],
    })
    // A building taken away is noticed too.
    const without = new Map(texts)
    without.set('views/villages/_backups.eta', '')
    expect(coverage(scan(without)).stale).toEqual(['backups.failure.* @ views/villages/_backups.eta'])
    // A spelled-out key that is in no dictionary.
    expect(
      spelledIn("<%= it.t('meetings.noSuchWords') %> <%= it.msg({ key: 'v.noSuchRule' }) %>", 'x.eta').keys,
    ).toEqual(['meetings.noSuchWords', 'v.noSuchRule'])
    expect(spelledIn("redirectAfter(request, reply, to, 'children.erasedd')", 'x.ts').keys).toEqual([
      'children.erasedd',
    ])
    expect(
      spelledIn("field.text(120) // 'v.inAComment'\nzod.string().max(9, `v.tooLong|${max}`)", 'x.ts').keys,
    ).toEqual(['v.tooLong'])
    expect(spelledIn("recordAudit(tx, a, { action: on ? 'user.enabled' : 'user.disabled' })", 'x.ts')).toEqual({
      keys: [],
      actions: ['user.enabled', 'user.disabled'],
    })
  })
})
