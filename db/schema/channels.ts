import { integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Declared channels (DESIGN.md §8.2). Once any row exists, a decision on an undeclared channel is a 422.
 * `limit_contacts` per `limit_per_ms` is the per-customer contact limit (both null = none). Unix ms.
 */
export const channels = sqliteTable('channels', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  direction: text('direction', { enum: ['inbound', 'outbound'] }).notNull(),
  contactCost: real('contact_cost').notNull().default(0),
  limitContacts: integer('limit_contacts'),
  limitPer: text('limit_per'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});
