/**
 * What the HTTP layer sees of the domain: plain inputs and outputs, and the service interfaces that
 * `createApp(deps)` receives. Services throw `AppError` (src/errors.ts) for expected failures.
 */
import type { EvaluationService } from '../evaluation/service.js';
import type { FeatureSpec } from '../core/encoding.js';
import type { Likelihood } from '../core/types.js';
import type { ModelQuality } from '../quality/model-quality.js';
import type { AccessService } from '../access/access-service.js';
import type { KeyService } from '../access/key-service.js';
import type { CustomerService } from '../customers/customer-service.js';
import type { PolicyService } from '../policies/types.js';
import type { BatchService, DecisionLifecycleService } from '../decisions/types.js';
import type { LiftService } from '../measurement/lift-service.js';
import type { DashboardService, LearnerLag } from '../dashboard/types.js';
import type { PersonalizerService } from '../personalizer/types.js';

export const CATEGORIES = ['sales', 'retention', 'service', 'risk'] as const;
export type Category = (typeof CATEGORIES)[number];

export interface ActionInput {
  name: string;
  category: Category;
  /** Business value of a response (currency units or any consistent scale); ≥ 0. */
  value: number;
  /** Channels where the action may be shown; empty or absent = every channel. */
  channels?: string[];
  active?: boolean;
  /** Business lever (Pega's L in P × V × L); default 1. */
  lever?: number;
  /** Model likelihood for this action; default from config (logistic). */
  likelihood?: Likelihood;
  /** Engagement policies (DESIGN.md §8.3): a CEL rule over customer, channel and now. */
  eligibility?: string;
  /** ISO-8601; outside [startAt, endAt) the action is not a candidate. */
  startAt?: string;
  endAt?: string;
  /** At most this many decisions offer it per UTC day. */
  dailyCap?: number;
  mandatory?: boolean;
}

export interface Action {
  actionId: string;
  name: string;
  category: Category;
  value: number;
  channels: string[];
  active: boolean;
  lever: number;
  likelihood: Likelihood;
  eligibility: string | null;
  startAt: string | null;
  endAt: string | null;
  dailyCap: number | null;
  mandatory: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface SchemaView {
  version: number;
  dimension: number;
  features: FeatureSpec[];
  /** Channels one-hot encoded by this schema version (fixed when the schema is written). */
  channels: string[];
  /** Contact-history slots (`history.ignores`, `history.contacts`) counted within `window`; absent = none. */
  contactHistory?: { window: string };
  /** Name of every slot of the encoded vector x, in order (bias first). */
  slots: string[];
  createdAt: string;
}

/** The answer to a schema PUT: the schema now in force, and whether the PUT changed it. */
export interface SchemaPutResult extends SchemaView {
  /** true: the PUT was identical to the current schema; nothing was written and every model was kept. */
  unchanged: boolean;
}

export interface DecisionRequest {
  customerId?: string;
  channel: string;
  /** The request's context; with a stored customer it overrides the effective context key by key (DESIGN.md §8.1). */
  context?: Record<string, unknown>;
  candidates?: string[];
  exclude?: string[];
  slots?: number;
  /** Add `excluded` (every action left out, with its reason) and the effective `context` to the answer. */
  explain?: boolean;
  /** false: deferred activation — decide now, count as a contact and learn only once activated (DESIGN.md §8.5). */
  activate?: boolean;
}

/** Why an answer offers nothing (DESIGN.md §8.5). */
export const NO_ACTION_REASONS = ['no_candidates', 'contact_limit', 'below_threshold', 'not_worth_contact'] as const;
export type NoActionReason = (typeof NO_ACTION_REASONS)[number];

/** Why an action was not offered (`explain: true`, DESIGN.md §8.5). */
export const EXCLUSION_REASONS = [
  'inactive',
  'channel',
  'excluded',
  'not_candidate',
  'schedule',
  'budget',
  'eligibility',
  'suppressed',
  'contact_limit',
  'below_threshold',
  'not_worth_contact',
  // Cleared every rule, but better actions took the slots (an addition to DESIGN.md §8.5's list).
  'outranked',
] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

/** One feature's share xᵢ·μᵢ of an action's score (bias excluded). */
export interface Reason {
  feature: string;
  contribution: number;
}

export interface DecidedAction {
  actionId: string;
  name: string;
  category: Category;
  propensity: number;
  sampledPropensity: number;
  value: number;
  priority: number;
  probability: number;
  /**
   * Only when the decision's `probabilityMethod` is 'monte-carlo': the binomial standard error √(p(1−p)/(M+1)) of
   * `probability`, a frequency over M re-draws plus the actual draw (0 for a certain mandatory action).
   */
  probabilityError?: number;
  /** A mandatory action (DESIGN.md §8.3), offered ahead of every other. */
  mandatory: boolean;
  /** The largest contributions to its score, largest magnitude first. */
  reasons: Reason[];
}

export interface DecisionResponse {
  decisionId: string;
  channel: string;
  actions: DecidedAction[];
  noAction: boolean;
  /** 'control' for the always-on control group (DESIGN.md §9.1); 'policy' otherwise. */
  group: 'policy' | 'control';
  /** Present when `noAction`. */
  noActionReason?: NoActionReason;
  /**
   * How the actions' `probability` was computed (DESIGN.md §9.2): 'exact' (quadrature, or a certain slate),
   * 'monte-carlo' (re-draws: each action states `probabilityError`), 'off' (KAIROS_PROBABILITY_DRAWS = 0: indicators,
   * not probabilities; such decisions are no input for an evaluation).
   */
  probabilityMethod?: 'exact' | 'monte-carlo' | 'off';
  /** `explain: true` only: every action not offered, with its reason. */
  excluded?: { actionId: string; reason: ExclusionReason }[];
  /** `explain: true` only: the effective context the decision was taken on. */
  context?: Record<string, unknown>;
}

export type Outcome = 'response' | 'ignore';

export interface FeedbackRequest {
  actionId?: string;
  outcome: Outcome;
  reward?: number;
}

export interface FeedbackResponse {
  decisionId: string;
  actionId: string;
  outcome: Outcome;
  duplicate: boolean;
}

export interface Coefficient {
  feature: string;
  mean: number;
  sd: number;
  /** Central 95 % credible interval mean ± 1.96·sd (the standard normal's quantile; stats-service.ts). */
  ci95: [number, number];
}

export interface ChannelCounts {
  decisions: number;
  responses: number;
  ignores: number;
  pending: number;
  responseRate: number | null;
}

export interface ActionStats extends ChannelCounts {
  actionId: string;
  responseRateCi: [number, number] | null;
  byChannel: Record<string, ChannelCounts>;
  /** Eligibility rule evaluations that failed (missing key, non-boolean result) since the process started. */
  eligibilityErrors: number;
  /** responses / (responses + ignores); null with no outcome. */
  successRate: number | null;
  /** Outcomes the current model has learned (its posterior's observation count: since its last reset, decayed by forgetting). */
  evidence: number;
  /** Prequential AUC and calibration deciles (src/quality/model-quality.ts); logistic actions only score outcomes. */
  quality: ModelQuality;
  /** Linear actions: moments of the rewards recorded; null for logistic actions. */
  reward: { n: number; mean: number | null; sd: number | null } | null;
  model: {
    likelihood: Likelihood;
    observations: number;
    version: number;
    updatedAt: string | null;
    coefficients: Coefficient[];
  };
}

export interface StatsOverview {
  actions: ActionStats[];
  totals: ChannelCounts & { responseRateCi: [number, number] | null };
  /** Context keys that the feature schema does not know (ignored when encoding), counted since the process started. */
  unknownContextKeys: Record<string, number>;
  /** Outcomes the learner refused since the process started (outside the limits, or non-finite models). */
  refusedOutcomes: number;
  /** Eligibility rule errors per action since the process started (actions with none are absent). */
  eligibilityErrors: Record<string, number>;
  /** How many feedback rows the stored models are behind the outcome log (the dashboard's learner lag). */
  learner: LearnerLag;
}

export interface CatalogService {
  putSchema(features: FeatureSpec[], channels?: string[], contactHistory?: { window: string }): SchemaPutResult;
  getSchema(): SchemaView;
  putAction(actionId: string, input: ActionInput): { action: Action; created: boolean };
  listActions(): Action[];
  getAction(actionId: string): Action;
}

/** What the canonical decision log line carries beyond the response itself. */
export interface DecisionTrace {
  /** Seed of the decision's RNG (stored with the decision, so it can be replayed). */
  seed: number;
  schemaVersion: number;
  /** Eligible actions the policy chose among. */
  candidates: number;
}

export interface DecisionService {
  /** Resolves once the decision is committed (group commit): an answered decision survives a crash. */
  decide(request: DecisionRequest): Promise<DecisionResponse>;
  decideTraced(request: DecisionRequest): Promise<{ response: DecisionResponse; trace: DecisionTrace }>;
}

export interface FeedbackService {
  /** Commits the outcome before returning; `duplicate: true` when it was already recorded. */
  record(decisionId: string, request: FeedbackRequest): FeedbackResponse;
}

export interface StatsService {
  action(actionId: string): ActionStats;
  all(): StatsOverview;
}

export interface HealthService {
  /** Whether the database answers and the worker pool is up. */
  readiness(): { ready: boolean; checks: Record<string, boolean> };
}

export interface Services {
  catalog: CatalogService;
  decisions: DecisionService;
  feedback: FeedbackService;
  stats: StatsService;
  health: HealthService;
  /** API keys: create, list, revoke (DESIGN.md §10). */
  keys: KeyService;
  /** Whether keys are enforced and which key a request presented. */
  access: AccessService;
  /** The customer brain: profiles, events, erasure (DESIGN.md §8.1). */
  customers: CustomerService;
  /** Channels and the contact policy (DESIGN.md §8.2). */
  policies: PolicyService;
  /** Deferred activation and the audit trail of a decision (src/decisions). */
  lifecycle: DecisionLifecycleService;
  /** Outbound lists: one decision per customer (src/decisions/batch.ts). */
  batch: BatchService;
  /** The policy against the always-on control group (DESIGN.md §9.1, src/measurement/lift-service.ts). */
  lift: LiftService;
  /** The dashboard's data: series per action and day, no-action by reason, learner lag (src/dashboard). */
  dashboard: DashboardService;
  /** Off-policy evaluations on the decision log (src/evaluation, DESIGN.md §9.2). */
  evaluations: EvaluationService;
  /** The Azure Personalizer compatible loop (DESIGN.md §11, src/personalizer). */
  personalizer: PersonalizerService;
}
