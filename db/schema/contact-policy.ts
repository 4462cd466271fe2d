import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** The contact policy (DESIGN.md §8.2): one row (`id` = 1), the policy document as JSON, as last PUT. Unix ms. */
export const contactPolicy = sqliteTable('contact_policy', {
  id: integer('id').primaryKey(),
  policy: text('policy', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  updatedAt: integer('updated_at').notNull(),
});
