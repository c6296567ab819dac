import { and, asc, eq, isNull, sql } from 'drizzle-orm'
import type { Db, Tx } from '../db/client.ts'
import { children, consents, departures, erasures } from '../people/tables.ts'
import { bornYearsBefore } from '../core/dates.ts'
import type { Election } from './elections.ts'

/**
 * Who may vote on a day: children of the village, of voting age, not gone, with their guardian's
 * consent. Read when the poll opens to lay out the roll, and to offer later additions.
 */
export function eligibleVoters(
  db: Db | Tx,
  election: Pick<Election, 'villageId' | 'voterAgeMin' | 'voterAgeMax'>,
  day: string,
) {
  return db
    .select({
      id: children.id,
      name: children.name,
      gender: children.gender,
      ward: children.ward,
      guardianName: children.guardianName,
      dateOfBirth: children.dateOfBirth,
    })
    .from(children)
    .where(
      and(
        eq(children.villageId, election.villageId),
        sql`${children.dateOfBirth} <= ${bornYearsBefore(election.voterAgeMin, day)}`,
        sql`${children.dateOfBirth} > ${bornYearsBefore(election.voterAgeMax + 1, day)}`,
        sql`NOT EXISTS (SELECT 1 FROM ${departures} d WHERE d.child_id = ${children.id})`,
        sql`EXISTS (SELECT 1 FROM ${consents} k WHERE k.child_id = ${children.id} AND k.withdrawn_at IS NULL)`,
      ),
    )
    .orderBy(asc(children.name))
    .all()
}

/** Why a child of the register is not on an open poll's roll, in the order the facilitator checks it. */
export const notOnRollReasons = ['left', 'tooYoung', 'tooOld', 'noConsent', 'mayBeAdded'] as const
export type NotOnRollReason = (typeof notOnRollReasons)[number]

/**
 * Every child of the village's register who is not on the roll (`onRoll`), with the first reason that
 * keeps them off it today. 'mayBeAdded': may vote today, but was not when the poll opened (registered
 * or given consent since): the roll stays as it was laid out until a facilitator adds them.
 */
export function childrenOffRoll(
  db: Db | Tx,
  election: Pick<Election, 'villageId' | 'voterAgeMin' | 'voterAgeMax'>,
  day: string,
  onRoll: ReadonlySet<number>,
) {
  const youngest = bornYearsBefore(election.voterAgeMin, day)
  const oldest = bornYearsBefore(election.voterAgeMax + 1, day)
  const inVillage = eq(children.villageId, election.villageId)
  const left = new Set(
    db
      .select({ id: departures.childId })
      .from(departures)
      .innerJoin(children, eq(children.id, departures.childId))
      .where(inVillage)
      .all()
      .map((r) => r.id),
  )
  const consented = new Set(
    db
      .select({ id: consents.childId })
      .from(consents)
      .innerJoin(children, eq(children.id, consents.childId))
      .where(and(inVillage, isNull(consents.withdrawnAt)))
      .all()
      .map((r) => r.id),
  )
  return db
    .select({
      id: children.id,
      name: children.name,
      gender: children.gender,
      ward: children.ward,
      guardianName: children.guardianName,
      dateOfBirth: children.dateOfBirth,
    })
    .from(children)
    .where(and(inVillage, sql`NOT EXISTS (SELECT 1 FROM ${erasures} e WHERE e.child_id = ${children.id})`))
    .orderBy(asc(children.name))
    .all()
    .filter((c) => !onRoll.has(c.id))
    .map((child) => {
      const reason: NotOnRollReason = left.has(child.id)
        ? 'left'
        : child.dateOfBirth > youngest
          ? 'tooYoung'
          : child.dateOfBirth <= oldest
            ? 'tooOld'
            : !consented.has(child.id)
              ? 'noConsent'
              : 'mayBeAdded'
      return { ...child, reason }
    })
}
