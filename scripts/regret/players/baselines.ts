/**
 * Reference players that are not Kairos: Uniform random (the denominator of "% of Uniform") and, for the
 * context-free delay protocol, Chapelle & Li's (2011) Beta–Bernoulli Thompson sampling (Algorithm 2, Beta(1, 1)
 * prior), which checks that the simulator reproduces the published figures.
 */
import { createRng } from '../../../src/core/rng.js';
import { betaDraw } from '../data/delay.js';
import type { Player } from '../problem.js';

export function createUniformPlayer(k: number, seed: number): Player {
  const rng = createRng(seed);
  return {
    name: 'Uniform random',
    choose: () => rng.nextInt(k),
    observe: () => {},
    flush: () => {},
    reset: () => {},
  };
}

/** Beta–Bernoulli TS with success/failure counts, feedback applied every `batch` observations. */
export function createBetaTsPlayer(k: number, batch: number, seed: number): Player {
  const rng = createRng(seed);
  const successes = new Float64Array(k);
  const failures = new Float64Array(k);
  const generation = new Int32Array(k);
  let held: { arm: number; gen: number; y: number }[] = [];
  const flush = (): void => {
    for (const { arm, gen, y } of held) {
      if (gen !== generation[arm]) continue;
      if (y > 0) successes[arm] = successes[arm]! + 1;
      else failures[arm] = failures[arm]! + 1;
    }
    held = [];
  };
  return {
    name: 'Beta–Bernoulli TS (Chapelle & Li reference, not Kairos)',
    choose() {
      let best = 0;
      let bestDraw = -1;
      for (let a = 0; a < k; a += 1) {
        const draw = betaDraw(rng, successes[a]! + 1, failures[a]! + 1);
        if (draw > bestDraw) {
          bestDraw = draw;
          best = a;
        }
      }
      return best;
    },
    observe(arm, _x, y) {
      held.push({ arm, gen: generation[arm]!, y });
      if (held.length >= batch) flush();
    },
    flush,
    reset(arm) {
      generation[arm] = generation[arm]! + 1;
      successes[arm] = 0;
      failures[arm] = 0;
    },
  };
}
