import { blob, index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

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
    // Measurement (DESIGN.md §9, migration 0004). Kept by the writer at insert and by triggers after it.
    /** How many actions the decision offered (0 = no action). */
    offered: integer('offered').notNull().default(0),
    /** The top action's category; '' when nothing was offered (or it is not known). */
    category: text('category').notNull().default(''),
    /** Why nothing was offered (NoActionReason); '' when something was. */
    noActionReason: text('no_action_reason').notNull().default(''),
    /** Responses recorded for this decision (the feedback trigger adds them): the lift numerator. */
    responses: integer('responses').notNull().default(0),
    /** Σ value of its responses: the action's value × (reward ?? 1), by the feedback trigger. */
    value: real('value').notNull().default(0),
    /**
     * The logged policy's probability of offering nothing (off-policy evaluation, §9.2); null when probabilities
     * were not computed (KAIROS_PROBABILITY_DRAWS=0) or the decision predates migration 0004.
     */
    noActionProbability: real('no_action_probability'),
    /** How the selection probabilities were computed: 'exact' (quadrature), 'monte-carlo', 'off'; null before 0004. */
    probabilityMethod: text('probability_method', { enum: ['exact', 'monte-carlo', 'off'] }),
    /** Monte Carlo re-draws behind the probabilities (their standard error is √(p(1−p)/draws)); 0 for exact or off. */
    probabilityDraws: integer('probability_draws'),
    /** The candidates that passed every policy (candidate_sets.id): the support of the uniform and replayed policies. */
    candidateSet: integer('candidate_set'),
  },
  (t) => [
    index('decisions_status_created_at_idx').on(t.status, t.createdAt),
    index('decisions_customer_idx').on(t.customerId),
    // Off-policy evaluation reads a window of the log in time order (src/evaluation).
    index('decisions_created_at_idx').on(t.createdAt),
  ],
);
