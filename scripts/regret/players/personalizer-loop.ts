/**
 * The Personalizer loop's policy as a bandit player: one linear Normal–Inverse-Gamma model per action, started as
 * the service starts a new action (`newActionPrior` from the foods' features, which with no known action is the
 * cold PERSONALIZER_PRIOR), ranked with `rankCandidates` (Thompson sampling with exact selection probabilities and
 * Personalizer's exploration percentage mixed in) and learned with `updateLinear`, one reward at a time as the
 * service's learner folds them. Nothing here re-implements learning.
 *
 * The one difference from the service: rewards are folded the round they arrive, where the service folds them at
 * its next learner cycle (tens of milliseconds later).
 */
import { updateLinear } from '../../../src/core/linear.js';
import { createRng } from '../../../src/core/rng.js';
import type { Posterior } from '../../../src/core/types.js';
import { flattenFeatures } from '../../../src/personalizer/core/features.js';
import { newActionPrior } from '../../../src/personalizer/core/prior.js';
import { rankCandidates } from '../../../src/personalizer/core/ranker.js';
import type { FlatFeature, RankableAction } from '../../../src/personalizer/types.js';
import type { Player } from '../problem.js';

export interface PersonalizerLoopOptions {
  actions: readonly RankableAction[];
  d: number;
  /** Personalizer's explorationPercentage in [0, 1]. */
  explorationPercentage: number;
  seed: number;
  name?: string;
}

export function createPersonalizerLoopPlayer(options: PersonalizerLoopOptions): Player {
  const { d, explorationPercentage } = options;
  const features: FlatFeature[][] = options.actions.map((a, i) => flattenFeatures(a.features, 'a', `actions.${i}.features`));
  // Actions are created in request order, each one knowing the ones created before it (as on a first rank).
  const posteriors: Posterior[] = [];
  features.forEach((f) => posteriors.push(newActionPrior(f, posteriors.map((posterior, j) => ({ features: features[j]!, posterior })), d)));
  const fresh = [...posteriors];
  const rng = createRng(options.seed);
  const y = new Float64Array(1);
  return {
    name: options.name ?? `Kairos Personalizer loop (exploration ${Math.round(100 * explorationPercentage)} %)`,
    choose: (x) => rankCandidates({ posteriors, x, explorationPercentage }, rng).chosen,
    observe(arm, x, reward) {
      y[0] = reward;
      posteriors[arm] = updateLinear(posteriors[arm]!, { n: 1, d, x, y });
    },
    flush: () => {},
    reset(arm) {
      posteriors[arm] = fresh[arm]!;
    },
  };
}
