import { integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** The action catalog. `channels` is a JSON array (empty = every channel); timestamps are Unix ms. */
export const actions = sqliteTable('actions', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  category: text('category').notNull(),
  value: real('value').notNull(),
  lever: real('lever').notNull().default(1),
  channels: text('channels', { mode: 'json' }).$type<string[]>().notNull(),
  active: integer('active', { mode: 'boolean' }).notNull(),
  likelihood: text('likelihood', { enum: ['logistic', 'linear'] }).notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});
