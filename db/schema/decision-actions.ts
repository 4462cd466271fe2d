import { integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { decisions } from './decisions.js';

/**
 * The actions a decision chose, best first (`slot` 0 is the top). No foreign key to `actions`: an action may be
 * re-created and the log must outlive it.
 */
export const decisionActions = sqliteTable(
  'decision_actions',
  {
    decisionId: text('decision_id')
      .notNull()
      .references(() => decisions.id, { onDelete: 'cascade' }),
    actionId: text('action_id').notNull(),
    slot: integer('slot').notNull(),
    propensity: real('propensity').notNull(),
    sampledPropensity: real('sampled_propensity').notNull(),
    priority: real('priority').notNull(),
    probability: real('probability').notNull(),
    /**
     * This customer's recent ignores of this action at decision time (the per-action contact-history slot of
     * DESIGN.md §4); the learner writes it into x's slot for this action. 0 when no history is encoded.
     */
    recentIgnores: integer('recent_ignores').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.decisionId, t.slot] })],
);
