import { createHash } from 'node:crypto'
import Database from 'better-sqlite3'
import type Sqlite from 'better-sqlite3'
import { ballotBoxPath } from '../../src/db/client.ts'
import { nextSteps, statusOf, type Status } from '../../src/resolutions/journey.ts'
import { meetingStages } from '../../src/meetings/tables.ts'
import { stages } from '../../src/elections/tables.ts'
import type { ResponseKind } from '../../src/resolutions/tables.ts'
import { caseStatus, nextStepRefusal, type StepFacts } from '../../src/cases/machine.ts'
import { todayIso } from '../../src/core/dates.ts'

/**
 * What must hold of the database whatever was posted to it. Each check is a query for the rows
 * that break it; the result names the check and shows a few of those rows.
 */
const checks: [name: string, sql: string][] = [
  // Elections and the secret ballot
  [
    'a ballot marks no more candidates than its contest allows, and only its candidates',
    `SELECT s.id, c.max_choices, popcount(s.marks) AS marks FROM box_slots s JOIN contests c ON c.id = s.contest_id
     JOIN box_contests b ON b.contest_id = s.contest_id
     WHERE popcount(s.marks) > c.max_choices OR length(s.marks) != max(1, (json_array_length(b.candidate_ids) + 7) / 8)
       OR highest_bit(s.marks) >= json_array_length(b.candidate_ids) OR (NOT s.filled AND popcount(s.marks) > 0)`,
  ],
  [
    'the box holds the candidates of each contest, in id order',
    `SELECT b.contest_id FROM box_contests b JOIN contests c ON c.id = b.contest_id
     WHERE b.candidate_ids != (SELECT json_group_array(id) FROM (SELECT id FROM candidates k WHERE k.contest_id = b.contest_id ORDER BY id)) OR b.election_id != c.election_id`,
  ],
  [
    'every contest of a poll has a slot per child on the roll, and one ballot per child checked off',
    `SELECT c.contest_id,
       (SELECT count(*) FROM box_slots s WHERE s.contest_id = c.contest_id) AS slots, (SELECT count(*) FROM box_checkoffs k WHERE k.election_id = c.election_id) AS roll,
       (SELECT count(*) FROM box_slots s WHERE s.contest_id = c.contest_id AND s.filled) AS ballots, (SELECT count(*) FROM box_checkoffs k WHERE k.election_id = c.election_id AND k.voted) AS voted
     FROM box_contests c WHERE slots != roll OR ballots != voted`,
  ],
  [
    "only polls that opened have a box, only children of the village are on its roll, and a closed poll's box is sealed",
    `SELECT k.election_id, k.child_id FROM box_checkoffs k JOIN elections e ON e.id = k.election_id JOIN children ch ON ch.id = k.child_id
     WHERE ch.village_id != e.village_id OR NOT EXISTS (SELECT 1 FROM election_events v WHERE v.election_id = e.id AND v.stage = 'poll_open')
     UNION ALL SELECT p.election_id, 'unsealed' FROM box_polls p WHERE p.sealed_at IS NULL AND EXISTS (SELECT 1 FROM election_events v WHERE v.election_id = p.election_id AND v.stage = 'poll_closed')
     UNION ALL SELECT e.id, 'no box' FROM elections e WHERE NOT EXISTS (SELECT 1 FROM box_polls p WHERE p.election_id = e.id) AND EXISTS (SELECT 1 FROM election_events v WHERE v.election_id = e.id AND v.stage = 'poll_open')`,
  ],
  [
    "a candidate is a child of the election's village, in a contest of that election",
    `SELECT k.* FROM candidates k JOIN elections e ON e.id = k.election_id JOIN contests c ON c.id = k.contest_id JOIN children ch ON ch.id = k.child_id
     WHERE ch.village_id != e.village_id OR c.election_id != k.election_id`,
  ],
  [
    "a paper count line is for a candidate of the count's contest",
    `SELECT l.* FROM paper_count_lines l JOIN paper_counts p ON p.id = l.paper_count_id JOIN candidates k ON k.id = l.candidate_id WHERE k.contest_id != p.contest_id`,
  ],
  [
    'no candidate has more paper votes than the count had ballots',
    `SELECT l.* FROM paper_count_lines l JOIN paper_counts p ON p.id = l.paper_count_id WHERE l.votes > p.ballots OR l.votes < 0`,
  ],
  [
    'lots are drawn only when the poll closes',
    `SELECT l.* FROM lots l WHERE NOT EXISTS (SELECT 1 FROM election_events v WHERE v.election_id = l.election_id AND v.stage = 'poll_closed')`,
  ],
  [
    "a published result counts every ballot there is: the tablet's and the paper counts still standing",
    `SELECT r.contest_id, json_extract(r.count, '$.ballots') AS frozen,
       (SELECT count(*) FROM box_slots s WHERE s.contest_id = r.contest_id AND s.filled)
       + (SELECT coalesce(sum(p.ballots), 0) FROM paper_counts p WHERE p.contest_id = r.contest_id AND p.voided_at IS NULL) AS now
     FROM results r WHERE frozen != now`,
  ],
  [
    'members and results only of published elections',
    `SELECT 'member', m.id FROM members m WHERE NOT EXISTS (SELECT 1 FROM election_events v WHERE v.election_id = m.election_id AND v.stage = 'result_published')
     UNION ALL SELECT 'result', r.contest_id FROM results r WHERE NOT EXISTS (SELECT 1 FROM election_events v WHERE v.election_id = r.election_id AND v.stage = 'result_published')`,
  ],
  [
    'a member holds a seat of their own contest, and at most one person holds a seat at a time',
    `SELECT m.* FROM members m JOIN candidates k ON k.id = m.candidate_id JOIN contests c ON c.id = m.contest_id
     WHERE k.contest_id != m.contest_id OR m.seat < 1 OR m.seat > c.seats
       OR (m.left_on IS NULL AND EXISTS (SELECT 1 FROM members o WHERE o.contest_id = m.contest_id AND o.seat = m.seat AND o.id != m.id AND o.left_on IS NULL))`,
  ],
  [
    'a contest has seats, and lets a voter mark between one and that many',
    `SELECT c.id FROM contests c WHERE c.max_choices < 1 OR c.max_choices > c.seats OR c.seats < 1`,
  ],

  // Meetings
  [
    'agenda positions are unique within a meeting',
    `SELECT meeting_id, position, count(*) AS n FROM agenda_items GROUP BY meeting_id, position HAVING n > 1`,
  ],
  [
    'a meeting reaches each stage at most once',
    `SELECT meeting_id, stage, count(*) AS n FROM meeting_events GROUP BY meeting_id, stage HAVING n > 1`,
  ],
  [
    'a meeting closes only after it was held',
    `SELECT e.* FROM meeting_events e WHERE e.stage = 'closed' AND NOT EXISTS (SELECT 1 FROM meeting_events s WHERE s.meeting_id = e.meeting_id AND s.stage = 'in_progress')`,
  ],
  [
    'meeting numbers are unique in a village',
    `SELECT village_id, number, count(*) AS n FROM meetings GROUP BY village_id, number HAVING n > 1`,
  ],
  [
    'a roll, minutes and action points only for meetings that were held',
    `SELECT 'attendance', a.meeting_id FROM attendance a WHERE NOT EXISTS (SELECT 1 FROM meeting_events e WHERE e.meeting_id = a.meeting_id AND e.stage = 'in_progress')
     UNION ALL SELECT 'minutes', i.meeting_id FROM minutes m JOIN agenda_items i ON i.id = m.agenda_item_id WHERE NOT EXISTS (SELECT 1 FROM meeting_events e WHERE e.meeting_id = i.meeting_id AND e.stage = 'in_progress')
     UNION ALL SELECT 'action', i.meeting_id FROM action_points p JOIN agenda_items i ON i.id = p.agenda_item_id WHERE NOT EXISTS (SELECT 1 FROM meeting_events e WHERE e.meeting_id = i.meeting_id AND e.stage = 'in_progress')`,
  ],
  [
    "the roll holds children of the meeting's village",
    `SELECT a.* FROM attendance a JOIN meetings m ON m.id = a.meeting_id JOIN children c ON c.id = a.child_id WHERE c.village_id != m.village_id`,
  ],
  [
    "amendments only to closed minutes, and about their own meeting's items",
    `SELECT a.* FROM amendments a LEFT JOIN agenda_items i ON i.id = a.agenda_item_id
     WHERE NOT EXISTS (SELECT 1 FROM meeting_events e WHERE e.meeting_id = a.meeting_id AND e.stage = 'closed')
        OR (a.agenda_item_id IS NOT NULL AND i.meeting_id != a.meeting_id)`,
  ],
  [
    'a meeting is chaired by a child of its village',
    `SELECT m.id FROM meetings m JOIN children c ON c.id = m.chair_child_id WHERE c.village_id != m.village_id`,
  ],

  // Resolutions and their journey
  [
    'a resolution has a number exactly when it passed (more for than against)',
    `SELECT id, number, votes_for, votes_against FROM resolutions
     WHERE (number IS NOT NULL) != (votes_for > votes_against) OR (number IS NULL) != (serial IS NULL) OR (number IS NULL) != (year IS NULL)`,
  ],
  [
    'a resolution was moved and seconded by two different children of its village, at a meeting of its village that was held',
    `SELECT r.id FROM resolutions r JOIN meetings m ON m.id = r.meeting_id JOIN children p ON p.id = r.proposer_child_id JOIN children s ON s.id = r.seconder_child_id
     WHERE m.village_id != r.village_id OR p.village_id != r.village_id OR s.village_id != r.village_id OR r.proposer_child_id = r.seconder_child_id
        OR r.votes_for + r.votes_against + r.votes_abstain = 0
        OR NOT EXISTS (SELECT 1 FROM meeting_events e WHERE e.meeting_id = r.meeting_id AND e.stage = 'in_progress')
        OR (r.agenda_item_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM agenda_items i WHERE i.id = r.agenda_item_id AND i.meeting_id = r.meeting_id))`,
  ],
  [
    'every forwarding is of a passed resolution whose meeting was closed',
    `SELECT f.* FROM forwardings f JOIN resolutions r ON r.id = f.resolution_id
     WHERE r.number IS NULL OR NOT EXISTS (SELECT 1 FROM meeting_events e WHERE e.meeting_id = r.meeting_id AND e.stage = 'closed')`,
  ],
  [
    'the Gram Panchayat answers only what was forwarded to it',
    `SELECT s.* FROM responses s WHERE NOT EXISTS (SELECT 1 FROM forwardings f WHERE f.resolution_id = s.resolution_id)`,
  ],
  [
    'answer items on an agenda point to a resolution of the same village',
    `SELECT i.* FROM agenda_items i JOIN meetings m ON m.id = i.meeting_id LEFT JOIN resolutions r ON r.id = i.resolution_id
     WHERE i.kind = 'answer' AND (r.id IS NULL OR r.village_id != m.village_id)`,
  ],

  // People and accounts
  [
    'a child has at most one consent in force',
    `SELECT child_id, count(*) AS n FROM consents WHERE withdrawn_at IS NULL GROUP BY child_id HAVING n > 1`,
  ],
  [
    'only a coordinator has no village',
    `SELECT id, username FROM users WHERE (village_id IS NULL) != (role = 'admin')`,
  ],

  // The audit trail: each record the app keeps was written with its audit entry.
  [
    'every election, meeting, resolution, forwarding and answer has its audit entry',
    `SELECT 'election', id FROM elections e WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'election.created' AND a.subject_id = e.id)
     UNION ALL SELECT 'meeting', id FROM meetings m WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'meeting.scheduled' AND a.subject_id = m.id)
     UNION ALL SELECT 'resolution', id FROM resolutions r WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.action IN ('resolution.passed', 'resolution.failed') AND a.subject_id = r.id)
     UNION ALL SELECT 'forwarding', resolution_id FROM forwardings f WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'resolution.forwarded' AND a.subject_id = f.resolution_id)
     UNION ALL SELECT 'answer', resolution_id FROM (SELECT resolution_id, kind, count(*) AS n FROM responses GROUP BY resolution_id, kind) s
       WHERE n > (SELECT count(*) FROM audit_log a WHERE a.action = 'resolution.' || s.kind AND a.subject_id = s.resolution_id)`,
  ],
  [
    "a case's links stay in its village: the child, who found it, the agenda item, the resolution",
    `SELECT 'child', c.id FROM cases c JOIN children k ON k.id = c.child_id WHERE k.village_id != c.village_id
     UNION ALL SELECT 'finder', c.id FROM cases c JOIN children k ON k.id = c.found_by_child_id WHERE k.village_id != c.village_id
     UNION ALL SELECT 'agenda item', s.id FROM case_steps s JOIN cases c ON c.id = s.case_id
       WHERE s.agenda_item_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM agenda_items i JOIN meetings m ON m.id = i.meeting_id WHERE i.id = s.agenda_item_id AND m.village_id = c.village_id)
     UNION ALL SELECT 'resolution', s.id FROM case_steps s JOIN cases c ON c.id = s.case_id
       WHERE s.resolution_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM resolutions r WHERE r.id = s.resolution_id AND r.village_id = c.village_id)`,
  ],
  [
    'every case and case step has its audit entry on the child',
    `SELECT 'case', id FROM cases c WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'case.opened' AND a.subject = 'child' AND a.subject_id = c.child_id)
     UNION ALL SELECT 'step', child_id FROM (SELECT c.child_id, s.kind, count(*) AS n FROM case_steps s JOIN cases c ON c.id = s.case_id GROUP BY c.child_id, s.kind) x
       WHERE n > (SELECT count(*) FROM audit_log a WHERE a.action = 'case.' || x.kind AND a.subject = 'child' AND a.subject_id = x.child_id)`,
  ],
  [
    'no ballot is ever written to the audit log',
    `SELECT id, action FROM audit_log WHERE action LIKE '%ballot%' OR action LIKE '%vote%' OR detail LIKE '%"candidateId"%'`,
  ],
]

/** Every invariant that does not hold, with a few of the rows that break it. Empty when all is well. */
export function invariantViolations(sqlite: Sqlite.Database): string[] {
  withBitFunctions(sqlite)
  const out: string[] = []
  const integrity = sqlite.pragma('integrity_check', { simple: true })
  if (integrity !== 'ok') out.push(`PRAGMA integrity_check: ${String(integrity)}`)
  const fk = sqlite.pragma('foreign_key_check') as unknown[]
  if (fk.length) out.push(`PRAGMA foreign_key_check: ${JSON.stringify(fk.slice(0, 5))}`)
  for (const [name, query] of checks) {
    const rows = sqlite.prepare(query).all()
    if (rows.length) out.push(`${name}: ${rows.length} rows, e.g. ${JSON.stringify(rows.slice(0, 3))}`)
  }
  out.push(...stageOrderViolations(sqlite), ...journeyViolations(sqlite), ...caseViolations(sqlite))
  return out
}

/** An election or a meeting moves one stage at a time: no stage is reached without the one before. */
function stageOrderViolations(sqlite: Sqlite.Database): string[] {
  const out: string[] = []
  const byElection = group(
    sqlite.prepare('SELECT election_id AS id, stage FROM election_events ORDER BY rowid').all() as {
      id: number
      stage: string
    }[],
  )
  for (const [id, events] of byElection) {
    const reached = events.map((e) => stages.indexOf(e.stage as never))
    if (reached.some((s, i) => s !== i + 1) || new Set(reached).size !== reached.length)
      out.push(`election ${id} moved through stages out of order: ${events.map((e) => e.stage).join(' → ')}`)
  }
  const byMeeting = group(
    sqlite.prepare('SELECT meeting_id AS id, stage FROM meeting_events ORDER BY rowid').all() as {
      id: number
      stage: string
    }[],
  )
  for (const [id, events] of byMeeting) {
    const reached = events.map((e) => meetingStages.indexOf(e.stage as never))
    if (reached.some((s, i) => s !== i + 1))
      out.push(`meeting ${id} moved through stages out of order: ${events.map((e) => e.stage).join(' → ')}`)
  }
  return out
}

/**
 * The Gram Panchayat's answers follow the journey: acknowledged first, one decision, actions only
 * after accepting or referring, done last, nothing after declining or done — each answer one the
 * app would have offered next, dated no earlier than the forwarding and the answer before it.
 */
function journeyViolations(sqlite: Sqlite.Database): string[] {
  const out: string[] = []
  const sent = new Map(
    (
      sqlite.prepare('SELECT resolution_id AS id, forwarded_on AS on_ FROM forwardings').all() as {
        id: number
        on_: string
      }[]
    ).map((f) => [f.id, f.on_]),
  )
  const rows = sqlite
    .prepare('SELECT id AS rowId, resolution_id AS id, kind, "on" AS on_ FROM responses ORDER BY rowid')
    .all() as { rowId: number; id: number; kind: ResponseKind; on_: string }[]
  for (const [id, answers] of group(rows)) {
    let status: Status = 'sent'
    let last = sent.get(id) ?? ''
    for (let i = 0; i < answers.length; i++) {
      const a = answers[i]
      if (!nextSteps(status).includes(a.kind)) {
        out.push(
          `resolution ${id}: answer '${a.kind}' when '${status}' (journey: ${answers.map((x) => x.kind).join(' → ')})`,
        )
        break
      }
      if (a.on_ < last) {
        out.push(`resolution ${id}: answer '${a.kind}' dated ${a.on_}, before ${last}`)
        break
      }
      last = a.on_
      status = statusOf(true, true, answers.slice(0, i + 1))
    }
  }
  return out
}

/**
 * A case's steps follow its machine (src/cases/machine.ts): each one it would have taken after the ones before
 * (dated in order, none after closing but a reopening, checks after enrolment, back in school only after 90
 * days); and a child has at most one case being followed.
 */
function caseViolations(sqlite: Sqlite.Database): string[] {
  const out: string[] = []
  const today = todayIso()
  const kases = sqlite.prepare('SELECT id, child_id AS childId, found_on AS foundOn FROM cases').all() as {
    id: number
    childId: number
    foundOn: string
  }[]
  const steps = group(
    (
      sqlite
        .prepare(
          'SELECT case_id AS id, kind, "on", check_day AS checkDay, attending, close_reason AS closeReason, note FROM case_steps ORDER BY rowid',
        )
        .all() as (StepFacts & { id: number; attending: number | null })[]
    ).map((s) => ({ ...s, attending: s.attending === null ? null : Boolean(s.attending) })),
  )
  // An erased child's case keeps its steps but not their words: a closing's stated reason is blank then.
  const erased = new Set(sqlite.prepare('SELECT child_id FROM erasures').pluck().all() as number[])
  const followed = new Map<number, number>()
  for (const kase of kases) {
    const own = (steps.get(kase.id) ?? []).map((s) => (erased.has(kase.childId) ? { ...s, note: 'erased' } : s))
    for (let i = 0; i < own.length; i++) {
      const refusal = nextStepRefusal(kase, own.slice(0, i), own[i], today)
      if (refusal) {
        out.push(
          `case ${kase.id}: step '${own[i].kind}' (${refusal}) after ${own
            .slice(0, i)
            .map((x) => x.kind)
            .join(' → ')}`,
        )
        break
      }
    }
    if (caseStatus(own).status !== 'closed') followed.set(kase.childId, (followed.get(kase.childId) ?? 0) + 1)
  }
  for (const [childId, n] of followed) if (n > 1) out.push(`child ${childId} has ${n} cases being followed`)
  return out
}

function group<T extends { id: number }>(rows: T[]): Map<number, T[]> {
  const out = new Map<number, T[]>()
  for (const r of rows) out.set(r.id, [...(out.get(r.id) ?? []), r])
  return out
}

/** A second, read-only connection with the ballot box attached: the checks never touch the app's own statement cache. */
export function inspector(sqlite: Sqlite.Database): Sqlite.Database {
  const db = new Database(sqlite.name, { readonly: true, fileMustExist: true })
  db.prepare('ATTACH DATABASE ? AS box').run(ballotBoxPath(sqlite.name))
  return db
}

/** Bit counting for the checks of the ballots' marks. */
function withBitFunctions(db: Sqlite.Database): Sqlite.Database {
  db.function('popcount', (b: unknown) =>
    Buffer.isBuffer(b) ? [...b].reduce((n, x) => n + x.toString(2).replaceAll('0', '').length, 0) : 0,
  )
  db.function('highest_bit', (b: unknown) =>
    Buffer.isBuffer(b) ? b.reduce((top, x, i) => (x ? i * 8 + 31 - Math.clz32(x) : top), -1) : -1,
  )
  return db
}

/** Every table of the app: the main database's and the ballot box's, named so either can be read. */
function tablesOf(sqlite: Sqlite.Database): string[] {
  const names = (schema: string) =>
    (
      sqlite
        .prepare(`SELECT name FROM ${schema}.sqlite_master WHERE type = 'table' ORDER BY name`)
        .pluck()
        .all() as string[]
    ).map((t) => `${schema}."${t}"`)
  const attached = (sqlite.prepare('PRAGMA database_list').all() as { name: string }[]).some((d) => d.name === 'box')
  return [...names('main'), ...(attached ? names('box') : [])]
}

/**
 * A fingerprint of everything the app keeps, but the sessions (a refused request may still touch its
 * own session). Equal fingerprints: nothing changed.
 */
export function databaseChecksum(sqlite: Sqlite.Database, options: { except?: string[] } = {}): string {
  const hash = createHash('sha256')
  const skip = new Set(['sessions', ...(options.except ?? [])].map((t) => `main."${t}"`))
  const tables = tablesOf(sqlite).filter((t) => !skip.has(t))
  for (const table of tables) {
    const rows = (sqlite.prepare(`SELECT * FROM ${table}`).raw().all() as unknown[][])
      .map((r) => JSON.stringify(r))
      .sort()
    hash.update(`${table}\n${rows.join('\n')}\n`)
  }
  return hash.digest('hex')
}

/** Row counts per table, to say what changed when a fingerprint differs. */
export function rowCounts(sqlite: Sqlite.Database): Record<string, number> {
  return Object.fromEntries(
    tablesOf(sqlite).map((t) => [t, sqlite.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number]),
  )
}
