/**
 * SQLite implementation of the dashboard's port (src/dashboard/store.ts). Every read is over an aggregate kept by a
 * trigger (migration 0004) or a one-row table, never over `decisions` or `feedback`:
 * - `action_day_counts` (PK action_id, day): a range seek per action, so the cost is actions × days in the window;
 * - `decision_counts` (PK starts with hour): a range scan of the window's hours;
 * - `sqlite_sequence` holds feedback's AUTOINCREMENT high-water mark, which retention's deletes never lower.
 */
import type { DashboardStore } from '../../src/dashboard/store.js';
import type { Db } from '../open.js';
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
  reasonsByDay: db.sqlite.prepare<[number, number], { day: number; reason: string; opportunities: number }>(
    `SELECT hour / 24 AS day, no_action_reason AS reason, sum(opportunities) AS opportunities FROM decision_counts
     WHERE hour >= ? AND hour < ? GROUP BY day, no_action_reason`,
  ),
  cursor: db.sqlite.prepare<[], { applied: number; latest: number }>(
    `SELECT (SELECT coalesce(max(applied_seq), 0) FROM learner_state) AS applied,
            coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'feedback'), 0) AS latest`,
  ),
}));

export function createSqliteDashboardStore(db: Db): DashboardStore {
  return {
    actionDays: (fromDay, toDay) =>
      stmts(db)
        .actionDays.all(fromDay, toDay)
        .map((r) => ({ actionId: r.action_id, day: r.day, decisions: r.decisions, responses: r.responses, ignores: r.ignores, value: r.value })),
    opportunitiesByReason: (fromHour, toHour) => stmts(db).reasons.all(fromHour, toHour),
    opportunitiesByDayAndReason: (fromDay, toDay) => stmts(db).reasonsByDay.all(fromDay * 24, toDay * 24),
    learnerCursor: () => {
      const row = stmts(db).cursor.get()!;
      return { appliedSeq: row.applied, latestSeq: row.latest };
    },
  };
}
