import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The customer brain's profiles (DESIGN.md §8.1). `attributes` is a JSON object (≤ 256 keys, ≤ 64 KiB, checked by the
 * service); keys the feature schema does not encode are kept for eligibility rules. Timestamps are Unix ms.
 */
export const customers = sqliteTable('customers', {
  id: text('id').primaryKey(),
  attributes: text('attributes', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});
