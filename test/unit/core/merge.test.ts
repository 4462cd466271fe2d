import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeEvidence } from '../../../src/core/merge.js';
import { createPrior, DEFAULT_LINEAR_PRIOR, DEFAULT_LOGISTIC_PRIOR } from '../../../src/core/prior.js';
import { createRng } from '../../../src/core/rng.js';
import type { Likelihood, Posterior } from '../../../src/core/types.js';
import { updatePosterior } from '../../../src/core/update.js';
import { randomBatch, randomVector, reconstruct, relativeError } from './support.js';

const priorOf = (likelihood: Likelihood, d: number): Posterior =>
  createPrior(likelihood === 'logistic' ? DEFAULT_LOGISTIC_PRIOR : DEFAULT_LINEAR_PRIOR, d);

/** start, start + E₁ (current), start + E₂ (folded), and start + E₁ + E₂ folded in sequence (the reference). */
function scenario(likelihood: Likelihood, d: number, n1: number, n2: number, seed: number) {
  const rng = createRng(seed);
  const truth = randomVector(rng, d, 0.8);
  const start = updatePosterior(priorOf(likelihood, d), randomBatch(rng, likelihood, truth, 50));
  const e1 = randomBatch(rng, likelihood, truth, n1);
  const e2 = randomBatch(rng, likelihood, truth, n2);
  const current = updatePosterior(start, e1);
  const folded = updatePosterior(start, e2);
  const sequential = updatePosterior(current, e2);
  return { start, current, folded, sequential };
}

describe('mergeEvidence', () => {
  it('is exact for the linear model: Λ, μ, a and observations equal folding both batches in sequence', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 80 }), fc.integer({ min: 1, max: 80 }), fc.nat(), (d, n1, n2, seed) => {
        const { start, current, folded, sequential } = scenario('linear', d, n1, n2, seed);
        const merged = mergeEvidence(current, start, folded)!;
        expect(merged).toBeDefined();
        expect(relativeError(merged.precision, sequential.precision)).toBeLessThan(1e-10);
        expect(relativeError(merged.mean, sequential.mean)).toBeLessThan(1e-8);
        expect(merged.a).toBeCloseTo(sequential.a, 10);
        expect(merged.observations).toBe(sequential.observations);
        expect(relativeError(reconstruct(merged.cholPrecision, d), merged.precision)).toBeLessThan(1e-12);
      }),
      { numRuns: 60 },
    );
  });

  it('counts every observation of both sides once, and keeps all of the learner’s precision (logistic)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 200 }), fc.nat(), (d, n1, n2, seed) => {
        const { start, current, folded } = scenario('logistic', d, n1, n2, seed);
        const merged = mergeEvidence(current, start, folded)!;
        expect(merged.observations).toBe(current.observations + n2);
        // Λ_merged − Λ_current = Λ_folded − Λ_start is a sum of w·xxᵀ terms: positive semi-definite, so every
        // direction the learner had learnt is at least as certain after the merge.
        const v = randomVector(createRng(seed + 1), d);
        const quad = (p: Float64Array) => {
          let s = 0;
          for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) s += v[i]! * p[i * d + j]! * v[j]!;
          return s;
        };
        expect(quad(merged.precision)).toBeGreaterThanOrEqual(quad(current.precision) * (1 - 1e-12));
      }),
      { numRuns: 60 },
    );
  });

  it('approximates the sequential logistic fold closely when the batches are large', () => {
    const { start, current, folded, sequential } = scenario('logistic', 5, 4_000, 4_000, 7);
    const merged = mergeEvidence(current, start, folded)!;
    expect(relativeError(merged.mean, sequential.mean)).toBeLessThan(0.02);
    expect(relativeError(merged.precision, sequential.precision)).toBeLessThan(0.02);
  });

  it('is the identity when either side added nothing', () => {
    const { start, current, folded } = scenario('logistic', 4, 100, 100, 3);
    const noFile = mergeEvidence(current, start, start)!;
    expect(relativeError(noFile.mean, current.mean)).toBeLessThan(1e-10);
    expect(relativeError(noFile.precision, current.precision)).toBeLessThan(1e-12);
    const noLearner = mergeEvidence(start, start, folded)!;
    expect(relativeError(noLearner.mean, folded.mean)).toBeLessThan(1e-10);
    expect(noLearner.observations).toBe(folded.observations);
  });

  it('refuses (undefined) when the merged precision is not positive definite, and mismatched models (RangeError)', () => {
    const d = 3;
    const start = priorOf('logistic', d);
    const lost = { ...start, precision: start.precision.map((p) => p / 4) }; // "folded" lost evidence (forgetting)
    const current = { ...start, precision: start.precision.map((p) => p / 4) };
    expect(mergeEvidence(current, start, lost)).toBeUndefined();
    expect(() => mergeEvidence(priorOf('linear', d), start, start)).toThrow(RangeError);
    expect(() => mergeEvidence(priorOf('logistic', d + 1), start, start)).toThrow(RangeError);
  });
});
