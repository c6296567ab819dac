import { asc, eq } from 'drizzle-orm'
import {
  acknowledgeResolution,
  decideResolution,
  forwardResolution,
  markDone,
  recordAction,
} from '../resolutions/journeys.ts'
import {
  acknowledgementSchema,
  actionSchema,
  decisionSchema,
  doneSchema,
  forwardingSchema,
} from '../resolutions/schemas.ts'
import { forwardings, resolutions, responses, type forwardingWays } from '../resolutions/tables.ts'
import type { StaffCtx } from '../core/actor.ts'
import type { DemoResolutionKey } from './meetings.ts'

/** Days are counted from today: -23 is 23 days ago. Times are IST. */
type Answer = { day: number; time?: string } & (
  | { kind: 'acknowledged' }
  | { kind: 'accepted'; plan: string; targetInDays: number }
  | { kind: 'referred'; to: string }
  | { kind: 'declined'; reason: string }
  | { kind: 'action'; text: string; evidence: string }
  | { kind: 'done' }
)
type Journey = {
  forwarded: { day: number; time?: string; way: (typeof forwardingWays)[number]; note?: string }
  answers: Answer[]
}

/**
 * Where each of the demo's passed resolutions has got to with the Gram Panchayat, one at every
 * stage. Meeting 1 was 25 days ago, meeting 3 five days ago. The ramp (meeting 3) is passed but not
 * yet sent; the street light was sent 23 days ago and never acknowledged, so it is overdue.
 */
const journeys: Record<Exclude<DemoResolutionKey, 'playground' | 'ramp'>, Journey> = {
  // done: accepted, two actions with evidence, then done.
  marriage: {
    forwarded: {
      day: -24,
      time: '10:00',
      way: 'in_person',
      note: 'विवाह की तारीख़ पास होने के कारण उप-प्रधान और सुविधादाता ने सरपंच जी को घर जाकर सौंपा।',
    },
    answers: [
      { kind: 'acknowledged', day: -24, time: '13:00' },
      {
        kind: 'accepted',
        day: -23,
        targetInDays: 3,
        plan: 'सरपंच, वार्ड 5 के पंच और आंगनबाड़ी कार्यकर्ता बालिका के परिवार से मिलेंगे और बाल विवाह निषेध अधिकारी (उपखंड अधिकारी, विराटनगर) को लिखित सूचना देंगे। बालिका की पढ़ाई जारी रहे, इसके लिए प्रधानाध्यापक जी से बात की जाएगी।',
      },
      {
        kind: 'action',
        day: -14,
        text: 'सरपंच, वार्ड 5 के पंच और आंगनबाड़ी कार्यकर्ता ने परिवार से मिलकर बताया कि 18 वर्ष से पहले बालिका का विवाह क़ानूनन अपराध है। बाल विवाह निषेध अधिकारी को लिखित सूचना दी गई।',
        evidence: 'सूचना पत्र की प्रति, ग्राम पंचायत की जावक पंजी में दर्ज',
      },
      {
        kind: 'action',
        day: -10,
        text: 'परिवार ने विवाह रद्द कर दिया और लिखकर दिया कि बालिका के 18 वर्ष की होने से पहले उसका विवाह नहीं करेंगे। बालिका विद्यालय में नियमित आ रही है।',
        evidence: 'परिवार का हस्ताक्षरित शपथ-पत्र (ग्राम पंचायत की फ़ाइल में); विद्यालय की उपस्थिति पंजी',
      },
      { kind: 'done', day: -8 },
    ],
  },
  // accepted: a plan and a target date, nothing done yet.
  toilet: {
    forwarded: {
      day: -23,
      way: 'letter',
      note: 'पत्र ग्राम पंचायत कार्यालय में ग्राम विकास अधिकारी को सौंपा; प्रति पर पावती ली।',
    },
    answers: [
      { kind: 'acknowledged', day: -21 },
      {
        kind: 'accepted',
        day: -16,
        targetInDays: 45,
        plan: 'स्वच्छ भारत मिशन (ग्रामीण) के तहत विद्यालय में लड़कियों के लिए पानी की टंकी वाला अलग शौचालय बनवाया जाएगा; इसका प्रस्ताव पंचायत समिति, विराटनगर को भेज दिया गया है। मौजूदा शौचालय का दरवाज़ा ग्राम पंचायत अपने रखरखाव के पैसे से ठीक करवाएगी।',
      },
    ],
  },
  // declined, with the reason.
  liquor: {
    forwarded: {
      day: -23,
      way: 'letter',
      note: 'पत्र ग्राम पंचायत कार्यालय में ग्राम विकास अधिकारी को सौंपा; प्रति पर पावती ली।',
    },
    answers: [
      { kind: 'acknowledged', day: -21 },
      {
        kind: 'declined',
        day: -16,
        reason:
          'दुकान को आबकारी विभाग ने लाइसेंस दिया है; उसे हटाने या बंद करने का अधिकार ग्राम पंचायत के पास नहीं है। ग्राम पंचायत ने बीट कांस्टेबल से शाम को बस स्टैंड पर गश्त का अनुरोध किया है, और ग्राम सभा की अगली बैठक में गाँव में शराबबंदी पर चर्चा रखी जाएगी।',
      },
    ],
  },
  // sent and never acknowledged: overdue.
  streetLight: {
    forwarded: { day: -23, way: 'letter', note: 'पत्र ग्राम पंचायत कार्यालय में जमा किया।' },
    answers: [],
  },
  // received: acknowledged, awaiting the decision.
  kiln: {
    forwarded: { day: -4, way: 'letter', note: 'काम करने वाले 7 बच्चों की सूची साथ में लगाई (केवल सरपंच जी के लिए)।' },
    answers: [{ kind: 'acknowledged', day: -3 }],
  },
  // in action: accepted, and an action with its evidence.
  handpump: {
    forwarded: { day: -5, time: '14:30', way: 'in_person', note: 'बैठक के बाद प्रधान और सुविधादाता ने सरपंच जी को सौंपा।' },
    answers: [
      { kind: 'acknowledged', day: -5, time: '16:00' },
      {
        kind: 'accepted',
        day: -4,
        targetInDays: 3,
        plan: 'जन स्वास्थ्य अभियांत्रिकी विभाग (PHED) के हैंडपंप मिस्त्री से हैंडपंप की मरम्मत करवाई जाएगी; तब तक ग्राम पंचायत वार्ड 3 में रोज़ सुबह टैंकर से पीने का पानी भेजेगी।',
      },
      {
        kind: 'action',
        day: -3,
        text: 'वार्ड 3 में रोज़ सुबह टैंकर से पीने का पानी पहुँचाया जा रहा है। PHED में हैंडपंप की शिकायत दर्ज करवाई गई; मिस्त्री ने बदलने के लिए पाइप मँगवाए हैं।',
        evidence: 'टैंकर के फेरों की पंजी, वार्ड पंच के हस्ताक्षर सहित; PHED शिकायत क्रमांक 4471',
      },
    ],
  },
  // referred to the officer who can act.
  teacher: {
    forwarded: { day: -4, way: 'letter' },
    answers: [
      { kind: 'acknowledged', day: -3 },
      { kind: 'referred', day: -2, to: 'खंड शिक्षा अधिकारी, विराटनगर' },
    ],
  },
}

/**
 * Forwards the demo's resolutions (as the facilitator) and records the Gram Panchayat's answers (as
 * its member) through the verbs, so each stage of the journey is on show. The next meeting must be
 * scheduled already: the answers are carried onto its agenda as they are recorded.
 */
export function seedDemoJourneys(
  keeper: StaffCtx,
  member: StaffCtx,
  resolutionIds: Record<DemoResolutionKey, number>,
  today: string,
): void {
  const db = keeper.db
  const day = (offset: number) => shiftDays(today, offset)
  const at = (date: string, time: string) => new Date(`${date}T${time}:00+05:30`)
  for (const [key, journey] of Object.entries(journeys) as [keyof typeof journeys, Journey][]) {
    const id = resolutionIds[key]
    const { addressedTo } = db
      .select({ addressedTo: resolutions.addressedTo })
      .from(resolutions)
      .where(eq(resolutions.id, id))
      .get()!
    const sent = journey.forwarded
    forwardResolution(
      keeper,
      id,
      forwardingSchema.parse({ forwardedOn: day(sent.day), addressedTo, way: sent.way, note: sent.note ?? '' }),
    )
    for (const a of journey.answers) {
      const on = day(a.day)
      if (a.kind === 'acknowledged') acknowledgeResolution(member, id, acknowledgementSchema.parse({ on }).on)
      else if (a.kind === 'accepted')
        decideResolution(
          member,
          id,
          decisionSchema.parse({ decision: 'accepted', on, plan: a.plan, targetDate: day(a.targetInDays) }),
        )
      else if (a.kind === 'referred')
        decideResolution(member, id, decisionSchema.parse({ decision: 'referred', on, referredTo: a.to }))
      else if (a.kind === 'declined')
        decideResolution(member, id, decisionSchema.parse({ decision: 'declined', on, reason: a.reason }))
      else if (a.kind === 'action')
        recordAction(member, id, actionSchema.parse({ on, text: a.text, evidence: a.evidence }))
      else markDone(member, id, doneSchema.parse({ on }).on)
    }
    // The verbs stamp "now"; date each record to the day it happened so the journey's timeline reads sensibly.
    db.update(forwardings)
      .set({ forwardedAt: at(day(sent.day), sent.time ?? '11:00') })
      .where(eq(forwardings.resolutionId, id))
      .run()
    const saved = db
      .select({ id: responses.id })
      .from(responses)
      .where(eq(responses.resolutionId, id))
      .orderBy(asc(responses.id))
      .all()
    if (saved.length !== journey.answers.length)
      throw new Error(`demo resolution ${key}: ${saved.length} answers recorded, expected ${journey.answers.length}`)
    saved.forEach((r, i) => {
      const a = journey.answers[i]
      db.update(responses)
        .set({ recordedAt: at(day(a.day), a.time ?? '13:00') })
        .where(eq(responses.id, r.id))
        .run()
    })
  }
}

function shiftDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}
