import { todayIso } from '../core/dates.ts'

const istClock = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'Asia/Kolkata',
})

/** The village's day and time of day (India Standard Time) at an instant: what starting and closing stamp. */
export function villageClock(at: Date = new Date()): { day: string; time: string } {
  return { day: todayIso(at), time: istClock.format(at) }
}

/** The parts of the day a clock time is said in: "सुबह 11 बजे", "शाम 4:30 बजे" / "11 am", "4:30 pm". */
export const dayParts = ['smallHours', 'morning', 'afternoon', 'evening', 'night'] as const
export type DayPart = (typeof dayParts)[number]

/**
 * A 24-hour "16:30" as it is said: the 12-hour figure ("4:30", "4" on the hour) and the part of the
 * day, which the dictionaries' `meeting.clock` takes as its context (`meeting.clock_evening`).
 */
export function clockWords(hhmm: string): { time: string; context: DayPart } {
  const [h, m] = hhmm.split(':').map(Number)
  const twelve = h % 12 === 0 ? 12 : h % 12
  const time = m === 0 ? String(twelve) : `${twelve}:${String(m).padStart(2, '0')}`
  const context: DayPart =
    h < 4 ? 'smallHours' : h < 12 ? 'morning' : h < 16 ? 'afternoon' : h < 20 ? 'evening' : 'night'
  return { time, context }
}

export type Held = {
  /** The day it was held and its start, as said. */
  on: string
  from: { time: string; context: DayPart }
  /** Its end, when known (closed on the day it was held, or typed from paper). */
  until: { time: string; context: DayPart } | null
  /** The plan, when it was held on another day than planned, with the reason given. */
  planned: { date: string; time: { time: string; context: DayPart } } | null
  reason: string
  typedLater: boolean
}

/** When a started meeting was actually held, as its page and minutes say it. */
export function heldOf(m: {
  date: string
  time: string
  endTime: string | null
  scheduledDate: string | null
  scheduledTime: string | null
  offScheduleReason: string | null
  typedLater: boolean | null
}): Held {
  const otherDay = m.scheduledDate !== null && m.scheduledDate !== m.date
  return {
    on: m.date,
    from: clockWords(m.time),
    until: m.endTime ? clockWords(m.endTime) : null,
    planned: otherDay ? { date: m.scheduledDate!, time: clockWords(m.scheduledTime ?? m.time) } : null,
    reason: m.offScheduleReason ?? '',
    typedLater: m.typedLater === true,
  }
}
