import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { FeatureSpec } from '../../src/core/encoding.js';

/** Versioned feature schemas; the highest version is current. Rows are never updated (decisions cite them). */
export const featureSchemas = sqliteTable('feature_schemas', {
  version: integer('version').primaryKey(),
  features: text('features', { mode: 'json' }).$type<FeatureSpec[]>().notNull(),
  channels: text('channels', { mode: 'json' }).$type<string[]>().notNull(),
  dimension: integer('dimension').notNull(),
  createdAt: integer('created_at').notNull(),
});
