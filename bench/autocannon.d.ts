/** The part of autocannon (a CommonJS package without types) that the benchmarks use. */
declare module 'autocannon' {
  namespace autocannon {
    type Request = {
      method?: 'GET' | 'POST'
      path?: string
      headers?: Record<string, string>
      body?: string | Buffer
      /** Called before each request is sent (once when the connection starts, for its first). */
      setupRequest?: (request: Request, context: Record<string, unknown>) => Request | null | undefined
    }
    type Options = {
      url: string
      connections?: number
      /** Seconds; ignored when `amount` is given. */
      duration?: number
      /** Stop after this many requests in all. */
      amount?: number
      /** Requests a second across all connections (each connection sends its share at the start of every second). */
      overallRate?: number
      /** With a rate: do not add made-up samples for "coordinated omission" (autocannon assumes 1 ms between requests). */
      ignoreCoordinatedOmission?: boolean
      timeout?: number
      method?: 'GET' | 'POST'
      headers?: Record<string, string>
      body?: string
      requests?: Request[]
    }
    type Histogram = {
      average: number
      mean: number
      stddev: number
      min: number
      max: number
      total: number
      p2_5: number
      p50: number
      p75: number
      p90: number
      p97_5: number
      p99: number
      p99_9: number
    }
    type Result = {
      duration: number
      latency: Histogram
      requests: Histogram
      throughput: Histogram
      errors: number
      timeouts: number
      non2xx: number
      resets: number
      '1xx': number
      '2xx': number
      '3xx': number
      '4xx': number
      '5xx': number
      statusCodeStats: Record<string, { count: number }>
    }
    /** The running benchmark: a promise of its result that also reports every response as it comes. */
    type Instance = Promise<Result> & {
      on(
        event: 'response',
        listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void,
      ): Instance
    }
  }
  function autocannon(options: autocannon.Options): autocannon.Instance
  export default autocannon
}
