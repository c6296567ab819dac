import { createHash } from 'node:crypto'
import { Transform, type TransformCallback } from 'node:stream'
import zlib from 'node:zlib'

/**
 * The compressors @fastify/compress uses (its `zlib` option), each compressing its answer in one go
 * once the answer is complete: one synchronous call with the same parameters, so the same bytes.
 * Node's streaming compressors instead run on libuv's threads, chunk by chunk with a hop back to the
 * main thread each time, and keep their state (about a megabyte for brotli) from the answer's first
 * byte until its stream is done: at 50 tablets some forty ballot pages were being compressed at once,
 * 40 MB the allocator then kept (heaptrack: the largest peak in the server), and the hops cost more
 * CPU than the compression itself. The answers are whole pages, CSS and scripts of tens of KB, never
 * streams to be sent as they are made.
 */
function oneShot(compress: (input: Buffer) => Buffer): Transform {
  const chunks: Buffer[] = []
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      chunks.push(chunk)
      done()
    },
    flush(done: TransformCallback) {
      try {
        done(null, compress(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)))
      } catch (err) {
        done(err as Error)
      }
    },
  })
}

export const oneShotZlib = {
  createBrotliCompress: (options?: zlib.BrotliOptions) => oneShot((input) => zlib.brotliCompressSync(input, options)),
  createGzip: (options?: zlib.ZlibOptions) => oneShot((input) => zlib.gzipSync(input, options)),
  createDeflate: (options?: zlib.ZlibOptions) => oneShot((input) => zlib.deflateSync(input, options)),
}

/**
 * Compressors that remember what they made, by the digest of what they were given, for files that
 * are the same for everyone and change only with a new version of the app (our CSS and scripts, htmx):
 * each is compressed as hard as brotli and gzip can (eleven and nine, about a sixth smaller than the
 * pages' quick four) once, then served from memory. `limit` bytes of compressed output are kept at most;
 * beyond that the oldest goes.
 */
export function rememberingZlib(limit = 2 * 1024 * 1024) {
  const kept = new Map<string, Buffer>()
  let size = 0
  const remembered = (kind: string, compress: (input: Buffer) => Buffer) =>
    oneShot((input) => {
      const key = `${kind}:${createHash('sha256').update(input).digest('base64url')}`
      let out = kept.get(key)
      if (!out) {
        out = compress(input)
        kept.set(key, out)
        size += out.length
        for (const [oldest, bytes] of kept) {
          if (size <= limit) break
          kept.delete(oldest)
          size -= bytes.length
        }
      }
      return out
    })
  return {
    createBrotliCompress: (options?: zlib.BrotliOptions) =>
      remembered(`br${JSON.stringify(options?.params ?? {})}`, (input) => zlib.brotliCompressSync(input, options)),
    createGzip: (options?: zlib.ZlibOptions) =>
      remembered(`gzip${options?.level ?? ''}`, (input) => zlib.gzipSync(input, options)),
    createDeflate: (options?: zlib.ZlibOptions) =>
      remembered(`deflate${options?.level ?? ''}`, (input) => zlib.deflateSync(input, options)),
  }
}

/** What @fastify/compress is told for our own files (a route's `config.compress`). */
export const assetCompression = {
  threshold: 1024,
  encodings: ['br', 'gzip'] as ('br' | 'gzip')[],
  zlib: rememberingZlib(),
  brotliOptions: {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
      [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
    },
  },
  zlibOptions: { level: zlib.constants.Z_BEST_COMPRESSION },
}
