import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The contact history (DESIGN.md §8.2): one row per action an activated decision offered to a known customer.
 * Written with the decision (or at its activation); `outcome`/`outcome_at` are filled by a trigger on `feedback`, so
 * every writer (client feedback, expirer, import) keeps them in the same transaction. Contact limits, suppressions and
 * the contact-history features are all read from here at decision time. Unix ms.
 */
export const contacts = sqliteTable(
  'contacts',
  {
    decisionId: text('decision_id').notNull(),
    actionId: text('action_id').notNull(),
    customerId: text('customer_id').notNull(),
    channel: text('channel').notNull(),
    category: text('category').notNull(),
    at: integer('at').notNull(),
    outcome: text('outcome', { enum: ['response', 'ignore'] }),
    outcomeAt: integer('outcome_at'),
  },
  (t) => [primaryKey({ columns: [t.decisionId, t.actionId] }), index('contacts_customer_at_idx').on(t.customerId, t.at), index('contacts_at_idx').on(t.at)],
);
