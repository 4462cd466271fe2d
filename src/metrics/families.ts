/**
 * The metric families of GET /metrics (DESIGN.md §9.3): names (prefixed `kairos_`, units in the name, `_total` on
 * counters, per the Prometheus naming conventions), help texts, labels and histogram buckets in one place, so the
 * README's table and the test read from here.
 *
 * How each is kept:
 * - in process (a cached child incremented where it happens): requests and their latency, decisions, no-action
 *   reasons, auth failures, learner cycles. They start at 0 with the process, as Prometheus counters may.
 * - at scrape (`collect()`, O(actions) or O(1) reads): feedback (the log's rows since the last scrape: every
 *   writer counts, the expirer's timeouts and other processes' imports included), learner lag, model versions and
 *   observations, database size.
 */

/** Request latency buckets (seconds): a decision takes ~0.5–5 ms; the tail up to 2.5 s shows overload. */
export const HTTP_DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** Learner cycle buckets (seconds): a cycle folds up to KAIROS_LEARNER_BATCH outcomes in ~1–100 ms. */
export const LEARNER_CYCLE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

/** The route label of a request no route matched (404, or a known path with another method: 405). */
export const UNMATCHED_ROUTE_LABEL = 'unmatched';
/** Past this many distinct channels (any channel is accepted while none is declared) decisions count as this. */
export const OTHER_LABEL = 'other';
export const MAX_CHANNEL_LABELS = 100;

export const FAMILIES = {
  httpRequests: {
    name: 'kairos_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern (never the raw path) and status.',
    labelNames: ['method', 'route', 'status'],
  },
  httpDuration: {
    name: 'kairos_http_request_duration_seconds',
    help: 'Time from a request entering the app to its answer, by method and route pattern.',
    labelNames: ['method', 'route'],
  },
  decisions: {
    name: 'kairos_decisions_total',
    help: "Decisions answered, by channel, group ('policy' | 'control') and outcome ('offered' | 'no_action').",
    labelNames: ['channel', 'group', 'outcome'],
  },
  noAction: {
    name: 'kairos_decisions_no_action_total',
    help: 'Decisions that offered nothing, by channel and reason (DESIGN.md §8.5).',
    labelNames: ['channel', 'reason'],
  },
  feedback: {
    name: 'kairos_feedback_total',
    help: "Outcomes appended to the feedback log since the process started, by outcome and source ('client' | 'timeout' | 'import').",
    labelNames: ['outcome', 'source'],
  },
  learnerLag: {
    name: 'kairos_learner_lag_outcomes',
    help: 'Outcomes in the feedback log not yet folded into the models (counted exactly up to 10,000; past that the seq difference, an upper bound).',
    labelNames: [],
  },
  learnerCycle: {
    name: 'kairos_learner_cycle_seconds',
    help: 'Wall time of a committed learner cycle (read, fold on the workers, commit).',
    labelNames: [],
  },
  learnerApplied: {
    name: 'kairos_learner_outcomes_applied_total',
    help: 'Outcomes consumed by committed learner cycles of this process.',
    labelNames: [],
  },
  modelVersion: {
    name: 'kairos_model_version',
    help: "Stored version of each action's model (increments on every write; 0 for an untouched prior).",
    labelNames: ['action'],
  },
  modelObservations: {
    name: 'kairos_model_observations',
    help: "Outcomes each action's model has learned (decayed when forgetting is on).",
    labelNames: ['action'],
  },
  databaseSize: {
    name: 'kairos_database_size_bytes',
    help: 'SQLite database file size (page_count × page_size).',
    labelNames: [],
  },
  walSize: {
    name: 'kairos_database_wal_size_bytes',
    help: 'SQLite write-ahead log file size.',
    labelNames: [],
  },
  authFailures: {
    name: 'kairos_auth_failures_total',
    help: "Requests refused by the access check, by status (401 | 403) and reason ('missing' | 'malformed' | 'invalid' | 'forbidden' | 'host').",
    labelNames: ['status', 'reason'],
  },
  personalizerRanks: {
    name: 'kairos_personalizer_ranks_total',
    help: "Azure Personalizer ranks answered, by kind ('single' | 'multi') and the learning mode they were answered in.",
    labelNames: ['kind', 'mode'],
  },
  personalizerRewards: {
    name: 'kairos_personalizer_rewards_total',
    help: "Personalizer slot rewards accepted, by timing ('on_time' | 'late': after the wait time, accepted and not learned).",
    labelNames: ['timing'],
  },
  personalizerLearned: {
    name: 'kairos_personalizer_slots_learned_total',
    help: "Personalizer slots closed by the loop's learner, by reward ('given' | 'default': none came within the wait time); LoggingOnly slots included.",
    labelNames: ['reward'],
  },
} as const;
