/**
 * Bytes of every page's first load (issue: performance): for each page a user opens, on the demo
 * village (bench/demo.ts), its HTML plus every stylesheet (<link rel="stylesheet">), script
 * (<script src>) and picture file (<use href>: the ballot symbols' file; <img src>) it references, as the server sends them to a browser that accepts gzip and brotli
 * (with an empty cache), and the font files a browser fetches for it: those of the stylesheet's
 * @font-face rules whose unicode-range holds a character the page shows. Each page must weigh at most
 * 60 KB in all with its fonts (`total_with_fonts_bytes`; `total_bytes` is without them) and 15 KB of
 * HTML (KB = 1024 bytes). `gzip_total_bytes` is what the HTML, CSS and JS would weigh gzipped, for
 * comparison. Prints one JSON line per page, then one summing up.
 */
import http from 'node:http'
import path from 'node:path'
import zlib from 'node:zlib'
import { demoDatabase, demoPassword } from './demo.ts'
import { emit, loggedIn, startServer, tempDir } from './harness.ts'
import { Tablet } from '../tests/helpers/tablet-client.ts'

const LIMIT_TOTAL = 60 * 1024
const LIMIT_HTML = 15 * 1024
const dir = tempDir('bp-bench-bytes-')
const file = path.join(dir, 'demo.sqlite')
const ids = await demoDatabase(file)
const app = await startServer('src/server.ts', {
  DATABASE_PATH: file,
  SESSION_SECRET: 'bench-secret-0123456789abcdefghijklmnop',
})

type Fetched = { status: number; wire: number; body: Buffer; type: string }

/** One GET as a browser makes it, counting the bytes of the body as sent (compressed or not). */
function get(url: string, cookie = ''): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    http
      .get(
        url,
        { headers: { 'accept-encoding': 'gzip, deflate, br', accept: 'text/html,*/*', ...(cookie ? { cookie } : {}) } },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => {
            const raw = Buffer.concat(chunks)
            const enc = res.headers['content-encoding']
            const body =
              enc === 'gzip'
                ? zlib.gunzipSync(raw)
                : enc === 'br'
                  ? zlib.brotliDecompressSync(raw)
                  : enc === 'deflate'
                    ? zlib.inflateSync(raw)
                    : raw
            resolve({
              status: res.statusCode ?? 0,
              wire: raw.length,
              body,
              type: String(res.headers['content-type'] ?? ''),
            })
          })
          res.on('error', reject)
        },
      )
      .on('error', reject)
  })
}

const assets = new Map<string, Fetched>()
async function asset(url: string): Promise<Fetched> {
  if (!assets.has(url)) {
    const f = await get(app.base + url)
    if (f.status !== 200) throw new Error(`${url} answered ${f.status}`)
    assets.set(url, f)
  }
  return assets.get(url)!
}

/** The @font-face rules of a stylesheet: each face's file and the characters it is fetched for. */
function fontFaces(css: string): { url: string; ranges: [number, number][] }[] {
  return [...css.matchAll(/@font-face\s*\{([^}]*)\}/g)].flatMap(([, rule]) => {
    const url = /url\(\s*["']?([^"')]+)["']?\s*\)/.exec(rule)?.[1]
    const range = /unicode-range\s*:\s*([^;]+)/.exec(rule)?.[1] ?? 'U+0-10FFFF'
    const ranges = range.split(',').map((r) => {
      const [from, to] = r.trim().replace(/^U\+/i, '').split('-')
      return [Number.parseInt(from, 16), Number.parseInt(to ?? from, 16)] as [number, number]
    })
    return url ? [{ url, ranges }] : []
  })
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' }
/** The characters a browser draws for a page: its body's text, SVG text included, and its fields' values. */
function drawnCharacters(html: string): Set<number> {
  const body = /<body\b[^>]*>([\s\S]*)<\/body>/i.exec(html)?.[1] ?? html
  const values = [...body.matchAll(/\b(?:value|placeholder)\s*=\s*"([^"]*)"/gi)].map((m) => m[1])
  const text = `${body.replace(/<(script|style)\b[\s\S]*?<\/\1>|<!--[\s\S]*?-->|<[^>]*>/gi, ' ')} ${values.join(' ')}`
    .replace(/&#x([0-9a-f]+);/gi, (_, hex) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec) => String.fromCodePoint(Number(dec)))
    .replace(/&(\w+);/g, (m, name) => entities[name] ?? m)
  return new Set([...text].map((c) => c.codePointAt(0)!))
}

const attr = (tag: string, name: string) => new RegExp(`\\b${name}\\s*=\\s*["']([^"']+)["']`, 'i').exec(tag)?.[1]
const cookieOf = (t: Tablet) => [...t.cookies].map(([k, v]) => `${k}=${v}`).join('; ')

try {
  const facilitator = await loggedIn(app.base, 'facilitator', demoPassword)
  const panchayat = await loggedIn(app.base, 'panchayat', demoPassword)
  const coordinator = await loggedIn(app.base, 'coordinator', demoPassword)
  const anonymous = new Tablet(app.base)
  // The shared tablet: a facilitator opens the station of the open poll and hands a ballot to a child.
  const tablet = await loggedIn(app.base, 'facilitator', demoPassword)
  const station = `/elections/${ids.openPoll}/station`
  await tablet.send('GET', station)
  await tablet.send('POST', station, { pin: '2468', confirm: '2468' })
  const roll = await tablet.send('GET', station)
  const voter = /\/station\/voters\/(\d+)/.exec(roll.text)?.[1]
  if (!voter) throw new Error("no voter on the open poll's roll")

  const v = ids.villageId
  const pages: { page: string; path: string; as: Tablet; before?: () => Promise<unknown> }[] = [
    { page: 'login', path: '/login', as: anonymous },
    { page: 'register', path: `/villages/${v}/children`, as: facilitator },
    { page: 'child', path: `/villages/${v}/children/${ids.child}`, as: facilitator },
    { page: 'elections', path: `/villages/${v}/elections`, as: facilitator },
    { page: 'election', path: `/elections/${ids.finished}`, as: facilitator },
    { page: 'result', path: `/elections/${ids.finished}/result`, as: facilitator },
    { page: 'result_print', path: `/elections/${ids.finished}/result/print`, as: facilitator },
    { page: 'bal_panchayat', path: `/villages/${v}/bal-panchayat`, as: facilitator },
    { page: 'station', path: station, as: tablet },
    { page: 'confirm_voter', path: `${station}/voters/${voter}`, as: tablet },
    {
      page: 'ballot',
      path: `/elections/${ids.openPoll}/ballot`,
      as: tablet,
      before: () => tablet.send('POST', `${station}/ballot`, { childId: voter }),
    },
    {
      page: 'thanks',
      path: `/elections/${ids.openPoll}/ballot/thanks`,
      as: tablet,
      // The thank-you follows a cast that counted (a blank ballot, here).
      before: async () => {
        const ballot = await tablet.send('GET', `/elections/${ids.openPoll}/ballot`)
        const token = /name="token" value="([^"]+)"/.exec(ballot.text)?.[1]
        if (!token) throw new Error('no ballot token on the ballot page')
        await tablet.send('POST', `/elections/${ids.openPoll}/ballot`, { token })
      },
    },
    { page: 'meetings', path: `/villages/${v}/meetings`, as: facilitator },
    { page: 'meeting_in_progress', path: `/meetings/${ids.meetingInProgress}`, as: facilitator },
    { page: 'minutes_print', path: `/meetings/${ids.closedMeeting}/minutes`, as: facilitator },
    { page: 'resolutions', path: `/villages/${v}/resolutions`, as: facilitator },
    { page: 'resolution', path: `/resolutions/${ids.resolution}`, as: facilitator },
    { page: 'resolution_letter', path: `/resolutions/${ids.resolution}/letter`, as: facilitator },
    { page: 'inbox', path: '/inbox', as: panchayat },
    { page: 'resolution_panchayat', path: `/resolutions/${ids.resolution}`, as: panchayat },
    { page: 'board', path: `/board/${v}`, as: anonymous },
    { page: 'villages', path: '/villages', as: coordinator },
    { page: 'figures', path: '/figures', as: coordinator },
  ]
  const over: string[] = []
  let measured = 0
  for (const p of pages) {
    await p.before?.()
    const html = await get(app.base + p.path, cookieOf(p.as))
    if (html.status === 404 && p.page === 'figures') {
      emit({ figure: 'page_bytes', page: p.page, path: p.path, skipped: 'no such page yet (404)' })
      continue
    }
    if (html.status !== 200) throw new Error(`${p.path} answered ${html.status}`)
    const text = html.body.toString('utf8')
    const css = [...text.matchAll(/<link\b[^>]*>/gi)]
      .map((m) => m[0])
      .filter((tag) => /\brel\s*=\s*["']?stylesheet/i.test(tag))
      .map((tag) => attr(tag, 'href')!)
      .filter(Boolean)
    const js = [...text.matchAll(/<script\b[^>]*>/gi)]
      .map((m) => attr(m[0], 'src'))
      .filter((src): src is string => Boolean(src))
    // Pictures a page draws from a file of ours: the ballot symbols' file (<use href>), any <img>.
    const pictures = [...text.matchAll(/<(?:use|img)\b[^>]*>/gi)]
      .map((m) => attr(m[0], 'href') ?? attr(m[0], 'src'))
      .filter((url): url is string => Boolean(url?.startsWith('/')))
      .map((url) => url.split('#')[0])
    const pictureFiles = await Promise.all([...new Set(pictures)].map(asset))
    const cssFiles = await Promise.all([...new Set(css)].map(asset))
    const jsFiles = await Promise.all([...new Set(js)].map(asset))
    const drawn = [...drawnCharacters(text)]
    const fontUrls = cssFiles
      .flatMap((f) => fontFaces(f.body.toString('utf8')))
      .filter((face) => drawn.some((c) => face.ranges.some(([from, to]) => c >= from && c <= to)))
      .map((face) => face.url)
    const fonts = await Promise.all([...new Set(fontUrls)].map(asset))
    const sum = (fs: Fetched[], k: 'wire' = 'wire') => fs.reduce((n, f) => n + f[k], 0)
    const gz = (fs: Fetched[]) => fs.reduce((n, f) => n + zlib.gzipSync(f.body).length, 0)
    const total = html.wire + sum(cssFiles) + sum(jsFiles) + sum(pictureFiles)
    const withFonts = total + sum(fonts)
    const ok = withFonts <= LIMIT_TOTAL && html.wire <= LIMIT_HTML
    if (!ok) over.push(p.page)
    measured++
    emit({
      figure: 'page_bytes',
      page: p.page,
      path: p.path.replace(/\/\d+/g, '/:id'),
      html_bytes: html.wire,
      css_bytes: sum(cssFiles),
      js_bytes: sum(jsFiles),
      picture_bytes: sum(pictureFiles),
      total_bytes: total,
      gzip_html_bytes: gz([html]),
      gzip_total_bytes: gz([html, ...cssFiles, ...jsFiles, ...pictureFiles]),
      fonts_bytes: sum(fonts),
      total_with_fonts_bytes: withFonts,
      files: [...new Set([...css, ...js, ...pictures])],
      fonts: [...new Set(fontUrls)].map((url) => url.replace(/^.*\//, '')),
      limit_total_bytes: LIMIT_TOTAL,
      limit_html_bytes: LIMIT_HTML,
      ok,
    })
  }
  emit({ figure: 'page_bytes_summary', pages: measured, over_limit: over, ok: over.length === 0 })
  if (over.length) process.exitCode = 1
} finally {
  app.stop()
}
