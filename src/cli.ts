import './db/umask.ts'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { createInterface } from 'node:readline/promises'
import { Writable } from 'node:stream'
import { eq } from 'drizzle-orm'
import type { Db } from './db/client.ts'
import { openDatabase } from './database.ts'
import { writeBackup } from './backups/backup.ts'
import { restoreBackup } from './backups/restore.ts'
import { BackupRefused, MIN_PASSPHRASE_LENGTH, passphraseProblem } from './backups/backup-crypto.ts'
import { isStorageFull } from './web/storage.ts'
import { DEFAULT_DATABASE_PATH, listenPorts } from './config.ts'
import { createUser, operatorActor } from './accounts/accounts.ts'
import { userSchema } from './accounts/schemas.ts'
import { villages } from './villages/tables.ts'
import { seedDemo } from './demo/seed.ts'
import { translator } from './i18n/translator.ts'
import { Conflict, InvalidInput, NotFound } from './core/errors.ts'
import type { Role } from './core/actor.ts'
import { verifyCount } from './elections/counting.ts'
import { fieldErrors } from './web/forms.ts'
import { certificateReport, tlsFolder } from './web/box-certificate.ts'

const usage = `Bal Panchayat — operator commands (npm run cli -- <command>)

  create-user --username U --role admin|facilitator|panchayat [--village V] [--name "Full name"]
      V is the village's id or exact name (not needed for admin).
      The password comes from the PASSWORD environment variable, or is asked for.
  seed-demo   a demo village with children and an account for each role; prints the logins
  backup FILE [--passphrase]
              a consistent copy of the live database, ballot box inside (safe while the app
              runs), without sessions. With --passphrase it is encrypted (AES-256-GCM); the
              passphrase (${MIN_PASSPHRASE_LENGTH}+ characters) comes from PASSPHRASE, or is asked for
              twice. Use --passphrase for every backup that leaves the box (a USB stick,
              one sent to the coordinator); a plain one stays on the box.
  restore FILE [--force]
              makes a backup (plain or encrypted; PASSPHRASE, or asked for) the database at
              DATABASE_PATH. Stop the app first. With --force an existing database is
              replaced, and kept beside it as <name>.before-restore-<time>.
  verify-count ELECTION
              recounts a closed election from the ballot box and the paper counts, and
              checks the box against the digest printed on the result sheet
  certificate the box's HTTPS certificate: its fingerprint (to compare on each tablet),
              the https addresses, and where its files are

The database is DATABASE_PATH (default ${DEFAULT_DATABASE_PATH}).`

const t = translator('en')

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (!command || command === 'help' || command === '--help') {
    console.log(usage)
    return command ? 0 : 1
  }
  if (command === 'certificate') return certificateCommand()
  // The database must not be open while a restore replaces it.
  if (command === 'restore') return restoreCommand(rest)
  const backupArgs = command === 'backup' ? await backupArguments(rest) : undefined
  if (backupArgs === null) return 1
  const database = openDatabase(process.env.DATABASE_PATH || DEFAULT_DATABASE_PATH)
  try {
    switch (command) {
      case 'create-user':
        return await createUserCommand(database.db, rest)
      case 'seed-demo':
        return await seedDemoCommand(database.db)
      case 'backup':
        return await backupCommand(database, backupArgs!)
      case 'verify-count':
        return verifyCountCommand(database.db, rest)
      default:
        console.error(`Unknown command: ${command}\n\n${usage}`)
        return 1
    }
  } finally {
    database.close()
  }
}

async function createUserCommand(db: Db, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      username: { type: 'string' },
      role: { type: 'string' },
      village: { type: 'string' },
      name: { type: 'string' },
    },
  })
  const village = values.village ? findVillage(db, values.village) : undefined
  if (values.village && !village) {
    console.error(`No village with id or name "${values.village}".`)
    return 1
  }
  const password = process.env.PASSWORD ?? (await ask('Password (at least 10 characters, not a common one): '))
  const parsed = userSchema.safeParse({
    username: values.username,
    role: values.role,
    villageId: village ? String(village.id) : '',
    displayName: values.name ?? values.username,
    password,
  })
  if (!parsed.success) return reportInvalid(fieldErrors(parsed.error))
  try {
    const user = await createUser({ db, actor: operatorActor, lang: 'en' }, parsed.data)
    console.log(`Created ${user.role} "${user.username}"${village ? ` for ${village.name}` : ''}.`)
    return 0
  } catch (err) {
    if (err instanceof InvalidInput) return reportInvalid(err.fields)
    throw err
  }
}

function reportInvalid(fields: Record<string, { key: string; params?: Record<string, unknown> }>): number {
  for (const [name, m] of Object.entries(fields))
    console.error(`--${name === 'villageId' ? 'village' : name}: ${t(m.key, m.params ?? {})}`)
  return 1
}

function findVillage(db: Db, idOrName: string) {
  const byId = /^\d+$/.test(idOrName)
    ? db
        .select()
        .from(villages)
        .where(eq(villages.id, Number(idOrName)))
        .get()
    : undefined
  return byId ?? db.select().from(villages).where(eq(villages.name, idOrName)).get()
}

const demoRoles: Record<Role, string> = {
  admin: 'coordinator (admin)',
  facilitator: 'facilitator',
  panchayat: 'Gram Panchayat member',
}

async function seedDemoCommand(db: Db): Promise<number> {
  const result = await seedDemo(db)
  console.log(
    result.created ? `Demo village created with ${result.children} children.` : 'The demo village is already there.',
  )
  // A table with its own headings, so that nobody types the role as the username.
  const rows = [
    ['role', 'username', 'password'],
    ...result.logins.map((login) => [demoRoles[login.role], login.username, result.password]),
  ]
  const width = (i: number) => Math.max(...rows.map((r) => r[i].length)) + 3
  console.log('Demo logins: on the login page, type the username and the password exactly as shown.')
  for (const r of rows) console.log(`  ${r[0].padEnd(width(0))}${r[1].padEnd(width(1))}${r[2]}`.trimEnd())
  return 0
}

type BackupArguments = { target: string; passphrase?: string }

/** FILE and, with --passphrase, the passphrase, asked before the copy is taken; null: refused, said why. */
async function backupArguments(args: string[]): Promise<BackupArguments | null> {
  const parsed = parseCommand(args, { passphrase: { type: 'boolean' } }, 'backup FILE [--passphrase]')
  if (!parsed) return null
  const target = fromShell(parsed.file)
  if (!parsed.values.passphrase) return { target }
  const passphrase = await newPassphrase()
  if (passphrase === null) return null
  return { target, passphrase }
}

async function backupCommand(
  database: ReturnType<typeof openDatabase>,
  { target, passphrase }: BackupArguments,
): Promise<number> {
  try {
    const made = await writeBackup(database, target, { passphrase })
    console.log(
      `Backed up ${made.totalPages} pages and the ballot box (${made.boxBytes} bytes) to ${made.file}${made.encrypted ? ', encrypted' : ''} (mode 600).`,
    )
    if (!made.encrypted)
      console.log(
        'This copy is not encrypted: keep it on this box. For a copy that leaves the box, use backup FILE --passphrase.',
      )
    return 0
  } catch (err) {
    if (err instanceof BackupRefused) {
      console.error(err.message)
      return 1
    }
    throw err
  }
}

async function restoreCommand(args: string[]): Promise<number> {
  const parsed = parseCommand(args, { force: { type: 'boolean' } }, 'restore FILE [--force]')
  if (!parsed) return 1
  try {
    const done = await restoreBackup(fromShell(parsed.file), process.env.DATABASE_PATH || DEFAULT_DATABASE_PATH, {
      force: Boolean(parsed.values.force),
      passphrase: async () => {
        const given =
          process.env.PASSPHRASE ?? (process.stdin.isTTY ? await askHidden('Passphrase of the backup: ') : undefined)
        if (given === undefined)
          throw new BackupRefused('The backup is encrypted: set PASSPHRASE, or run restore on a terminal to type it.')
        return given
      },
    })
    console.log(`Restored ${done.file}${done.encrypted ? ' (encrypted)' : ''} as the database ${done.database}.`)
    for (const kept of done.keptAside) console.log(`The database that was there is kept as ${kept}.`)
    return 0
  } catch (err) {
    if (err instanceof BackupRefused) {
      console.error(err.message)
      return 1
    }
    throw err
  }
}

/** `COMMAND FILE [--flag]`: the file and the flags, or null after saying what is wrong. */
function parseCommand<O extends Record<string, { type: 'boolean' }>>(args: string[], options: O, synopsis: string) {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true })
    if (positionals.length !== 1) {
      console.error(`Usage: ${synopsis}`)
      return null
    }
    return { file: positionals[0], values: values as { [K in keyof O]?: boolean } }
  } catch (err) {
    // Never on the command line: it would stay in the shell's history and in the process list.
    const hint = args.some((a) => a.startsWith('--passphrase='))
      ? ' The passphrase is read from PASSPHRASE, or asked for; never give it on the command line.'
      : ''
    console.error(`${(err as Error).message}\nUsage: ${synopsis}.${hint}`)
    return null
  }
}

/** npm runs us in the project folder; a path typed in the shell means the shell's folder. */
function fromShell(file: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), file)
}

/** From PASSPHRASE, or typed twice on a terminal; at least MIN_PASSPHRASE_LENGTH characters. */
async function newPassphrase(): Promise<string | null> {
  let passphrase = process.env.PASSPHRASE
  if (passphrase === undefined) {
    if (!process.stdin.isTTY) {
      console.error(
        'Set the passphrase in the PASSPHRASE environment variable, or run backup on a terminal to type it.',
      )
      return null
    }
    passphrase = await askHidden(`Passphrase for the backup (at least ${MIN_PASSPHRASE_LENGTH} characters): `)
    if (!passphraseProblem(passphrase) && (await askHidden('The same passphrase again: ')) !== passphrase) {
      console.error('The two passphrases are not the same; no backup was made.')
      return null
    }
  }
  const problem = passphraseProblem(passphrase)
  if (problem) {
    console.error(`${problem} No backup was made.`)
    return null
  }
  return passphrase
}

function verifyCountCommand(db: Db, args: string[]): number {
  const [id] = args
  if (!id || !/^\d+$/.test(id)) {
    console.error("Usage: verify-count ELECTION (the election's number, as in /elections/ELECTION)")
    return 1
  }
  try {
    const check = verifyCount({ db, actor: operatorActor, lang: 'en' }, Number(id))
    if (check.digestNow === null && check.digestOnSheet === null)
      console.log('No ballot box: this election took no votes on a tablet.')
    else {
      console.log(`Ballot box digest on the sheet: ${check.digestOnSheet ?? '(none: the box was never sealed)'}`)
      console.log(
        `Ballot box digest now:          ${check.digestNow ?? '(no box)'} ${check.digestMatches ? '(matches)' : '(DIFFERENT)'}`,
      )
    }
    for (const c of check.contests) {
      console.log(
        `${c.contest}: ${c.ballots} ballots (sheet: ${c.sheetBallots}) ${c.same ? '— same result' : '— DIFFERENT from the sheet'}`,
      )
      for (const v of c.votes)
        console.log(`  ${v.name}: ${v.votes}${v.votes === v.sheet ? '' : ` (sheet: ${v.sheet})`}`)
    }
    console.log(
      check.ok ? 'The recount agrees with the result sheet.' : 'The recount does NOT agree with the result sheet.',
    )
    return check.ok ? 0 : 1
  } catch (err) {
    if (err instanceof NotFound) {
      console.error(`No election ${id}.`)
      return 1
    }
    if (err instanceof Conflict) {
      console.error(`Election ${id} has no result yet: close its poll first.`)
      return 1
    }
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
  try {
    return await rl.question(question)
  } finally {
    rl.close()
  }
}

/** Asks on the terminal without showing what is typed. */
async function askHidden(question: string): Promise<string> {
  let muted = false
  const output = new Writable({
    write(chunk, encoding, done) {
      if (!muted) process.stdout.write(chunk, encoding)
      done()
    },
  })
  const rl = createInterface({ input: process.stdin, output, terminal: true })
  try {
    const answer = rl.question(question)
    muted = true
    return await answer
  } finally {
    rl.close()
    process.stdout.write('\n')
  }
}

/**
 * Whatever goes wrong is said in one line and a non-zero exit, never a stack trace: a full disk
 * (the commonest) with what to do, anything else with its own message. DEBUG=1 shows the trace.
 */
function failure(err: unknown): string {
  if (isStorageFull(err))
    return 'The disk is full: nothing was saved. Free some space on the box (move old backups to a USB stick), then run the command again.'
  const e = err as { code?: string; message?: string }
  if (e?.code === 'SQLITE_BUSY')
    return 'The database is busy: another command or the app is writing. Try again in a moment.'
  if (e?.code === 'EACCES' || e?.code === 'EPERM')
    return `Not allowed to use a file: ${e.message}. Run the command as the box's own user.`
  return `The command failed: ${e?.message ?? String(err)}`
}

try {
  process.exitCode = await main(process.argv.slice(2))
} catch (err) {
  console.error(failure(err))
  if (process.env.DEBUG) console.error(err)
  process.exitCode = 1
}
