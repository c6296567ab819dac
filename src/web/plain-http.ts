import { isIP } from 'node:net'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { BoxCertificate } from './box-certificate.ts'
import { pickLanguage, translator } from '../i18n/translator.ts'
import { safeLocalPath } from './render.ts'

/**
 * HTTPS for every device but the box itself: the HTTPS port, the plain HTTP port (for the links
 * of the certificate page) and the box's certificate.
 */
export type SecureSetup = { port: number; httpPort: number; certificate: BoxCertificate }

/** Decided by the socket, never by a header: trustProxy is off. */
export function overTls(request: FastifyRequest): boolean {
  return request.protocol === 'https'
}

/** The box itself: 127.0.0.0/8, ::1, and IPv4 loopback seen through an IPv6 socket. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address
  return v4 === '::1' || (isIP(v4) === 4 && v4.startsWith('127.'))
}

/**
 * What another device may still have over plain HTTP: the certificate pages and what they use
 * (CSS, fonts, the language switch, which only sets a cookie), and the health check.
 */
export function neededForCertificate(request: FastifyRequest): boolean {
  const route = request.routeOptions.url ?? ''
  if (request.method === 'POST') return route === '/language'
  if (request.method !== 'GET' && request.method !== 'HEAD') return false
  return (
    route === '/health' ||
    route === '/certificate' ||
    route.startsWith('/certificate/') ||
    route.startsWith('/static/') ||
    route.startsWith('/vendor/')
  )
}

/** The host name or address the device asked for, if it is a plain one; else the address it reached. */
export function hostOf(request: FastifyRequest): string {
  const asked = request.hostname.toLowerCase()
  if (/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/.test(asked)) return asked
  if (/^\[[0-9a-f:.]+\]$/.test(asked) && isIP(asked.slice(1, -1)) === 6) return asked
  return addressForUrl(request.socket?.localAddress) ?? 'localhost'
}

/** An address as it goes into a URL: IPv4 as is (also when seen through an IPv6 socket), IPv6 in brackets. */
export function addressForUrl(address: string | undefined): string | null {
  if (!address) return null
  const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address
  const kind = isIP(plain)
  return kind === 4 ? plain : kind === 6 ? `[${plain}]` : null
}

/** The same page on the HTTPS port of the same host. */
export function secureLocation(request: FastifyRequest, port: number): string {
  return `https://${hostOf(request)}:${port}${safeLocalPath(request.url)}`
}

/**
 * A form sent over plain HTTP from another device: nothing is done, and the page says where the
 * secure address is. Rendered before any session is read, so no cookie is set.
 */
export async function refusePlainHttp(request: FastifyRequest, reply: FastifyReply, port: number) {
  const lang = pickLanguage(request.cookies?.lang)
  await reply
    .code(403)
    .header('cache-control', 'no-store')
    .view('certificate/plain-http', { lang, t: translator(lang), secureUrl: `https://${hostOf(request)}:${port}/` })
  return reply
}
