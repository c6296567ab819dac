import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../../src/db/client.ts'
import { rememberingZlib } from '../../src/web/one-shot-compression.ts'
import { testApp } from '../helpers/app.ts'

const brotli = (input: Buffer, quality: number) =>
  zlib.brotliCompressSync(input, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: quality,
      [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
    },
  })

let t: Awaited<ReturnType<typeof testApp>>
beforeAll(async () => {
  t = await testApp()
})
afterAll(async () => {
  await t.close()
})

describe('our CSS and scripts, and htmx, on the wire', () => {
  const files = [
    { url: '/static/app.css', file: path.join(projectRoot, 'public/app.css') },
    { url: '/vendor/htmx/htmx.min.js', file: path.join(projectRoot, 'node_modules/htmx.org/dist/htmx.min.js') },
  ]

  for (const { url, file } of files) {
    it(`${url} goes out as small as brotli makes it, the file itself once decompressed`, async () => {
      const raw = fs.readFileSync(file)
      const res = await t.app.inject({ url, headers: { 'accept-encoding': 'br, gzip' } })
      expect(res.statusCode).toBe(200)
      expect(res.headers['content-encoding']).toBe('br')
      const sent = res.rawPayload
      expect(zlib.brotliDecompressSync(sent).equals(raw)).toBe(true)
      // Brotli's best: a sixth or so smaller than the quick setting the pages use.
      expect(sent.length).toBe(brotli(raw, 11).length)
      expect(sent.length).toBeLessThan(brotli(raw, 4).length)
      // Asked again: the same bytes (from memory).
      const again = await t.app.inject({ url, headers: { 'accept-encoding': 'br' } })
      expect(again.rawPayload.equals(sent)).toBe(true)
    })
  }

  it('gzip for a browser without brotli, at its best level; nothing for one that asks for nothing', async () => {
    const raw = fs.readFileSync(path.join(projectRoot, 'public/app.css'))
    const gz = await t.app.inject({ url: '/static/app.css', headers: { 'accept-encoding': 'gzip' } })
    expect(gz.headers['content-encoding']).toBe('gzip')
    expect(zlib.gunzipSync(gz.rawPayload).equals(raw)).toBe(true)
    expect(gz.rawPayload.length).toBeLessThanOrEqual(zlib.gzipSync(raw, { level: 9 }).length)
    const plain = await t.app.inject({ url: '/static/app.css', headers: { 'accept-encoding': 'identity' } })
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.rawPayload.equals(raw)).toBe(true)
  })

  it('pages are still compressed quickly, not at the files’ slow best (control: the two settings differ)', async () => {
    const res = await t.app.inject({ url: '/login', headers: { 'accept-encoding': 'br' } })
    expect(res.headers['content-encoding']).toBe('br')
    const html = zlib.brotliDecompressSync(res.rawPayload)
    expect(res.rawPayload.length).toBe(brotli(html, 4).length)
  })
})

describe('the remembering compressor', () => {
  async function run(stream: NodeJS.ReadWriteStream, input: Buffer): Promise<Buffer> {
    const out: Buffer[] = []
    stream.on('data', (c: Buffer) => out.push(c))
    const done = new Promise((resolve) => stream.on('end', resolve))
    stream.end(input)
    await done
    return Buffer.concat(out)
  }

  it('gives what zlib gives, and the same bytes when given the same file again', async () => {
    const z = rememberingZlib(3000)
    const a = Buffer.from('अ'.repeat(4000))
    const b = Buffer.from('ब'.repeat(4000))
    const first = await run(z.createGzip({ level: 9 }), a)
    expect(zlib.gunzipSync(first).equals(a)).toBe(true)
    expect((await run(z.createGzip({ level: 9 }), a)).equals(first)).toBe(true)
    const other = await run(z.createBrotliCompress(), b)
    expect(zlib.brotliDecompressSync(other).equals(b)).toBe(true)
  })
})
