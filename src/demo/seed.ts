import { eq } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { villages } from '../villages/tables.ts'
import { users } from '../accounts/tables.ts'
import { createUser } from '../accounts/accounts.ts'
import { createVillage } from '../villages/villages.ts'
import { addChild, markLeftVillage } from '../people/children.ts'
import { operatorActor, recordAudit } from '../audit/audit.ts'
import { seedDemoElection, seedDemoOpenPoll } from './election.ts'
import { seedDemoMeetings } from './meetings.ts'
import { seedDemoJourneys } from './resolutions.ts'
import { seedDemoCases } from './cases.ts'
import { bornYearsBefore, todayIso } from '../core/dates.ts'
import type { StaffCtx } from '../core/actor.ts'
import type { Role } from '../accounts/tables.ts'
import type { Gender, OutOfSchoolReason } from '../people/tables.ts'

export const DEMO_VILLAGE = 'पापड़ी (Papdi)'
export const DEMO_PASSWORD = 'papdi-demo-2025'
export const demoLogins: { username: string; role: Role; displayName: string }[] = [
  { username: 'coordinator', role: 'admin', displayName: 'सुमन शर्मा' },
  { username: 'facilitator', role: 'facilitator', displayName: 'रेखा मीणा' },
  { username: 'panchayat', role: 'panchayat', displayName: 'रामेश्वर गुर्जर' },
]

const girls = [
  'मीना',
  'सुनीता',
  'पूजा',
  'अनीता',
  'कविता',
  'सीमा',
  'रेखा',
  'प्रियंका',
  'मनीषा',
  'ललिता',
  'संगीता',
  'आरती',
  'ममता',
  'सरिता',
  'नेहा',
  'काजल',
  'दीपिका',
  'सोनू',
  'पिंकी',
  'गुड्डी',
  'रवीना',
  'ज्योति',
  'खुशबू',
  'सपना',
  'किरण',
  'लक्ष्मी',
  'पायल',
  'भावना',
  'निशा',
  'माया',
  'सुमन',
]
const boys = [
  'रवि',
  'सुनील',
  'राजेश',
  'मुकेश',
  'दिनेश',
  'महेश',
  'अजय',
  'विकास',
  'राहुल',
  'संजय',
  'अमित',
  'पवन',
  'गोपाल',
  'मनोज',
  'सुरेश',
  'कमल',
  'राकेश',
  'हेमराज',
  'लोकेश',
  'भरत',
  'दीपक',
  'अर्जुन',
  'कैलाश',
  'शंकर',
  'धर्मेंद्र',
  'विनोद',
  'नरेश',
]
const families = ['मीणा', 'गुर्जर', 'शर्मा', 'बैरवा', 'जाट', 'सैनी', 'प्रजापत', 'बंजारा', 'योगी', 'रैगर']
const fathers = [
  'रामेश्वर',
  'भंवरलाल',
  'कन्हैयालाल',
  'हरिराम',
  'मोहनलाल',
  'गिर्राज',
  'बाबूलाल',
  'रामस्वरूप',
  'शिवचरण',
  'जगदीश',
  'प्रभुदयाल',
  'सीताराम',
]
const schools = ['राजकीय उच्च माध्यमिक विद्यालय, पापड़ी', 'राजकीय प्राथमिक विद्यालय, पापड़ी', 'बाल आश्रम विद्यालय']

/** A small seeded generator, so the demo is the same on every machine. */
function random(seed: number) {
  let s = seed
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31
    return s / 2 ** 31
  }
}

export type SeedResult = {
  created: boolean
  villageId: number
  children: number
  logins: typeof demoLogins
  password: string
}

/** A demo village with about sixty children and an account for each role. Safe to run twice. */
export async function seedDemo(db: Db): Promise<SeedResult> {
  const existing = db.select().from(villages).where(eq(villages.name, DEMO_VILLAGE)).get()
  if (existing)
    return { created: false, villageId: existing.id, children: 0, logins: demoLogins, password: DEMO_PASSWORD }
  const ctx: StaffCtx = { db, actor: operatorActor, lang: 'en' }
  const village = createVillage(ctx, {
    name: DEMO_VILLAGE,
    gramPanchayat: 'सोठाना (Sothana)',
    block: 'विराटनगर (Viratnagar)',
    district: 'जयपुर (Jaipur)',
    state: 'राजस्थान (Rajasthan)',
  })
  for (const login of demoLogins) {
    if (db.select({ id: users.id }).from(users).where(eq(users.username, login.username)).get()) continue
    await createUser(ctx, { ...login, villageId: login.role === 'admin' ? null : village.id, password: DEMO_PASSWORD })
  }
  const facilitator = db.select().from(users).where(eq(users.username, 'facilitator')).get()
  const keeper: StaffCtx = facilitator
    ? {
        ...ctx,
        actor: {
          id: facilitator.id,
          username: facilitator.username,
          displayName: facilitator.displayName,
          role: 'facilitator',
          villageId: village.id,
        },
      }
    : { ...ctx, actor: { ...operatorActor, id: db.select().from(users).get()!.id } }
  const member = db.select().from(users).where(eq(users.username, 'panchayat')).get()
  const panchayat: StaffCtx = member
    ? {
        ...ctx,
        actor: {
          id: member.id,
          username: member.username,
          displayName: member.displayName,
          role: 'panchayat',
          villageId: village.id,
        },
      }
    : { ...ctx, actor: { ...operatorActor, id: db.select().from(users).get()!.id } }

  const rnd = random(2001)
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]
  const today = todayIso()
  let count = 0
  for (let i = 0; i < 62; i++) {
    const gender: Gender = i === 17 ? 'other' : i % 2 === 0 ? 'girl' : 'boy'
    const first = gender === 'boy' ? boys[(i * 7) % boys.length] : girls[(i * 5) % girls.length]
    const family = pick(families)
    const age = 6 + Math.floor(rnd() * 13)
    const dob = shiftDays(bornYearsBefore(age, today), -Math.floor(rnd() * 360))
    const outReason: OutOfSchoolReason | null =
      i % 9 === 4 ? (['working', 'married', 'migrated', 'other'] as const)[i % 4] : null
    const inSchool = outReason === null
    const cls = String(Math.min(12, Math.max(1, age - 5)))
    const child = addChild(
      keeper,
      village.id,
      {
        name: `${first} ${family}`,
        gender,
        dateOfBirth: dob,
        ward: String(1 + Math.floor(rnd() * 6)),
        school: inSchool ? schools[age < 11 ? 1 : rnd() < 0.8 ? 0 : 2] : '',
        schoolClass: inSchool ? cls : '',
        inSchool,
        outOfSchoolReason: outReason,
        guardianName: `${pick(fathers)} ${family}`,
        guardianPhone: rnd() < 0.7 ? `9${String(Math.floor(rnd() * 1e9)).padStart(9, '0')}` : '',
      },
      i % 11 === 3 ? null : shiftDays(today, -30 - Math.floor(rnd() * 200)),
    )
    if (i === 40) markLeftVillage(keeper, village.id, child.id, shiftDays(today, -45), 'परिवार जयपुर चला गया')
    count++
  }
  const electionId = seedDemoElection(
    keeper,
    village.id,
    shiftDays(today, -30),
    `${Number(today.slice(0, 4)) + 1}-03-31`,
  )
  // Meetings first, the next one scheduled among them: the Gram Panchayat's answers land on its agenda.
  const { resolutionIds, outOfSchoolItemId } = seedDemoMeetings(keeper, village.id, today)
  seedDemoJourneys(keeper, panchayat, resolutionIds, today)
  // After the journeys: a case is raised with the Gram Panchayat through a passed, answered resolution.
  seedDemoCases(keeper, village.id, today, { outOfSchoolItemId, marriageResolutionId: resolutionIds.marriage })
  await seedDemoOpenPoll(keeper, village.id, today, `${Number(today.slice(0, 4)) + 1}-03-31`)
  recordAudit(db, ctx.actor, {
    action: 'demo.seeded',
    subject: 'village',
    subjectId: village.id,
    villageId: village.id,
    detail: { children: count, electionId },
  })
  return { created: true, villageId: village.id, children: count, logins: demoLogins, password: DEMO_PASSWORD }
}

function shiftDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}
