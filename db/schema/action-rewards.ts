import { integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Moments of the rewards recorded per action (feedback with a reward), by a trigger on `feedback` (migration 0004). */
export const actionRewards = sqliteTable('action_rewards', {
  actionId: text('action_id').primaryKey(),
  n: integer('n').notNull().default(0),
  sum: real('sum').notNull().default(0),
  sumSq: real('sum_sq').notNull().default(0),
});
