import { asc, eq } from 'drizzle-orm'
import type { StaffCtx } from '../core/actor.ts'
import { addDays } from '../cases/machine.ts'
import { addStep, openCase, raiseAtMeeting } from '../cases/cases.ts'
import { caseSchema, meetingStepSchema, stepSchema } from '../cases/schemas.ts'
import { caseSteps, cases } from '../cases/tables.ts'
import { balPanchayatOn } from '../meetings/meetings.ts'
import { children, departures, type OutOfSchoolReason } from '../people/tables.ts'

type Child = typeof children.$inferSelect

const PRIMARY = 'राजकीय प्राथमिक विद्यालय, पापड़ी'
const SENIOR = 'राजकीय उच्च माध्यमिक विद्यालय, पापड़ी'

/**
 * The demo's out-of-school cases, one at each stage, dated relative to today, through the verbs: found at the
 * brick kiln two days ago; a family visited; children the members spoke of at the last meeting's item "children
 * not in school"; a girl whose marriage the Gram Panchayat helped stop (its resolution answered and done) and
 * who is back in class; enrolled; a 30-day check overdue; attending at 30 days; back in school after 90 days;
 * moved away; an older marriage prevented. One child of the register stays out of school with no case.
 */
export function seedDemoCases(
  keeper: StaffCtx,
  villageId: number,
  today: string,
  links: { outOfSchoolItemId: number; marriageResolutionId: number },
): void {
  const db = keeper.db
  const day = (offset: number) => addDays(today, offset)
  const members = balPanchayatOn(db, villageId, today)
  const memberIds = new Set(members.map((m) => m.childId))
  const finder = (i: number) => String(members[i % members.length]?.childId ?? '')
  const gone = new Set(
    db
      .select({ id: departures.childId })
      .from(departures)
      .innerJoin(children, eq(children.id, departures.childId))
      .where(eq(children.villageId, villageId))
      .all()
      .map((d) => d.id),
  )
  const all = db.select().from(children).where(eq(children.villageId, villageId)).orderBy(asc(children.id)).all()
  const taken = new Set<number>()
  /** The first child not yet given a case that fits; the demo is the same on every machine, so one always does. */
  const take = (what: string, fits: (c: Child) => boolean): Child => {
    const child = all.find((c) => !taken.has(c.id) && fits(c))
    if (!child) throw new Error(`demo cases: no child for ${what}`)
    taken.add(child.id)
    return child
  }
  const ageOf = (c: Child) => Number(today.slice(0, 4)) - Number(c.dateOfBirth.slice(0, 4))
  const outOfSchool = (reason: OutOfSchoolReason) => (c: Child) =>
    !c.inSchool && c.outOfSchoolReason === reason && !gone.has(c.id)
  const inSchool = (gender?: Child['gender']) => (c: Child) =>
    c.inSchool &&
    !gone.has(c.id) &&
    !memberIds.has(c.id) &&
    ageOf(c) >= 8 &&
    ageOf(c) <= 14 &&
    (!gender || c.gender === gender)
  const classOf = (c: Child) => String(Math.min(8, Math.max(1, ageOf(c) - 6)))
  const schoolOf = (c: Child) => (ageOf(c) < 11 ? PRIMARY : SENIOR)

  const open = (child: Child, form: Record<string, string>) => {
    const kase = openCase(keeper, villageId, child.id, caseSchema.parse({ foundByChildId: '', note: '', ...form }))
    // The verbs stamp "now"; date the case to the day it was found so its page reads sensibly.
    db.update(cases)
      .set({ openedAt: new Date(`${form.foundOn}T18:00:00+05:30`) })
      .where(eq(cases.id, kase.id))
      .run()
    return kase.id
  }
  const step = (caseId: number, form: Record<string, string>) => {
    const saved = addStep(keeper, villageId, caseId, stepSchema.parse(form))
    dated(saved.id, form.on)
  }
  const dated = (stepId: number, on: string) =>
    db
      .update(caseSteps)
      .set({ recordedAt: new Date(`${on}T18:00:00+05:30`) })
      .where(eq(caseSteps.id, stepId))
      .run()
  const enrolled = (caseId: number, child: Child, on: string, rte = false) =>
    step(caseId, {
      kind: 'enrolled',
      on,
      school: schoolOf(child),
      schoolClass: classOf(child),
      ...(rte ? { rteAdmission: 'yes' } : {}),
    })
  const attending = (caseId: number, checkDay: '30' | '90', on: string, note = '') =>
    step(caseId, { kind: 'attendance_check', on, checkDay, attending: 'yes', note })
  const saidAtMeeting = (caseId: number, note: string) => {
    const saved = raiseAtMeeting(keeper, villageId, caseId, links.outOfSchoolItemId, meetingStepSchema.parse({ note }))
    dated(saved.id, saved.on)
  }

  // Open: just found at the brick kiln, by a member of the Bal Panchayat.
  open(take('found at the kiln', outOfSchool('working')), {
    reason: 'working',
    workPlace: 'brick_kiln',
    foundBy: 'member',
    foundByChildId: finder(0),
    foundOn: day(-2),
    note: 'सड़क वाले ईंट भट्ठे पर माँ-बाप के साथ ईंटें पाथती है; सुबह से शाम तक वहीं रहती है।',
  })

  // A family visited: back from seasonal work, the mother willing.
  const visited = open(take('a family visited', outOfSchool('migrated')), {
    reason: 'migrated',
    foundBy: 'teacher',
    foundOn: day(-20),
    note: 'परिवार गन्ना कटाई के लिए तीन महीने बाहर रहा; लौटने पर बच्ची स्कूल नहीं आई।',
  })
  step(visited, {
    kind: 'family_visit',
    on: day(-16),
    note: 'माँ से मिले। वे बच्ची को फिर से स्कूल भेजने को तैयार हैं, पर पुरानी कक्षा की किताबें नहीं हैं।',
  })

  // Spoken of at the last meeting's item "children not in school" (five days ago).
  const papers = open(take('no documents', outOfSchool('other')), {
    reason: 'no_documents',
    foundBy: 'facilitator',
    foundOn: day(-12),
    note: 'जन्म प्रमाण-पत्र नहीं है, इसलिए स्कूल में नाम नहीं लिखा गया।',
  })
  step(papers, { kind: 'family_visit', on: day(-10), note: 'पिता ने बताया कि जन्म घर पर हुआ था; कोई काग़ज़ नहीं बना।' })
  saidAtMeeting(papers, 'वार्ड पंच जी आंगनबाड़ी के रजिस्टर से जन्म की तारीख़ लिखवाकर प्रमाण-पत्र बनवाने में मदद कर सकते हैं।')
  const married = [
    take('married, spoken of at the meeting', outOfSchool('married')),
    take('married, spoken of at the meeting', outOfSchool('married')),
  ]
  const saidOf = [
    'सदस्यों ने बताया कि पिछले साल इसकी शादी हुई; अब यह दिन भर खेत पर काम करता है। उसके दोस्त उससे बात करेंगे।',
    'सदस्यों ने बताया कि यह पढ़ना चाहता है, पर शादी के बाद घर वाले इसे मज़दूरी पर भेजते हैं।',
  ]
  married.forEach((child, i) => {
    const kase = open(child, {
      reason: 'married',
      foundBy: 'member',
      foundByChildId: finder(i + 1),
      foundOn: day(-30 + i * 21),
    })
    saidAtMeeting(kase, saidOf[i])
  })

  // Raised with the Gram Panchayat through the resolution it answered (accepted, acted on, done), then enrolled.
  const bride = take('a marriage stopped by the Gram Panchayat', inSchool('girl'))
  const stopped = open(bride, {
    reason: 'married',
    foundBy: 'member',
    foundByChildId: finder(3),
    foundOn: day(-28),
    note: 'घर वालों ने शादी तय कर दी है; शादी की तैयारी के कारण स्कूल आना बंद हो गया।',
  })
  step(stopped, { kind: 'family_visit', on: day(-27), note: 'माता-पिता नहीं माने; कहा कि रिश्ता अच्छा है।' })
  step(stopped, {
    kind: 'raised_gram_panchayat',
    on: day(-24),
    resolutionId: String(links.marriageResolutionId),
    note: 'बाल पंचायत का प्रस्ताव सरपंच जी को सौंपा।',
  })
  enrolled(stopped, bride, day(-9))

  // Enrolled, from the kiln, after a talk with its owner: the 30-day check not yet due.
  const fromKiln = take('enrolled', inSchool())
  const enrolledCase = open(fromKiln, {
    reason: 'working',
    workPlace: 'brick_kiln',
    foundBy: 'facilitator',
    foundOn: day(-40),
  })
  step(enrolledCase, { kind: 'family_visit', on: day(-35), note: 'पिता ने कहा कि कर्ज़ चुकाने तक बच्चा भट्ठे पर काम करेगा।' })
  step(enrolledCase, {
    kind: 'employer_talk',
    on: day(-33),
    note: 'भट्ठा मालिक से बात की: 14 साल से छोटे बच्चे से काम करवाना क़ानून के ख़िलाफ़ है। उसने बच्चों को काम पर न रखने की बात मानी।',
  })
  enrolled(enrolledCase, fromKiln, day(-20), true)

  // The 30-day check overdue.
  const late = take('an overdue check', inSchool())
  const lateCase = open(late, { reason: 'working', workPlace: 'fields', foundBy: 'parent', foundOn: day(-70) })
  step(lateCase, { kind: 'family_visit', on: day(-65), note: 'माँ चाहती हैं कि बच्चा पढ़े; पिता खेत पर काम के लिए रोकते हैं।' })
  enrolled(lateCase, late, day(-45))

  // Attending at 30 days; the 90-day check to come.
  const thirty = take('attending at 30 days', inSchool())
  const thirtyCase = open(thirty, {
    reason: 'working',
    workPlace: 'shop',
    foundBy: 'member',
    foundByChildId: finder(4),
    foundOn: day(-80),
  })
  step(thirtyCase, {
    kind: 'employer_talk',
    on: day(-75),
    note: 'चाय की दुकान वाले ने कहा कि वह बच्चे को अब काम पर नहीं रखेगा।',
  })
  enrolled(thirtyCase, thirty, day(-50))
  attending(thirtyCase, '30', day(-19), 'कक्षा अध्यापक ने बताया कि रोज़ आता है।')

  // Back in school after 90 days, and closed.
  const back = take('back in school', inSchool())
  const backCase = open(back, {
    reason: 'working',
    workPlace: 'brick_kiln',
    foundBy: 'facilitator',
    foundOn: day(-150),
  })
  step(backCase, { kind: 'family_visit', on: day(-145), note: 'परिवार ने बच्चे को स्कूल भेजने की बात मानी।' })
  enrolled(backCase, back, day(-130))
  attending(backCase, '30', day(-100))
  attending(backCase, '90', day(-38), 'तीन महीने से रोज़ स्कूल आ रहा है।')
  step(backCase, { kind: 'closed', on: day(-37), closeReason: 'back_in_school' })

  // A marriage prevented long ago: back in school after 90 days.
  const girl = take('a marriage prevented', inSchool('girl'))
  const prevented = open(girl, {
    reason: 'married',
    foundBy: 'teacher',
    foundOn: day(-200),
    note: 'अध्यापिका ने बताया कि इसकी शादी की बात चल रही है।',
  })
  step(prevented, {
    kind: 'family_visit',
    on: day(-198),
    note: 'आंगनबाड़ी कार्यकर्ता के साथ परिवार से मिले और बाल विवाह के क़ानून की बात की। परिवार ने शादी टाल दी।',
  })
  enrolled(prevented, girl, day(-180))
  attending(prevented, '30', day(-150))
  attending(prevented, '90', day(-88))
  step(prevented, {
    kind: 'closed',
    on: day(-85),
    closeReason: 'back_in_school',
    note: 'परिवार ने लिखकर दिया कि 18 साल से पहले शादी नहीं करेंगे।',
  })

  // Moved away: the child the register says left the village.
  const left = all.find((c) => gone.has(c.id) && !taken.has(c.id))
  if (!left) throw new Error('demo cases: no child who left the village')
  taken.add(left.id)
  const leftOn = db.select({ on: departures.leftOn }).from(departures).where(eq(departures.childId, left.id)).get()?.on
  const movedCase = open(left, { reason: 'working', workPlace: 'other', foundBy: 'facilitator', foundOn: day(-70) })
  step(movedCase, { kind: 'family_visit', on: day(-60), note: 'परिवार ने कहा कि वे जल्दी ही काम के लिए बाहर जाएँगे।' })
  step(movedCase, {
    kind: 'closed',
    on: leftOn ?? day(-45),
    closeReason: 'moved_away',
    note: 'परिवार जयपुर चला गया; वहाँ के स्कूल का पता नहीं।',
  })
}
