import https from 'node:https'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { ensureBoxCertificate, type BoxCertificate } from './box-certificate.ts'

const RECHECK_EVERY = 10 * 60_000
const CLOSE_GRACE = 5_000

/**
 * The HTTPS server: node's own, handing every request to the same fastify app (same routes, same
 * sessions, same hooks) through `app.routing`, and closed with it. The certificate is checked
 * again every 10 minutes, so that an address newly given by the village router is covered.
 */
export function secureServer(app: FastifyInstance, certificate: BoxCertificate) {
  const server = https.createServer({ key: certificate.key, cert: certificate.cert }, app.routing)
  server.keepAliveTimeout = app.server.keepAliveTimeout
  server.requestTimeout = app.server.requestTimeout

  const recheck = setInterval(() => void renew(), RECHECK_EVERY).unref()
  async function renew() {
    try {
      const next = await ensureBoxCertificate(certificate.dir)
      if (!next.made.server) return
      server.setSecureContext({ key: next.key, cert: next.cert })
      app.log.info(
        { names: next.server.names, addresses: next.server.addresses },
        'the box certificate was re-issued for its current addresses',
      )
      if (next.made.ca)
        app.log.warn('a new certificate authority was made: every tablet and phone must install the certificate again')
    } catch (err) {
      app.log.error({ err }, 'could not check the box certificate')
    }
  }

  // Requests in flight finish (the app answers new ones 503 while closing); idle connections go now.
  app.addHook('preClose', async () => {
    clearInterval(recheck)
    if (!server.listening) return
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeIdleConnections()
    const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE).unref()
    await closed
    clearTimeout(force)
  })

  return {
    server,
    listen: (port: number, host: string) =>
      new Promise<AddressInfo>((resolve, reject) => {
        server.once('error', reject)
        server.listen(port, host, () => {
          server.off('error', reject)
          resolve(server.address() as AddressInfo)
        })
      }),
  }
}
