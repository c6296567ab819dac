// The server as `npm start` runs it: dist/server.js, our code and the libraries it loads at start in one file
// (esbuild), written over the file tsc compiled. Node then reads and compiles one file instead of finding,
// opening and compiling some five hundred: the cold start to /health takes about two thirds of the time
// (issue 14). Left outside: the native SQLite binding, and what is loaded only on first start to make the
// box's certificate authority. `npm run cli` runs the compiled files as tsc wrote them.
// It also writes our CSS and scripts minified into dist/public/, which the server sends in production
// (src/web/assets.ts): without their comments and spaces, a sixth of every first load.
import fs from 'node:fs'
import path from 'node:path'
import { build, transform } from 'esbuild'

const root = path.resolve(import.meta.dirname, '..')
/** Where tsc wrote (dist/, unless a test builds elsewhere). */
const outDir = path.resolve(root, process.argv[2] ?? 'dist')
await build({
  entryPoints: [path.join(root, 'src/server.ts')],
  outfile: path.join(outDir, 'server.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3', '@peculiar/x509', 'reflect-metadata'],
  // Without comments and spaces (names kept, for readable stack traces): V8 keeps a script's whole
  // source in the heap, and one comment outside ASCII (there are Hindi ones) doubles it to two bytes
  // a character. Unminified it was 8.4 MB of every server's heap; see issue 14's memory target.
  minifyWhitespace: true,
  minifySyntax: true,
  charset: 'ascii',
  // The libraries' licence comments go to server.js.LEGAL.txt (one of them is not ASCII).
  legalComments: 'linked',
  // The libraries written as CommonJS call require(); in one ES module it has to be made.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  logLevel: 'warning',
})
{
  // Held to: a character outside ASCII (a regular expression with a Hindi letter or a dash in it, which
  // esbuild leaves as it is) would make V8 keep the whole source at two bytes a character again.
  const source = fs.readFileSync(path.join(outDir, 'server.js'), 'latin1')
  const at = source.search(/[^\x00-\x7f]/)
  if (at >= 0)
    throw new Error(
      `dist/server.js is not all ASCII at ${at}: …${source.slice(Math.max(0, at - 60), at + 20)}… (write the character as an escape)`,
    )
}

// public/ minified into dist/public/ (anything but CSS and JavaScript copied as it is).
const pub = path.join(root, 'public')
const out = path.join(outDir, 'public')
fs.rmSync(out, { recursive: true, force: true })
fs.mkdirSync(out, { recursive: true })
for (const name of fs.readdirSync(pub)) {
  const from = path.join(pub, name)
  if (!fs.statSync(from).isFile()) continue
  const loader = name.endsWith('.css') ? 'css' : name.endsWith('.js') ? 'js' : null
  if (!loader) {
    fs.copyFileSync(from, path.join(out, name))
    continue
  }
  const { code } = await transform(fs.readFileSync(from, 'utf8'), { loader, minify: true, legalComments: 'none' })
  fs.writeFileSync(path.join(out, name), code)
}
