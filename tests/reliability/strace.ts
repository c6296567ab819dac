// Reading an strace log (`strace -f -tt -yy -s N -o FILE`) of the server, and the order check made on
// it: the HTTP answer to a cast goes out only after a sync of the ballot box file that followed the
// request. Pure functions of the log's text, so the check itself can be tested on made-up logs.

/** One system call, its unfinished and resumed halves joined. `start`/`end` are line numbers in the log. */
export type Syscall = {
  tid: number
  time: string
  name: string
  /** Everything between the call's parentheses (fds decoded by -yy: `7</path/x.sqlite>`, `23<TCP:[a:1->b:2]>`). */
  args: string
  /** The return value as a number (NaN when strace printed none, e.g. the process exited inside the call). */
  result: number
  start: number
  end: number
}

const CALL = /^(\d+)\s+(\d\d:\d\d:\d\d\.\d+)\s+(\w+)\((.*)$/
const RESUMED = /^(\d+)\s+(\d\d:\d\d:\d\d\.\d+)\s+<\.\.\. (\w+) resumed>(.*)$/
const UNFINISHED = ' <unfinished ...>'
/** `) = 12`, `) = -1 EAGAIN (Resource temporarily unavailable)`, `) = ?` after the last `) = ` of a call's line. */
const RETURN = /^\)\s+=\s+(-?\d+|\?)/

/** The system calls of a log, in the order they started. Signals, exits and other notes are skipped. */
export function parseTrace(text: string): Syscall[] {
  const calls: Syscall[] = []
  const open = new Map<string, { call: Syscall; head: string }>()
  const finish = (call: Syscall, whole: string, line: number) => {
    // The last ") = " is the return: a quoted argument may contain one, but nothing after the return does.
    const at = whole.lastIndexOf(') = ')
    const ret = at >= 0 ? RETURN.exec(whole.slice(at)) : null
    call.args = ret ? whole.slice(0, at) : whole
    call.result = ret && ret[1] !== '?' ? Number(ret[1]) : NaN
    call.end = line
  }
  text.split('\n').forEach((raw, i) => {
    const line = i + 1
    const resumed = RESUMED.exec(raw)
    if (resumed) {
      const key = `${resumed[1]} ${resumed[3]}`
      const pending = open.get(key)
      if (!pending) return
      open.delete(key)
      finish(pending.call, pending.head + resumed[4], line)
      return
    }
    const m = CALL.exec(raw)
    if (!m) return
    const call: Syscall = { tid: Number(m[1]), time: m[2], name: m[3], args: '', result: NaN, start: line, end: line }
    calls.push(call)
    if (m[4].endsWith(UNFINISHED))
      open.set(`${call.tid} ${call.name}`, { call, head: m[4].slice(0, -UNFINISHED.length) })
    else finish(call, m[4], line)
  })
  return calls
}

/** The first argument's decoded fd: `23<TCP:[127.0.0.1:3000->127.0.0.1:41234]>` → that whole token. */
export function fdOf(call: Syscall): string {
  // A socket's endpoints contain "->"; a device's path carries its own `<char 1:3>`.
  const m = /^(\d+<(?:[\w-]+:\[[^\]]*\]|(?:[^<>\\]|\\.|<[^<>]*>)*)>)/.exec(call.args)
  return m ? m[1] : call.args.split(',')[0]
}

/** The path or socket inside an fd token: `7</tmp/a.sqlite>` → `/tmp/a.sqlite`. */
export function fdTarget(fd: string): string {
  const m = /^\d+<(.*)>$/.exec(fd)
  return m ? m[1] : ''
}

const READS = new Set(['read', 'readv', 'recvfrom', 'recvmsg'])
const WRITES = new Set(['write', 'writev', 'sendto', 'sendmsg'])
const SYNCS = new Set(['fsync', 'fdatasync'])

/** What a cast's request and answer look like on the wire. */
export type CastPattern = {
  /** The request line of a cast, e.g. /^POST \/elections\/\d+\/ballot HTTP/ (matched against the first bytes read). */
  request: RegExp
  /** The answer that thanks the child, matched against the first bytes written (strace's escaping, so `\r\n` is literal). */
  thanks: RegExp
  /** The ballot box's database file (not its journal): its sync is the commit's durable point. */
  boxFile: string
}

export type CastOrder = {
  /** The connection: its fd and TCP endpoints as strace decoded them. */
  connection: string
  tid: number
  /** Line of the last read of the request (all of it has arrived). */
  requestRead: number
  /** Line of the first write of the answer, or null if none was seen. */
  answer: number | null
  thanked: boolean
  /** Lines of syncs of the box file, on the answering thread, between the request and its answer. */
  boxSyncs: number[]
  /** The journal's syncs in that window (the commit's first sync, and the one after truncating it). */
  journalSyncs: number[]
  /** The box file's last sync before the answer was followed, still before it, by the journal's truncation and its sync. */
  journalClosed: boolean
}

export type OrderReport = { casts: CastOrder[]; violations: { cast: CastOrder; why: string }[] }

/** Text carried by a read or write, as strace printed it (quoted, escaped, maybe cut at -s). */
function payload(call: Syscall): string {
  const m = /"((?:[^"\\]|\\.)*)"/.exec(call.args.slice(fdOf(call).length))
  return m ? m[1] : ''
}

/**
 * For every cast in the log: did the answer leave only after a sync of the box file that followed
 * the request, on the same thread? Requests and answers are paired per connection, in order (HTTP/1.1
 * without pipelining: one request, then its answer). The server is one thread running SQLite
 * synchronously, so a sync on that thread after the request was read belongs to a commit that began
 * after it.
 */
export function checkCastOrder(calls: Syscall[], pattern: CastPattern): OrderReport {
  const isBox = (fd: string) => fdTarget(fd) === pattern.boxFile
  const isJournal = (fd: string) => fdTarget(fd) === `${pattern.boxFile}-journal`
  type Conn = { pending: { requestRead: number; tid: number } | null }
  const connections = new Map<string, Conn>()
  const casts: CastOrder[] = []
  // The syncs and truncations of the box, by thread, in order of completion.
  const boxEvents: { tid: number; end: number; what: 'box' | 'journal' | 'truncate' }[] = []
  for (const call of calls) {
    const fd = fdOf(call)
    if (SYNCS.has(call.name) && call.result === 0 && (isBox(fd) || isJournal(fd)))
      boxEvents.push({ tid: call.tid, end: call.end, what: isBox(fd) ? 'box' : 'journal' })
    if (call.name === 'ftruncate' && call.result === 0 && isJournal(fd))
      boxEvents.push({ tid: call.tid, end: call.end, what: 'truncate' })
    if (!fdTarget(fd).startsWith('TCP')) continue
    const conn = connections.get(fd) ?? { pending: null }
    connections.set(fd, conn)
    if (READS.has(call.name) && call.result > 0) {
      const data = payload(call)
      if (conn.pending) conn.pending.requestRead = call.end
      else if (pattern.request.test(data)) conn.pending = { requestRead: call.end, tid: call.tid }
    } else if (WRITES.has(call.name) && conn.pending) {
      const { requestRead, tid } = conn.pending
      conn.pending = null
      const between = boxEvents.filter((e) => e.tid === call.tid && e.end > requestRead && e.end < call.start)
      const boxSyncs = between.filter((e) => e.what === 'box').map((e) => e.end)
      const lastBox = boxSyncs.at(-1)
      const after = lastBox === undefined ? [] : between.filter((e) => e.end > lastBox)
      const truncated = after.findIndex((e) => e.what === 'truncate')
      casts.push({
        connection: fd,
        tid,
        requestRead,
        answer: call.start,
        thanked: pattern.thanks.test(payload(call)),
        boxSyncs,
        journalSyncs: between.filter((e) => e.what === 'journal').map((e) => e.end),
        journalClosed: truncated >= 0 && after.slice(truncated + 1).some((e) => e.what === 'journal'),
      })
    }
  }
  for (const [fd, conn] of connections) {
    if (conn.pending)
      casts.push({
        connection: fd,
        tid: conn.pending.tid,
        requestRead: conn.pending.requestRead,
        answer: null,
        thanked: false,
        boxSyncs: [],
        journalSyncs: [],
        journalClosed: false,
      })
  }
  const violations: OrderReport['violations'] = []
  for (const cast of casts) {
    if (cast.answer === null) violations.push({ cast, why: 'no answer in the trace' })
    else if (!cast.thanked) violations.push({ cast, why: 'answered, but not with the thank-you' })
    else if (cast.boxSyncs.length === 0)
      violations.push({ cast, why: 'thanked before any sync of the ballot box that followed the request' })
    else if (!cast.journalClosed)
      violations.push({ cast, why: "thanked before the commit's journal was truncated and synced" })
  }
  return { casts, violations }
}

/** The commits that thanked casts waited for: the box file's last sync before each answer. */
export function commitsUsed(report: OrderReport): number {
  return new Set(report.casts.map((c) => c.boxSyncs.at(-1)).filter((l) => l !== undefined)).size
}

/** A log with line `from` (1-based) moved to just before line `before`: a made-up reordering, for controls. */
export function moveLine(text: string, from: number, before: number): string {
  const lines = text.split('\n')
  const [moved] = lines.splice(from - 1, 1)
  lines.splice(before < from ? before - 1 : before - 2, 0, moved)
  return lines.join('\n')
}

/** A log without the given lines (1-based), for controls. */
export function dropLines(text: string, drop: Set<number>): string {
  return text
    .split('\n')
    .filter((_, i) => !drop.has(i + 1))
    .join('\n')
}
