import { integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * How many decisions offered each action per UTC day (`day` = floor(created_at / 86,400,000)), kept by a trigger on
 * `decision_actions` like `action_counts`: the `dailyCap` budgets of DESIGN.md §8.3 read it at decision time.
 */
export const actionDayCounts = sqliteTable(
  'action_day_counts',
  {
    actionId: text('action_id').notNull(),
    day: integer('day').notNull(),
    decisions: integer('decisions').notNull().default(0),
    /** Outcomes of the day's decisions (by the decision's day, not the outcome's), by a trigger on `feedback` (0004). */
    responses: integer('responses').notNull().default(0),
    ignores: integer('ignores').notNull().default(0),
    /** Σ value of the responses (value × (reward ?? 1)). */
    value: real('value').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.actionId, t.day] })],
);
