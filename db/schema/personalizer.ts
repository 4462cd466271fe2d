import { blob, index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';

/**
 * The Azure Personalizer compatible loop (DESIGN.md §11): its own decision space beside the bank's catalog. One row
 * of settings, its actions (created on first sight), one posterior per action, and its events with one row per slot
 * (a single-slot rank is slot 0).
 */
export const pzSettings = sqliteTable('pz_settings', {
  /** Always 1: the loop's one row. */
  id: integer('id').primaryKey(),
  /** The service configuration as last PUT (JSON), null = the defaults. */
  service: text('service'),
  /** The policy configuration as last PUT (JSON), null = the default. */
  policy: text('policy'),
  /** When the current model started (first start, DELETE /model, PUT /model). */
  modelCreatedAt: integer('model_created_at').notNull(),
  /** When a posterior last changed. */
  modelModifiedAt: integer('model_modified_at').notNull(),
});

export const pzActions = sqliteTable('pz_actions', {
  id: text('id').primaryKey(),
  /** The action's `features` as the last rank request sent them (JSON), compared to spot a change. */
  featuresJson: text('features_json').notNull(),
  /** Their flattened form (JSON array of {name, value}), which the new-action prior compares. */
  flat: text('flat').notNull(),
  createdAt: integer('created_at').notNull(),
  /** The last rank that named it (kept in memory per rank, written by the learner about once a minute). */
  lastSeenAt: integer('last_seen_at').notNull(),
});

/** Little-endian float64 BLOBs as in `models`; `version` increments on every write. */
export const pzModels = sqliteTable('pz_models', {
  actionId: text('action_id')
    .primaryKey()
    .references(() => pzActions.id, { onDelete: 'cascade' }),
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

export const pzEvents = sqliteTable(
  'pz_events',
  {
    eventId: text('event_id').primaryKey(),
    /** 1 for a multi-slot rank. */
    multi: integer('multi').notNull(),
    createdAt: integer('created_at').notNull(),
    /** The learning mode the rank was answered in: Online learns, Apprentice learns the baseline, LoggingOnly never. */
    mode: text('mode', { enum: ['Online', 'Apprentice', 'LoggingOnly'] }).notNull(),
    deferred: integer('deferred').notNull(),
    activatedAt: integer('activated_at'),
    /** When the reward wait ends (rank time + wait, or activation + wait when deferred); null until activated. */
    closesAt: integer('closes_at'),
    /** A deferred event not activated by then is dropped (never learned). */
    dropAt: integer('drop_at').notNull(),
    /** The settings in force at rank time: a later PUT does not change an open event's rules. */
    aggregation: text('aggregation', { enum: ['earliest', 'sum'] }).notNull(),
    defaultReward: real('default_reward').notNull(),
    closedAt: integer('closed_at'),
    /** 'learned' (every slot's reward folded), 'logged' (LoggingOnly: kept, not learned) or 'dropped'. */
    outcome: text('outcome', { enum: ['learned', 'logged', 'dropped'] }),
  },
  (t) => [
    index('pz_events_open').on(t.closesAt).where(sql`closed_at IS NULL`),
    index('pz_events_unactivated').on(t.dropAt).where(sql`closed_at IS NULL AND closes_at IS NULL`),
    index('pz_events_created').on(t.createdAt),
  ],
);

export const pzEventSlots = sqliteTable(
  'pz_event_slots',
  {
    eventId: text('event_id')
      .notNull()
      .references(() => pzEvents.eventId, { onDelete: 'cascade' }),
    slotIndex: integer('slot_index').notNull(),
    /** The slot's id (multi-slot); null for a single-slot rank. */
    slotId: text('slot_id'),
    /** The action answered (rewardActionId). */
    actionId: text('action_id').notNull(),
    /** Its selection probability under the policy that answered. */
    probability: real('probability').notNull(),
    /** The baseline: the first non-excluded action, or the slot's baselineAction. */
    baselineId: text('baseline_id').notNull(),
    /** The model's greedy choice (highest posterior mean) at rank time. */
    greedyId: text('greedy_id').notNull(),
    /** The model's Thompson probability of the baseline at rank time (Apprentice's IPS estimate). */
    baselineProbability: real('baseline_probability').notNull(),
    /** The encoded context x (float64 BLOB, bias first). */
    x: blob('x', { mode: 'buffer' }).notNull(),
    /** The aggregated reward so far (earliest: the first; sum: the total); null = none yet. */
    reward: real('reward'),
    rewards: integer('rewards').notNull().default(0),
    /** When the slot's reward (or the default) was learned or logged. */
    learnedAt: integer('learned_at'),
    /** The reward that was learned (the aggregate, or the default reward). */
    learnedReward: real('learned_reward'),
  },
  // The primary key serves every read by event; no other index, so a rank's slot insert stays cheap.
  (t) => [primaryKey({ columns: [t.eventId, t.slotIndex] })],
);
