import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { X509Certificate, createPrivateKey, randomBytes } from 'node:crypto'

/**
 * The box's own certificate authority and the server certificate it signs, kept beside the
 * database. A tablet or phone installs the CA once; the server certificate is re-issued from the
 * same CA whenever the box's names or addresses change or it nears its end, and they keep working.
 */
export type BoxCertificate = {
  dir: string
  /** For node's TLS server: the server's private key and certificate (PEM). */
  key: string
  cert: string
  ca: { pem: string; der: Buffer; fingerprint: string; validTo: Date }
  server: { names: string[]; addresses: string[]; validTo: Date }
  /** What this call had to make: a new CA means every device must install it again. */
  made: { ca: boolean; server: boolean }
}

/** The names and addresses the box answers to, for the server certificate. */
export type BoxIdentity = { hostname: string; addresses: string[] }

export const CA_FILE_NAME = 'bal-panchayat-ca.crt'
const FILES = { caKey: 'ca.key', caCert: 'ca.crt', serverKey: 'server.key', serverCert: 'server.crt' } as const
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }
const DAY = 24 * 3600 * 1000
const CA_DAYS = 20 * 365
// Browsers refuse a server certificate that lives longer than 397 days.
const SERVER_DAYS = 397
const RENEW_WITHIN_DAYS = 30
// A tablet's clock a little behind the box's must not see a certificate "from the future".
const BACKDATE = DAY

/** The folder of the certificate files: `tls/` beside the database file. */
export function tlsFolder(databasePath: string): string {
  return path.join(path.dirname(path.resolve(databasePath)), 'tls')
}

/** This machine's host name and every address another device can reach it on (not loopback). */
export function boxIdentity(): BoxIdentity {
  const addresses = Object.values(os.networkInterfaces())
    .flat()
    .filter((a) => a && !a.internal)
    .map((a) => a!.address)
  return { hostname: os.hostname(), addresses }
}

/** What the server certificate must name: localhost, the host name (also as .local), loopback and every address. */
export function wantedNames(identity: BoxIdentity): { names: string[]; addresses: string[] } {
  const host = identity.hostname.toLowerCase().replace(/\.local$/, '')
  const names = ['localhost', ...(isDnsName(host) ? [host, `${host}.local`] : [])]
  const addresses = ['127.0.0.1', '::1', ...identity.addresses.map((a) => a.replace(/%.*$/, ''))]
  return { names: [...new Set(names)], addresses: [...new Set(addresses)] }
}

function isDnsName(s: string): boolean {
  return (
    s.length <= 253 &&
    /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(s) &&
    s !== 'localhost'
  )
}

/**
 * Makes the CA and the server certificate on first start, and re-issues the server certificate
 * from the same CA when it lacks a current name or address, or ends within 30 days.
 */
export async function ensureBoxCertificate(
  dir: string,
  identity: BoxIdentity = boxIdentity(),
  now = new Date(),
): Promise<BoxCertificate> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
  fs.chmodSync(dir, 0o700)
  let ca = readCa(dir, now)
  const made = { ca: false, server: false }
  if (!ca) {
    ca = await makeCa(dir, identity, now)
    made.ca = true
  }
  const wanted = wantedNames(identity)
  let server = readServer(dir, ca.cert)
  if (!server || needsReissue(server.cert, wanted, now)) {
    server = await issueServer(dir, ca, wanted, now)
    made.server = true
  }
  for (const file of Object.values(FILES)) fs.chmodSync(path.join(dir, file), 0o600)
  return {
    dir,
    key: server.keyPem,
    cert: server.cert.toString(),
    ca: {
      pem: ca.cert.toString(),
      der: ca.cert.raw,
      fingerprint: hexFingerprint(ca.cert),
      validTo: new Date(ca.cert.validTo),
    },
    server: { ...wanted, validTo: new Date(server.cert.validTo) },
    made,
  }
}

type Ca = { cert: X509Certificate; keyPem: string }

/** The stored CA, if it is whole: a CA certificate, its matching key, not expired. */
function readCa(dir: string, now: Date): Ca | null {
  const stored = readPair(dir, FILES.caCert, FILES.caKey)
  if (!stored?.cert.ca || new Date(stored.cert.validTo) <= now) return null
  return stored
}

/** The stored server certificate, if it is whole and signed by this CA. */
function readServer(dir: string, caCert: X509Certificate): Ca | null {
  const stored = readPair(dir, FILES.serverCert, FILES.serverKey)
  return stored?.cert.verify(caCert.publicKey) ? stored : null
}

function readPair(dir: string, certFile: string, keyFile: string): Ca | null {
  try {
    const cert = new X509Certificate(fs.readFileSync(path.join(dir, certFile)))
    const keyPem = fs.readFileSync(path.join(dir, keyFile), 'utf8')
    return cert.checkPrivateKey(createPrivateKey(keyPem)) ? { cert, keyPem } : null
  } catch {
    return null // missing or damaged: made again
  }
}

/** A name or address missing, ending within 30 days, or (the clock went back) not yet valid. */
function needsReissue(cert: X509Certificate, wanted: { names: string[]; addresses: string[] }, now: Date): boolean {
  const validTo = new Date(cert.validTo).getTime()
  const validFrom = new Date(cert.validFrom).getTime()
  return !covers(cert, wanted) || validTo - now.getTime() < RENEW_WITHIN_DAYS * DAY || validFrom > now.getTime()
}

function covers(cert: X509Certificate, wanted: { names: string[]; addresses: string[] }): boolean {
  return (
    wanted.names.every((n) => cert.checkHost(n, { subject: 'never', wildcards: false }) !== undefined) &&
    wanted.addresses.every((a) => cert.checkIP(a) !== undefined)
  )
}

/** Loaded only to make a certificate: the operator's commands do not wait for it (a quarter second). */
async function x509Library() {
  // tsyringe, under @peculiar/x509, needs the Reflect metadata API loaded before it.
  await import('reflect-metadata')
  const x509 = await import('@peculiar/x509')
  x509.cryptoProvider.set(globalThis.crypto)
  return x509
}

async function makeCa(dir: string, identity: BoxIdentity, now: Date): Promise<Ca> {
  const x509 = await x509Library()
  const keys = await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])
  const notBefore = new Date(now.getTime() - BACKDATE)
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: [{ CN: [`Bal Panchayat ${identity.hostname}`.slice(0, 64)] }, { O: ['Bal Panchayat'] }],
    notBefore,
    notAfter: new Date(notBefore.getTime() + CA_DAYS * DAY),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  })
  const keyPem = await pkcs8Pem(keys.privateKey)
  writeSecret(path.join(dir, FILES.caKey), keyPem)
  writeSecret(path.join(dir, FILES.caCert), cert.toString('pem'))
  return { cert: new X509Certificate(cert.toString('pem')), keyPem }
}

async function issueServer(
  dir: string,
  ca: Ca,
  wanted: { names: string[]; addresses: string[] },
  now: Date,
): Promise<Ca> {
  const x509 = await x509Library()
  const caKey = await crypto.subtle.importKey(
    'pkcs8',
    createPrivateKey(ca.keyPem).export({ type: 'pkcs8', format: 'der' }),
    ALGORITHM,
    false,
    ['sign'],
  )
  const caCert = new x509.X509Certificate(ca.cert.raw)
  const keys = await crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])
  const notBefore = new Date(now.getTime() - BACKDATE)
  const notAfter = new Date(Math.min(notBefore.getTime() + SERVER_DAYS * DAY, new Date(ca.cert.validTo).getTime()))
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: [{ CN: [wanted.names[1] ?? 'localhost'] }, { O: ['Bal Panchayat'] }],
    issuer: caCert.subjectName,
    notBefore,
    notAfter,
    signingKey: caKey,
    publicKey: keys.publicKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...wanted.names.map((value) => ({ type: 'dns' as const, value })),
        ...wanted.addresses.map((value) => ({ type: 'ip' as const, value })),
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  })
  const keyPem = await pkcs8Pem(keys.privateKey)
  // Key first: a cut between the two leaves a pair that does not match, and it is made again.
  writeSecret(path.join(dir, FILES.serverKey), keyPem)
  writeSecret(path.join(dir, FILES.serverCert), cert.toString('pem'))
  return { cert: new X509Certificate(cert.toString('pem')), keyPem }
}

function serialNumber(): string {
  const bytes = randomBytes(16)
  bytes[0] = (bytes[0] & 0x7f) | 0x01 // positive, and no leading zero byte to strip
  return bytes.toString('hex')
}

async function pkcs8Pem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await crypto.subtle.exportKey('pkcs8', key))
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }) as string
}

/** Written whole (a temporary file renamed over), mode 600, flushed to the disk. */
function writeSecret(file: string, data: string): void {
  const tmp = `${file}.tmp`
  fs.rmSync(tmp, { force: true })
  const fd = fs.openSync(tmp, 'w', 0o600)
  try {
    fs.writeFileSync(fd, data)
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  fs.chmodSync(tmp, 0o600)
  fs.renameSync(tmp, file)
}

/** The stored CA certificate only (the operator's command; nothing is made). */
export function readBoxCa(dir: string): BoxCertificate['ca'] | null {
  try {
    const cert = new X509Certificate(fs.readFileSync(path.join(dir, FILES.caCert)))
    return { pem: cert.toString(), der: cert.raw, fingerprint: hexFingerprint(cert), validTo: new Date(cert.validTo) }
  } catch {
    return null
  }
}

function hexFingerprint(cert: X509Certificate): string {
  return cert.fingerprint256.replace(/:/g, '')
}

/** A SHA-256 fingerprint as people compare it: 4 lines of 8 pairs, "A7:59:A8:…", as Android shows it. */
export function fingerprintLines(hex: string): string[] {
  const pairs = hex.toUpperCase().match(/.{2}/g) ?? []
  return Array.from({ length: Math.ceil(pairs.length / 8) }, (_, i) => pairs.slice(i * 8, i * 8 + 8).join(':'))
}

/**
 * What the operator reads at the box (the Wi-Fi cannot tamper with this screen): the CA's
 * fingerprint to compare on each tablet, the addresses, and where the files are.
 */
export function certificateReport(
  dir: string,
  ports: { port: number; httpsPort: number },
  identity = boxIdentity(),
): { ok: boolean; text: string } {
  const ca = readBoxCa(dir)
  if (!ca) return { ok: false, text: `No certificate yet in ${dir}: start the box once (npm start) and it makes one.` }
  const server = readServerCertificate(dir)
  const v4 = identity.addresses.filter((a) => !a.includes(':'))
  const { names } = wantedNames(identity)
  const hosts = [...v4, ...names.filter((n) => n.endsWith('.local'))]
  const day = (d: Date) => d.toISOString().slice(0, 10)
  const file = (name: string, what: string) => `  ${path.join(dir, name)}  ${what}`
  return {
    ok: true,
    text: [
      "The box's certificate authority (install it once on every tablet and phone):",
      '  SHA-256 fingerprint:',
      ...fingerprintLines(ca.fingerprint).map((line) => `    ${line}`),
      `  valid until ${day(ca.validTo)}`,
      '',
      'Secure addresses for every tablet and phone:',
      ...(hosts.length
        ? hosts.map((h) => `  https://${h.includes(':') ? `[${h}]` : h}:${ports.httpsPort}/`)
        : ['  (none: the box is on no network)']),
      'The certificate page, to install it from:',
      ...hosts.map((h) => `  http://${h}:${ports.port}/certificate`),
      `  http://localhost:${ports.port}/certificate on the box itself`,
      '',
      server
        ? `The server certificate covers ${server.subjectAltName ?? ''}; valid until ${day(new Date(server.validTo))}.`
        : 'No server certificate yet: the next start makes it.',
      'Files (mode 600; the private keys never leave this box, back up ca.key with the database):',
      file(FILES.caCert, 'the CA certificate (what tablets install)'),
      file(FILES.caKey, "the CA's private key"),
      file(FILES.serverCert, 'the server certificate'),
      file(FILES.serverKey, "the server's private key"),
    ].join('\n'),
  }
}

function readServerCertificate(dir: string): X509Certificate | null {
  try {
    return new X509Certificate(fs.readFileSync(path.join(dir, FILES.serverCert)))
  } catch {
    return null
  }
}
