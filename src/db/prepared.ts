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

/**
 * The same for a query whose shape varies (which filters are set): one query built per shape and
 * database, `key` naming the shape. Shapes are few and fixed by the code, never by input.
 */
export function preparedByKey<S, T>(
  key: (shape: S) => string,
  build: (db: Db, shape: S) => T,
): (db: Db, shape: S) => T {
  const built = new WeakMap<Db, Map<string, T>>()
  return (db, shape) => {
    let byKey = built.get(db)
    if (!byKey) {
      byKey = new Map()
      built.set(db, byKey)
    }
    const k = key(shape)
    let query = byKey.get(k)
    if (!query) {
      query = build(db, shape)
      byKey.set(k, query)
    }
    return query
  }
}
