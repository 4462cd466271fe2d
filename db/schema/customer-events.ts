import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Life events and other moments of a customer (DESIGN.md §8.1). `id` is the client's `eventId` (or a generated
 * one), so a re-sent event is recognised as a duplicate. `expires_at` = `at` + the TTL of the event-fed feature that
 * lists the type (90 days when none does); expired rows no longer feed features and are pruned. Unix ms.
 */
export const customerEvents = sqliteTable(
  'customer_events',
  {
    id: text('id').primaryKey(),
    customerId: text('customer_id').notNull(),
    type: text('type').notNull(),
    at: integer('at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    attributes: text('attributes', { mode: 'json' }).$type<Record<string, unknown>>(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('customer_events_customer_expires_idx').on(t.customerId, t.expiresAt), index('customer_events_expires_idx').on(t.expiresAt)],
);
