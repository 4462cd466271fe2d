/**
 * SQLite implementation of the dashboard's port (src/dashboard/store.ts). Every read is over an aggregate kept by a
 * trigger (migration 0004) or a one-row table, never over `decisions` or `feedback`:
 * - `action_day_counts` (PK action_id, day): a range seek per action, so the cost is actions × days in the window;
 * - the no-action sums: whole UTC days from the day rollup `decision_day_counts` (migration 0005, kept from the hour
 *   table by triggers) and only the partial days at the window's edges from `decision_counts` (hour-split.ts, as
 *   db/stores/lift.ts reads them), with no cache to keep fresh;
 * - `sqlite_sequence` holds feedback's AUTOINCREMENT high-water mark, which retention's deletes never lower.
 */
import type { DashboardStore, ReasonRow } from '../../src/dashboard/store.js';
import type { Db } from '../open.js';
import { splitByDay } from './hour-split.js';
import { perDb } from './statement-cache.js';

const stmts = perDb((db: Db) => ({
  actionDays: db.sqlite.prepare<
    [number, number],
    { action_id: string; day: number; decisions: number; responses: number; ignores: number; value: number }
  >(
    // One range seek per catalogued action on the (action_id, day) key, not a scan of every day ever counted (the
    // table keeps every day: retention does not prune it). Every counted action is in the catalog (never deleted).
    `SELECT action_id, day, decisions, responses, ignores, value FROM action_day_counts
     WHERE action_id IN (SELECT id FROM actions) AND day >= ? AND day < ? ORDER BY action_id, day`,
  ),
  reasons: db.sqlite.prepare<[number, number], { reason: string; opportunities: number }>(
    `SELECT no_action_reason AS reason, sum(opportunities) AS opportunities FROM decision_counts
     WHERE hour >= ? AND hour < ? GROUP BY no_action_reason ORDER BY no_action_reason`,
  ),
  reasonsByDay: db.sqlite.prepare<[number, number], { reason: string; opportunities: number }>(
    `SELECT no_action_reason AS reason, sum(opportunities) AS opportunities FROM decision_day_counts
     WHERE "day" >= ? AND "day" < ? GROUP BY no_action_reason`,
  ),
  cursor: db.sqlite.prepare<[], { applied: number; latest: number }>(
    `SELECT (SELECT coalesce(max(applied_seq), 0) FROM learner_state) AS applied,
            coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'feedback'), 0) AS latest`,
  ),
}));

/** Opportunities by reason for fromHour ≤ hour < toHour (hour-split.ts: edge hours, whole days). */
function opportunitiesByReason(db: Db, fromHour: number, toHour: number): ReasonRow[] {
  const s = stmts(db);
  const sums = new Map<string, number>();
  const add = (rows: ReasonRow[]) => {
    for (const r of rows) sums.set(r.reason, (sums.get(r.reason) ?? 0) + r.opportunities);
  };
  const split = splitByDay(fromHour, toHour);
  for (const [from, to] of split.hours) add(s.reasons.all(from, to));
  if (split.days) add(s.reasonsByDay.all(split.days[0], split.days[1]));
  return [...sums].map(([reason, opportunities]) => ({ reason, opportunities })).sort((a, b) => (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0));
}

export function createSqliteDashboardStore(db: Db): DashboardStore {
  return {
    actionDays: (fromDay, toDay) =>
      stmts(db)
        .actionDays.all(fromDay, toDay)
        .map((r) => ({ actionId: r.action_id, day: r.day, decisions: r.decisions, responses: r.responses, ignores: r.ignores, value: r.value })),
    opportunitiesByReason: (fromHour, toHour) => opportunitiesByReason(db, fromHour, toHour),
    learnerCursor: () => {
      const row = stmts(db).cursor.get()!;
      return { appliedSeq: row.applied, latestSeq: row.latest };
    },
  };
}
