import fs from 'node:fs'
import path from 'node:path'

/**
 * The box's files are its owner's alone: the data folder 700, every file in it 600 (the database,
 * its WAL and SHM, the ballot box and its journal, the session secret, the certificate keys, every
 * backup). Whoever else has an account on the machine, or a service running under another user,
 * reads nothing. Modes are set when a file is made and tightened again at every open, for files
 * that an older release, a copy or a restore left looser.
 */
export const FILE_MODE = 0o600
export const FOLDER_MODE = 0o700

/** The table inside a backup that holds the ballot box's image (the box is a file of its own on the box). */
export const BOX_IMAGE_TABLE = 'ballot_box_image'

/**
 * Creates the folder (and its parents) as 700, and tightens it if it is the app's own folder.
 * Returns the first folder it had to make, if any.
 */
export function ownerOnlyFolder(dir: string): string | undefined {
  const made = fs.mkdirSync(dir, { recursive: true, mode: FOLDER_MODE })
  const stat = fs.statSync(dir)
  const entries = fs.readdirSync(dir, { withFileTypes: true })
  if (isOurs(stat, entries)) {
    if ((stat.mode & 0o777) !== FOLDER_MODE) fs.chmodSync(dir, FOLDER_MODE)
    // Backups and kept-aside databases an operator left here (or copied in) included.
    for (const e of entries) if (e.isFile()) tighten(path.join(dir, e.name))
  } else if ((stat.mode & 0o777) !== FOLDER_MODE)
    warnOnce(
      dir,
      `The data folder ${dir} can be read by other users (mode ${(stat.mode & 0o777).toString(8)}) and also holds other folders, so it was left as it is: give the database a folder of its own, or run chmod 700 ${dir}.`,
    )
  return made
}

/**
 * A folder is tightened only when it holds nothing but the app's files: never a shared folder such
 * as /tmp (sticky), one another user owns, or one with other folders in it (a home or project folder,
 * /var/lib), whose other users would lose access. Its own folders are `tls` and the automatic `backups`.
 */
function isOurs(stat: fs.Stats, entries: fs.Dirent[]): boolean {
  if (stat.mode & 0o1000) return false
  if (process.getuid && stat.uid !== process.getuid()) return false
  return entries.every(
    (e) => !e.isDirectory() || e.name === 'tls' || e.name === 'backups' || e.name.startsWith(TEMP_PREFIX),
  )
}

/** 600 unless it is already the owner's alone (stat and chmod go by name: no descriptor is opened). */
function tighten(file: string): void {
  try {
    const stat = fs.statSync(file)
    if (stat.mode & 0o077 && (!process.getuid || stat.uid === process.getuid())) fs.chmodSync(file, stat.mode & 0o700)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
}

/** Temporary folders of a backup or a restore in progress, inside the data folder. */
export const TEMP_PREFIX = '.bp-'

const warned = new Set<string>()
function warnOnce(key: string, message: string): void {
  if (warned.has(key)) return
  warned.add(key)
  process.emitWarning(message)
}

/** Sets 600 on each of the files that exist (SQLite makes the WAL, SHM and journals with the mode of the database file). */
export function ownerOnlyFiles(...files: string[]): void {
  for (const file of files) {
    try {
      fs.chmodSync(file, FILE_MODE)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      // Another user's file: not ours to change, and the app still works with it.
      if (code === 'EPERM')
        warnOnce(
          file,
          `The mode of ${file} could not be made 600 (another user's file, or a file system without modes).`,
        )
      else if (code !== 'ENOENT') throw err
    }
  }
}

/**
 * Makes the file empty and 600 if it is not there yet (an empty file is a new SQLite database), and
 * 600 if it is. An existing file is never opened: closing any descriptor of a file drops every POSIX
 * lock this process holds on it, SQLite's included.
 */
export function ownerOnlyFile(file: string): void {
  try {
    fs.closeSync(fs.openSync(file, 'wx', FILE_MODE))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
  ownerOnlyFiles(file)
}

/**
 * For a file written outside the data folder (a backup on a USB stick): 600 where the file system
 * keeps modes. FAT and exFAT sticks keep none and refuse chmod; the file is then as private as the stick.
 */
export function ownerOnlyIfPossible(fd: number): void {
  try {
    fs.fchmodSync(fd, FILE_MODE)
  } catch (err) {
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err
  }
}

/** A rename is durable once the folder that holds it is flushed (not every file system allows it). */
export function syncFolder(dir: string): void {
  let fd: number | undefined
  try {
    fd = fs.openSync(dir, 'r')
    fs.fsyncSync(fd)
  } catch {
    /* not supported here: the rename stands */
  } finally {
    if (fd !== undefined) fs.closeSync(fd)
  }
}

/** The files SQLite keeps beside a database. */
export function sqliteCompanions(file: string): string[] {
  return [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]
}

export function dataFolderOf(databaseFile: string): string {
  return path.dirname(path.resolve(databaseFile))
}

/** Copies a file's bytes into an open file, a megabyte at a time. */
export function copyInto(source: string, fd: number): void {
  const input = fs.openSync(source, 'r')
  try {
    const buf = Buffer.alloc(1024 * 1024)
    for (let n: number; (n = fs.readSync(input, buf, 0, buf.length, null)) > 0; ) {
      for (let off = 0; off < n; ) off += fs.writeSync(fd, buf, off, n - off)
    }
  } finally {
    fs.closeSync(input)
  }
}
