import './db/umask.ts'
import { build } from './app.ts'
import { loadConfig } from './config.ts'
import { boxIdentity, ensureBoxCertificate, tlsFolder } from './web/box-certificate.ts'
import { addressForUrl } from './web/plain-http.ts'
import { secureServer } from './web/secure-server.ts'

const config = loadConfig()
// Made on first start, beside the database; re-issued from the same CA when the addresses change.
const certificate = await ensureBoxCertificate(tlsFolder(config.databasePath))
const app = await build({
  databasePath: config.databasePath,
  sessionSecret: config.sessionSecret,
  secureCookies: config.secureCookies,
  logger: true,
  https: { port: config.httpsPort, httpPort: config.port, certificate },
  backups: config.backups,
})
const secure = secureServer(app, certificate)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0))
  })
}

await app.listen({ port: config.port, host: config.host })
await secure.listen(config.httpsPort, config.host)
// Timers only here: an app built by a test takes no backup unless the test starts it.
app.backups?.start()
app.log.info(
  `backups: every night at 02:00 and after a poll or meeting closes, into ${config.backups.dir} (the last ${config.backups.keep} kept${config.backups.passphrase ? ', encrypted' : ', not encrypted'})`,
)

const wildcard = config.host === '0.0.0.0' || config.host === '::'
const network = boxIdentity()
  .addresses.filter((a) => !a.includes(':'))
  .map((a) => addressForUrl(a)!)
const hosts = wildcard ? ['127.0.0.1', ...network] : [addressForUrl(config.host) ?? config.host]
for (const host of hosts) app.log.info(`Server listening at https://${host}:${config.httpsPort}`)
if (certificate.made.ca) app.log.warn(`made the box's certificate authority in ${certificate.dir}`)
for (const host of wildcard ? network : []) {
  app.log.info(
    `Tablets and phones: install the certificate from http://${host}:${config.port}/certificate, then use https://${host}:${config.httpsPort}/`,
  )
}
