import { integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** The per-cell sums both decision aggregates keep (this table by hour, decision_day_counts by day). */
export const decisionSums = () => ({
  /** Every decision request (including no action). */
  opportunities: integer('opportunities').notNull().default(0),
  /** Activated decisions that offered something. */
  contacts: integer('contacts').notNull().default(0),
  /** Σ responses per decision, and Σ of their squares. */
  responses: integer('responses').notNull().default(0),
  responsesSq: integer('responses_sq').notNull().default(0),
  /** Σ value per decision, and Σ of its squares. */
  value: real('value').notNull().default(0),
  valueSq: real('value_sq').notNull().default(0),
});

/**
 * Decisions aggregated by UTC hour (`hour` = floor(created_at / 3,600,000)), channel, top action's category, group and
 * no-action reason (DESIGN.md §9): lift, the dashboard's tiles and no-action shares, and the metrics read these
 * instead of scanning the log. Kept by triggers (migration 0004) on `decisions` inserts, activations and the
 * response totals the `feedback` trigger writes onto each decision — so an outcome counts in its decision's hour.
 * Per-opportunity sums of squares give the delta-method variances. Retention does not touch them.
 */
export const decisionCounts = sqliteTable(
  'decision_counts',
  {
    hour: integer('hour').notNull(),
    channel: text('channel').notNull(),
    /** The top action's category; '' for no action. */
    category: text('category').notNull(),
    group: text('group', { enum: ['policy', 'control'] }).notNull(),
    /** '' when something was offered. */
    noActionReason: text('no_action_reason').notNull(),
    ...decisionSums(),
  },
  (t) => [primaryKey({ columns: [t.hour, t.channel, t.category, t.group, t.noActionReason] })],
);
