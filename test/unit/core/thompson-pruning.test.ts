import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/rng.js';
import { createDecisionScratch, decide, DRAW_CORRELATION } from '../../../src/core/thompson.js';
import type { Posterior } from '../../../src/core/types.js';
import { normalCdf, scalarPosterior } from './support.js';

describe('re-draw pruning', () => {
  const x = Float64Array.of(1);

  it('gives actions that cannot win probability 0 and leaves the contenders’ probabilities unbiased', () => {
    // Two close contenders and 48 actions whose best case is far below the contenders' worst case.
    const posteriors = [scalarPosterior('logistic', -1, 0.01), scalarPosterior('logistic', -1.05, 0.01)];
    for (let i = 0; i < 48; i++) posteriors.push(scalarPosterior('logistic', -6, 0.01));
    const k = posteriors.length;
    const values = new Float64Array(k).fill(1);
    const levers = new Float64Array(k).fill(1);
    const draws = 20_000;
    const result = decide({ posteriors, values, levers, x, threshold: 0, slots: 1, probabilityDraws: draws }, createRng(3), createDecisionScratch(k, 1));
    for (let i = 2; i < k; i++) expect(result.probability[i]).toBe(0);
    // Exact P(z1 > z0) for draws zᵢ = mᵢ + s(c + √(1−ρ)·uᵢ) with one shared c and equal s: c cancels, so
    // z1 − z0 ~ N(m1 − m0, 2s²(1−ρ)).
    const exact = normalCdf(0.05 / (0.1 * Math.sqrt(2 * (1 - DRAW_CORRELATION))));
    const sd = Math.sqrt((exact * (1 - exact)) / draws);
    expect(Math.abs(result.probability[0]! - exact)).toBeLessThan(4 * sd);
    expect(result.probability[0]! + result.probability[1]!).toBeCloseTo(1, 12);
  });

  it('never prunes an action that can still clear the bar', () => {
    // Wide posterior: its upper tail reaches the leader's range, so it keeps a small positive probability.
    const posteriors = [scalarPosterior('logistic', 0, 0.0001), scalarPosterior('logistic', -3, 1)];
    const result = decide(
      { posteriors, values: Float64Array.of(1, 1), levers: Float64Array.of(1, 1), x, threshold: 0, slots: 1, probabilityDraws: 50_000 },
      createRng(5),
      createDecisionScratch(2, 1),
    );
    const exact = 1 - normalCdf(3 / Math.sqrt(1.0001));
    expect(result.probability[1]).toBeGreaterThan(0);
    expect(Math.abs(result.probability[1]! - exact)).toBeLessThan(4 * Math.sqrt((exact * (1 - exact)) / 50_000) + 1 / 50_000);
  });
});
