/**
 * How outcomes become posterior updates — the one piece of learning policy shared by the service's learner,
 * its workers, the warm-start script and the regret benchmark.
 */
import { encodeHistoryCount, historySlotsOf, type Encoder } from '../core/encoding.js';
import { createPrior, DEFAULT_LINEAR_PRIOR, DEFAULT_LOGISTIC_PRIOR } from '../core/prior.js';
import type { Likelihood, ObservationBatch, Posterior, PriorConfig } from '../core/types.js';
import { forgetTowardPrior, updatePosteriorGuarded } from '../core/update.js';

export interface LearningPolicy {
  /** Prior response rate of a fresh logistic model. */
  priorRate: number;
  /** Evidence half-life in observations of the action (0 = no forgetting). */
  forgettingHalfLife: number;
  /** Restart every model from the prior when an action's outcomes move away from its model (change-watch.ts). */
  changeDetection: boolean;
}

export function learningPolicyFromConfig(config: {
  priorRate: number;
  forgettingHalfLife: number;
  changeDetection: boolean;
}): LearningPolicy {
  return { priorRate: config.priorRate, forgettingHalfLife: config.forgettingHalfLife, changeDetection: config.changeDetection };
}

/** The prior configuration for a likelihood under this policy. */
export function priorConfig(policy: LearningPolicy, likelihood: Likelihood): PriorConfig {
  return likelihood === 'logistic'
    ? { ...DEFAULT_LOGISTIC_PRIOR, priorRate: policy.priorRate }
    : { ...DEFAULT_LINEAR_PRIOR };
}

/** A fresh model: the prior for this likelihood at dimension d (slot 0 of x is the bias). */
export function priorPosterior(policy: LearningPolicy, likelihood: Likelihood, d: number): Posterior {
  return createPrior(priorConfig(policy, likelihood), d);
}

/**
 * The regression target of one outcome: logistic models learn response = 1 / ignore = 0; linear models learn the
 * reward when one is given, else the same 1 / 0.
 */
export function targetOf(likelihood: Likelihood, outcome: 'response' | 'ignore', reward: number | null): number {
  if (likelihood === 'linear' && reward !== null) return reward;
  return outcome === 'response' ? 1 : 0;
}

/**
 * Writes an outcome's per-action contact-history slot into its stored context: the decision stored one x for all its
 * actions with `history.ignores` at 0 (that slot differs per action, `slotOverride` in the core), so each outcome is
 * learned with x[history.ignores] = encodeHistoryCount(the ignores of THAT action when it was decided) — the very x
 * its action was scored with. A schema without contact history leaves x as it is. Mutates and returns x.
 */
export function withRecentIgnores(encoder: Encoder, x: Float64Array, recentIgnores: number): Float64Array {
  const history = historySlotsOf(encoder);
  if (history && x.length === encoder.dimension) x[history.ignores] = encodeHistoryCount(recentIgnores);
  return x;
}

export interface LabelledRow {
  actionId: string;
  x: Float64Array;
  y: number;
}

/** Groups rows by action, keeping each action's rows in their original order (updates are applied in order). */
export function groupByAction(rows: readonly LabelledRow[], d: number): Map<string, ObservationBatch> {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.actionId, (counts.get(row.actionId) ?? 0) + 1);
  const batches = new Map<string, ObservationBatch>();
  for (const [actionId, n] of counts) {
    batches.set(actionId, { n: 0, d, x: new Float64Array(n * d), y: new Float64Array(n) });
  }
  for (const row of rows) {
    if (row.x.length !== d) throw new RangeError(`row for ${row.actionId} has dimension ${row.x.length}, expected ${d}`);
    const batch = batches.get(row.actionId)!;
    batch.x.set(row.x, batch.n * d);
    batch.y[batch.n] = row.y;
    batch.n += 1;
  }
  return batches;
}

/**
 * Folds one batch of an action's outcomes into its posterior. With forgetting on, the old evidence first decays
 * toward the prior by 0.5^(n / halfLife) — a half-life counted in the action's own observations, so the result
 * does not depend on how the learner happened to batch them. Outcomes that would make the model non-finite, or lie
 * outside the bounds of src/core/limits.ts, are refused (`updatePosteriorGuarded`) and counted in `refused`.
 */
export function foldBatchCounted(policy: LearningPolicy, post: Posterior, batch: ObservationBatch): { posterior: Posterior; refused: number } {
  if (batch.n === 0) return { posterior: post, refused: 0 };
  let start = post;
  if (policy.forgettingHalfLife > 0) {
    const keep = Math.pow(0.5, batch.n / policy.forgettingHalfLife);
    start = forgetTowardPrior(post, priorPosterior(policy, post.likelihood, post.d), keep);
  }
  return updatePosteriorGuarded(start, batch);
}

/** `foldBatchCounted` without the count. */
export function foldBatch(policy: LearningPolicy, post: Posterior, batch: ObservationBatch): Posterior {
  return foldBatchCounted(policy, post, batch).posterior;
}
