/**
 * Calibration deciles from prediction histograms: the grouping in closed form, its invariants (fast-check), and a
 * known-truth simulation — outcomes drawn from the predictions themselves, so every decile's observed rate should lie
 * in its binomial 95 % band about 95 % of the time.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/rng.js';
import type { PredictionBin } from '../../../src/quality/bins.js';
import { calibrationFromBins } from '../../../src/quality/calibration.js';
import { histogram, logit } from './support.js';

const bin = (b: number, positives: number, negatives: number, predicted: number): PredictionBin => ({ bin: b, positives, negatives, predicted });

describe('calibration deciles', () => {
  it('give one group per bin when ten bins hold equal counts, with mean predicted and observed rate', () => {
    const bins = Array.from({ length: 10 }, (_, i) => bin(i * 10, i, 10 - i, 10 * (i / 10 + 0.01)));
    const groups = calibrationFromBins(bins);
    expect(groups).toHaveLength(10);
    groups.forEach((g, i) => {
      expect(g.count).toBe(10);
      expect(g.observed).toBeCloseTo(i / 10, 12);
      expect(g.predicted).toBeCloseTo(i / 10 + 0.01, 12);
    });
  });

  it('never split a bin: one bin holding everything is one group; a heavy bin closes several tenths at once', () => {
    expect(calibrationFromBins([bin(100, 3, 7, 5)])).toEqual([{ predicted: 0.5, observed: 0.3, count: 10 }]);
    // 1 + 8 + 1 outcomes: the first bin is the first tenth, the heavy bin reaches the ninth, the last bin the tenth.
    const groups = calibrationFromBins([bin(1, 0, 1, 0.1), bin(2, 4, 4, 3.2), bin(3, 1, 0, 0.9)]);
    expect(groups.map((g) => g.count)).toEqual([1, 8, 1]);
    expect(calibrationFromBins([])).toEqual([]);
    expect(calibrationFromBins([bin(4, 0, 0, 0)])).toEqual([]);
  });

  it('keep every outcome once, at most 10 groups, in increasing order of prediction, each ≈ a tenth', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 199 }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.tuple(fc.nat(30), fc.nat(30)), { minLength: 60, maxLength: 60 }),
        (indices, counts) => {
          const sorted = [...indices].sort((a, b) => a - b);
          // Predictions inside bin b lie in ((b − 100)/10, (b − 99)/10) on the logit: use the bin's centre.
          const bins = sorted.map((b, i) => {
            const [pos, neg] = counts[i]!;
            const p = 1 / (1 + Math.exp(-((b - 100 + 0.5) / 10)));
            return bin(b, pos, neg, (pos + neg) * p);
          });
          const total = bins.reduce((s, b) => s + b.positives + b.negatives, 0);
          const heaviest = Math.max(...bins.map((b) => b.positives + b.negatives));
          const groups = calibrationFromBins(bins);
          expect(groups.length).toBeLessThanOrEqual(10);
          expect(groups.reduce((s, g) => s + g.count, 0)).toBe(total);
          for (let i = 1; i < groups.length; i++) expect(groups[i]!.predicted).toBeGreaterThan(groups[i - 1]!.predicted);
          for (const g of groups) {
            expect(g.count).toBeLessThanOrEqual(Math.ceil(total / 10) + heaviest);
            expect(g.observed).toBeGreaterThanOrEqual(0);
            expect(g.observed).toBeLessThanOrEqual(1);
          }
        },
      ),
    );
  });

  it('of well-calibrated predictions put the observed rate in the binomial 95 % band ≈ 95 % of the time', () => {
    const rng = createRng(2026);
    const reps = 200;
    let inside = 0;
    let groupsSeen = 0;
    for (let r = 0; r < reps; r++) {
      const rows = [];
      for (let i = 0; i < 4_000; i++) {
        const p = 0.01 + 0.98 * rng.nextFloat();
        rows.push({ z: logit(p), positive: rng.nextFloat() < p });
      }
      for (const g of calibrationFromBins(histogram(rows))) {
        groupsSeen++;
        const half = 1.959963984540054 * Math.sqrt((g.predicted * (1 - g.predicted)) / g.count);
        if (Math.abs(g.observed - g.predicted) <= half) inside++;
      }
    }
    const share = inside / groupsSeen;
    console.log(`calibration: observed rate inside its binomial 95 % band in ${inside}/${groupsSeen} deciles (${(100 * share).toFixed(1)} %)`);
    expect(groupsSeen).toBe(reps * 10);
    expect(share).toBeGreaterThanOrEqual(0.93);
    expect(share).toBeLessThanOrEqual(0.97);
  });

  it('show a miscalibrated model: predictions twice the truth sit above the observed rate in every decile', () => {
    const rng = createRng(7);
    const rows = [];
    for (let i = 0; i < 20_000; i++) {
      const truth = 0.02 + 0.2 * rng.nextFloat();
      rows.push({ z: logit(2 * truth), positive: rng.nextFloat() < truth });
    }
    for (const g of calibrationFromBins(histogram(rows))) expect(g.predicted).toBeGreaterThan(1.5 * g.observed);
  });
});
