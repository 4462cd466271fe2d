import fc from 'fast-check';
import { Matrix, solve } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { updateLinear } from '../../../src/core/linear.js';
import { createPrior, DEFAULT_LINEAR_PRIOR, DEFAULT_LOGISTIC_PRIOR } from '../../../src/core/prior.js';
import { createRng } from '../../../src/core/rng.js';
import type { ObservationBatch, Posterior } from '../../../src/core/types.js';
import { clonePosterior } from '../../../src/core/update.js';
import { evolvedPosterior, randomBatch, randomVector, reconstruct, relativeError, toMatrix } from './support.js';

function rows(batch: ObservationBatch, indices: readonly number[]): ObservationBatch {
  const { d } = batch;
  const x = new Float64Array(indices.length * d);
  const y = new Float64Array(indices.length);
  indices.forEach((i, k) => {
    x.set(batch.x.subarray(i * d, (i + 1) * d), k * d);
    y[k] = batch.y[i]!;
  });
  return { n: indices.length, d, x, y };
}

/**
 * The closed form from the normal equations, with ml-matrix: Λ = Λ₀ + XᵀX, μ = Λ⁻¹(Λ₀μ₀ + Xᵀy), a = a₀ + n/2, and
 * b = b₀ + ½‖y − Xμ₀‖² (the prediction errors of the posterior before the batch); `conjugateB` is the textbook
 * NIG scale b₀ + ½(yᵀy + μ₀ᵀΛ₀μ₀ − μᵀΛμ).
 */
function closedForm(prior: Posterior, batch: ObservationBatch): { precision: number[]; mean: number[]; a: number; b: number; conjugateB: number } {
  const { n, d } = batch;
  const X = toMatrix(batch.x, n, d);
  const y = Matrix.columnVector(Array.from(batch.y));
  const L0 = toMatrix(prior.precision, d);
  const mu0 = Matrix.columnVector(Array.from(prior.mean));
  const precision = L0.clone().add(X.transpose().mmul(X));
  const mean = solve(precision, L0.mmul(mu0).add(X.transpose().mmul(y)));
  const quad = (v: Matrix, A: Matrix): number => v.transpose().mmul(A).mmul(v).get(0, 0);
  const yty = y.transpose().mmul(y).get(0, 0);
  const errors = y.clone().sub(X.mmul(mu0));
  return {
    precision: precision.to1DArray(),
    mean: mean.to1DArray(),
    a: prior.a + n / 2,
    b: prior.b + 0.5 * errors.transpose().mmul(errors).get(0, 0),
    conjugateB: prior.b + 0.5 * (yty + quad(mu0, L0) - quad(mean, precision)),
  };
}

/** Same Λ, μ, a and observations; b too unless `sameBatching` is false (b scores each batch's predictions). */
function expectSamePosterior(actual: Posterior, expected: Posterior, tolerance: number, sameBatching = true): void {
  expect(relativeError(actual.mean, expected.mean)).toBeLessThan(tolerance);
  expect(relativeError(actual.precision, expected.precision)).toBeLessThan(tolerance);
  expect(relativeError(actual.cholPrecision, expected.cholPrecision)).toBeLessThan(tolerance);
  expect(Math.abs(actual.a - expected.a)).toBeLessThan(1e-12);
  if (sameBatching) expect(Math.abs(actual.b - expected.b) / (1 + Math.abs(expected.b))).toBeLessThan(tolerance);
  expect(actual.observations).toBe(expected.observations);
}

const scenario = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 }),
  d: fc.integer({ min: 1, max: 10 }),
  n: fc.integer({ min: 1, max: 40 }),
});

describe('updateLinear — Normal–Inverse-Gamma update with a prequential noise scale', () => {
  it('equals the closed form from the normal equations', () => {
    fc.assert(
      fc.property(scenario, ({ seed, d, n }) => {
        const rng = createRng(seed);
        const prior = evolvedPosterior('linear', d, 3, seed + 1);
        const batch = randomBatch(rng, 'linear', randomVector(rng, d, 2), n);
        const post = updateLinear(prior, batch);
        const oracle = closedForm(prior, batch);
        expect(relativeError(post.precision, oracle.precision)).toBeLessThan(1e-12);
        expect(relativeError(post.mean, oracle.mean)).toBeLessThan(1e-8);
        expect(post.a).toBe(oracle.a);
        expect(Math.abs(post.b - oracle.b) / (1 + oracle.b)).toBeLessThan(1e-8);
        expect(relativeError(reconstruct(post.cholPrecision, d), post.precision)).toBeLessThan(1e-12);
        // Prediction errors at full weight never count for less than the conjugate update's discounted residuals.
        expect(post.b).toBeGreaterThanOrEqual(oracle.conjugateB * (1 - 1e-10));
        expect(post.b).toBeGreaterThanOrEqual(prior.b);
        expect(post.observations).toBe(prior.observations + n);
      }),
    );
  });

  it('counts a surprise in an unexplored direction at full weight, where the conjugate update discounts it', () => {
    // One outcome: the conjugate increment is ½r²/(1 + xᵀΛ⁻¹x); here it is ½r².
    const prior = createPrior(DEFAULT_LINEAR_PRIOR, 4);
    const x = Float64Array.of(1, 1, 1, 1);
    const post = updateLinear(prior, { n: 1, d: 4, x, y: Float64Array.of(-35) });
    expect(post.b - prior.b).toBeCloseTo(0.5 * 35 * 35, 10);
    const q = DEFAULT_LINEAR_PRIOR.biasVariance + 3 * DEFAULT_LINEAR_PRIOR.weightVariance; // xᵀΛ₀⁻¹x
    expect(closedForm(prior, { n: 1, d: 4, x, y: Float64Array.of(-35) }).conjugateB - prior.b).toBeCloseTo((0.5 * 35 * 35) / (1 + q), 8);
  });

  it('estimates the noise variance of a well-specified model: b/(a−1) → σ²', () => {
    const d = 4;
    const rng = createRng(12);
    const theta = randomVector(rng, d, 1);
    const sigma = 0.5;
    let post = createPrior(DEFAULT_LINEAR_PRIOR, d);
    for (let batch = 0; batch < 600; batch++) {
      const n = 1 + (batch % 7);
      const x = new Float64Array(n * d);
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        x[i * d] = 1;
        for (let j = 1; j < d; j++) x[i * d + j] = rng.nextNormal();
        let mean = 0;
        for (let j = 0; j < d; j++) mean += x[i * d + j]! * theta[j]!;
        y[i] = mean + sigma * rng.nextNormal();
      }
      post = updateLinear(post, { n, d, x, y });
    }
    // 2,400 outcomes: the prior guess (b₀/a₀ = 1) and the early, larger prediction errors fade; within 10 % of σ² = 0.25.
    expect(post.b / (post.a - 1)).toBeGreaterThan(0.25 * 0.9);
    expect(post.b / (post.a - 1)).toBeLessThan(0.25 * 1.1);
  });

  it('Λ, μ and a are order invariant: sequential batches, any permutation, and one batch agree', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 0, max: 2 ** 31 }), ({ seed, d, n }, shuffleSeed) => {
        const rng = createRng(seed);
        const prior = createPrior(DEFAULT_LINEAR_PRIOR, d);
        const batch = randomBatch(rng, 'linear', randomVector(rng, d, 2), n);
        const whole = updateLinear(prior, batch);

        // a random permutation split into random consecutive chunks (some of size 1: the rank-one path)
        const shuffler = createRng(shuffleSeed);
        const order = Array.from({ length: n }, (_, i) => i);
        for (let i = n - 1; i > 0; i--) {
          const j = shuffler.nextInt(i + 1);
          [order[i], order[j]] = [order[j]!, order[i]!];
        }
        let sequential = prior;
        for (let start = 0; start < n; ) {
          const size = 1 + shuffler.nextInt(Math.min(5, n - start));
          sequential = updateLinear(sequential, rows(batch, order.slice(start, start + size)));
          start += size;
        }
        expectSamePosterior(sequential, whole, 1e-8, false);
      }),
    );
  });

  it('uses rank-one updates for small batches and agrees with refactoring', () => {
    const d = 30;
    const rng = createRng(4);
    const prior = evolvedPosterior('linear', d, 50, 9);
    const batch = randomBatch(rng, 'linear', randomVector(rng, d), 2); // 2·6 < 30: the rank-one path
    const post = updateLinear(prior, batch);
    const oracle = closedForm(prior, batch);
    expect(relativeError(post.mean, oracle.mean)).toBeLessThan(1e-8);
    expect(relativeError(reconstruct(post.cholPrecision, d), post.precision)).toBeLessThan(1e-12);
  });

  it('an empty batch changes nothing but returns a new object', () => {
    const prior = evolvedPosterior('linear', 3, 5, 2);
    const before = clonePosterior(prior);
    const post = updateLinear(prior, { n: 0, d: 3, x: new Float64Array(0), y: new Float64Array(0) });
    expect(post).not.toBe(prior);
    expectSamePosterior(post, prior, 1e-12);
    expect(prior).toEqual(before);
  });

  it('never mutates its input', () => {
    const prior = evolvedPosterior('linear', 5, 10, 3);
    const before = clonePosterior(prior);
    const rng = createRng(8);
    updateLinear(prior, randomBatch(rng, 'linear', randomVector(rng, 5), 7));
    updateLinear(prior, randomBatch(rng, 'linear', randomVector(rng, 5), 1));
    expect(prior).toEqual(before);
  });

  it('rejects a logistic posterior, a wrong dimension or a non-finite reward with RangeError', () => {
    const prior = createPrior(DEFAULT_LINEAR_PRIOR, 2);
    const ok: ObservationBatch = { n: 1, d: 2, x: Float64Array.of(1, 0), y: Float64Array.of(3) };
    expect(() => updateLinear(createPrior(DEFAULT_LOGISTIC_PRIOR, 2), ok)).toThrow(RangeError);
    expect(() => updateLinear(prior, { ...ok, d: 3 })).toThrow(RangeError);
    expect(() => updateLinear(prior, { ...ok, y: Float64Array.of(Number.POSITIVE_INFINITY) })).toThrow(RangeError);
  });
});
