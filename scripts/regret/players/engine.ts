/**
 * Kairos itself as a bandit player: the service's decision path (`decide` from src/core/thompson.ts: Thompson
 * sampling over one posterior per action, arbitration on priority) and its learner (`groupByAction` + `foldBatch`
 * from src/learner/fold.ts on the rows accumulated since the last cycle, and with KAIROS_CHANGE_DETECTION the
 * learner's `createChangeWatch` and restart). Nothing here re-implements learning.
 *
 * Differences from the running service, each deliberate:
 * - `threshold` is −∞: a bandit protocol must pull an arm every round (the service's KAIROS_MIN_PRIORITY default
 *   of 0 never excludes a logistic action, whose priority is a probability, but would give "no action" on a round
 *   where every linear model samples a negative reward).
 * - `probabilityDraws` is 0: the selection probabilities are reported, never used to choose, and drawing them
 *   only slows the run. The choice itself is the same draw.
 * - One generator per player, seeded per seed, instead of a fresh generator per decision from a logged seed
 *   (the same distribution; fewer allocations).
 */
import type { Likelihood, Posterior, Rng } from '../../../src/core/types.js';
import { createRng } from '../../../src/core/rng.js';
import { createDecisionScratch, decide, type DecisionScratch } from '../../../src/core/thompson.js';
import { createChangeWatch } from '../../../src/learner/change-watch.js';
import { foldBatch, groupByAction, priorPosterior, type LabelledRow, type LearningPolicy } from '../../../src/learner/fold.js';
import type { Player } from '../problem.js';

/** The service's configuration as a player sees it: the learner's policy and the decision's draw correlation. */
export interface EnginePolicy extends LearningPolicy {
  /** ρ of `decide` (KAIROS_DRAW_CORRELATION). */
  drawCorrelation: number;
}

export interface EnginePlayerOptions {
  name?: string;
  k: number;
  d: number;
  likelihood: Likelihood;
  policy: EnginePolicy;
  /** Feedback is folded in once every `batch` observations (1 = every round). */
  batch: number;
  seed: number;
}

export interface EnginePlayer extends Player {
  /** The current posterior of each arm (for tests and diagnostics). */
  posteriors(): readonly Posterior[];
  /** When change detection restarted every arm: the number of observations seen by then, one entry per restart. */
  restarts(): readonly number[];
}

export function createEnginePlayer(options: EnginePlayerOptions): EnginePlayer {
  const { k, d, likelihood, policy } = options;
  if (!Number.isInteger(options.batch) || options.batch < 1) throw new RangeError(`batch must be a positive integer, got ${options.batch}`);
  const fresh = (): Posterior => priorPosterior(policy, likelihood, d);
  const posteriors: Posterior[] = Array.from({ length: k }, fresh);
  // Arms that were replaced get a new id, so feedback held for the retired arm is never folded into the new one.
  const generation = new Int32Array(k);
  const values = new Float64Array(k).fill(1);
  const levers = new Float64Array(k).fill(1);
  const scratch: DecisionScratch = createDecisionScratch(k, d);
  const rng: Rng = createRng(options.seed);
  let pending: LabelledRow[] = [];
  const changeWatch = createChangeWatch();
  /** Observations seen (folded or pending) when each change-detection restart happened. */
  const restarts: number[] = [];
  let observed = 0;

  const flush = (): void => {
    if (pending.length === 0) return;
    const batches = [...groupByAction(pending, d)].flatMap(([actionId, batch]) => {
      const [arm, gen] = actionId.split('#').map(Number) as [number, number];
      return gen === generation[arm] ? [{ actionId, arm, posterior: posteriors[arm]!, batch }] : [];
    });
    pending = [];
    const watch = policy.changeDetection ? changeWatch.test(batches) : undefined;
    if (watch) changeWatch.keep(watch);
    if (watch && watch.alarmed.length > 0) {
      // The learner's restart: every arm back to the prior, then this flush's outcomes folded in.
      restarts.push(observed);
      for (let arm = 0; arm < k; arm++) posteriors[arm] = fresh();
    }
    for (const { arm, batch } of batches) posteriors[arm] = foldBatch(policy, posteriors[arm]!, batch);
  };

  return {
    name: options.name ?? (options.batch === 1 ? 'Kairos (per-round updates)' : `Kairos (batches of ${options.batch})`),
    choose(x) {
      const result = decide(
        { posteriors, values, levers, x, threshold: -Infinity, slots: 1, probabilityDraws: 0, correlation: policy.drawCorrelation },
        rng,
        scratch,
      );
      const arm = result.chosen[0];
      if (arm === undefined) throw new Error('decide chose no action with threshold −∞');
      return arm;
    },
    observe(arm, x, y) {
      observed += 1;
      pending.push({ actionId: `${arm}#${generation[arm]}`, x: Float64Array.from(x), y });
      if (pending.length >= options.batch) flush();
    },
    flush,
    reset(arm) {
      generation[arm] = generation[arm]! + 1;
      posteriors[arm] = fresh();
    },
    posteriors: () => posteriors,
    restarts: () => restarts,
  };
}
