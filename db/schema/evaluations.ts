import { integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Off-policy evaluations (DESIGN.md §9.2): the request, progress while running, and the results when done. */
export const evaluations = sqliteTable('evaluations', {
  id: text('id').primaryKey(),
  createdAt: integer('created_at').notNull(),
  status: text('status', { enum: ['running', 'done', 'failed'] }).notNull(),
  /** 0–1. */
  progress: real('progress').notNull().default(0),
  /** The request as accepted (JSON). */
  request: text('request').notNull(),
  /** Logged decisions in the window that the evaluation replays. */
  rows: integer('rows').notNull().default(0),
  /** The result rows (JSON) once done. */
  results: text('results'),
  error: text('error'),
  finishedAt: integer('finished_at'),
});
