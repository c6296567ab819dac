import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { projectRoot } from '../../src/core/paths.ts'
import { dictionaries } from '../../src/i18n/translator.ts'

/**
 * The Hindi dictionaries follow docs/glossary.md: none of the words it says not to use, and the terms
 * that must always come whole ("कार्यवाही विवरण", "बाल पंचायत प्रधान") never come cut.
 */
const glossary = fs.readFileSync(path.join(projectRoot, 'docs/glossary.md'), 'utf8')

type Dictionary = { [key: string]: string | Dictionary }
function leaves(d: Dictionary, prefix = ''): [string, string][] {
  return Object.entries(d).flatMap(([k, v]) =>
    typeof v === 'string' ? [[prefix + k, v] as [string, string]] : leaves(v, `${prefix}${k}.`),
  )
}

const L = String.raw`\p{L}\p{M}`
/** Each rule: the glossary's word not to use (as the glossary writes it) and how to find it in a text. */
const rules: { avoid: string; found: RegExp }[] = [
  { avoid: 'सुविधादाता', found: /सुविधादाता/u },
  { avoid: 'प्रत्याशी', found: /प्रत्याशी/u },
  { avoid: 'एजेंडा', found: /एजेंडा/u },
  { avoid: 'गणपूर्ति', found: /गणपूर्ति/u },
  { avoid: 'अग्रेषित', found: /अग्रेषित/u },
  { avoid: 'विलंबित', found: /विलंबित/u },
  { avoid: 'एडमिन', found: /एडमिन/u },
  { avoid: 'बाल संसद', found: /बाल संसद/u },
  { avoid: '"काग़ज़ी गिनती"', found: /काग़ज़ी गिनती|कागज़ी गिनती/u },
  { avoid: '"प्रस्ताव की यात्रा"', found: /प्रस्ताव की यात्रा/u },
  { avoid: '"तीन पाँचवाँ"', found: /तीन पाँचवाँ/u },
  { avoid: '"पूर्णांकन"', found: /पूर्णांकन/u },
  { avoid: '"मध्यिका"', found: /मध्यिका/u },
  { avoid: 'bare "प्रधान"', found: new RegExp(`(?<!बाल पंचायत )(?<!उप-)(?<![${L}])प्रधान`, 'u') },
  { avoid: '"ब्लॉक"', found: /ब्लॉक(?! शिक्षा अधिकारी)/u },
  { avoid: 'मत (say वोट', found: new RegExp(`(?<![${L}])मत(?![${L}])|(?<![${L}])मतों(?![${L}])`, 'u') },
  { avoid: '"विवरण" alone', found: /(?<!कार्यवाही )विवरण/u },
]

/** Keys excused from the glossary while they are being reworded (none now); the test below fails once one is fixed, so the list only shrinks. */
const notYet: Record<string, string> = {}

function breaches(d: Dictionary): string[] {
  return leaves(d).flatMap(([key, text]) =>
    rules.filter((r) => r.found.test(text)).map((r) => `${key}: ${r.avoid} in “${text}”`),
  )
}

describe('the glossary', () => {
  it('names every word the dictionaries are checked for', () => {
    for (const r of rules) expect(glossary, r.avoid).toContain(r.avoid.replace(/^bare /, '').replace(/ alone$/, ''))
  })

  it('is followed by every Hindi string', () => {
    const found = breaches(dictionaries.hi).filter((b) => !Object.hasOwn(notYet, b.slice(0, b.indexOf(':'))))
    expect(found).toEqual([])
  })

  it('excuses only what is still there', () => {
    const keys = new Set(breaches(dictionaries.hi).map((b) => b.slice(0, b.indexOf(':'))))
    for (const key of Object.keys(notYet)) expect(keys.has(key), key).toBe(true)
  })

  it('control: finds each word it is meant to find, and not the right ones', () => {
    const planted = {
      a: 'बैठक का विवरण',
      b: 'प्रधान ने कहा',
      c: 'तीन पाँचवाँ',
      d: 'पक्ष में 5 मत',
      e: 'ब्लॉक विराटनगर',
    }
    expect(breaches(planted)).toHaveLength(5)
    const right = {
      a: 'कार्यवाही विवरण',
      b: 'बाल पंचायत प्रधान और उप-प्रधान',
      c: 'मतदान, मतपत्र, मतदाता',
      d: 'ब्लॉक शिक्षा अधिकारी',
      e: 'पंचायत समिति',
    }
    expect(breaches(right)).toEqual([])
  })
})
