/**
 * The Personalizer ranker (src/personalizer/core/ranker.ts): its probabilities are the real selection probabilities
 * of its draw rule. References: a plain Monte Carlo of the rule written here (no ranker code), the per-candidate
 * quadrature of selection-probability.ts, and the frequencies of rankCandidates's own choices.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPrior } from '../../../src/core/prior.js';
import { createRng } from '../../../src/core/rng.js';
import type { Posterior, Rng } from '../../../src/core/types.js';
import { argmaxProbabilities } from '../../../src/personalizer/core/max-probability.js';
import { PERSONALIZER_PRIOR } from '../../../src/personalizer/core/prior.js';
import { plugInNoise, RANK_CORRELATION, rankCandidates, selectionProbabilities, SHARED_OPTIMISM_CORRELATION } from '../../../src/personalizer/core/ranker.js';
import { scalarPosterior } from '../core/support.js';
import { linearEvidence } from './support.js';

/** A one-slot linear posterior whose score at x = [1] is exactly N(m, sd²) (σ̂² = b/(a−1) = 1). */
function scalar(m: number, sd: number): Posterior {
  return scalarPosterior('linear', m, sd * sd, 3, 2);
}

/** Frequencies of the argmax over plain draws: zᵢ = mᵢ + sᵢ(√ρ·max(0, w) + √(1−ρ)uᵢ), ties to the lower index. */
function plainFrequencies(means: number[], sds: number[], rho: number, draws: number, seed: number): number[] {
  const rng = createRng(seed);
  const counts = means.map(() => 0);
  for (let n = 0; n < draws; n++) {
    const c = Math.sqrt(rho) * Math.max(0, rng.nextNormal());
    let best = 0;
    let top = -Infinity;
    for (let i = 0; i < means.length; i++) {
      const z = means[i]! + sds[i]! * (c + Math.sqrt(1 - rho) * rng.nextNormal());
      if (z > top) {
        top = z;
        best = i;
      }
    }
    counts[best]!++;
  }
  return counts.map((c) => c / draws);
}

function warm(rng: Rng, d: number, n: number): Posterior {
  const rate = rng.nextFloat();
  return linearEvidence(rng, d, n, rate, 0.3);
}

const X1 = Float64Array.of(1);
let worstRawSum = 0;

describe('selectionProbabilities', () => {
  it('match a plain Monte Carlo of the draw rule within binomial error, and the per-candidate quadrature (random posteriors)', () => {
    const DRAWS = 40_000;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.integer({ min: 2, max: 8 }),
        fc.constantFrom(0, 0.5, SHARED_OPTIMISM_CORRELATION),
        (seed, k, rho) => {
          const rng = createRng(seed);
          const means = Array.from({ length: k }, () => rng.nextFloat());
          const sds = Array.from({ length: k }, () => 0.02 + 0.3 * rng.nextFloat());
          const posteriors = means.map((m, i) => scalar(m, sds[i]!));
          const p = selectionProbabilities({ posteriors, x: X1, explorationPercentage: 0, correlation: rho }).probabilities;
          const q = selectionProbabilities({ posteriors, x: X1, explorationPercentage: 0, correlation: rho, method: 'quadrature' }).probabilities;
          const reference = plainFrequencies(means, sds, rho, DRAWS, seed + 1);
          expect(p.reduce((s, v) => s + v, 0)).toBe(1);
          for (let i = 0; i < k; i++) {
            const se = Math.sqrt((reference[i]! * (1 - reference[i]!)) / DRAWS);
            expect(Math.abs(p[i]! - reference[i]!)).toBeLessThanOrEqual(4.5 * se + 2e-4);
            expect(Math.abs(p[i]! - q[i]!)).toBeLessThanOrEqual(0.01 * p[i]! + 5e-5);
          }
        },
      ),
      { numRuns: 25, seed: 20261201 },
    );
  });

  it('on real 65-slot posteriors with 200 rewards each, agree with the per-candidate quadrature', () => {
    const rng = createRng(7);
    const d = 65;
    for (let trial = 0; trial < 4; trial++) {
      const posteriors = Array.from({ length: 10 }, () => warm(rng, d, 200));
      const x = new Float64Array(d);
      x[0] = 1;
      for (let t = 0; t < 20; t++) x[1 + rng.nextInt(d - 1)] = 1;
      for (const correlation of [0, SHARED_OPTIMISM_CORRELATION]) {
        const p = selectionProbabilities({ posteriors, x, explorationPercentage: 0, correlation }).probabilities;
        const q = selectionProbabilities({ posteriors, x, explorationPercentage: 0, correlation, method: 'quadrature' }).probabilities;
        for (let i = 0; i < 10; i++) expect(Math.abs(p[i]! - q[i]!)).toBeLessThanOrEqual(0.01 * p[i]! + 5e-5);
      }
    }
  });

  it('sum to 1 in floating point; the raw integrals are within 1e-4 of 1 (printed)', () => {
    const rng = createRng(3);
    for (let trial = 0; trial < 200; trial++) {
      const k = 2 + rng.nextInt(49);
      const means = Array.from({ length: k }, () => 2 * rng.nextFloat() - 1);
      const sds = Array.from({ length: k }, () => 0.01 + rng.nextFloat());
      const posteriors = means.map((m, i) => scalar(m, sds[i]!));
      const rho = trial % 2 === 0 ? 0 : SHARED_OPTIMISM_CORRELATION;
      const p = selectionProbabilities({ posteriors, x: X1, explorationPercentage: 0.1, correlation: rho }).probabilities;
      expect(p.reduce((s, v) => s + v, 0)).toBe(1);
      const raw = rawSum(means, sds, rho);
      worstRawSum = Math.max(worstRawSum, Math.abs(raw - 1));
    }
    console.log(`worst |Σ raw grid probabilities − 1| over 200 instances (k = 2–50): ${worstRawSum.toExponential(2)}`);
    expect(worstRawSum).toBeLessThan(1e-4);
  });

  it('sum to exactly 1 also when the last action holds more than half the mass (the residue is not exact there)', () => {
    // Found by fast-check (seed 704894, k = 7, ρ = 0.9 summed to 1 − 2⁻⁵³ before the residue was nudged).
    let dominantLast = 0;
    for (let seed = 1; seed <= 3_000; seed++) {
      const rng = createRng(seed);
      const k = 2 + rng.nextInt(7);
      const means = Array.from({ length: k }, () => rng.nextFloat());
      const sds = Array.from({ length: k }, () => 0.02 + 0.3 * rng.nextFloat());
      if (seed % 2 === 0) means[k - 1] = 1.5;
      const posteriors = means.map((m, i) => scalar(m, sds[i]!));
      const rho = [0, 0.5, SHARED_OPTIMISM_CORRELATION][seed % 3]!;
      const p = selectionProbabilities({ posteriors, x: X1, explorationPercentage: seed % 5 === 0 ? 0.2 : 0, correlation: rho }).probabilities;
      if (p[k - 1]! > 0.5) dominantLast++;
      expect(p.reduce((s, v) => s + v, 0), `seed ${seed}`).toBe(1);
      for (const v of p) expect(v).toBeGreaterThanOrEqual(0);
    }
    expect(dominantLast).toBeGreaterThan(1_000);
  });

  it('fall back to the per-candidate quadrature when one score is far narrower than the rest, still matching Monte Carlo', () => {
    const means = [0.5, 0.45, 0.2];
    const sds = [1e-4, 0.5, 0.3];
    const posteriors = means.map((m, i) => scalar(m, sds[i]!));
    expect(argmaxProbabilities(3, Float64Array.from(means), Float64Array.from(sds), 0, new Float64Array(3))).toBeUndefined();
    const p = selectionProbabilities({ posteriors, x: X1, explorationPercentage: 0 }).probabilities;
    expect(p.reduce((s, v) => s + v, 0)).toBe(1);
    const reference = plainFrequencies(means, sds, 0, 40_000, 17);
    for (let i = 0; i < 3; i++) expect(Math.abs(p[i]! - reference[i]!)).toBeLessThanOrEqual(4.5 * Math.sqrt((reference[i]! * (1 - reference[i]!)) / 40_000) + 2e-4);
  });

  it('mix ε exactly: pᵢ(ε) = ε/k + (1 − ε)·pᵢ(0)', () => {
    const posteriors = [scalar(0.2, 0.1), scalar(0.5, 0.2), scalar(0.4, 0.05), scalar(0.1, 0.3)];
    const p0 = selectionProbabilities({ posteriors, x: X1, explorationPercentage: 0 }).probabilities;
    for (const eps of [0.05, 0.2, 0.5, 1]) {
      const p = selectionProbabilities({ posteriors, x: X1, explorationPercentage: eps }).probabilities;
      for (let i = 0; i < 4; i++) expect(p[i]).toBeCloseTo(eps / 4 + (1 - eps) * p0[i]!, 14);
    }
  });

  it('give identical candidates exactly equal shares, and one candidate probability 1', () => {
    const cold = Array.from({ length: 7 }, () => createPrior(PERSONALIZER_PRIOR, 65));
    const x = new Float64Array(65);
    x[0] = 1;
    x[5] = 1;
    const p = selectionProbabilities({ posteriors: cold, x, explorationPercentage: 0.2 }).probabilities;
    for (let i = 0; i < 7; i++) expect(p[i]).toBeCloseTo(1 / 7, 15);
    const mixed = [scalar(0.3, 0.1), scalar(0.5, 0.2), scalar(0.3, 0.1)];
    const q = selectionProbabilities({ posteriors: mixed, x: X1, explorationPercentage: 0 }).probabilities;
    expect(q[0]).toBeCloseTo(q[2]!, 6);
    const one = rankCandidates({ posteriors: [scalar(0.3, 0.1)], x: X1, explorationPercentage: 0.5 }, createRng(1));
    expect(one.chosen).toBe(0);
    expect(Array.from(one.probabilities)).toEqual([1]);
  });

  it('refuse ε outside [0, 1] and no candidates', () => {
    expect(() => selectionProbabilities({ posteriors: [scalar(0, 1)], x: X1, explorationPercentage: 1.5 })).toThrow(RangeError);
    expect(() => selectionProbabilities({ posteriors: [scalar(0, 1)], x: X1, explorationPercentage: Number.NaN })).toThrow(RangeError);
    expect(() => rankCandidates({ posteriors: [], x: X1, explorationPercentage: 0 }, createRng(1))).toThrow(RangeError);
  });
});

function rawSum(means: number[], sds: number[], rho: number): number {
  const out = new Float64Array(means.length);
  const raw = argmaxProbabilities(means.length, Float64Array.from(means), Float64Array.from(sds), rho, out);
  return raw ? raw.reduce((acc, v) => acc + v, 0) : 1;
}

describe('rankCandidates', () => {
  it('chooses each candidate as often as its probability says (per-arm z-bounds over 20,000 ranks)', () => {
    const posteriors = [scalar(0.2, 0.1), scalar(0.5, 0.2), scalar(0.45, 0.05), scalar(0.1, 0.3), scalar(0.5, 0.2)];
    for (const [eps, rho] of [[0.2, SHARED_OPTIMISM_CORRELATION], [0, 0]] as const) {
      const rng = createRng(99);
      const counts = [0, 0, 0, 0, 0];
      const N = 20_000;
      let p: Float64Array = new Float64Array(0);
      for (let n = 0; n < N; n++) {
        const r = rankCandidates({ posteriors, x: X1, explorationPercentage: eps, correlation: rho }, rng);
        counts[r.chosen]!++;
        p = r.probabilities;
      }
      for (let i = 0; i < 5; i++) {
        const se = Math.sqrt((p[i]! * (1 - p[i]!)) / N);
        expect(Math.abs(counts[i]! / N - p[i]!)).toBeLessThanOrEqual(4.5 * se);
      }
    }
  });

  it('reports the posterior-mean argmax as greedy, lowest index on ties, whatever it draws', () => {
    const posteriors = [scalar(0.2, 0.1), scalar(0.5, 0.5), scalar(0.5, 0.05), scalar(0.1, 0.3)];
    const rng = createRng(5);
    for (let n = 0; n < 50; n++) expect(rankCandidates({ posteriors, x: X1, explorationPercentage: 0.3 }, rng).greedy).toBe(1);
    expect(selectionProbabilities({ posteriors, x: X1, explorationPercentage: 0.3 }).greedy).toBe(1);
  });

  it('plugs the noise in at its posterior mean b/(a − 1)', () => {
    expect(plugInNoise(scalarPosterior('linear', 0, 1, 5, 1))).toBe(0.25);
  });
});

describe('RANK_CORRELATION', () => {
  it('is textbook independent Thompson sampling (the shared-optimism cost is in bench:personalizer-rank)', () => {
    expect(RANK_CORRELATION).toBe(0);
  });
});
