/**
 * The `personalizer` data set of bench:regret: the tutorial world's problem (hashed free-form contexts, known truth),
 * its best-policy player, the Personalizer loop's player, and the last-fifth reward rate read from a regret curve.
 */
import { describe, expect, it } from 'vitest';
import { createBestPlayer, lastFifthRewardRate, personalizerProblem } from '../../scripts/regret/data/personalizer.js';
import { runDataset } from '../../scripts/regret/datasets.js';
import { allContexts, preferredAction, UNIFORM_REWARD_RATE, worldActions } from '../../scripts/regret/personalizer-world.js';
import { playProblem } from '../../scripts/regret/protocols/play.js';
import { summariseRows } from '../../scripts/regret/report.js';
import { DRAW_CORRELATION } from '../../src/core/thompson.js';

const policy = { priorRate: 0.05, forgettingHalfLife: 0, changeDetection: false, drawCorrelation: DRAW_CORRELATION };

describe('the tutorial world', () => {
  it('every food is preferred somewhere; the device never matters', () => {
    const preferred = new Set(allContexts().map(preferredAction));
    expect([...preferred].sort()).toEqual(worldActions().map((a) => a.id).sort());
    for (const c of allContexts()) expect(preferredAction(c)).toBe(preferredAction({ ...c, device: 'mobile' }));
  });
});

describe('the personalizer data set', () => {
  it('rewards 1 only for the preferred food; the best player has no regret', () => {
    const problem = personalizerProblem(3, 500);
    for (let t = 0; t < 50; t++) {
      const rewards = Array.from({ length: problem.k }, (_, arm) => problem.reward(t, arm));
      expect(rewards.reduce((a, b) => a + b, 0)).toBe(1);
      expect(rewards[problem.preferred[t]!]).toBe(1);
    }
    expect(playProblem(problem, createBestPlayer(problem)).regret).toBe(0);
  });

  it('lastFifthRewardRate reads the last fifth off a cumulative regret curve', () => {
    // 10 rounds, checkpoints every 2: regret 1 per round for 8 rounds, then 0: the last fifth earned everything.
    const checkpoints = Int32Array.from([2, 4, 6, 8, 10]);
    expect(lastFifthRewardRate(Float64Array.from([2, 4, 6, 8, 8]), checkpoints, 10)).toBe(1);
    expect(lastFifthRewardRate(Float64Array.from([0, 0, 0, 0, 1]), checkpoints, 10)).toBe(0.5);
  });

  it('the loop learns it: last fifth of 3,000 rounds ≥ 2× Uniform and most of the gap to the best closed', () => {
    const { report } = runDataset('personalizer', { dataDir: '', seeds: [1, 2], rounds: 3_000, policy }) as Extract<ReturnType<typeof runDataset>, { kind: 'regret' }>;
    const rows = summariseRows(report);
    const rate = (name: string): number => Number(rows.find((r) => r.name.startsWith(name))!.extra!['reward rate, last fifth']);
    expect(rate('Uniform')).toBeLessThan(2 * UNIFORM_REWARD_RATE);
    expect(rate('Best')).toBe(1);
    const loop = rate('Kairos Personalizer loop (explorationPercentage 0)');
    expect(loop).toBeGreaterThanOrEqual(2 * UNIFORM_REWARD_RATE);
    expect((loop - UNIFORM_REWARD_RATE) / (1 - UNIFORM_REWARD_RATE)).toBeGreaterThanOrEqual(0.5);
  });
});
