/**
 * The dashboard's storage port: reads of the measurement aggregates. The SQLite implementation is
 * db/stores/dashboard.ts; a PostgreSQL one answers the same three reads.
 */

/** One `action_day_counts` row. `day` = floor(created_at / 86,400,000) of the decisions it counts. */
export interface ActionDayRow {
  actionId: string;
  day: number;
  decisions: number;
  responses: number;
  ignores: number;
  value: number;
}

/** Opportunities of one no-action reason ('' = something was offered), summed over a window of hours. */
export interface ReasonRow {
  reason: string;
  opportunities: number;
}

export interface DashboardStore {
  /** Rows with fromDay ≤ day < toDay, ordered by action id then day. */
  actionDays(fromDay: number, toDay: number): ActionDayRow[];
  /**
   * Opportunities (the `decision_counts` sums) with fromHour ≤ hour < toHour, summed by no-action reason. The cost must
   * follow the window's days, not its hours (the SQLite store reads whole days from the day rollup).
   */
  opportunitiesByReason(fromHour: number, toHour: number): ReasonRow[];
  /** The learner's applied cursor and the latest feedback seq ever written. */
  learnerCursor(): { appliedSeq: number; latestSeq: number };
}
