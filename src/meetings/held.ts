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

/** When a started meeting was held (times as "16:30"; pages say them with core/dates.ts formatTime). */
export type Held = {
  /** The day it was held and its start. */
  on: string
  from: string
  /** Its end, when known (closed on the day it was held, or typed from paper). */
  until: string | null
  /** The plan, when it was held on another day than planned, with the reason given. */
  planned: { date: string; time: string } | null
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
    from: m.time,
    until: m.endTime,
    planned: otherDay ? { date: m.scheduledDate!, time: m.scheduledTime ?? m.time } : null,
    reason: m.offScheduleReason ?? '',
    typedLater: m.typedLater === true,
  }
}
