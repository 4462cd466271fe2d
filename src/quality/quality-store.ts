/**
 * The port model quality is stored behind (DESIGN.md §9; "ports before dialects"): the learner adds each cycle's
 * prequential counts inside its own commit transaction, the statistics read them back per action. SQLite:
 * db/stores/prediction-bins.ts.
 */
import type { PredictionBin } from './bins.js';

/** Moments of the rewards recorded for an action (linear actions' reward mean and sd). */
export interface RewardMoments {
  n: number;
  sum: number;
  sumSq: number;
}

export interface QualityStore {
  /**
   * Adds counts to an action's bins. Must run inside the caller's transaction (the learner's commit), so that a
   * rolled-back or crashed cycle counts nothing and a retried one counts once.
   */
  addBins(actionId: string, bins: readonly PredictionBin[]): void;
  /** The action's non-empty bins in ascending order. */
  bins(actionId: string): PredictionBin[];
  /** Forgets the action's bins: its model was replaced (ops scripts), the new model has scored nothing yet. */
  clearBins(actionId: string): void;
  clearAllBins(): void;
  rewards(actionId: string): RewardMoments | undefined;
  allRewards(): Map<string, RewardMoments>;
}
