import { and, asc, eq, isNull } from 'drizzle-orm'
import type { Db, Tx } from '../core/db.ts'
import { todayIso } from '../core/dates.ts'
import { erasedName } from './erased.ts'
import { children, consents, departures, erasures } from './tables.ts'

export type Child = typeof children.$inferSelect

/** The register's part of a child's export, besides the entry itself: consents and departure. */
export function registerPartOf(db: Db | Tx, childId: number) {
  return {
    consents: db
      .select({ givenOn: consents.givenOn, recordedAt: consents.recordedAt, withdrawnAt: consents.withdrawnAt })
      .from(consents)
      .where(eq(consents.childId, childId))
      .orderBy(asc(consents.id))
      .all(),
    departure:
      db
        .select({ leftOn: departures.leftOn, note: departures.note })
        .from(departures)
        .where(eq(departures.childId, childId))
        .get() ?? null,
  }
}

export function erasureOf(db: Db | Tx, childId: number) {
  return db.select().from(erasures).where(eq(erasures.childId, childId)).get() ?? null
}

/**
 * The register forgets the child: the name and every detail replaced (only gender and year of birth
 * stay, for the girls' figures), consent withdrawn, and the child gone from the register, so no roll
 * takes them again; the erasure itself is recorded.
 */
export function eraseFromRegister(tx: Tx, child: Child, userId: number, now: Date): void {
  tx.update(children)
    .set({
      name: erasedName(child.id),
      dateOfBirth: `${child.dateOfBirth.slice(0, 4)}-07-01`,
      ward: '',
      school: '',
      schoolClass: '',
      inSchool: true,
      outOfSchoolReason: null,
      guardianName: '',
      guardianPhone: '',
      updatedAt: now,
    })
    .where(eq(children.id, child.id))
    .run()
  tx.update(consents)
    .set({ withdrawnAt: now, withdrawnBy: userId })
    .where(and(eq(consents.childId, child.id), isNull(consents.withdrawnAt)))
    .run()
  tx.insert(departures)
    .values({ childId: child.id, leftOn: todayIso(), note: '', recordedBy: userId, recordedAt: now })
    .onConflictDoUpdate({ target: departures.childId, set: { note: '' } })
    .run()
  tx.insert(erasures).values({ childId: child.id, erasedBy: userId, erasedAt: now }).run()
}
