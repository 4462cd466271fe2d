import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPrior } from '../../../src/core/prior.js';
import { createRng } from '../../../src/core/rng.js';
import type { Posterior, Rng } from '../../../src/core/types.js';
import { flattenFeatures } from '../../../src/personalizer/core/features.js';
import { BORROW_CONFIDENCE_SHARE, BORROW_PSEUDO_OBSERVATIONS, BORROW_SIMILARITY_FLOOR, newActionPrior, PERSONALIZER_PRIOR } from '../../../src/personalizer/core/prior.js';
import { reconstruct, relativeError } from '../core/support.js';
import { linearEvidence } from './support.js';

const D = 65;
const W = flattenFeatures([{ category: 'dessert', taste: 'sweet', temperature: 'cold', brand: 'w' }], 'a', 'f');
const OTHER = flattenFeatures([{ category: 'main', taste: 'salty', temperature: 'hot', brand: 'l' }], 'a', 'f');

function evidence(rng: Rng, n: number, rate: number): Posterior {
  return linearEvidence(rng, D, n, rate, 0.05);
}

function expectValid(post: Posterior): void {
  for (let r = 0; r < D; r++) for (let s = 0; s < D; s++) expect(post.precision[r * D + s]).toBe(post.precision[s * D + r]);
  expect(relativeError(reconstruct(post.cholPrecision, D), post.precision)).toBeLessThan(1e-12);
  expect(post.a).toBeGreaterThan(1);
  expect(post.b).toBeGreaterThan(0);
}

describe('PERSONALIZER_PRIOR', () => {
  it('expects noise of 0.25 and gives a cold score with 20 active slots an sd below 0.9', () => {
    const { a0, b0, biasVariance, weightVariance } = PERSONALIZER_PRIOR;
    expect(b0 / (a0 - 1)).toBe(0.25);
    expect(Math.sqrt(0.25 * (biasVariance + 20 * weightVariance))).toBeLessThan(0.9);
  });
});

describe('newActionPrior', () => {
  it('is exactly the cold prior with nothing to borrow from: no actions, no features, or none similar enough', () => {
    const cold = createPrior(PERSONALIZER_PRIOR, D);
    const known = [{ features: OTHER, posterior: evidence(createRng(1), 100, 0.3) }];
    expect(newActionPrior(W, [], D)).toEqual(cold);
    expect(newActionPrior([], known, D)).toEqual(cold);
    expect(newActionPrior(W, known, D)).toEqual(cold);
  });

  it('with the whole confidence kept: copies a look-alike with at most the cap of observations whole, and is the closed form Λ₀ + c(Λⱼ − Λ₀) beyond it', () => {
    const few = evidence(createRng(2), 12, 0.6);
    const same = newActionPrior(W, [{ features: W, posterior: few }], D, { confidenceShare: 1 });
    expect(relativeError(same.precision, few.precision)).toBeLessThan(1e-12);
    expect(relativeError(same.mean, few.mean)).toBeLessThan(1e-9);
    expect(same.a).toBeCloseTo(few.a, 12);
    expect(same.observations).toBeCloseTo(12, 12);

    const many = evidence(createRng(3), 400, 0.6);
    const capped = newActionPrior(W, [{ features: W, posterior: many }], D, { confidenceShare: 1 });
    const c = BORROW_PSEUDO_OBSERVATIONS / 400;
    const cold = createPrior(PERSONALIZER_PRIOR, D);
    const expected = cold.precision.map((v, i) => v + c * (many.precision[i]! - v));
    expect(relativeError(capped.precision, expected)).toBeLessThan(1e-12);
    expect(capped.observations).toBeCloseTo(BORROW_PSEUDO_OBSERVATIONS, 9);
    expect(capped.a).toBeCloseTo(cold.a + c * (many.a - cold.a), 12);
    // The bias's mean moves toward the winner's, with a twentieth of its evidence: between the prior and it.
    expect(capped.mean[0]).toBeGreaterThan(cold.mean[0]!);
    expect(capped.mean[0]).toBeLessThanOrEqual(many.mean[0]! + 1e-12);
    expectValid(capped);
  });

  it('is a valid posterior borrowing at most the cap for any mix of similar and dissimilar actions (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 6 }), (seed, count) => {
        const rng = createRng(seed);
        const pool = [W, OTHER, flattenFeatures([{ category: 'dessert', taste: 'sweet', brand: 'z' }], 'a', 'f')];
        const known = Array.from({ length: count }, () => ({ features: pool[rng.nextInt(3)]!, posterior: evidence(rng, 1 + rng.nextInt(300), rng.nextFloat()) }));
        const post = newActionPrior(W, known, D, { confidenceShare: 1 });
        expectValid(post);
        expectValid(newActionPrior(W, known, D, { confidenceShare: 0.25 }));
        expect(post.observations).toBeLessThanOrEqual(BORROW_PSEUDO_OBSERVATIONS + 1e-9);
      }),
      { numRuns: 30, seed: 11 },
    );
  });

  it('by default borrows the tempered mean only: the cold precision and noise, the whole-confidence mean', () => {
    const many = evidence(createRng(5), 400, 0.6);
    const known = [{ features: W, posterior: many }, { features: OTHER, posterior: evidence(createRng(6), 100, 0.1) }];
    const cold = createPrior(PERSONALIZER_PRIOR, D);
    const whole = newActionPrior(W, known, D, { confidenceShare: 1 });
    const post = newActionPrior(W, known, D);
    expect(BORROW_CONFIDENCE_SHARE).toBe(0);
    expect(Array.from(post.precision)).toEqual(Array.from(cold.precision));
    expect(relativeError(post.cholPrecision, cold.cholPrecision)).toBeLessThan(1e-15);
    expect([post.a, post.b, post.observations]).toEqual([cold.a, cold.b, 0]);
    expect(relativeError(post.mean, whole.mean)).toBeLessThan(1e-12);
    expect(post.mean[0]).toBeGreaterThan(0.3); // the winner's rate 0.6, mostly in its bias
  });

  it('borrows only from actions at or above the similarity floor', () => {
    expect(BORROW_SIMILARITY_FLOOR).toBeGreaterThan(0);
    expect(BORROW_SIMILARITY_FLOOR).toBeLessThan(1);
  });
});
