import { blob, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { actions } from './actions.js';

/**
 * One posterior per action. `mean` (d), `precision` and `chol_precision` (d×d row-major) are little-endian
 * float64 BLOBs; `version` increments on every write (optimistic concurrency between the learner and scripts).
 */
export const models = sqliteTable('models', {
  actionId: text('action_id')
    .primaryKey()
    .references(() => actions.id, { onDelete: 'cascade' }),
  schemaVersion: integer('schema_version').notNull(),
  likelihood: text('likelihood', { enum: ['logistic', 'linear'] }).notNull(),
  dimension: integer('dimension').notNull(),
  mean: blob('mean', { mode: 'buffer' }).notNull(),
  precision: blob('precision', { mode: 'buffer' }).notNull(),
  cholPrecision: blob('chol_precision', { mode: 'buffer' }).notNull(),
  a: real('a').notNull(),
  b: real('b').notNull(),
  observations: real('observations').notNull(),
  version: integer('version').notNull(),
  updatedAt: integer('updated_at').notNull(),
});
