import fc from 'fast-check';
import { inverse } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { updateLinear } from '../../../src/core/linear.js';
import { sigmoid, updateLogistic } from '../../../src/core/logistic.js';
import { createPrior, DEFAULT_LINEAR_PRIOR, DEFAULT_LOGISTIC_PRIOR } from '../../../src/core/prior.js';
import { createRng } from '../../../src/core/rng.js';
import type { Likelihood, Posterior } from '../../../src/core/types.js';
import {
  clonePosterior,
  forgetTowardPrior,
  posteriorPredictive,
  posteriorSd,
  updatePosterior,
} from '../../../src/core/update.js';
import { evolvedPosterior, randomBatch, randomContext, randomVector, reconstruct, relativeError, toMatrix } from './support.js';

function priorOf(likelihood: Likelihood, d: number): Posterior {
  return createPrior(likelihood === 'logistic' ? DEFAULT_LOGISTIC_PRIOR : DEFAULT_LINEAR_PRIOR, d);
}

function times(a: Float64Array, v: Float64Array, d: number): Float64Array {
  const out = new Float64Array(d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[i] = out[i]! + a[i * d + j]! * v[j]!;
  return out;
}

describe('createPrior', () => {
  it('puts logit(priorRate) or priorMean on the bias and the variances on the diagonal', () => {
    const logistic = createPrior(DEFAULT_LOGISTIC_PRIOR, 3);
    expect(logistic.mean[0]).toBeCloseTo(Math.log(0.05 / 0.95), 14);
    expect(Array.from(logistic.mean.subarray(1))).toEqual([0, 0]);
    const pb = 1 / DEFAULT_LOGISTIC_PRIOR.biasVariance;
    const pw = 1 / DEFAULT_LOGISTIC_PRIOR.weightVariance;
    expect(Array.from(logistic.precision)).toEqual([pb, 0, 0, 0, pw, 0, 0, 0, pw]);
    expect(relativeError(reconstruct(logistic.cholPrecision, 3), logistic.precision)).toBeLessThan(1e-15);
    expect([logistic.a, logistic.b, logistic.observations]).toEqual([0, 0, 0]);

    const linear = createPrior({ ...DEFAULT_LINEAR_PRIOR, priorMean: 2.5 }, 2);
    expect(Array.from(linear.mean)).toEqual([2.5, 0]);
    expect(Array.from(linear.precision)).toEqual([0.25, 0, 0, 0.25]);
    expect([linear.a, linear.b]).toEqual([6, 6]);
  });

  it('rejects invalid configurations with RangeError', () => {
    expect(() => createPrior(DEFAULT_LOGISTIC_PRIOR, 0)).toThrow(RangeError);
    expect(() => createPrior({ ...DEFAULT_LOGISTIC_PRIOR, priorRate: 1 }, 2)).toThrow(RangeError);
    expect(() => createPrior({ ...DEFAULT_LOGISTIC_PRIOR, weightVariance: 0 }, 2)).toThrow(RangeError);
    expect(() => createPrior({ ...DEFAULT_LINEAR_PRIOR, a0: 0 }, 2)).toThrow(RangeError);
  });
});

describe('updatePosterior', () => {
  it('dispatches on the likelihood', () => {
    const rng = createRng(3);
    for (const likelihood of ['logistic', 'linear'] as const) {
      const prior = priorOf(likelihood, 3);
      const batch = randomBatch(rng, likelihood, randomVector(rng, 3), 12);
      const direct = likelihood === 'logistic' ? updateLogistic(prior, batch) : updateLinear(prior, batch);
      expect(updatePosterior(prior, batch)).toEqual(direct);
    }
  });
});

describe('forgetTowardPrior', () => {
  it('keep = 1 is the identity and keep = 0 gives the prior (both as new objects)', () => {
    for (const likelihood of ['logistic', 'linear'] as const) {
      const post = evolvedPosterior(likelihood, 4, 30, 5);
      const prior = priorOf(likelihood, 4);
      const kept = forgetTowardPrior(post, prior, 1);
      expect(kept).toEqual(post);
      expect(kept.mean).not.toBe(post.mean);
      const forgotten = forgetTowardPrior(post, prior, 0);
      expect(forgotten).toEqual(prior);
      expect(forgotten.precision).not.toBe(prior.precision);
    }
  });

  it('mixes the natural parameters: Λ\' = kΛ + (1−k)Λ₀ and Λ\'μ\' = kΛμ + (1−k)Λ₀μ₀; continuous at both ends', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.integer({ min: 1, max: 8 }),
        fc.double({ min: 1e-9, max: 1 - 1e-9, noNaN: true }),
        fc.constantFrom<Likelihood>('logistic', 'linear'),
        (seed, d, keep, likelihood) => {
          const post = evolvedPosterior(likelihood, d, 25, seed);
          const prior = priorOf(likelihood, d);
          const mixed = forgetTowardPrior(post, prior, keep);
          const expectedPrecision = post.precision.map((v, k) => keep * v + (1 - keep) * prior.precision[k]!);
          expect(relativeError(mixed.precision, expectedPrecision)).toBeLessThan(1e-14);
          const ownEta = times(post.precision, post.mean, d);
          const priorEta = times(prior.precision, prior.mean, d);
          const eta = ownEta.map((v, k) => keep * v + (1 - keep) * priorEta[k]!);
          expect(relativeError(times(mixed.precision, mixed.mean, d), eta)).toBeLessThan(1e-9);
          expect(relativeError(reconstruct(mixed.cholPrecision, d), mixed.precision)).toBeLessThan(1e-12);
          expect(mixed.a).toBeCloseTo(keep * post.a + (1 - keep) * prior.a, 12);
          expect(mixed.b).toBeCloseTo(keep * post.b + (1 - keep) * prior.b, 10);
          expect(mixed.observations).toBeCloseTo(keep * post.observations, 12);
        },
      ),
      { numRuns: 60 },
    );
    const post = evolvedPosterior('logistic', 5, 40, 77);
    const prior = priorOf('logistic', 5);
    expect(relativeError(forgetTowardPrior(post, prior, 1 - 1e-12).mean, post.mean)).toBeLessThan(1e-9);
    expect(relativeError(forgetTowardPrior(post, prior, 1e-12).mean, prior.mean)).toBeLessThan(1e-9);
  });

  it('rejects keep outside [0, 1] and a prior of another shape', () => {
    const post = evolvedPosterior('logistic', 3, 5, 1);
    expect(() => forgetTowardPrior(post, priorOf('logistic', 3), 1.5)).toThrow(RangeError);
    expect(() => forgetTowardPrior(post, priorOf('logistic', 3), Number.NaN)).toThrow(RangeError);
    expect(() => forgetTowardPrior(post, priorOf('linear', 3), 0.5)).toThrow(RangeError);
    expect(() => forgetTowardPrior(post, priorOf('logistic', 4), 0.5)).toThrow(RangeError);
  });
});

describe('posteriorSd', () => {
  it('is √diag(Λ⁻¹) for logistic and scaled by √E[σ²] = √(b/(a−1)) for linear', () => {
    const logisticPrior = priorOf('logistic', 3);
    const { biasVariance, weightVariance } = DEFAULT_LOGISTIC_PRIOR;
    expect(relativeError(posteriorSd(logisticPrior), [Math.sqrt(biasVariance), Math.sqrt(weightVariance), Math.sqrt(weightVariance)])).toBeLessThan(1e-15);
    const linearPrior = priorOf('linear', 2);
    const sd = posteriorSd(linearPrior);
    expect(sd[0]).toBeCloseTo(Math.sqrt(4 * (6 / 5)), 14);
    for (const likelihood of ['logistic', 'linear'] as const) {
      const post = evolvedPosterior(likelihood, 6, 40, 12);
      const diag = inverse(toMatrix(post.precision, 6)).diag();
      const scale = likelihood === 'linear' ? post.b / (post.a - 1) : 1;
      expect(relativeError(posteriorSd(post), diag.map((v) => Math.sqrt(v * scale)))).toBeLessThan(1e-10);
    }
    // a ≤ 1 (possible only with a custom prior): b/a stands in for the infinite mean
    const heavy = createPrior({ ...DEFAULT_LINEAR_PRIOR, a0: 0.5, b0: 1 }, 1);
    expect(posteriorSd(heavy)[0]).toBeCloseTo(Math.sqrt(4 * 2), 14);
  });
});

describe('posteriorPredictive', () => {
  it('logistic: MacKay\'s σ(m/√(1+πv/8)) — close to the exact E[σ(z)] by quadrature', () => {
    const post = evolvedPosterior('logistic', 4, 20, 31);
    const rng = createRng(6);
    for (let trial = 0; trial < 5; trial++) {
      const x = randomContext(rng, 4);
      let m = 0;
      for (let j = 0; j < 4; j++) m += x[j]! * post.mean[j]!;
      const inv = inverse(toMatrix(post.precision, 4));
      let v = 0;
      for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) v += x[i]! * inv.get(i, j) * x[j]!;
      const predicted = posteriorPredictive(post, x);
      expect(predicted).toBeCloseTo(sigmoid(m / Math.sqrt(1 + (Math.PI * v) / 8)), 12);
      // E[σ(z)], z ~ N(m, v), by the trapezoid rule on ±10 sd
      let exact = 0;
      const steps = 4000;
      const sd = Math.sqrt(v);
      for (let k = 0; k <= steps; k++) {
        const u = -10 + (20 * k) / steps;
        const weight = (k === 0 || k === steps ? 0.5 : 1) * (20 / steps);
        exact += weight * sigmoid(m + sd * u) * Math.exp(-0.5 * u * u) / Math.sqrt(2 * Math.PI);
      }
      expect(Math.abs(predicted - exact)).toBeLessThan(0.02);
    }
  });

  it('linear: the mean score xᵀμ', () => {
    const post = evolvedPosterior('linear', 3, 20, 8);
    const x = Float64Array.of(1, 0.5, 2);
    expect(posteriorPredictive(post, x)).toBeCloseTo(post.mean[0]! + 0.5 * post.mean[1]! + 2 * post.mean[2]!, 12);
    expect(() => posteriorPredictive(post, Float64Array.of(1, 2))).toThrow(RangeError);
  });
});

describe('clonePosterior', () => {
  it('copies every array', () => {
    const post = evolvedPosterior('linear', 3, 4, 2);
    const copy = clonePosterior(post);
    expect(copy).toEqual(post);
    copy.mean[0] = 99;
    copy.precision[0] = 99;
    copy.cholPrecision[0] = 99;
    expect(post.mean[0]).not.toBe(99);
    expect(post.precision[0]).not.toBe(99);
    expect(post.cholPrecision[0]).not.toBe(99);
  });
});
