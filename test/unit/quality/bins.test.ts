/** The logit binning of prequential predictions and the per-cycle tally. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BIN_COUNT, binBounds, binOfLogit, binOfProbability, PredictionTally } from '../../../src/quality/bins.js';
import { sigmoid } from './support.js';

describe('prediction bins', () => {
  it('are 200 bins of width 0.1 on the logit over [−10, 10], clamped at both ends', () => {
    expect(BIN_COUNT).toBe(200);
    expect(binOfLogit(-10)).toBe(0);
    expect(binOfLogit(-9.95)).toBe(0);
    expect(binOfLogit(-9.85)).toBe(1);
    expect(binOfLogit(0)).toBe(100);
    expect(binOfLogit(-0.05)).toBe(99);
    expect(binOfLogit(9.99)).toBe(199);
    expect(binOfLogit(10)).toBe(199);
    expect(binOfLogit(-1e9)).toBe(0);
    expect(binOfLogit(-Infinity)).toBe(0);
    expect(binOfLogit(Infinity)).toBe(199);
    expect(binOfProbability(0)).toBe(0);
    expect(binOfProbability(1)).toBe(199);
    expect(binOfProbability(0.5)).toBe(100);
    // A 1 % response rate: logit −4.595 → bin 54.
    expect(binOfProbability(0.01)).toBe(54);
  });

  it('preserve the order of predictions and put each in the bin whose bounds hold it', () => {
    fc.assert(
      fc.property(fc.double({ min: -9.999, max: 9.999, noNaN: true }), fc.double({ min: -9.999, max: 9.999, noNaN: true }), (a, b) => {
        if (a <= b) expect(binOfLogit(a)).toBeLessThanOrEqual(binOfLogit(b));
        const [lo, hi] = binBounds(binOfLogit(a));
        expect(a).toBeGreaterThanOrEqual(lo - 1e-12);
        expect(a).toBeLessThan(hi + 1e-12);
        // The probability and the logit land in the same bin except within rounding of a boundary.
        const viaP = binOfProbability(sigmoid(a));
        expect(Math.abs(viaP - binOfLogit(a))).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('tally per action and bin: labels split, predicted probabilities summed, NaN refused', () => {
    const tally = new PredictionTally();
    tally.add('a', 0, true);
    tally.add('a', 0.01, false);
    tally.add('a', -4.6, false);
    tally.add('b', 2, true);
    tally.add('b', Number.NaN, true);
    const entries = new Map(tally.entries());
    expect(entries.get('a')).toEqual([
      { bin: 54, positives: 0, negatives: 1, predicted: sigmoid(-4.6) },
      { bin: 100, positives: 1, negatives: 1, predicted: 0.5 + sigmoid(0.01) },
    ]);
    expect(entries.get('b')).toEqual([{ bin: 120, positives: 1, negatives: 0, predicted: sigmoid(2) }]);
  });
});
