import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Running volume counts per (action, channel), so statistics cost O(actions) instead of a scan of the log. Kept by
 * triggers on `decision_actions` and `feedback` inserts (migration 0001), so every writer (service, learner,
 * expirer, scripts) keeps them exact in the same transaction as the row it counts. Retention deletes old log rows
 * but not these counts: they are lifetime totals.
 */
export const actionCounts = sqliteTable(
  'action_counts',
  {
    actionId: text('action_id').notNull(),
    channel: text('channel').notNull(),
    decisions: integer('decisions').notNull().default(0),
    responses: integer('responses').notNull().default(0),
    ignores: integer('ignores').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.actionId, t.channel] })],
);
