// The real server process, as `npm start` runs it (plain HTTP for the box itself, HTTPS for every
// other device), on free local ports with its own database; and requests that trust only its CA.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import https from 'node:https'
import net from 'node:net'
import { createHash, X509Certificate } from 'node:crypto'
import { spawn, type ChildProcess } from 'node:child_process'
import type { IncomingHttpHeaders } from 'node:http'
import { projectRoot, type AppDatabase } from '../../src/db/client.ts'
import { openDatabase } from '../../src/database.ts'
import { nodeArgs } from './entry.ts'

export type BoxServer = {
  http: string
  https: string
  dir: string
  tlsDir: string
  /** The box's CA certificate (PEM): the only one the requests below trust. */
  ca: string
  output: () => string
  /** SIGTERM, as an operator's Ctrl-C or systemd would; resolves with the exit code. */
  stop: () => Promise<number | null>
}

/** A port nothing listens on now (the kernel's choice, given back at once). */
export async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Fills a fresh database (through the domain verbs), then starts the server on it and waits for /health. */
export async function startBox<T>(
  prepare: (database: AppDatabase) => T | Promise<T>,
): Promise<BoxServer & { prepared: T }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-box-'))
  const dbFile = path.join(dir, 'box.sqlite')
  const database = openDatabase(dbFile)
  let prepared: T
  try {
    prepared = await prepare(database)
  } finally {
    database.close()
  }
  const port = await freePort()
  let httpsPort = await freePort()
  while (httpsPort === port) httpsPort = await freePort()
  // node itself, not the tsx wrapper: the signal must reach the process that holds the database.
  const child: ChildProcess = spawn(process.execPath, nodeArgs('server'), {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(port),
      HTTPS_PORT: String(httpsPort),
      HOST: '127.0.0.1',
      DATABASE_PATH: dbFile,
      SESSION_SECRET: 'box-test-secret-0123456789abcdefghijklmn',
      NODE_ENV: 'production',
    },
  })
  let output = ''
  child.stdout!.on('data', (d) => {
    output += d
  })
  child.stderr!.on('data', (d) => {
    output += d
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  let gone = false
  void exited.then(() => {
    gone = true
  })
  const http = `http://127.0.0.1:${port}`
  // A busy two-core machine may take a while: wait for the condition, up to a minute, never a fixed time.
  const deadline = Date.now() + 60_000
  while (
    !(await fetch(`${http}/health`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (gone || Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`the server did not start:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  const tlsDir = path.join(dir, 'tls')
  return {
    http,
    https: `https://127.0.0.1:${httpsPort}`,
    dir,
    tlsDir,
    prepared,
    ca: fs.readFileSync(path.join(tlsDir, 'ca.crt'), 'utf8'),
    output: () => output,
    stop: async () => {
      if (!gone) child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
      const code = await exited
      clearTimeout(timer)
      fs.rmSync(dir, { recursive: true, force: true })
      return code
    },
  }
}

export type Answer = { status: number; headers: IncomingHttpHeaders; body: string }

/** A request over HTTPS trusting only `ca` (not the system's authorities). */
export function httpsRequest(
  url: string,
  ca: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: options.method ?? 'GET', headers: options.headers, ca }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d) => {
        body += d
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end(options.body)
  })
}

/** What Chromium's --ignore-certificate-errors-spki-list takes: base64 SHA-256 of a certificate's public key. */
export function spkiHash(pem: string): string {
  const der = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' })
  return createHash('sha256').update(der).digest('base64')
}
