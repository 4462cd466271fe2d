/**
 * AUC from prediction histograms against the exact Mann–Whitney AUC of the raw predictions, the Hanley–McNeil
 * interval's closed form, and known-truth simulations (fixed seeds): outcomes drawn from the predictions themselves,
 * whose AUC is known analytically.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/rng.js';
import { aucFromBins, hanleyMcNeilSe } from '../../../src/quality/auc.js';
import { binBounds } from '../../../src/quality/bins.js';
import { exactAuc, histogram, logit, type Scored } from './support.js';

/**
 * p ~ Uniform(0, c), y ~ Bernoulli(p): AUC = P(p₊ > p₋) with densities ∝ p and ∝ 1 − p on (0, c), which integrates
 * to (2/3 − c/4) / (1 − c/2) (c = 1: 5/6).
 */
const analyticAuc = (c: number): number => (2 / 3 - c / 4) / (1 - c / 2);

function simulate(seed: number, n: number, c: number): Scored[] {
  const rng = createRng(seed);
  const rows: Scored[] = [];
  for (let i = 0; i < n; i++) {
    const p = c * (1 - rng.nextFloat()); // (0, c]
    rows.push({ z: logit(Math.min(p, 1 - 1e-12)), positive: rng.nextFloat() < p });
  }
  return rows;
}

describe('AUC from prediction bins', () => {
  it('is the Mann–Whitney statistic with pairs inside one bin counted ½ (a hand-worked histogram)', () => {
    // Bins 10 < 20 < 30: negatives 2, 1, 0; positives 0, 1, 2. Wins: 1·(2 + ½·1) + 2·(3) = 8.5 of 9 pairs.
    const est = aucFromBins([
      { bin: 10, positives: 0, negatives: 2, predicted: 0 },
      { bin: 20, positives: 1, negatives: 1, predicted: 0 },
      { bin: 30, positives: 2, negatives: 0, predicted: 0 },
    ])!;
    expect(est.auc).toBeCloseTo(8.5 / 9, 12);
    expect(est.positives).toBe(3);
    expect(est.negatives).toBe(3);
    expect(aucFromBins([{ bin: 3, positives: 4, negatives: 0, predicted: 1 }])).toBeNull();
    expect(aucFromBins([])).toBeNull();
    expect(() => aucFromBins([{ bin: 5, positives: 1, negatives: 1, predicted: 1 }, { bin: 5, positives: 1, negatives: 1, predicted: 1 }])).toThrow(RangeError);
  });

  it('equals the exact AUC of the raw predictions when no two different predictions share a bin', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 199 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.tuple(fc.nat(4), fc.nat(4), fc.double({ min: 0.01, max: 0.99, noNaN: true })), { minLength: 40, maxLength: 40 }),
        (bins, labels) => {
          const rows: Scored[] = [];
          bins.forEach((bin, i) => {
            const [pos, neg, where] = labels[i]!;
            const [lo, hi] = binBounds(bin);
            const z = lo + where * (hi - lo); // one prediction value per bin, repeated (ties count ½ in both)
            for (let k = 0; k < pos; k++) rows.push({ z, positive: true });
            for (let k = 0; k < neg; k++) rows.push({ z, positive: false });
          });
          const exact = exactAuc(rows);
          const est = aucFromBins(histogram(rows));
          if (exact === null) expect(est).toBeNull();
          else expect(est!.auc).toBeCloseTo(exact, 12);
        },
      ),
    );
  });

  it('is within ½·Σ posᵢ·negᵢ / (P·N) of the exact AUC otherwise (the within-bin pairs)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: -12, max: 12, noNaN: true }), fc.boolean()), { minLength: 2, maxLength: 300 }), (raw) => {
        const rows = raw.map(([z, positive]) => ({ z, positive }));
        const exact = exactAuc(rows);
        const bins = histogram(rows);
        const est = aucFromBins(bins);
        if (exact === null) {
          expect(est).toBeNull();
          return;
        }
        const withinPairs = bins.reduce((s, b) => s + b.positives * b.negatives, 0);
        const bound = (0.5 * withinPairs) / (est!.positives * est!.negatives);
        expect(Math.abs(est!.auc - exact)).toBeLessThanOrEqual(bound + 1e-12);
      }),
    );
  });

  it('gives the Hanley–McNeil standard error in closed form', () => {
    // A = ½, P = N = 10: Q₁ = Q₂ = 1/3, SE² = (¼ + 9·(1/3 − ¼) + 9·(1/3 − ¼)) / 100 = 1.75 / 100.
    expect(hanleyMcNeilSe(0.5, 10, 10)).toBeCloseTo(Math.sqrt(0.0175), 12);
    // A = 0.8, P = N = 50: Q₁ = 2/3, Q₂ = 64/90, SE² = (0.16 + 49·(2/3 − 0.64) + 49·(64/90 − 0.64)) / 2500.
    expect(hanleyMcNeilSe(0.8, 50, 50)).toBeCloseTo(Math.sqrt((0.16 + 49 * (2 / 3 - 0.64) + 49 * (64 / 90 - 0.64)) / 2500), 12);
    expect(hanleyMcNeilSe(1, 20, 30)).toBe(0);
  });

  it('matches the analytic AUC of a known-truth simulation within its interval (low rates and the full range)', () => {
    for (const [seed, c] of [[11, 0.2], [12, 1]] as const) {
      const est = aucFromBins(histogram(simulate(seed, 20_000, c)))!;
      const truth = analyticAuc(c);
      expect(est.ci95[0], `c = ${c}`).toBeLessThanOrEqual(truth);
      expect(est.ci95[1], `c = ${c}`).toBeGreaterThanOrEqual(truth);
      expect(Math.abs(est.auc - truth)).toBeLessThan(0.02);
    }
  });

  it('has a Hanley–McNeil 95 % interval that covers the true AUC in 93–97 % of 400 simulated runs', () => {
    const reps = 400;
    const c = 1;
    const truth = analyticAuc(c);
    let covered = 0;
    for (let r = 0; r < reps; r++) {
      const est = aucFromBins(histogram(simulate(1_000 + r, 1_000, c)))!;
      if (est.ci95[0] <= truth && truth <= est.ci95[1]) covered++;
    }
    const coverage = covered / reps;
    console.log(`Hanley–McNeil 95 % interval: covered the true AUC ${truth.toFixed(4)} in ${covered}/${reps} runs (${(100 * coverage).toFixed(1)} %)`);
    expect(coverage).toBeGreaterThanOrEqual(0.93);
    expect(coverage).toBeLessThanOrEqual(0.97);
  });
});
