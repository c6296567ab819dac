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
