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
  /** Engagement policy (DESIGN.md §8.3): a CEL expression over customer, channel and now; null = always eligible. */
  eligibility: text('eligibility'),
  /** Schedule window, Unix ms; null = open-ended. */
  startAt: integer('start_at'),
  endAt: integer('end_at'),
  /** At most this many decisions offer the action per UTC day; null = no budget. */
  dailyCap: integer('daily_cap'),
  /** Offered ahead of every other action; channel limits do not stop it (suppression does). */
  mandatory: integer('mandatory', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});
