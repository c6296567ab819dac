import path from 'node:path'
import { parseArgs } from 'node:util'
import { createInterface } from 'node:readline/promises'
import { eq } from 'drizzle-orm'
import { openDatabase, type Db } from './db/client.ts'
import { backupDatabase } from './db/backup.ts'
import { DEFAULT_DATABASE_PATH, listenPorts } from './config.ts'
import { createUser, operatorActor } from './accounts/accounts.ts'
import { userSchema } from './accounts/schemas.ts'
import { villages } from './villages/tables.ts'
import { seedDemo } from './demo/seed.ts'
import { translator } from './web/i18n.ts'
import { Conflict, InvalidInput, NotFound } from './web/errors.ts'
import { verifyCount } from './elections/counting.ts'
import { fieldErrors } from './web/forms.ts'
import { certificateReport, tlsFolder } from './web/box-certificate.ts'

const usage = `Bal Panchayat — operator commands (npm run cli -- <command>)

  create-user --username U --role admin|facilitator|panchayat [--village V] [--name "Full name"]
      V is the village's id or exact name (not needed for admin).
      The password comes from the PASSWORD environment variable, or is asked for.
  seed-demo   a demo village with children and an account for each role; prints the logins
  backup FILE a consistent copy of the live database (safe while the app runs)
  verify-count ELECTION
              recounts a closed election from the ballot box and the paper counts, and
              checks the box against the digest printed on the result sheet
  certificate the box's HTTPS certificate: its fingerprint (to compare on each tablet),
              the https addresses, and where its files are

The database is DATABASE_PATH (default ${DEFAULT_DATABASE_PATH}).`

const t = translator('en')

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (!command || command === 'help' || command === '--help') { console.log(usage); return command ? 0 : 1 }
  if (command === 'certificate') return certificateCommand()
  const database = openDatabase(process.env.DATABASE_PATH || DEFAULT_DATABASE_PATH)
  try {
    switch (command) {
      case 'create-user': return await createUserCommand(database.db, rest)
      case 'seed-demo': return await seedDemoCommand(database.db)
      case 'backup': return await backupCommand(database, rest)
      case 'verify-count': return verifyCountCommand(database.db, rest)
      default: console.error(`Unknown command: ${command}\n\n${usage}`); return 1
    }
  } finally {
    database.close()
  }
}

async function createUserCommand(db: Db, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { username: { type: 'string' }, role: { type: 'string' }, village: { type: 'string' }, name: { type: 'string' } } })
  const village = values.village ? findVillage(db, values.village) : undefined
  if (values.village && !village) { console.error(`No village with id or name "${values.village}".`); return 1 }
  const password = process.env.PASSWORD ?? await ask('Password (at least 8 characters): ')
  const parsed = userSchema.safeParse({ username: values.username, role: values.role, villageId: village ? String(village.id) : '', displayName: values.name ?? values.username, password })
  if (!parsed.success) return reportInvalid(fieldErrors(parsed.error))
  try {
    const user = await createUser({ db, actor: operatorActor, lang: 'en', t }, parsed.data)
    console.log(`Created ${user.role} "${user.username}"${village ? ` for ${village.name}` : ''}.`)
    return 0
  } catch (err) {
    if (err instanceof InvalidInput) return reportInvalid(err.fields)
    throw err
  }
}

function reportInvalid(fields: Record<string, { key: string; params?: Record<string, unknown> }>): number {
  for (const [name, m] of Object.entries(fields)) console.error(`--${name === 'villageId' ? 'village' : name}: ${t(m.key, m.params ?? {})}`)
  return 1
}

function findVillage(db: Db, idOrName: string) {
  const byId = /^\d+$/.test(idOrName) ? db.select().from(villages).where(eq(villages.id, Number(idOrName))).get() : undefined
  return byId ?? db.select().from(villages).where(eq(villages.name, idOrName)).get()
}

async function seedDemoCommand(db: Db): Promise<number> {
  const result = await seedDemo(db)
  console.log(result.created ? `Demo village created with ${result.children} children.` : 'The demo village is already there.')
  console.log('Demo logins (password for each: ' + result.password + '):')
  for (const login of result.logins) console.log(`  ${login.role.padEnd(12)} ${login.username}`)
  return 0
}

async function backupCommand(database: ReturnType<typeof openDatabase>, args: string[]): Promise<number> {
  const [file] = args
  if (!file) { console.error('Usage: backup FILE'); return 1 }
  // npm runs us in the project folder; a path typed in the shell means the shell's folder.
  const target = path.resolve(process.env.INIT_CWD ?? process.cwd(), file)
  const { totalPages, boxBytes } = await backupDatabase(database, target)
  console.log(`Backed up ${totalPages} pages and the ballot box (${boxBytes} bytes) to ${target}.`)
  return 0
}

function verifyCountCommand(db: Db, args: string[]): number {
  const [id] = args
  if (!id || !/^\d+$/.test(id)) { console.error('Usage: verify-count ELECTION (the election\'s number, as in /elections/ELECTION)'); return 1 }
  try {
    const check = verifyCount({ db, actor: operatorActor, lang: 'en', t }, Number(id))
    if (check.digestNow === null && check.digestOnSheet === null) console.log('No ballot box: this election took no votes on a tablet.')
    else {
      console.log(`Ballot box digest on the sheet: ${check.digestOnSheet ?? '(none: the box was never sealed)'}`)
      console.log(`Ballot box digest now:          ${check.digestNow ?? '(no box)'} ${check.digestMatches ? '(matches)' : '(DIFFERENT)'}`)
    }
    for (const c of check.contests) {
      console.log(`${c.contest}: ${c.ballots} ballots (sheet: ${c.sheetBallots}) ${c.same ? '— same result' : '— DIFFERENT from the sheet'}`)
      for (const v of c.votes) console.log(`  ${v.name}: ${v.votes}${v.votes === v.sheet ? '' : ` (sheet: ${v.sheet})`}`)
    }
    console.log(check.ok ? 'The recount agrees with the result sheet.' : 'The recount does NOT agree with the result sheet.')
    return check.ok ? 0 : 1
  } catch (err) {
    if (err instanceof NotFound) { console.error(`No election ${id}.`); return 1 }
    if (err instanceof Conflict) { console.error(`Election ${id} has no result yet: close its poll first.`); return 1 }
    throw err
  }
}

/** Read at the box, whose screen the Wi-Fi cannot tamper with; the files are only read. */
function certificateCommand(): number {
  const report = certificateReport(tlsFolder(process.env.DATABASE_PATH || DEFAULT_DATABASE_PATH), listenPorts())
  if (report.ok) console.log(report.text)
  else console.error(report.text)
  return report.ok ? 0 : 1
}

async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true })
  try { return await rl.question(question) } finally { rl.close() }
}

process.exitCode = await main(process.argv.slice(2))
