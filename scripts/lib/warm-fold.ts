/**
 * Warm-start accumulation: per action, encoded rows are gathered into a fixed buffer of `batchSize` rows and
 * folded into the posterior with `foldBatch` — the learner's own code — whenever the buffer fills, so memory
 * stays at one batch per action however long the history file is.
 */
import type { Posterior } from '../../src/core/types.js';
import { foldBatch, targetOf, type LearningPolicy } from '../../src/learner/fold.js';

/** One action's progress through a warm-start. */
export interface ActionFold {
  actionId: string;
  /** Version of the stored row this fold started from (0 = no row); the write expects it unchanged. */
  startVersion: number;
  /**
   * When that row was written (null = no row). With the version it identifies the row: versions restart at 1 when a
   * reset deletes a model and the learner writes it again, so the version alone could match a different model.
   */
  startUpdatedAt: number | null;
  /** Whether the fold started from the prior (no usable stored model for the current schema). */
  fromPrior: boolean;
  startObservations: number;
  /** The model the fold started from: merging with what the service learnt meanwhile subtracts it once. */
  startPosterior: Posterior;
  posterior: Posterior;
  rows: number;
  responses: number;
  /** Sum and count of explicit rewards (for the summary of linear actions). */
  rewardSum: number;
  rewards: number;
}

export interface WarmFold {
  /**
   * The buffer row (length d) the next row of `actionId` is encoded into; it only counts once `commit` is
   * called, so a row that fails to encode is simply overwritten by the next one.
   */
  slot(actionId: string): Float64Array;
  /** Counts the row last encoded into `slot(actionId)`; folds the batch when it is full. */
  commit(actionId: string, outcome: 'response' | 'ignore', reward: number | null): void;
  /** Folds every partial batch and returns the actions in first-seen order. */
  finish(): ActionFold[];
}

interface Pending {
  fold: ActionFold;
  x: Float64Array;
  y: Float64Array;
  n: number;
}

/**
 * @param start the starting model of an action (stored model for the current schema, or the prior); called
 *   once per action, on its first row.
 */
export function createWarmFold(
  policy: LearningPolicy,
  d: number,
  batchSize: number,
  start: (actionId: string) => { posterior: Posterior; version: number; updatedAt: number | null; fromPrior: boolean },
): WarmFold {
  const pending = new Map<string, Pending>();

  const entry = (actionId: string): Pending => {
    let p = pending.get(actionId);
    if (!p) {
      const first = start(actionId);
      if (first.posterior.d !== d) throw new RangeError(`model of ${actionId} has d=${first.posterior.d}, the encoder ${d}`);
      p = {
        fold: {
          actionId,
          startVersion: first.version,
          startUpdatedAt: first.updatedAt,
          fromPrior: first.fromPrior,
          startObservations: first.posterior.observations,
          startPosterior: first.posterior,
          posterior: first.posterior,
          rows: 0,
          responses: 0,
          rewardSum: 0,
          rewards: 0,
        },
        x: new Float64Array(batchSize * d),
        y: new Float64Array(batchSize),
        n: 0,
      };
      pending.set(actionId, p);
    }
    return p;
  };

  const flush = (p: Pending): void => {
    if (p.n === 0) return;
    const batch = { n: p.n, d, x: p.x.subarray(0, p.n * d), y: p.y.subarray(0, p.n) };
    p.fold.posterior = foldBatch(policy, p.fold.posterior, batch);
    p.n = 0;
  };

  return {
    slot(actionId) {
      const p = entry(actionId);
      return p.x.subarray(p.n * d, (p.n + 1) * d);
    },
    commit(actionId, outcome, reward) {
      const p = entry(actionId);
      p.y[p.n] = targetOf(p.fold.posterior.likelihood, outcome, reward);
      p.n += 1;
      p.fold.rows += 1;
      if (outcome === 'response') p.fold.responses += 1;
      if (reward !== null) {
        p.fold.rewardSum += reward;
        p.fold.rewards += 1;
      }
      if (p.n === batchSize) flush(p);
    },
    finish() {
      for (const p of pending.values()) flush(p);
      return [...pending.values()].map((p) => p.fold);
    },
  };
}
