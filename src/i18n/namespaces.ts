/**
 * Which dictionary file each key lives in: src/i18n/<file>.<lang>.json may define only keys under the
 * prefixes listed here for <file>, and no prefix is listed twice, so two files can never define the same
 * key and a key names its file. A prefix is a key path: mostly a top-level group (`contestShare`), or a
 * deeper one (`audit.action.election`) where one group holds several domains' words. The most specific
 * prefix decides: `audit.action.election.poll_open` is elections', `audit.title` core's.
 *
 * The loader (translator.ts) refuses to start on a key outside its file's namespace, and
 * tests/domain/dictionaries.test.ts says which key and file.
 */
export const namespaces: Readonly<Record<string, readonly string[]>> = {
  // The kernel, accounts, villages and children; the layout's navigation; the validation messages
  // (`v.*`) and common words every domain's forms share; the audit page, and the actions on its subjects.
  core: [
    'app',
    'nav',
    'footer',
    'role',
    'roleHint',
    'common',
    'forms',
    'errors',
    'v',
    'login',
    'setup',
    'account',
    'users',
    'villages',
    'village',
    'home',
    'child',
    'gender',
    'reason',
    'ageBand',
    'childStatus',
    'children',
    'audit',
  ],
  backups: ['backups', 'audit.action.database'],
  cases: ['cases', 'audit.action.case'],
  certificate: ['certificate'],
  elections: [
    'stage',
    'candidacy',
    'method',
    'contestShare',
    'rounding',
    'protect',
    'tieBreak',
    'shortfall',
    'lotSource',
    'rule',
    'election',
    'elections',
    'contest',
    'contests',
    'candidates',
    'closing',
    'paperCounts',
    'results',
    'balPanchayat',
    'members',
    'audit.action.election',
    'audit.action.contest',
    'audit.action.candidate',
    'audit.action.paper_count',
    'audit.action.member',
  ],
  explain: ['explain'],
  figures: ['figures', 'outcome', 'reportCard'],
  meetings: [
    'meetings',
    'meeting',
    'meetingStage',
    'quorumShare',
    'shareGirls',
    'quorum',
    'attendanceRecord',
    'agenda',
    'attendance',
    'minutes',
    'actions',
    'amendments',
    'category',
    'audit.action.quorum',
    'audit.action.meeting',
    'audit.action.agenda',
    'audit.action.attendance',
    'audit.action.minutes',
    'audit.action.action',
  ],
  resolutions: [
    'resolutions',
    'resolution',
    'status',
    'overdue',
    'board',
    'followUp',
    'inbox',
    'journey',
    'forwarding',
    'way',
    'answers',
    'decision',
    'letter',
    'audit.action.followup',
    'audit.action.resolution',
  ],
  symbols: ['symbol'],
  voting: ['voting', 'audit.action.station', 'audit.action.roll'],
}

/** The file whose namespace holds `key` (by its most specific prefix), or undefined when none does. */
export function namespaceOf(
  key: string,
  owners: Readonly<Record<string, readonly string[]>> = namespaces,
): { file: string; prefix: string } | undefined {
  const index = indexOf(owners)
  const parts = key.split('.')
  for (let n = parts.length; n > 0; n--) {
    const prefix = parts.slice(0, n).join('.')
    const file = index.get(prefix)
    if (file !== undefined) return { file, prefix }
  }
  return undefined
}

/** prefix → file (the first to claim it; the loader refuses a prefix claimed twice). */
const indexes = new WeakMap<object, Map<string, string>>()
function indexOf(owners: Readonly<Record<string, readonly string[]>>): Map<string, string> {
  let index = indexes.get(owners)
  if (!index) {
    index = new Map()
    for (const [file, prefixes] of Object.entries(owners))
      for (const prefix of prefixes) if (!index.has(prefix)) index.set(prefix, file)
    indexes.set(owners, index)
  }
  return index
}
