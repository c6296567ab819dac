import type { FastifyInstance, FastifyRequest } from 'fastify'
import { CA_FILE_NAME, boxIdentity, fingerprintLines } from '../box-certificate.ts'
import { addressForUrl, hostOf, isLoopback, type SecureSetup } from '../plain-http.ts'
import { escapeXml } from '../../core/svg.ts'

/**
 * How a tablet or phone comes to trust the box: a page (public, also over plain HTTP) with the
 * steps on Android, a QR code of the download, the fingerprint to compare; and the CA certificate
 * itself. The CA's private key is never served.
 */
export async function certificateRoutes(app: FastifyInstance, { secure }: { secure: SecureSetup }) {
  const pub = { config: { public: true } }

  app.get('/certificate', pub, async (request, reply) =>
    reply.header('cache-control', 'no-store').view('certificate/show', await certificatePage(request, secure)),
  )

  app.get(`/certificate/${CA_FILE_NAME}`, pub, async (_request, reply) =>
    reply
      .type('application/x-x509-ca-cert')
      .header('content-disposition', `attachment; filename="${CA_FILE_NAME}"`)
      .header('cache-control', 'no-cache')
      .send(secure.certificate.ca.der),
  )
}

/**
 * The addresses on the page are the ones another device can use: the host it asked for, or, when
 * the page is open on the box itself, the box's network addresses.
 */
async function certificatePage(request: FastifyRequest, secure: SecureSetup) {
  const atBox = isLoopback(request.socket.remoteAddress)
  const networkHosts = atBox ? boxNetworkHosts() : []
  const hosts = atBox ? networkHosts : [hostOf(request)]
  const host = hosts[0] ?? hostOf(request)
  const downloadUrl = `http://${host}:${secure.httpPort}/certificate/${CA_FILE_NAME}`
  return {
    atBox,
    offline: atBox && networkHosts.length === 0,
    pageUrls: hosts.map((h) => `http://${h}:${secure.httpPort}/certificate`),
    downloadUrl,
    secureUrl: `https://${host}:${secure.port}/`,
    boxPageUrl: `http://localhost:${secure.httpPort}/certificate`,
    qr: await qrSvg(downloadUrl, request.ctx.t('certificate.qrLabel')),
    fingerprint: fingerprintLines(secure.certificate.ca.fingerprint),
    fileName: CA_FILE_NAME,
  }
}

/** IPv4 where the box has it: that is what a tablet on the village Wi-Fi types and reaches. */
function boxNetworkHosts(): string[] {
  const addresses = boxIdentity().addresses.filter((a) => !a.startsWith('fe80:'))
  const v4 = addresses.filter((a) => !a.includes(':'))
  return (v4.length ? v4 : addresses).map((a) => addressForUrl(a)).filter((a): a is string => a !== null)
}

/** The QR code as inline SVG, drawn on the server (the page runs no script to draw it). */
async function qrSvg(text: string, label: string): Promise<string> {
  // Loaded on the first certificate page, not at start: the box starts faster without it.
  const { default: QRCode } = await import('qrcode')
  const svg = await QRCode.toString(text, {
    type: 'svg',
    errorCorrectionLevel: 'M',
    margin: 2,
    color: { dark: '#1d1b16', light: '#ffffff' },
  })
  return svg.trim().replace(/^<svg /, `<svg class="qr" role="img" aria-label="${escapeXml(label)}" focusable="false" `)
}
