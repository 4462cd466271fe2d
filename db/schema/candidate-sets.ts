import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The distinct sets of candidates that passed every policy for a decision (DESIGN.md §9.2): a decision points at one
 * (`decisions.candidate_set`), so the log keeps each decision's support — what the uniform-random row and a replayed
 * policy may choose from — without repeating it per row. `actions` is the action ids sorted and joined by '\n'.
 */
export const candidateSets = sqliteTable('candidate_sets', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  actions: text('actions').notNull().unique(),
});
