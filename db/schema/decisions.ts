import { blob, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The decision log. `x` is the encoded context (float64 BLOB, length = the schema's dimension), so an outcome
 * can be learned without re-encoding; `seed` replays the decision's RNG. (status, created_at) serves the expirer.
 */
export const decisions = sqliteTable(
  'decisions',
  {
    id: text('id').primaryKey(),
    createdAt: integer('created_at').notNull(),
    customerId: text('customer_id'),
    channel: text('channel').notNull(),
    schemaVersion: integer('schema_version').notNull(),
    x: blob('x', { mode: 'buffer' }).notNull(),
    seed: text('seed').notNull(),
    status: text('status', { enum: ['pending', 'closed'] }).notNull(),
    /** Deferred activation (DESIGN.md §8.5): only activated decisions count as contacts and are learned. */
    activated: integer('activated', { mode: 'boolean' }).notNull().default(true),
    /**
     * When a deferred decision was activated (Unix ms); null when it was activated with its answer. Its feedback window
     * runs from here: it was shown then (Personalizer's deferActivation starts the reward wait at activation).
     */
    activatedAt: integer('activated_at'),
    /** 'policy' or 'control' (the always-on control group, DESIGN.md §9.1). */
    group: text('group', { enum: ['policy', 'control'] }).notNull().default('policy'),
  },
  (t) => [index('decisions_status_created_at_idx').on(t.status, t.createdAt), index('decisions_customer_idx').on(t.customerId)],
);
