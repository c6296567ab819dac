import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { X509Certificate } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import {
  certificateReport,
  ensureBoxCertificate,
  fingerprintLines,
  tlsFolder,
  wantedNames,
  type BoxIdentity,
} from '../../src/web/box-certificate.ts'

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-tls-'))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))
let n = 0
const freshDir = () => path.join(root, `box-${++n}`, 'tls')

const papdi: BoxIdentity = { hostname: 'Papdi-Box', addresses: ['192.168.1.5', 'fe80::a00:27ff:fe4e:66a1'] }
const DAY = 24 * 3600 * 1000
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1'
const files = (dir: string) => ['ca.key', 'ca.crt', 'server.key', 'server.crt'].map((f) => path.join(dir, f))
const mode = (file: string) => fs.statSync(file).mode & 0o777

describe("the box's own certificate authority", () => {
  it('is made once, on the first start, and the same CA and server certificate are used on the next', async () => {
    const dir = freshDir()
    const first = await ensureBoxCertificate(dir, papdi)
    expect(first.made).toEqual({ ca: true, server: true })
    const second = await ensureBoxCertificate(dir, papdi)
    expect(second.made).toEqual({ ca: false, server: false })
    expect(second.ca.fingerprint).toBe(first.ca.fingerprint)
    expect(second.cert).toBe(first.cert)
    expect(second.key).toBe(first.key)
  })

  it('keeps the four files beside the database in tls/, each readable by the owner only, the folder too', async () => {
    const dir = tlsFolder(path.join(root, 'village', 'bal-panchayat.sqlite'))
    expect(dir).toBe(path.join(root, 'village', 'tls'))
    await ensureBoxCertificate(dir, papdi)
    expect(mode(dir)).toBe(0o700)
    for (const file of files(dir)) expect(mode(file), file).toBe(0o600)
    // A file copied back with a looser mode is made private again on the next start.
    fs.chmodSync(path.join(dir, 'ca.key'), 0o644)
    await ensureBoxCertificate(dir, papdi)
    expect(mode(path.join(dir, 'ca.key'))).toBe(0o600)
  })

  it('signs a server certificate for localhost, the host name, loopback and every address given', async () => {
    const box = await ensureBoxCertificate(freshDir(), papdi)
    const ca = new X509Certificate(box.ca.pem)
    const server = new X509Certificate(box.cert)
    expect(ca.ca).toBe(true)
    expect(server.ca).toBe(false)
    expect(server.verify(ca.publicKey)).toBe(true)
    expect(server.checkIssued(ca)).toBe(true)
    for (const name of ['localhost', 'papdi-box', 'papdi-box.local'])
      expect(server.checkHost(name, { subject: 'never' }), name).toBe(name)
    for (const ip of ['127.0.0.1', '::1', '192.168.1.5', 'fe80::a00:27ff:fe4e:66a1'])
      expect(server.checkIP(ip), ip).toBe(ip)
    expect(server.checkIP('192.168.1.6')).toBeUndefined()
    expect(server.checkHost('example.com')).toBeUndefined()
    expect(server.keyUsage).toContain(SERVER_AUTH)
    const days = (Date.parse(server.validTo) - Date.parse(server.validFrom)) / DAY
    expect(days).toBeLessThanOrEqual(397)
    expect(days).toBeGreaterThan(390)
    expect((Date.parse(ca.validTo) - Date.now()) / DAY).toBeGreaterThan(5 * 365)
    expect(box.ca.der.equals(ca.raw)).toBe(true)
    expect(box.ca.fingerprint).toBe(ca.fingerprint256.replace(/:/g, ''))
  })

  it('re-issues the server certificate from the same CA when the box has a new address', async () => {
    const dir = freshDir()
    const before = await ensureBoxCertificate(dir, papdi)
    const moved = await ensureBoxCertificate(dir, { ...papdi, addresses: ['192.168.1.5', '10.42.0.1'] })
    expect(moved.made).toEqual({ ca: false, server: true })
    expect(moved.ca.fingerprint).toBe(before.ca.fingerprint)
    const server = new X509Certificate(moved.cert)
    expect(server.verify(new X509Certificate(before.ca.pem).publicKey)).toBe(true)
    expect(server.checkIP('10.42.0.1')).toBe('10.42.0.1')
    // An address the box no longer has does not by itself call for a new certificate.
    expect((await ensureBoxCertificate(dir, { ...papdi, addresses: ['10.42.0.1'] })).made.server).toBe(false)
    // Nor does a new host name go unnoticed.
    const renamed = await ensureBoxCertificate(dir, { hostname: 'sothana', addresses: ['10.42.0.1'] })
    expect(renamed.made.server).toBe(true)
    expect(new X509Certificate(renamed.cert).checkHost('sothana.local', { subject: 'never' })).toBe('sothana.local')
  })

  it('re-issues the server certificate within 30 days of its end, from the same CA', async () => {
    const dir = freshDir()
    const before = await ensureBoxCertificate(dir, papdi)
    const end = before.server.validTo.getTime()
    expect((await ensureBoxCertificate(dir, papdi, new Date(end - 31 * DAY))).made.server).toBe(false)
    const later = await ensureBoxCertificate(dir, papdi, new Date(end - 29 * DAY))
    expect(later.made).toEqual({ ca: false, server: true })
    expect(later.ca.fingerprint).toBe(before.ca.fingerprint)
    expect(later.server.validTo.getTime()).toBeGreaterThan(end + 300 * DAY)
  })

  it('makes again what is damaged: a server certificate whose key does not match, or a CA that is gone', async () => {
    const dir = freshDir()
    const before = await ensureBoxCertificate(dir, papdi)
    fs.writeFileSync(path.join(dir, 'server.key'), (await ensureBoxCertificate(freshDir(), papdi)).key)
    const fixed = await ensureBoxCertificate(dir, papdi)
    expect(fixed.made).toEqual({ ca: false, server: true })
    expect(new X509Certificate(fixed.cert).verify(new X509Certificate(before.ca.pem).publicKey)).toBe(true)
    fs.writeFileSync(path.join(dir, 'ca.crt'), 'not a certificate')
    const remade = await ensureBoxCertificate(dir, papdi)
    expect(remade.made).toEqual({ ca: true, server: true })
    expect(remade.ca.fingerprint).not.toBe(before.ca.fingerprint)
    expect(new X509Certificate(remade.cert).verify(new X509Certificate(remade.ca.pem).publicKey)).toBe(true)
  })

  it('names no host name that is not a DNS name, and no address twice', () => {
    expect(wantedNames({ hostname: 'Rekha laptop', addresses: ['192.168.1.5', '192.168.1.5'] })).toEqual({
      names: ['localhost'],
      addresses: ['127.0.0.1', '::1', '192.168.1.5'],
    })
    expect(wantedNames({ hostname: 'box.local', addresses: ['fe80::1%wlan0'] })).toEqual({
      names: ['localhost', 'box', 'box.local'],
      addresses: ['127.0.0.1', '::1', 'fe80::1'],
    })
  })

  it('shows its fingerprint as a person compares it: four lines of eight pairs', async () => {
    const box = await ensureBoxCertificate(freshDir(), papdi)
    const lines = fingerprintLines(box.ca.fingerprint)
    expect(lines).toHaveLength(4)
    for (const line of lines) expect(line).toMatch(/^([0-9A-F]{2}:){7}[0-9A-F]{2}$/)
    expect(lines.join(':')).toBe(new X509Certificate(box.ca.pem).fingerprint256)
  })

  it('gives the operator the fingerprint, the https addresses and the files, reading only', async () => {
    const dir = freshDir()
    expect(certificateReport(dir, { port: 3000, httpsPort: 3443 }, papdi).ok).toBe(false)
    expect(fs.existsSync(dir)).toBe(false)
    const box = await ensureBoxCertificate(dir, papdi)
    const report = certificateReport(dir, { port: 3000, httpsPort: 3443 }, papdi)
    expect(report.ok).toBe(true)
    for (const line of fingerprintLines(box.ca.fingerprint)) expect(report.text).toContain(line)
    expect(report.text).toContain('https://192.168.1.5:3443/')
    expect(report.text).toContain('https://papdi-box.local:3443/')
    expect(report.text).toContain('http://192.168.1.5:3000/certificate')
    for (const file of files(dir)) expect(report.text).toContain(file)
    expect(report.text).not.toContain('PRIVATE KEY')
  })
})
