import type { Db } from '../open.js';

/**
 * Memoises `prepare(db)` per connection: each store prepares its statements once per Db (preparing costs far more
 * than running a statement), and the WeakMap lets a closed Db and its statements be collected.
 */
export function perDb<T>(prepare: (db: Db) => T): (db: Db) => T {
  const cache = new WeakMap<Db, T>();
  return (db) => {
    let value = cache.get(db);
    if (value === undefined) {
      value = prepare(db);
      cache.set(db, value);
    }
    return value;
  };
}
