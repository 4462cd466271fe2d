/**
 * Issue #12 item 5 at the core level, on known truth (scripts/lib/personalizer-worlds.ts, fixed seeds): after a warm-up
 * where W (0.6) wins over three losers (0.25–0.35), a new action N appears. Its first posterior from newActionPrior
 * (the tempered mean of its look-alikes) against the cold prior. bench:personalizer-cold runs the same with 20 seeds
 * and more variants.
 */
import { describe, expect, it } from 'vitest';
import { type NewActionRun, type NewActionScenario, runNewAction } from '../../../scripts/lib/personalizer-worlds.js';

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

function runs(scenario: NewActionScenario, borrow: boolean): NewActionRun[] {
  return SEEDS.map((seed) => runNewAction({ seed, scenario, borrow, warmup: 600, after: 500, epsilon: 0 }));
}

const mean = (xs: number[]): number => xs.reduce((s, v) => s + v, 0) / xs.length;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
};

describe('a new action that resembles the winner', () => {
  it('starts ahead of a cold prior and is preferred sooner (12 seeds)', () => {
    const borrowed = runs('like-winner-better', true);
    const cold = runs('like-winner-better', false);
    const b = borrowed.map((r) => r.eventsToPrefer);
    const c = cold.map((r) => r.eventsToPrefer);
    console.log(
      `N like W and better: events to prefer N borrowed ${mean(b).toFixed(0)} (median ${median(b)}), cold ${mean(c).toFixed(0)} (median ${median(c)}); ` +
        `first P(N) borrowed ${mean(borrowed.map((r) => r.firstProbability)).toFixed(3)}, cold ${mean(cold.map((r) => r.firstProbability)).toFixed(3)}; ` +
        `regret borrowed ${mean(borrowed.map((r) => r.regret)).toFixed(1)}, cold ${mean(cold.map((r) => r.regret)).toFixed(1)}`,
    );
    // Same seed, same warm-up: the only difference at N's first rank is its prior.
    for (let s = 0; s < SEEDS.length; s++) expect(borrowed[s]!.firstProbability).toBeGreaterThan(cold[s]!.firstProbability);
    expect(median(b)).toBeLessThan(median(c));
  });
});

describe('controls', () => {
  it('a new action that resembles a loser but is the best is not held back much (regret within 25 % + 5 of cold)', () => {
    const borrowed = runs('like-loser-better', true).map((r) => r.regret);
    const cold = runs('like-loser-better', false).map((r) => r.regret);
    console.log(`N like the loser L1 and best: regret borrowed ${mean(borrowed).toFixed(1)}, cold ${mean(cold).toFixed(1)}`);
    expect(mean(borrowed)).toBeLessThanOrEqual(1.25 * mean(cold) + 5);
  });

  it('a new action that resembles the winner but is worse costs little more than cold (regret within 25 % + 5)', () => {
    const borrowed = runs('like-winner-worse', true).map((r) => r.regret);
    const cold = runs('like-winner-worse', false).map((r) => r.regret);
    console.log(`N like W but worse: regret borrowed ${mean(borrowed).toFixed(1)}, cold ${mean(cold).toFixed(1)}`);
    expect(mean(borrowed)).toBeLessThanOrEqual(1.25 * mean(cold) + 5);
  });
});
