/**
 * A decision's life after it is answered (DESIGN.md §8.5): deferred activation, the audit trail, and outbound
 * batches. What the HTTP layer sees of it; the services throw `AppError` for expected failures.
 */
import type { AppError } from '../errors.js';
import type { DecisionResponse, Outcome } from '../domain/types.js';

/** One chosen action of a decision, with its outcome once one is recorded. */
export interface AuditedAction {
  actionId: string;
  slot: number;
  propensity: number;
  probability: number;
  outcome?: Outcome;
  reward?: number;
  /** ISO-8601. */
  outcomeAt?: string;
  /** Only when the decision's probabilityMethod is 'monte-carlo': the binomial standard error of `probability`. */
  probabilityError?: number;
}

/** GET /v1/decisions/{decisionId}: the audit trail of one decision. */
export interface DecisionAudit {
  decisionId: string;
  /** ISO-8601. */
  createdAt: string;
  /** null when the decision had none, or after the customer was erased. */
  customerId: string | null;
  channel: string;
  group: 'policy' | 'control';
  activated: boolean;
  /**
   * How the probabilities were computed (DESIGN.md §9.2): 'exact', 'monte-carlo', 'off' (KAIROS_PROBABILITY_DRAWS = 0:
   * not probabilities, refused by an evaluation); null for a decision stored before they were recorded.
   */
  probabilityMethod: 'exact' | 'monte-carlo' | 'off' | null;
  /** The policy's probability of offering nothing; null when not recorded. */
  noActionProbability: number | null;
  /** Monte Carlo re-draws behind the probabilities (0 unless monte-carlo); null when not recorded. */
  probabilityDraws: number | null;
  actions: AuditedAction[];
}

export interface DecisionLifecycleService {
  /**
   * Activates a deferred decision: its contacts are written and it is learned from then on. Idempotent (a second
   * call changes nothing). 404 unknown; 409 when it was closed unactivated after the feedback window.
   */
  activate(decisionId: string): void;
  /** 404 when unknown. */
  get(decisionId: string): DecisionAudit;
}

/** POST /v1/decisions/batch: one channel, one decision per customer. */
export interface BatchRequest {
  channel: string;
  requests: { customerId: string; context?: Record<string, unknown> }[];
  slots?: number;
  activate?: boolean;
  explain?: boolean;
}

/** Each entry's answer, in request order: its decision, or the error that refused it alone. */
export type BatchEntry = { ok: true; response: DecisionResponse } | { ok: false; error: AppError | Error };

export interface BatchOptions {
  /** Checked between chunks: true stops the batch (e.g. the request timed out); the rest are not decided. */
  stopped?: () => boolean;
}

export interface BatchService {
  decide(request: BatchRequest, options?: BatchOptions): Promise<BatchEntry[]>;
}
