/**
 * src/server.ts under V8's CPU profiler, for bench/profile-pages.ts: SIGUSR2 starts a profile,
 * SIGHUP stops it and writes it to PROFILE_OUT.<n>.cpuprofile (n = 1, 2…); the server goes on.
 */
import fs from 'node:fs'
import { Session } from 'node:inspector/promises'

const session = new Session()
session.connect()
await session.post('Profiler.enable')
await session.post('Profiler.setSamplingInterval', { interval: 250 })
let written = 0
process.on('SIGUSR2', () => {
  void session.post('Profiler.start')
})
process.on('SIGHUP', () => {
  void session.post('Profiler.stop').then(({ profile }) => {
    fs.writeFileSync(`${process.env.PROFILE_OUT}.${++written}.cpuprofile`, JSON.stringify(profile))
  })
})
await import('../src/server.ts')
