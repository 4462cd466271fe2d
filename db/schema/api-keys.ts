import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * API keys (DESIGN.md §10). Only the SHA-256 of a key is stored (`secret_hash`, hex); the key itself is shown once,
 * when it is created. `prefix` is the key's first characters, shown in listings so an operator can tell keys apart.
 * A revoked key keeps its row (`revoked_at`, Unix ms) for the audit trail and never authenticates again.
 */
export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    role: text('role', { enum: ['app', 'analyst', 'ops'] }).notNull(),
    secretHash: text('secret_hash').notNull().unique(),
    prefix: text('prefix').notNull(),
    createdAt: integer('created_at').notNull(),
    revokedAt: integer('revoked_at'),
  },
  (t) => [index('api_keys_revoked_at_idx').on(t.revokedAt)],
);
