import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { Eta } from 'eta'
import { todayIso } from '../core/dates.ts'
import { hasErrors, linkErrorSummary } from './error-summary.ts'

type EtaOptions = ConstructorParameters<typeof Eta>[0]
type Data = Record<string, unknown>
type Meta = { filepath?: string } | undefined
type ResolvePath = (template: string, options?: Meta) => string
type Render = (template: string, data: object, meta?: Meta) => string

/**
 * A partial drawn only from rows the read cache keeps (db/read-cache.ts) and from words that depend
 * on nothing but the language and the day: its HTML is kept with those rows and drawn again only
 * when they are read anew. The staff pages' lists are most of their drawing (and of the garbage a
 * request leaves), and they are drawn again and again from the same rows.
 *
 * `from` names the objects the partial draws, the first a kept (frozen) one: its HTML is remembered
 * for those very objects, so rows read anew are drawn anew. None: the partial draws no rows, and its
 * HTML is remembered by its key alone. `inputs` are all the partial may use of
 * `it`; it is drawn from those alone, so a partial changed to use anything else (the person, the
 * CSRF token) fails at once instead of showing one person's page to another. `key` adds what else
 * the HTML depends on (the language; the day, for ages and lateness; the filters asked for).
 * `unless`: when the partial draws something of the person's own after all (a form), and so is
 * drawn afresh every time.
 */
type Fragment = {
  from: readonly string[]
  inputs: readonly string[]
  key: (it: Data) => string
  unless?: (it: Data) => boolean
}

export const fragments: Record<string, Fragment> = {
  // The register page (people/index.eta draws nothing else): its figures, filters and table, all read
  // together while the database is unchanged; ages are counted from today. `following` (the children a case
  // follows, read on every request) changes only with the database, when the list is read anew too; whether
  // the reader may see cases at all is in the key.
  'people/_register.eta': {
    from: ['list', 'village', 'wards', 'summary', 'genders', 'ageBands'],
    inputs: ['t', 'lang', 'age', 'village', 'filter', 'list', 'wards', 'summary', 'genders', 'ageBands', 'following'],
    key: (it) => `${it.lang}|${todayIso()}|${JSON.stringify(it.filter)}|${it.following ? 'cases' : ''}`,
  },
  // The register's table alone (htmx asks for it when a filter changes).
  'people/_list.eta': {
    from: ['list', 'village'],
    inputs: ['t', 'lang', 'age', 'village', 'filter', 'list', 'following'],
    key: (it) => `${it.lang}|${todayIso()}|${JSON.stringify(it.filter)}|${it.following ? 'cases' : ''}`,
  },
  // An election's result page (elections/result.eta draws nothing else), but for the form that
  // publishes a closed poll's result: it carries the CSRF token.
  'elections/_result.eta': {
    from: ['counts', 'election'],
    inputs: ['t', 'lang', 'symbol', 'instant', 'election', 'stage', 'counts', 'seal'],
    key: (it) => {
      const seal = it.seal as { digest: string; sealedAt: Date } | null
      return `${it.lang}|${it.stage}|${seal ? `${seal.digest}|${seal.sealedAt.getTime()}` : ''}`
    },
    unless: (it) => it.stage === 'poll_closed',
  },
  // Every page's head but for its CSRF token (layout.eta): by the language, the title and whether htmx is needed.
  'partials/_head.eta': {
    from: [],
    inputs: ['t', 'lang', 'title', 'asset', 'usesHtmx', 'body'],
    key: (it) => `${it.lang}|${(it.usesHtmx as (body: unknown) => boolean)(it.body) ? 'htmx' : ''}|${it.title ?? ''}`,
  },
  // The words public/app.js shows when an action could not be sent, in that head: by the language alone.
  'partials/_client-words.eta': { from: [], inputs: ['t', 'lang'], key: (it) => String(it.lang) },
  // The top of every page to its tools (layout.eta): the brand, and the menu of the reader's role and village,
  // with the page's own entry marked.
  'partials/_header-start.eta': {
    from: [],
    inputs: ['t', 'lang', 'actor', 'path'],
    key: (it) => {
      const actor = it.actor as { role: string; villageId: number | null } | null
      return `${it.lang}|${actor ? `${actor.role}|${actor.villageId}` : ''}|${it.path}`
    },
  },
  // One contest of an election's result.
  'elections/_result-contest.eta': { from: ['c'], inputs: ['t', 'lang', 'symbol', 'c'], key: (it) => String(it.lang) },
  // The Gram Panchayat's inbox (resolutions/inbox.eta draws nothing else): what is late is counted from today.
  // Nothing in it is the member's own: the receipt and the decision are the Gram Panchayat's, in the rows.
  'resolutions/_inbox.eta': {
    from: ['pending', 'finished', 'village'],
    inputs: ['t', 'lang', 'date', 'village', 'pending', 'finished'],
    key: (it) => `${it.lang}|${todayIso()}`,
  },
}

/**
 * Eta as the app renders with. It finds each template's file once: Eta works out the path of every
 * page, layout and partial on every render (JSON, path.join, path.relative), several times a page;
 * the answer depends only on the views folder, the name asked for and the template asking, so it is
 * remembered by those (a name outside the views folder still throws, every time). And it keeps the
 * HTML of the `fragments` above.
 */
export function viewEngine(options: EtaOptions): Eta {
  const eta = new Eta(options)
  const compileToString = eta.compileToString
  eta.compileToString = function (this: Eta, template: string, opts?: { async?: boolean }) {
    return withoutSpreads(compileToString.call(this, template, opts), this.config.varName)
  } as typeof eta.compileToString
  const readFile = eta.readFile
  eta.readFile = (file: string) => withoutIndentation(readFile.call(eta, file))
  const resolve = eta.resolvePath as unknown as ResolvePath
  const found = new ByPlace<string>()
  const resolvePath = function (this: Eta, template: string, opts?: Meta) {
    const views = String(this.config.views)
    const from = opts?.filepath ?? ''
    let file = found.get(views, from, template)
    if (file === undefined) {
      file = resolve.call(this, template, opts)
      found.set(views, from, template, file)
    }
    return file
  }
  eta.resolvePath = resolvePath as typeof eta.resolvePath

  const render = eta.render as unknown as Render
  const drawn = new WeakMap<object, Drawn>()
  const keyedAlone = new Map<Fragment, Map<string, KeptHtml>>()
  eta.render = function (this: Eta, template: string, data: object, meta?: Meta) {
    const fragment = typeof template === 'string' && this.config.cache ? fragmentOf(this, template, meta) : undefined
    const it = data as Data
    const byKey =
      fragment &&
      !fragment.unless?.(it) &&
      (fragment.from.length ? drawnFrom(drawn, fragment.from, it) : byKeyAlone(keyedAlone, fragment))
    // Only what is kept is frozen: anything else is drawn as it comes. A refused form's summary links its fields.
    if (!fragment || !byKey) {
      const html = render.call(this, template, data, meta)
      return hasErrors(it) ? linkErrorSummary(html) : html
    }
    const key = fragment.key(it)
    let kept = byKey.get(key)
    if (kept === undefined) {
      const inputs: Data = {}
      for (const name of fragment.inputs) inputs[name] = it[name]
      kept = new KeptHtml(render.call(this, template, inputs, meta))
      // A few languages and days at most for the same rows; more means old days: forgotten. Kept by key
      // alone: a page's head or menu for each title or path, a few hundred of them.
      if (byKey.size >= (fragment.from.length ? 8 : 500)) byKey.clear()
      byKey.set(key, kept)
    }
    // Drawn for an answer (`it.splice`, from the request's helpers): its bytes go out as they are.
    return it.splice instanceof Splice ? it.splice.add(kept) : kept.html
  } as typeof eta.render

  /** Which of the `fragments` a render draws, if any (remembered as the file is). */
  const fragmentFiles = new ByPlace<Fragment | null>()
  function fragmentOf(self: Eta, template: string, meta: Meta): Fragment | undefined {
    const views = self.config.views
    if (!views) return undefined
    const from = meta?.filepath ?? ''
    let fragment = fragmentFiles.get(views, from, template)
    if (fragment === undefined) {
      const file = resolvePath.call(self, template, meta)
      fragment = fragments[path.relative(views, file).split(path.sep).join('/')] ?? null
      fragmentFiles.set(views, from, template, fragment)
    }
    return fragment ?? undefined
  }
  return eta
}

/**
 * What is remembered of a template name asked for from a template in a views folder: by the three
 * strings in turn, not by one key made of them, which would be a new string to build and hash on each
 * of a page's several lookups (the names and folders are the same strings every time). At most 1,000.
 */
class ByPlace<V> {
  private readonly byViews = new Map<string, Map<string, Map<string, V>>>()
  private count = 0

  get(views: string, from: string, template: string): V | undefined {
    return this.byViews.get(views)?.get(from)?.get(template)
  }

  set(views: string, from: string, template: string, value: V): void {
    if (this.count >= 1000) {
      this.byViews.clear()
      this.count = 0
    }
    let byFrom = this.byViews.get(views)
    if (!byFrom) this.byViews.set(views, (byFrom = new Map()))
    let byTemplate = byFrom.get(from)
    if (!byTemplate) byFrom.set(from, (byTemplate = new Map()))
    if (!byTemplate.has(template)) this.count++
    byTemplate.set(template, value)
  }
}

/**
 * Eta hands a partial the template's data merged with what the include gives (`{...it, ...data}`), and
 * a layout the page's data with the page's HTML as `body` (`{...it, body: …, ...layoutData, …}`). V8
 * (Node 20) gives an object spread and then added to a hidden class of its own every time: a page's
 * thirty-odd fields made new classes and their descriptors for every include on every request, in the
 * old generation, where only a full collection takes them back (most of a staff page's garbage
 * collection). `Object.assign` onto `{}` makes the same object with the classes V8 keeps; and a partial
 * handed the template's own data (`include(name, it)`, most of ours) gets that very object, not a copy of
 * its thirty fields (no template writes to `it`: a test holds to it). Exported for its test, which fails
 * if a new Eta writes these calls otherwise.
 */
export function withoutSpreads(source: string, varName: string): string {
  const v = varName
  return source
    .replaceAll(
      `{...${v}, ...(__eta_d ?? {})}`,
      `(__eta_d === undefined || __eta_d === ${v} ? ${v} : Object.assign({}, ${v}, __eta_d))`,
    )
    .replace(
      `{...${v}, body: __eta.res, ...__eta.layoutData, __blocks: __eta.blocks}`,
      `Object.assign({}, ${v}, {body: __eta.res}, __eta.layoutData, {__blocks: __eta.blocks})`,
    )
}

/**
 * A template without the indentation of its lines, read once (it is compiled and kept): a page's
 * indentation is a tenth of its bytes, sent and written to the socket on every request for nothing.
 * What the browser shows is unchanged: a line break stays wherever it was, and where the template's
 * autoTrim ('nl') removes the break after a tag (`%>`), one space stays of the indentation that
 * followed it, as two words must not run together. A template with `<pre>` is left as it is.
 */
export function withoutIndentation(template: string): string {
  if (/<pre[\s>]/i.test(template)) return template
  return template.replace(/(?<!%>)\n[ \t]+/g, '\n').replace(/%>\n[ \t]+/g, '%>\n ')
}

/** HTML kept by the objects it was drawn from, one WeakMap per object in turn, then by key. */
type Drawn = { next: WeakMap<object, Drawn>; html: Map<string, KeptHtml> }

/** A kept partial's HTML: as one flat string, and as the UTF-8 bytes an answer sends (made on first use). */
export class KeptHtml {
  readonly html: string
  readonly htmx: boolean
  private encoded: Buffer | undefined
  constructor(html: string) {
    // One flat string, not the thousands of pieces it was built from (a search flattens it).
    html.indexOf('\u0000')
    this.html = html
    this.htmx = html.includes('hx-')
  }
  get bytes(): Buffer {
    this.encoded ??= Buffer.from(this.html, 'utf8')
    return this.encoded
  }
}

/** Marks no text can hold by chance or by design: a NUL, and a secret of this process. */
const MARK = `\u0000${randomBytes(12).toString('base64url')}:`

/**
 * The kept partials of one answer, sent as the bytes they were encoded to once. A page is a string of
 * tens of KB, mostly Devanagari; sending it as a string encodes it to UTF-8 twice on every request
 * (once to count its length, once to write it), and its kept lists are most of it. The render puts a
 * mark where each kept partial goes (`add`); the answer's bytes are the page's own words encoded, with
 * each mark replaced by its partial's bytes (`join`, in the onSend hook, app.ts). Made per request
 * (web/view-helpers.ts), so no answer can take another's partials.
 */
export class Splice {
  private readonly pieces: KeptHtml[] = []

  /** The mark for a kept partial in this answer's page. */
  add(kept: KeptHtml): string {
    this.pieces.push(kept)
    return `${MARK}${this.pieces.length - 1}\u0000`
  }

  /** Whether the page uses htmx: its own words do (`body`), or a partial put in by mark does. */
  usesHtmx(body: string): boolean {
    return body.includes('hx-') || this.pieces.some((p) => p.htmx)
  }

  /** The page as the bytes to send, each mark replaced by its partial; the page itself when it has none. */
  join(page: string): string | Buffer {
    if (this.pieces.length === 0) return page
    const parts: (string | Buffer)[] = []
    let length = 0
    let from = 0
    for (let at = page.indexOf(MARK); at !== -1; at = page.indexOf(MARK, from)) {
      const end = page.indexOf('\u0000', at + MARK.length)
      const piece = this.pieces[Number(page.slice(at + MARK.length, end))].bytes
      const before = page.slice(from, at)
      parts.push(before, piece)
      length += Buffer.byteLength(before) + piece.length
      from = end + 1
    }
    const rest = page.slice(from)
    parts.push(rest)
    length += Buffer.byteLength(rest)
    const out = Buffer.allocUnsafe(length)
    let offset = 0
    for (const part of parts) offset += typeof part === 'string' ? out.write(part, offset) : part.copy(out, offset)
    return out
  }
}

function byKeyAlone(kept: Map<Fragment, Map<string, KeptHtml>>, fragment: Fragment): Map<string, KeptHtml> {
  let byKey = kept.get(fragment)
  if (!byKey) kept.set(fragment, (byKey = new Map()))
  return byKey
}

function drawnFrom(drawn: WeakMap<object, Drawn>, names: readonly string[], it: Data): Map<string, KeptHtml> | null {
  let level: Drawn | undefined
  let map = drawn
  for (let i = 0; i < names.length; i++) {
    const from = it[names[i]]
    if (typeof from !== 'object' || from === null || (i === 0 && !Object.isFrozen(from))) return null
    level = map.get(from)
    if (!level) {
      level = { next: new WeakMap(), html: new Map() }
      map.set(from, level)
    }
    map = level.next
  }
  return level?.html ?? null
}
