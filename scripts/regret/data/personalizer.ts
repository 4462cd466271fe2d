/**
 * The Personalizer tutorial world (../personalizer-world.ts) as a bandit problem: each round a drawn context, its
 * free-form `contextFeatures` flattened and hashed exactly as the service does (src/personalizer/core/features.ts),
 * the seven foods as arms, reward 1 for the preferred food and 0 otherwise, regret 1 − reward (the best policy earns
 * 1 every round, so regret counts the rounds a player served the wrong food).
 */
import { createRng } from '../../../src/core/rng.js';
import { encodeFeatures, flattenFeatures } from '../../../src/personalizer/core/features.js';
import { PERSONALIZER_DIMENSION } from '../../../src/personalizer/types.js';
import { contextFeatures, drawContext, preferredAction, worldActions, worldReward, type WorldContext } from '../personalizer-world.js';
import type { BanditProblem, Player } from '../problem.js';

export const PERSONALIZER_ROUNDS = 5_000;

export interface PersonalizerProblem extends BanditProblem {
  /** The preferred arm of each round (the best policy's choice). */
  preferred: Int32Array;
}

/** `rounds` contexts drawn from `seed`, encoded once. */
export function personalizerProblem(seed: number, rounds = PERSONALIZER_ROUNDS): PersonalizerProblem {
  const rng = createRng(seed);
  const ids = worldActions().map((a) => a.id);
  const contexts: WorldContext[] = Array.from({ length: rounds }, () => drawContext(rng));
  const encoded = contexts.map((c) => encodeFeatures([flattenFeatures(contextFeatures(c), 'c', 'contextFeatures')]));
  const preferred = Int32Array.from(contexts, (c) => ids.indexOf(preferredAction(c)));
  return {
    name: 'personalizer-tutorial',
    k: ids.length,
    d: PERSONALIZER_DIMENSION,
    likelihood: 'linear',
    rounds,
    preferred,
    context: (t) => encoded[t]!,
    reward: (t, arm) => worldReward(contexts[t]!, ids[arm]!),
    regret: (t, arm) => 1 - worldReward(contexts[t]!, ids[arm]!),
  };
}

/** The best policy: serves each round's preferred food (it reads the round from the order it is asked in). */
export function createBestPlayer(problem: PersonalizerProblem): Player {
  let t = 0;
  return {
    name: 'Best (the preferred food)',
    choose: () => problem.preferred[t++]!,
    observe: () => {},
    flush: () => {},
    reset: () => {},
  };
}

/**
 * The reward rate over the last fifth of the rounds, from a mean cumulative-regret curve (regret = 1 − reward per
 * round): 1 − (regret at the end − regret at the last checkpoint at or before 4/5 of the rounds) / rounds between.
 */
export function lastFifthRewardRate(curve: Float64Array, checkpoints: Int32Array, rounds: number): number {
  const cut = Math.floor((4 * rounds) / 5);
  let i = -1;
  for (let j = 0; j < checkpoints.length; j++) if (checkpoints[j]! <= cut) i = j;
  const startRound = i < 0 ? 0 : checkpoints[i]!;
  const startRegret = i < 0 ? 0 : curve[i]!;
  return 1 - (curve[curve.length - 1]! - startRegret) / (rounds - startRound);
}
