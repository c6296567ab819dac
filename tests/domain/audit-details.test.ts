import { afterAll, describe, expect, it } from 'vitest'
import { auditLog } from '../../src/audit/tables.ts'
import { auditActorName, auditDetailLines, auditFields } from '../../src/audit/details.ts'
import { operatorActor } from '../../src/audit/audit.ts'
import { seedDemo } from '../../src/demo/seed.ts'
import { translator } from '../../src/i18n/translator.ts'
import { genders, outOfSchoolReasons } from '../../src/people/tables.ts'
import { forwardingWays, decisions, categories } from '../../src/resolutions/tables.ts'
import {
  methods,
  roundings,
  protections,
  tieBreaks,
  shortfalls,
  candidacyRules,
  lotSources,
} from '../../src/elections/tables.ts'
import { girlsQuorumShares } from '../../src/meetings/tables.ts'
import { roles } from '../../src/accounts/tables.ts'
import { freshDatabase } from '../helpers/app.ts'

const hi = translator('hi')
const en = translator('en')
const lines = (detail: Record<string, unknown>, lang: 'hi' | 'en' = 'hi') =>
  auditDetailLines(detail, lang === 'hi' ? hi : en, lang).map((l) => `${l.field}: ${l.value}`)

describe('an audit entry’s details as a reader sees them', () => {
  it('names each field in the reader’s language instead of its raw key', () => {
    expect(lines({ number: 3, targetDate: null, way: 'letter', on: '2026-11-23' })).toEqual([
      'क्रमांक: #3',
      'कब तक होगा: —',
      'कैसे भेजा: पत्र से',
      'तारीख: 23 नवंबर 2026',
    ])
    expect(lines({ number: 3, targetDate: null, way: 'letter', on: '2026-11-23' }, 'en')).toEqual([
      'Number: #3',
      'To be done by: —',
      'Sent by: By letter',
      'Date: 23 November 2026',
    ])
  })

  it('shows a change as before → after, with enums in words and nothing as —', () => {
    expect(lines({ ward: ['', '4'], guardianName: ['Ramesh', 'Suresh'], gender: ['boy', 'girl'] })).toEqual([
      'वार्ड: — → 4',
      'अभिभावक का नाम: Ramesh → Suresh',
      'लिंग: लड़का → लड़की',
    ])
    expect(lines({ time: ['11:00', '16:30'], inSchool: [true, false] })).toEqual([
      'समय: सुबह 11 बजे → शाम 4:30 बजे',
      'स्कूल जाता/जाती है: हाँ → नहीं',
    ])
    expect(lines({ time: ['11:00', '16:30'] }, 'en')).toEqual(['Time: 11 am → 4:30 pm'])
    expect(lines({ item: 'हैंडपंप', direction: 'up' })).toEqual(['कार्यसूची का विषय: हैंडपंप', 'किधर: ↑'])
  })

  it('keeps user data as it was typed: a candidate’s name in a paper count, a free text', () => {
    expect(lines({ contest: 'प्रधान', ballots: 40, 'सुनीता मीणा': 22, reason: 'बारिश' })).toEqual([
      'पद: प्रधान',
      'मतपत्र: 40',
      'सुनीता मीणा: 22',
      'कारण: बारिश',
    ])
    // An enum value the dictionaries do not know is shown as it is, not as a dictionary key.
    expect(lines({ way: 'pigeon' })).toEqual(['कैसे भेजा: pigeon'])
  })

  it('names the operator’s command line in words, and a person by their name', () => {
    expect(auditActorName({ actorId: null, actorName: operatorActor.displayName }, hi)).toBe(
      'संचालक (बॉक्स की कमांड लाइन से)',
    )
    expect(auditActorName({ actorId: null, actorName: operatorActor.displayName }, en)).toBe('operator (command line)')
    expect(auditActorName({ actorId: 3, actorName: 'रेखा मीणा' }, hi)).toBe('रेखा मीणा')
  })

  it('has words for every field and every value of its enums in both languages', () => {
    for (const [lang, t] of [
      ['hi', hi],
      ['en', en],
    ] as const) {
      for (const field of Object.keys(auditFields))
        expect(t(`audit.field.${field}`), `${lang} ${field}`).not.toMatch(/^audit\./)
      const enums: [string, readonly string[]][] = [
        ['gender', genders],
        ['outOfSchoolReason', outOfSchoolReasons],
        ['way', forwardingWays],
        ['decision', decisions],
        ['category', categories],
        ['method', methods],
        ['rounding', roundings],
        ['protect', protections],
        ['tieBreak', tieBreaks],
        ['shortfall', shortfalls],
        ['candidacy', candidacyRules],
        ['source', lotSources],
        ['girls', girlsQuorumShares],
        ['role', roles],
      ]
      for (const [field, values] of enums)
        for (const v of values) {
          const [line] = auditDetailLines({ [field]: v }, t, lang)
          expect(line.value, `${lang} ${field}=${v}`).not.toBe(v)
          expect(line.value).not.toMatch(/^[a-z]+\./)
        }
    }
  })

  describe('on the demo village’s whole log', () => {
    const database = freshDatabase()
    afterAll(() => database.close())

    it('leaves no raw key, no "null" and no English on a Hindi reader’s page', async () => {
      await seedDemo(database.db)
      const entries = database.db.select().from(auditLog).all()
      expect(entries.length).toBeGreaterThan(20)
      for (const e of entries) {
        const detail = JSON.parse(e.detail) as Record<string, unknown>
        for (const line of auditDetailLines(detail, hi, 'hi')) {
          const where = `${e.action}: ${line.field}: ${line.value}`
          expect(line.value, where).not.toMatch(/\bnull\b|\bundefined\b|\btrue\b|\bfalse\b/)
          // A field's name is in Hindi unless it is a candidate's name in a paper count (user data).
          if (!e.action.startsWith('paper_count')) expect(line.field, where).not.toMatch(/[A-Za-z]/)
        }
      }
    })
  })
})
