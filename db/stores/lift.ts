/**
 * The lift port (src/measurement/lift-store.ts) on SQLite: sums of `decision_counts` (hour buckets kept by the
 * triggers of migration 0004) over an hour range, per UTC day and group, in one pass. The range is on the leading
 * column of the primary key (hour, channel, category, group, no_action_reason), so the cost follows the rows in the
 * window (≤ hours × channels × categories-and-reasons × 2), never the decision log. One prepared statement per filter
 * combination: `(? IS NULL OR channel = ?)` would keep the planner from using the key's second column.
 */
import type { Db } from '../open.js';
import type { DaySums, Group, LiftStore, LiftWindow } from '../../src/measurement/lift-store.js';
import { perDb } from './statement-cache.js';

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

const HOURS_PER_DAY = 24;

const select = (where: string) => `
  SELECT hour / ${HOURS_PER_DAY} AS day, "group" AS grp, sum(opportunities) AS opportunities, sum(contacts) AS contacts,
    sum(responses) AS responses, sum(responses_sq) AS responses_sq, sum(value) AS value, sum(value_sq) AS value_sq
  FROM decision_counts WHERE hour >= ? AND hour < ?${where}
  GROUP BY day, grp ORDER BY day, grp`;

const stmts = perDb((db: Db) => ({
  all: db.sqlite.prepare<[number, number], Row>(select('')),
  channel: db.sqlite.prepare<[number, number, string], Row>(select(' AND channel = ?')),
  category: db.sqlite.prepare<[number, number, string], Row>(select(' AND category = ?')),
  both: db.sqlite.prepare<[number, number, string, string], Row>(select(' AND channel = ? AND category = ?')),
}));

function rows(db: Db, w: LiftWindow): Row[] {
  const s = stmts(db);
  if (w.channel !== null && w.category !== null) return s.both.all(w.fromHour, w.toHour, w.channel, w.category);
  if (w.channel !== null) return s.channel.all(w.fromHour, w.toHour, w.channel);
  if (w.category !== null) return s.category.all(w.fromHour, w.toHour, w.category);
  return s.all.all(w.fromHour, w.toHour);
}

export function createSqliteLiftStore(db: Db): LiftStore {
  return {
    daily: (window): DaySums[] =>
      rows(db, window).map((r) => ({
        day: r.day,
        group: r.grp,
        opportunities: r.opportunities,
        contacts: r.contacts,
        responses: r.responses,
        responsesSq: r.responses_sq,
        value: r.value,
        valueSq: r.value_sq,
      })),
  };
}
