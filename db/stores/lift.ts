/**
 * The lift port (src/measurement/lift-store.ts) on SQLite: sums of the measurement aggregates over an hour range, per
 * UTC day and group. `decision_counts` holds hour buckets (triggers of migration 0004); whole days are read from its
 * day rollup `decision_day_counts` (migration 0005) and only the partial days at the window's edges from the hour
 * table (`{ rollup: false }` reads the hour table alone: the tests compare the sums, bench:lift the cost — a 90-day
 * window 5.5 ms vs 78.7 ms in process at 10⁷ decisions). Either way the
 * range is on the leading key column, so the cost follows the window, never the decision log. One prepared statement
 * per filter combination: `(? IS NULL OR channel = ?)` would keep the planner from using the key's later columns.
 */
import { HOURS_PER_DAY, splitByDay } from './hour-split.js';
import type { Db } from '../open.js';
import type { DaySums, Group, LiftStore, LiftWindow } from '../../src/measurement/lift-store.js';

interface Row {
  day: number;
  grp: Group;
  opportunities: number;
  contacts: number;
  responses: number;
  responses_sq: number;
  value: number;
  value_sq: number;
}


const select = (table: string, bucket: string, dayOf: string, where: string) => `
  SELECT ${dayOf} AS day, "group" AS grp, sum(opportunities) AS opportunities, sum(contacts) AS contacts,
    sum(responses) AS responses, sum(responses_sq) AS responses_sq, sum(value) AS value, sum(value_sq) AS value_sq
  FROM ${table} WHERE ${bucket} >= ? AND ${bucket} < ?${where}
  GROUP BY day, grp`;

type Filtered = (from: number, to: number, channel: string | null, category: string | null) => Row[];

/** The four filter variants of one range query. */
function variants(db: Db, table: string, bucket: string, dayOf: string): Filtered {
  const s = db.sqlite;
  const all = s.prepare<[number, number], Row>(select(table, bucket, dayOf, ''));
  const channel = s.prepare<[number, number, string], Row>(select(table, bucket, dayOf, ' AND channel = ?'));
  const category = s.prepare<[number, number, string], Row>(select(table, bucket, dayOf, ' AND category = ?'));
  const both = s.prepare<[number, number, string, string], Row>(select(table, bucket, dayOf, ' AND channel = ? AND category = ?'));
  return (from, to, ch, cat) => {
    if (from >= to) return [];
    if (ch !== null && cat !== null) return both.all(from, to, ch, cat);
    if (ch !== null) return channel.all(from, to, ch);
    if (cat !== null) return category.all(from, to, cat);
    return all.all(from, to);
  };
}

const toSums = (r: Row): DaySums => ({
  day: r.day,
  group: r.grp,
  opportunities: r.opportunities,
  contacts: r.contacts,
  responses: r.responses,
  responsesSq: r.responses_sq,
  value: r.value,
  valueSq: r.value_sq,
});

export function createSqliteLiftStore(db: Db, options: { rollup?: boolean } = {}): LiftStore {
  const hours = variants(db, 'decision_counts', 'hour', `hour / ${HOURS_PER_DAY}`);
  const days = options.rollup === false ? undefined : variants(db, 'decision_day_counts', '"day"', '"day"');
  return {
    daily({ fromHour, toHour, channel, category }) {
      if (!days) return hours(fromHour, toHour, channel, category).map(toSums);
      const split = splitByDay(fromHour, toHour);
      const rows = split.hours.flatMap(([from, to]) => hours(from, to, channel, category));
      if (split.days) rows.push(...days(split.days[0], split.days[1], channel, category));
      return rows.map(toSums);
    },
  };
}
