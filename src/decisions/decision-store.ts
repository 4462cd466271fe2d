/**
 * The port of a decision's lifecycle: what activation and the audit trail need from storage. The SQLite
 * implementation is db/stores/decision-lifecycle.ts; a PostgreSQL one implements the same interface. Unix ms.
 */
import type { Outcome } from '../domain/types.js';

/**
 * `activated` now; `already` activated (nothing changed); `expired`: never activated and closed after its feedback
 * window, so it was dropped from learning and stays so; `unknown` decision.
 */
export type ActivationResult = 'activated' | 'already' | 'expired' | 'unknown';

export interface StoredAuditAction {
  actionId: string;
  slot: number;
  propensity: number;
  probability: number;
  outcome: Outcome | null;
  reward: number | null;
  outcomeAt: number | null;
}

export interface StoredAudit {
  decisionId: string;
  createdAt: number;
  customerId: string | null;
  channel: string;
  group: 'policy' | 'control';
  activated: boolean;
  /** How the probabilities were computed, the no-action probability and the re-draws behind them; null before they were stored. */
  probabilityMethod: 'exact' | 'monte-carlo' | 'off' | null;
  noActionProbability: number | null;
  probabilityDraws: number | null;
  actions: StoredAuditAction[];
}

export interface DecisionLifecycleStore {
  /** Writes the decision's contact rows (at `atMs`) and marks it activated, in one transaction. */
  activate(decisionId: string, atMs: number): ActivationResult;
  audit(decisionId: string): StoredAudit | undefined;
}
