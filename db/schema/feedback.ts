import { integer, real, sqliteTable, text, unique } from 'drizzle-orm/sqlite-core';

/**
 * The append-only outcome log. `seq` orders learning (the learner's cursor is a seq); one outcome per
 * (decision, action). No foreign keys: the log must outlive re-created actions, and rows are only ever appended.
 */
export const feedback = sqliteTable(
  'feedback',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    decisionId: text('decision_id').notNull(),
    actionId: text('action_id').notNull(),
    outcome: text('outcome', { enum: ['response', 'ignore'] }).notNull(),
    reward: real('reward'),
    createdAt: integer('created_at').notNull(),
    source: text('source', { enum: ['client', 'timeout', 'import'] }).notNull(),
  },
  (t) => [unique('feedback_decision_action_unique').on(t.decisionId, t.actionId)],
);
