/**
 * What the metrics read from the store at scrape time (the port; db/stores/metrics.ts is the SQLite side), and the
 * hooks the services and the HTTP layer call where things happen. Every hook is a counter increment or a histogram
 * observation on a cached child, so counting costs the decision path nothing it would notice.
 */

export const FEEDBACK_OUTCOMES = ['response', 'ignore'] as const;
export const FEEDBACK_SOURCES = ['client', 'timeout', 'import'] as const;
export type FeedbackOutcome = (typeof FEEDBACK_OUTCOMES)[number];
export type FeedbackSource = (typeof FEEDBACK_SOURCES)[number];

/** Feedback rows appended after a seq, counted by outcome and source, and the last seq counted. */
export interface FeedbackTally {
  counts: { outcome: FeedbackOutcome; source: FeedbackSource; count: number }[];
  /** The highest seq among the rows counted; the cursor for the next read (unchanged when none). */
  lastSeq: number;
}

export interface MetricsReads {
  /** The highest feedback seq ever assigned (0 for an empty log): AUTOINCREMENT seqs are never reused. */
  latestFeedbackSeq(): number;
  /** The seq of the last outcome folded into the stored models (learner_state; 0 before any). */
  appliedSeq(): number;
  /** Outcomes in the log past the learner's applied seq, counted up to `limit` (a primary-key range). */
  unappliedOutcomes(limit: number): number;
  /** Counts of at most `limit` rows with seq > `afterSeq`, in seq order (a primary-key range, never a scan). */
  feedbackAfter(afterSeq: number, limit: number): FeedbackTally;
  /** The database file's size (page_count × page_size) and the WAL file's size, in bytes. */
  databaseBytes(): { main: number; wal: number };
}

/** One action's model, as the model gauges show it. */
export interface ModelGaugeRow {
  actionId: string;
  version: number;
  observations: number;
}

/**
 * Why the access middleware refused a request (src/http/access/authenticate.ts): 401 for no key (`missing`), an
 * Authorization header that is not `Bearer <key>` (`malformed`), an unknown or revoked key (`invalid`: they answer
 * alike, so a caller learns nothing of which keys once existed); 403 for a key of the wrong role (`forbidden`) and,
 * while keys are not enforced, a Host that is not loopback (`host`).
 */
export type AuthFailureReason = 'missing' | 'malformed' | 'invalid' | 'forbidden' | 'host';
export const AUTH_FAILURE_STATUS: Readonly<Record<AuthFailureReason, 401 | 403>> = {
  missing: 401,
  malformed: 401,
  invalid: 401,
  forbidden: 403,
  host: 403,
};

/** The in-process hooks. `createMetrics()` implements them; NO_METRICS does nothing. */
export interface MetricsHooks {
  /** An answered decision (the batch's decisions too). `noActionReason` undefined: it offered an action. */
  decided(channel: string, group: 'policy' | 'control', noActionReason: string | undefined): void;
  /** A committed learner cycle: its wall time and the outcomes it consumed. */
  learnerCycle(seconds: number, rows: number): void;
  /** A request the access middleware refused (its status follows from the reason: AUTH_FAILURE_STATUS). */
  authFailure(reason: AuthFailureReason): void;
  /** An answered Personalizer rank (committed). */
  personalizerRanked(kind: 'single' | 'multi', mode: 'Online' | 'Apprentice' | 'LoggingOnly'): void;
  /** Personalizer slot rewards accepted: on time (committed) or late (not learned). */
  personalizerRewards(timing: 'on_time' | 'late', count: number): void;
  /** Slots the Personalizer learner closed, with a reward given or the default reward. */
  personalizerLearned(given: number, defaulted: number): void;
}

export const NO_METRICS: MetricsHooks = {
  decided() {},
  learnerCycle() {},
  authFailure() {},
  personalizerRanked() {},
  personalizerRewards() {},
  personalizerLearned() {},
};
