import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawn, type ChildProcess } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../../src/db/client.ts'
import { translator } from '../../src/i18n/translator.ts'
import { freePort } from '../helpers/box-server.ts'

/**
 * `npm start` runs the compiled JavaScript (dist/server.js, built by `npm install` through `prepare`, bundled into one file).
 * This builds it afresh with the same command and config, into a folder of its own beside dist/ (the
 * same depth below the project root, so the paths the code computes from its own file hold; never
 * dist/ itself, which a running server may be using), and starts the compiled server on an empty
 * database: migrated, certificate made, Hindi pages, static files, the QR code and the password
 * check loaded on first use, and the compiled operator command line.
 */
const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>
}
const outDir = path.join(projectRoot, `.test-dist-${process.pid}-${Date.now()}`)
const hi = translator('hi')
let dataDir: string
let server: ChildProcess | undefined
let output = ''
let base: string

function run(command: string, args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
    const child = spawn(command, args, { cwd: projectRoot, env: { ...process.env, ...env } })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => {
      out += d
    })
    child.stderr.on('data', (d) => {
      err += d
    })
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, out, err }))
  })
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-compiled-'))
  // The build script, as package.json has it, into our own folder: tsc, then the server bundled.
  const [compile, bundle] = pkg.scripts.build.split(' && ')
  const [tsc, ...args] = compile.split(' ')
  const built = await run(path.join(projectRoot, 'node_modules/.bin', tsc), [...args, '--outDir', outDir])
  expect(built.code, `${built.out}${built.err}`).toBe(0)
  const [node, script] = bundle.split(' ')
  expect(node).toBe('node')
  const bundled = await run(process.execPath, [script, outDir])
  expect(bundled.code, `${bundled.out}${bundled.err}`).toBe(0)
}, 180_000)

afterAll(async () => {
  if (server && server.exitCode === null && server.signalCode === null) {
    server.kill('SIGKILL')
    await new Promise((r) => server!.once('exit', r))
  }
  fs.rmSync(outDir, { recursive: true, force: true })
  fs.rmSync(dataDir, { recursive: true, force: true })
})

describe('the compiled server (what npm start runs)', () => {
  it('npm install builds it and npm start runs it in production mode', () => {
    expect(pkg.scripts.build).toBe('tsc -p tsconfig.build.json && node scripts/bundle-server.mjs')
    expect(pkg.scripts.prepare).toBe('npm run build')
    // Production mode, the compiled server (whatever else is set for node, or node is told).
    expect(pkg.scripts.start).toMatch(/^NODE_ENV=production (\w+=\S+ )*node( -\S+)* dist\/server\.js$/)
    expect(pkg.scripts.cli).toMatch(/^node( -\S+)* dist\/cli\.js$/)
    const build = JSON.parse(fs.readFileSync(path.join(projectRoot, 'tsconfig.build.json'), 'utf8'))
    expect(build.compilerOptions.outDir).toBe('dist')
    expect(fs.existsSync(path.join(outDir, 'server.js'))).toBe(true)
    expect(fs.existsSync(path.join(outDir, 'cli.js'))).toBe(true)
  })

  it('is one file: the server imports none of the compiled files beside it (a cold start reads one file)', () => {
    const server = fs.readFileSync(path.join(outDir, 'server.js'), 'utf8')
    expect(server).not.toMatch(/\bfrom\s*["']\.\.?\//)
    // (a type in a library's JSDoc, {import('../fastify').…}, is no import)
    expect(server).not.toMatch(/(?<![{\w])import\s*\(\s*["']\.\.?\//)
    // Control: the file tsc wrote for it did import them.
    const compiled = fs.readFileSync(path.join(outDir, 'app.js'), 'utf8')
    expect(compiled).toMatch(/\bfrom\s*["']\.\.?\//)
  })

  it('starts on an empty database and answers /health, in Hindi, with its files', async () => {
    const port = await freePort()
    let httpsPort = await freePort()
    while (httpsPort === port) httpsPort = await freePort()
    server = spawn(process.execPath, [path.join(outDir, 'server.js')], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NODE_ENV: 'production',
        PORT: String(port),
        HTTPS_PORT: String(httpsPort),
        HOST: '127.0.0.1',
        DATABASE_PATH: path.join(dataDir, 'box.sqlite'),
        SESSION_SECRET: 'compiled-test-secret-0123456789abcdefghij',
      },
    })
    server.stdout!.on('data', (d) => {
      output += d
    })
    server.stderr!.on('data', (d) => {
      output += d
    })
    base = `http://127.0.0.1:${port}`
    // Wait for the condition (a busy two-core machine may take a while), never a fixed time.
    const deadline = Date.now() + 60_000
    for (;;) {
      const status = await fetch(`${base}/health`).then(
        (r) => r.status,
        () => 0,
      )
      if (status === 200) break
      if (server.exitCode !== null || Date.now() > deadline) throw new Error(`the server did not start:\n${output}`)
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok' })

    const setup = await fetch(`${base}/`)
    expect(setup.url).toBe(`${base}/setup`)
    const page = await setup.text()
    expect(page).toContain('<html lang="hi"')
    expect(page).toContain(hi('setup.submit'))

    for (const [url, type] of [
      ['/static/app.css', 'text/css'],
      ['/vendor/htmx/htmx.min.js', 'javascript'],
    ]) {
      const res = await fetch(`${base}${url}`)
      expect(res.status, url).toBe(200)
      expect(res.headers.get('content-type'), url).toContain(type)
    }
    // Our CSS and scripts as the build minified them (dist/public/): the same rules, without comments.
    for (const name of ['app.css', 'app.js', 'ballot.js']) {
      const sent = await (await fetch(`${base}/static/${name}`)).text()
      const source = fs.readFileSync(path.join(projectRoot, 'public', name), 'utf8')
      expect(source, name).toContain('/*')
      expect(sent, name).not.toMatch(/\/\*|\n\s*\/\//)
      expect(sent.length, name).toBeLessThan(source.length * 0.9)
    }
    expect(await (await fetch(`${base}/static/app.css`)).text()).toContain('unicode-range')
    // The QR code's package is loaded on the first certificate page.
    const certificate = await fetch(`${base}/certificate`)
    expect(certificate.status).toBe(200)
    expect(await certificate.text()).toMatch(/<svg class="qr"/)
    expect(fs.existsSync(path.join(dataDir, 'tls', 'ca.crt'))).toBe(true)
  }, 90_000)

  it('the compiled operator command line checks passwords and makes an account the server sees', async () => {
    expect(base, 'the server started').toBeTruthy()
    const env = { DATABASE_PATH: path.join(dataDir, 'box.sqlite') }
    const cli = path.join(outDir, 'cli.js')
    const args = [cli, 'create-user', '--username', 'suman', '--role', 'admin', '--name', 'Suman']
    // The common-password check (zxcvbn, loaded on first use) refuses a common one.
    const weak = await run(process.execPath, args, { ...env, PASSWORD: 'password123' })
    expect(weak.code, weak.err).toBe(1)
    expect(weak.err).toContain(translator('en')('v.passwordCommon'))
    const made = await run(process.execPath, args, { ...env, PASSWORD: 'mango tractor village lantern' })
    expect(made.code, made.err).toBe(0)
    expect(made.out).toContain('Created admin "suman"')
    // The running server now has its first account: the set-up page gives way to the login page.
    const login = await fetch(`${base}/`)
    expect(login.url).toBe(`${base}/login`)
    expect(await login.text()).toContain(hi('login.username'))
  }, 90_000)

  it('stops cleanly on SIGTERM', async () => {
    expect(server, 'the server started').toBeTruthy()
    const exited = new Promise<number | null>((resolve) => server!.once('exit', (code) => resolve(code)))
    server!.kill('SIGTERM')
    expect(await exited).toBe(0)
  }, 30_000)
})
