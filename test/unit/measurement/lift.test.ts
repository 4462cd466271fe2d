/**
 * The lift maths (src/measurement/lift.ts) against closed forms, a brute-force Monte Carlo variance of the ratio,
 * and properties (fast-check).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/rng.js';
import { deltaMethodVariance, EMPTY_SUMS, groupView, liftOf, meanEstimate, relativeLift, type GroupSums } from '../../../src/measurement/lift.js';
import { Z95 } from '../../../src/core/intervals.js';

/** Sums of a list of per-opportunity values, as decision_counts keeps them. */
function sumsOf(values: readonly number[]): { sum: number; sumSq: number; n: number } {
  return { sum: values.reduce((a, v) => a + v, 0), sumSq: values.reduce((a, v) => a + v * v, 0), n: values.length };
}

const groupOf = (responses: readonly number[], values: readonly number[]): GroupSums => ({
  opportunities: responses.length,
  contacts: responses.length,
  responses: responses.reduce((a, v) => a + v, 0),
  responsesSq: responses.reduce((a, v) => a + v * v, 0),
  value: values.reduce((a, v) => a + v, 0),
  valueSq: values.reduce((a, v) => a + v * v, 0),
});

describe('meanEstimate', () => {
  it('gives the mean and s²/n from the sum and the sum of squares (closed form)', () => {
    const { sum, sumSq, n } = sumsOf([1, 2, 3, 4]);
    const e = meanEstimate(sum, sumSq, n);
    expect(e.mean).toBe(2.5);
    // s² = Σ(x − 2.5)² / 3 = 5/3; Var x̄ = 5/12.
    expect(e.variance).toBeCloseTo(5 / 12, 14);
  });

  it('equals the two-pass sample variance of the values (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 2, maxLength: 200 }), (values) => {
        const { sum, sumSq, n } = sumsOf(values);
        const mean = sum / n;
        const twoPass = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1) / n;
        const e = meanEstimate(sum, sumSq, n);
        expect(e.mean).toBeCloseTo(mean, 9);
        expect(Math.abs(e.variance! - twoPass)).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(twoPass)) + 1e-12 * (sumSq / n));
      }),
    );
  });

  it('is null without opportunities, has no variance with one, and never goes negative', () => {
    expect(meanEstimate(0, 0, 0)).toEqual({ mean: null, variance: null });
    expect(meanEstimate(3, 9, 1)).toEqual({ mean: 3, variance: null });
    // 0.1 × 3 in floating point: Q − S²/n is a hair below zero.
    expect(meanEstimate(0.1 * 3, 0.01 * 3, 3).variance).toBe(0);
  });
});

describe('relativeLift (delta method)', () => {
  it('matches the closed form (p/c)² (Var p/p² + Var c/c²) and its ± z interval', () => {
    const policy = { mean: 0.03, variance: 0.03 * 0.97 / 45_000 };
    const control = { mean: 0.02, variance: 0.02 * 0.98 / 5_000 };
    const ratio = 0.03 / 0.02;
    const expected = ratio ** 2 * (policy.variance / 0.03 ** 2 + control.variance / 0.02 ** 2);
    expect(deltaMethodVariance(policy, control)).toBeCloseTo(expected, 14);
    const lift = relativeLift(policy, control);
    expect(lift.estimate).toBeCloseTo(0.5, 14);
    const half = Z95 * Math.sqrt(expected);
    expect(lift.ci95![0]).toBeCloseTo(0.5 - half, 12);
    expect(lift.ci95![1]).toBeCloseTo(0.5 + half, 12);
  });

  it('agrees with a brute-force Monte Carlo variance of the ratio of two Bernoulli means (seed 20261201)', () => {
    const rng = createRng(20261201);
    const [np, nc, p, c] = [2_000, 1_000, 0.3, 0.2];
    const reps = 20_000;
    let s = 0;
    let s2 = 0;
    for (let r = 0; r < reps; r++) {
      let yp = 0;
      let yc = 0;
      for (let i = 0; i < np; i++) if (rng.nextFloat() < p) yp++;
      for (let i = 0; i < nc; i++) if (rng.nextFloat() < c) yc++;
      const ratio = yp / np / (yc / nc);
      s += ratio;
      s2 += ratio * ratio;
    }
    const mcVariance = (s2 - (s * s) / reps) / (reps - 1);
    const delta = deltaMethodVariance({ mean: p, variance: (p * (1 - p)) / np }, { mean: c, variance: (c * (1 - c)) / nc })!;
    // The delta method is first order: its relative error here is O(CV²(ĉ)) ≈ 3 × 0.004; the MC error of a variance
    // over 20,000 draws is ≈ √(2/20,000) = 1 %. 5 % holds both with room.
    expect(Math.abs(mcVariance / delta - 1), `MC ${mcVariance}, delta ${delta}`).toBeLessThan(0.05);
  });

  it('is null when control has no opportunities or a zero mean; defined (−1) when the policy mean is 0', () => {
    expect(relativeLift({ mean: 0.03, variance: 1e-6 }, { mean: null, variance: null })).toEqual({ estimate: null, ci95: null });
    expect(relativeLift({ mean: 0.03, variance: 1e-6 }, { mean: 0, variance: 0 })).toEqual({ estimate: null, ci95: null });
    const zero = relativeLift({ mean: 0, variance: 0 }, { mean: 0.02, variance: 1e-6 });
    expect(zero.estimate).toBe(-1);
    expect(zero.ci95).toEqual([-1, -1]);
    // One opportunity has no variance: an estimate, no interval.
    expect(relativeLift({ mean: 1, variance: null }, { mean: 0.5, variance: 1e-3 })).toEqual({ estimate: 1, ci95: null });
  });

  it('lift is invariant to the currency of value, and zero for identical groups (property)', () => {
    const outcomes = fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 1_000_000 }).map((cents) => cents / 100)), { minLength: 2, maxLength: 100 });
    fc.assert(
      fc.property(outcomes, outcomes, fc.double({ min: 0.01, max: 100, noNaN: true }), (a, b, k) => {
        const g = (rows: typeof a, scale: number) => groupOf(rows.map(([r]) => r), rows.map(([r, v]) => r * v * scale));
        const base = liftOf(g(a, 1), g(b, 1)).valuePerOpportunity;
        const scaled = liftOf(g(a, k), g(b, k)).valuePerOpportunity;
        if (base.estimate === null) expect(scaled.estimate).toBeNull();
        else {
          expect(scaled.estimate!).toBeCloseTo(base.estimate, 6);
          if (base.ci95) for (const i of [0, 1]) expect(scaled.ci95![i]!).toBeCloseTo(base.ci95[i]!, 6);
        }
        const same = liftOf(g(b, 1), g(b, 1)).responseRate;
        if (same.estimate !== null) expect(same.estimate).toBeCloseTo(0, 12);
      }),
    );
  });
});

describe('groupView', () => {
  it('reports rates per opportunity, null (never NaN) without opportunities', () => {
    expect(groupView(EMPTY_SUMS)).toEqual({ opportunities: 0, contacts: 0, responses: 0, responseRate: null, value: 0, valuePerOpportunity: null });
    expect(groupView(groupOf([1, 0, 0, 1], [10, 0, 0, 30]))).toEqual({ opportunities: 4, contacts: 4, responses: 2, responseRate: 0.5, value: 40, valuePerOpportunity: 10 });
  });
});
