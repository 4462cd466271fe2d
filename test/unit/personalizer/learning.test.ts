/**
 * Known truth (issue #12, quality bar "a learning test"): the tutorial world of scripts/lib/personalizer-worlds.ts —
 * contexts time of day × taste × weather, seven dishes with features, reward 1 for the preferred dish — ranked by
 * rankCandidates and learned by updateLinear, 5,000 events, fixed seeds. The best policy earns 1; uniform earns 1/7;
 * with Personalizer's default exploration (ε = 0.2) the best a learner can earn is 0.8 + 0.2/7 ≈ 0.829.
 */
import { describe, expect, it } from 'vitest';
import { DISHES, runTutorial } from '../../../scripts/lib/personalizer-worlds.js';

const UNIFORM = 1 / DISHES.length;

describe('the tutorial world', () => {
  it('with ε = 0.2: the last fifth clearly beats uniform and closes most of the gap to the best (3 seeds)', () => {
    for (const seed of [1, 2, 3]) {
      const run = runTutorial({ seed, events: 5000, epsilon: 0.2 });
      const closed = (run.lastFifth - UNIFORM) / (1 - UNIFORM);
      console.log(`tutorial seed ${seed}, ε = 0.2: reward by fifth ${run.fifths.map((f) => f.toFixed(3)).join(' ')}; gap to the best closed ${(100 * closed).toFixed(1)} % (ceiling at ε = 0.2: 80.0 %)`);
      expect(run.lastFifth).toBeGreaterThan(4 * UNIFORM);
      expect(closed).toBeGreaterThan(0.75);
      expect(run.fifths[4]).toBeGreaterThan(run.fifths[0]!);
    }
  });

  it('with ε = 0 it learns the table outright; with 16 irrelevant context features it still reaches the ε = 0.2 ceiling', () => {
    const pure = runTutorial({ seed: 4, events: 5000, epsilon: 0 });
    console.log(`tutorial seed 4, ε = 0: reward by fifth ${pure.fifths.map((f) => f.toFixed(3)).join(' ')}`);
    expect(pure.lastFifth).toBeGreaterThan(0.95);
    const rich = runTutorial({ seed: 5, events: 5000, epsilon: 0.2, extraFeatures: 16 });
    console.log(`tutorial seed 5, ε = 0.2, 16 irrelevant features: reward by fifth ${rich.fifths.map((f) => f.toFixed(3)).join(' ')}`);
    expect((rich.lastFifth - UNIFORM) / (1 - UNIFORM)).toBeGreaterThan(0.75);
  });

  it('learns from batched rewards too (the learner folds a cycle at a time: batches of 50)', () => {
    const run = runTutorial({ seed: 6, events: 5000, epsilon: 0.2, batch: 50 });
    console.log(`tutorial seed 6, ε = 0.2, batches of 50: reward by fifth ${run.fifths.map((f) => f.toFixed(3)).join(' ')}`);
    expect((run.lastFifth - UNIFORM) / (1 - UNIFORM)).toBeGreaterThan(0.75);
  });
});
