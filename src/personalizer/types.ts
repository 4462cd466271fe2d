/**
 * The Azure Personalizer compatible loop (DESIGN.md §11, issue #12): its own decision space, with free-form features
 * hashed into a fixed number of slots (DESIGN.md §4), actions created on first sight, one Bayesian linear model per
 * action, and Personalizer's reward semantics. These are the shapes its parts share: the pure core
 * (src/personalizer/core), the service (src/personalizer/service.ts), its store port (src/personalizer/store.ts,
 * SQLite in db/stores/personalizer.ts) and the HTTP layer (src/http/personalizer/).
 */
import type { Posterior } from '../core/types.js';

/** Hashed slots of the context (slot 0 of x is the bias, so x has 1 + PERSONALIZER_SLOTS entries). */
export const PERSONALIZER_SLOTS = 64;
export const PERSONALIZER_DIMENSION = 1 + PERSONALIZER_SLOTS;
/** Personalizer's limits (REST spec v1.0 / v1.1-preview.3). */
export const MAX_ACTIONS = 50;
export const MAX_SLOTS = 50;
export const MAX_ID_LENGTH = 256;

export const LEARNING_MODES = ['Online', 'Apprentice', 'LoggingOnly'] as const;
export type LearningMode = (typeof LEARNING_MODES)[number];
export const REWARD_AGGREGATIONS = ['earliest', 'sum'] as const;
export type RewardAggregation = (typeof REWARD_AGGREGATIONS)[number];

/** One flattened feature: an indicator (`ns.key=value`, value 1) or a number (`ns.key`, value transformed). */
export interface FlatFeature {
  name: string;
  value: number;
}

/** The service configuration as GET/PUT /configurations/service carry it (Personalizer's field names). */
export interface ServiceConfiguration {
  /** ISO 8601 duration, 5 s to 2 days (e.g. PT10M). */
  rewardWaitTime: string;
  /** [-1, 1]: learned for an event whose wait time ends without a reward. */
  defaultReward: number;
  rewardAggregation: RewardAggregation;
  /** [0, 1]: the share of ranks that pick uniformly among the candidates (mixed exactly into the probabilities). */
  explorationPercentage: number;
  /** ISO 8601 duration; stored and shown (Kairos's models are live after each learner cycle). */
  modelExportFrequency: string;
  /** -1 (keep forever) or ≥ the wait time plus one day, rounded up: closed events older than this are deleted. */
  logRetentionDays: number;
  learningMode: LearningMode;
  logMirrorEnabled?: boolean;
  logMirrorSasUri?: string;
  lastConfigurationEditDate?: string;
  isAutoOptimizationEnabled?: boolean;
  autoOptimizationFrequency?: string;
  autoOptimizationStartDate?: string;
}

/** GET/PUT /configurations/policy: stored and shown; Kairos's learner does not read VW arguments. */
export interface PolicyConfiguration {
  name: string;
  arguments: string;
}

/** One action as a rank request carries it. */
export interface RankableAction {
  id: string;
  features: unknown[];
}

export interface RankRequest {
  contextFeatures?: unknown[];
  actions: RankableAction[];
  excludedActions?: string[];
  eventId?: string;
  deferActivation?: boolean;
}

export interface RankedAction {
  id: string;
  probability: number;
}

export interface RankResponse {
  ranking: RankedAction[];
  eventId: string;
  rewardActionId: string;
}

export interface SlotRequest {
  id: string;
  features?: unknown[];
  excludedActions?: string[];
  baselineAction: string;
}

export interface MultiSlotRankRequest {
  contextFeatures?: unknown[];
  actions: RankableAction[];
  slots: SlotRequest[];
  eventId?: string;
  deferActivation?: boolean;
}

export interface MultiSlotRankResponse {
  slots: { id: string; rewardActionId: string }[];
  eventId: string;
}

export interface SlotReward {
  slotId: string;
  value: number;
}

/** How the model would have done against the baseline while in Apprentice mode (GET /configurations/service). */
export interface ApprenticeReport {
  /** Apprentice-mode slots whose reward (or default reward) is final. */
  events: number;
  /** Share of them where the model's greedy choice (highest posterior mean) was the baseline. */
  agreement: number | null;
  /** Mean reward of the baseline (what the application earned). */
  baselineAverageReward: number | null;
  /**
   * IPS estimate of the model's Thompson policy from the baseline's logged rewards: mean of r·π(baseline | x). The
   * logged policy is deterministic, so only agreeing draws count: a lower bound of the model's value when rewards
   * are ≥ 0.
   */
  modelIpsEstimate: number | null;
}

/** The service the HTTP layer calls; every method throws PersonalizerError for expected failures. */
export interface PersonalizerService {
  /** Answered once the event is committed (group commit: the ranks of one event-loop turn share a transaction). */
  rank(request: RankRequest): Promise<RankResponse>;
  multiSlotRank(request: MultiSlotRankRequest): Promise<MultiSlotRankResponse>;
  /** Answered once the reward is committed (group commit, as for ranks). */
  reward(eventId: string, value: number): Promise<void>;
  multiSlotReward(eventId: string, rewards: SlotReward[]): Promise<void>;
  activate(eventId: string): void;
  multiSlotActivate(eventId: string): void;
  serviceConfiguration(): ServiceConfiguration & { apprentice?: ApprenticeReport };
  updateServiceConfiguration(body: unknown): ServiceConfiguration;
  policy(): PolicyConfiguration;
  updatePolicy(body: unknown): PolicyConfiguration;
  resetPolicy(): PolicyConfiguration;
  /** The model file (Kairos's own format, JSON): every action's posterior and features. */
  exportModel(): Uint8Array;
  importModel(file: Uint8Array): void;
  resetModel(): void;
  modelProperties(): { creationTime: string; lastModifiedTime: string };
  deleteLogs(): void;
  logProperties(): { dateRange: { from: string; to: string } };
}

/** A Personalizer-shaped failure: `{error: {code, message, target?}}` with `status`. */
export const PERSONALIZER_ERROR_STATUS = {
  BadRequest: 400,
  InvalidServiceConfiguration: 400,
  InvalidLearningModeServiceConfiguration: 400,
  InvalidPolicyConfiguration: 400,
  InvalidRewardRequest: 400,
  InvalidEventIdToActivate: 400,
  InvalidRankRequest: 400,
  InvalidRewardWaitTime: 400,
  InvalidLogRetentionDays: 400,
  InvalidModelImportFormat: 400,
  PayloadSizeExceeded: 413,
  Unauthorized: 401,
  Forbidden: 403,
  ResourceNotFound: 404,
  LogsPropertiesNotFound: 404,
  MethodNotAllowed: 405,
  UnsupportedMediaType: 415,
  ServiceUnavailable: 503,
  InternalServerError: 500,
} as const;
export type PersonalizerErrorCode = keyof typeof PERSONALIZER_ERROR_STATUS;

export class PersonalizerError extends Error {
  readonly code: PersonalizerErrorCode;
  readonly target: string | undefined;
  /** Sent as `Retry-After` (seconds), as AppError's: when a refused request (503) may be tried again. */
  readonly retryAfterSeconds: number | undefined;
  constructor(code: PersonalizerErrorCode, message: string, target?: string, options: { retryAfterSeconds?: number } = {}) {
    super(message);
    this.name = 'PersonalizerError';
    this.code = code;
    this.target = target;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
  get status(): number {
    return PERSONALIZER_ERROR_STATUS[this.code];
  }
}

/** One action of the loop as the service holds it in memory. */
export interface LoopAction {
  id: string;
  /** The action's flattened features as last seen (the new-action prior compares these). */
  features: FlatFeature[];
  posterior: Posterior;
  /** Λ⁻¹, kept beside the posterior for O(nnz²) scoring; recomputed after each update. */
  covariance: Float64Array;
  createdAt: number;
}
