import type { Db } from './client.ts'

/**
 * A drizzle query built once per database and run many times with placeholders: building a
 * query costs more than running it, so the paths every request takes are built this way.
 */
export function prepared<T>(build: (db: Db) => T): (db: Db) => T {
  const built = new WeakMap<Db, T>()
  return (db) => {
    let query = built.get(db)
    if (!query) {
      query = build(db)
      built.set(db, query)
    }
    return query
  }
}
