/**
 * Off-policy evaluation (DESIGN.md §9.2): what a replay reads and what it answers. Plain data, so a setup crosses to
 * the worker thread by structured clone and a result is stored as JSON.
 */
import type { Likelihood } from '../core/types.js';

/** A candidate's learning and decision settings: the service's configuration with these keys overridden. */
export interface PolicySettings {
  priorRate: number;
  drawCorrelation: number;
  minPriority: number;
  forgettingHalfLife: number;
  changeDetection: boolean;
}

export const SETTING_KEYS = ['priorRate', 'drawCorrelation', 'minPriority', 'forgettingHalfLife', 'changeDetection'] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

export interface CandidatePolicy {
  name: string;
  /** The settings as given (only the overridden keys). */
  settings: Partial<PolicySettings>;
}

export interface EvaluationRequest {
  /** Unix ms, inclusive. */
  from: number;
  /** Unix ms, exclusive. */
  to: number;
  channel: string | null;
  policies: CandidatePolicy[];
}

/** One action of the current catalog, as a replayed policy scores it. */
export interface ReplayAction {
  id: string;
  value: number;
  lever: number;
  likelihood: Likelihood;
  mandatory: boolean;
}

/** A channel's thresholds and cost as the contact policy and the channel declare them today. */
export interface ChannelRule {
  /** −∞: none. */
  propensityThreshold: number;
  /** null: the policy's `minPriority` (the contact policy sets none for this channel). */
  priorityThreshold: number | null;
  /** undefined: an undeclared channel (v1, no net-value rule). */
  contactCost: number | undefined;
}

/** Everything a replay needs besides the log: the current catalog, the decision rules, the settings. */
export interface ReplaySetup {
  dimension: number;
  schemaVersion: number;
  /** In catalog order (the order the decision service scores them in). */
  actions: ReplayAction[];
  /** Per declared channel; others get `defaultRule`. */
  channels: Record<string, ChannelRule>;
  defaultRule: ChannelRule;
  /** The service's learner interval (ms): a replayed policy folds a batch once its decisions span it. */
  learnerIntervalMs: number;
  /** At most this many decisions per learning batch (the learner's KAIROS_LEARNER_BATCH). */
  learnerBatchRows: number;
  /** x's per-action "recent ignores" slot (contact history), or null when the schema has none. */
  historyIgnoresSlot: number | null;
  /** The service's own settings: the base of every candidate and the model behind the uniform row's DR term. */
  baseline: PolicySettings;
  policies: { name: string; settings: PolicySettings }[];
  /** Seed of the Monte Carlo direct term (large candidate sets). */
  seed: number;
}

/** One logged outcome of a decision's action. */
export interface LoggedOutcome {
  actionId: string;
  outcome: 'response' | 'ignore';
  reward: number | null;
  recentIgnores: number;
}

/** One logged decision, as the replay reads it (time order: created_at, id). */
export interface LoggedDecision {
  id: string;
  createdAt: number;
  channel: string;
  schemaVersion: number;
  x: Float64Array;
  status: 'pending' | 'closed';
  /** Actions offered (0 = no action). */
  offered: number;
  /** Σ action value × (reward ?? 1) of its responses. */
  value: number;
  /** The slot-0 action and its logged selection probability; null for no action. */
  topAction: string | null;
  topProbability: number | null;
  noActionProbability: number | null;
  /** The candidates that passed every policy; null when not logged. */
  candidates: string[] | null;
  outcomes: LoggedOutcome[];
}

export type Estimator = 'ips' | 'snips' | 'dr';

export interface ResultRow {
  policy: string;
  estimator: Estimator;
  value: number | null;
  ci95: [number, number] | null;
  effectiveSampleSize: number | null;
}

/** Rows of the window that no estimate uses, by why. */
export interface SkippedCounts {
  /** Outcome not in yet (status 'pending'). */
  pending: number;
  /** More than one slot: the marginal of a slate's top slot is not computable exactly, so they are left out. */
  multiSlot: number;
  /**
   * Decided under another schema, or whose candidates hold an action the current catalog lacks, a linear or mandatory
   * action, or a non-positive value × lever under a gate (no exact one-slot probability for those).
   */
  unsupported: number;
}

export interface ReplayOutcome {
  /** Rows that every estimate uses. */
  evaluated: number;
  skipped: SkippedCounts;
  results: ResultRow[];
}
