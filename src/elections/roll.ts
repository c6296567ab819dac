import { and, asc, eq, sql } from 'drizzle-orm'
import type { Db, Tx } from '../db/client.ts'
import { children, consents, departures } from '../people/tables.ts'
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
