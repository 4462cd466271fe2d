import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleMoments, wilsonInterval } from '../../../src/core/intervals.js';

describe('wilsonInterval', () => {
  it('matches published 95 % Wilson intervals', () => {
    // 81/263 is Newcombe (1998, Stat Med 17:857) example (a); the others are standard table values
    const cases: [number, number, number, number][] = [
      [0, 10, 0, 0.2775],
      [5, 10, 0.2366, 0.7634],
      [10, 10, 0.7225, 1],
      [81, 263, 0.2553, 0.3662],
    ];
    for (const [s, n, lo, hi] of cases) {
      const interval = wilsonInterval(s, n)!;
      expect(interval[0]).toBeCloseTo(lo, 4);
      expect(interval[1]).toBeCloseTo(hi, 4);
    }
  });

  it('is null without trials', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it('lies in [0, 1], contains the observed rate and narrows with more trials', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, rate) => {
        const s = Math.round(rate * n);
        const [lo, hi] = wilsonInterval(s, n)!;
        expect(lo).toBeGreaterThanOrEqual(0);
        expect(hi).toBeLessThanOrEqual(1);
        expect(lo).toBeLessThanOrEqual(s / n + 1e-12);
        expect(hi).toBeGreaterThanOrEqual(s / n - 1e-12);
        const [lo4, hi4] = wilsonInterval(4 * s, 4 * n)!;
        expect(hi4 - lo4).toBeLessThan(hi - lo + 1e-12);
      }),
    );
  });

  it('widens with z', () => {
    const [lo95, hi95] = wilsonInterval(30, 100)!;
    const [lo99, hi99] = wilsonInterval(30, 100, 2.5758293035489)!;
    expect(lo99).toBeLessThan(lo95);
    expect(hi99).toBeGreaterThan(hi95);
  });

  it('rejects impossible counts with RangeError', () => {
    expect(() => wilsonInterval(5, 3)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 3)).toThrow(RangeError);
    expect(() => wilsonInterval(1, Number.NaN)).toThrow(RangeError);
    expect(() => wilsonInterval(1, 3, 0)).toThrow(RangeError);
  });
});

describe('sampleMoments', () => {
  it('match the two-pass mean and sample variance; null below 1 and 2 values; never negative', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 50 }), (xs) => {
        const n = xs.length;
        const sum = xs.reduce((a, b) => a + b, 0);
        const mean = sum / n;
        const twoPass = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
        const m = sampleMoments(n, sum, xs.reduce((a, b) => a + b * b, 0));
        expect(m.mean).toBeCloseTo(mean, 6);
        expect(m.variance!).toBeGreaterThanOrEqual(0);
        expect(Math.abs(m.variance! - twoPass)).toBeLessThanOrEqual(1e-6 * Math.max(1, twoPass, mean * mean));
      }),
    );
    expect(sampleMoments(0, 0, 0)).toEqual({ mean: null, variance: null });
    expect(sampleMoments(1, 3, 9)).toEqual({ mean: 3, variance: null });
    expect(sampleMoments(3, 6, 12).variance).toBe(0);
    // Equal values whose sums carry rounding: a hair above 0 at most, never below.
    const v = sampleMoments(3, 0.1 + 0.1 + 0.1, 0.01 + 0.01 + 0.01).variance!;
    expect(v).toBeGreaterThanOrEqual(0);
    expect(v).toBeLessThan(1e-15);
  });
});
