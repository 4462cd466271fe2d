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

/** The closed form from the normal equations, with ml-matrix: Λ = Λ₀ + XᵀX, μ = Λ⁻¹(Λ₀μ₀ + Xᵀy), a, b per Riquelme et al. */
function closedForm(prior: Posterior, batch: ObservationBatch): { precision: number[]; mean: number[]; a: number; b: number } {
  const { n, d } = batch;
  const X = toMatrix(batch.x, n, d);
  const y = Matrix.columnVector(Array.from(batch.y));
  const L0 = toMatrix(prior.precision, d);
  const mu0 = Matrix.columnVector(Array.from(prior.mean));
  const precision = L0.clone().add(X.transpose().mmul(X));
  const mean = solve(precision, L0.mmul(mu0).add(X.transpose().mmul(y)));
  const quad = (v: Matrix, A: Matrix): number => v.transpose().mmul(A).mmul(v).get(0, 0);
  const yty = y.transpose().mmul(y).get(0, 0);
  return {
    precision: precision.to1DArray(),
    mean: mean.to1DArray(),
    a: prior.a + n / 2,
    b: prior.b + 0.5 * (yty + quad(mu0, L0) - quad(mean, precision)),
  };
}

function expectSamePosterior(actual: Posterior, expected: Posterior, tolerance: number): void {
  expect(relativeError(actual.mean, expected.mean)).toBeLessThan(tolerance);
  expect(relativeError(actual.precision, expected.precision)).toBeLessThan(tolerance);
  expect(relativeError(actual.cholPrecision, expected.cholPrecision)).toBeLessThan(tolerance);
  expect(Math.abs(actual.a - expected.a)).toBeLessThan(1e-12);
  expect(Math.abs(actual.b - expected.b) / (1 + Math.abs(expected.b))).toBeLessThan(tolerance);
  expect(actual.observations).toBe(expected.observations);
}

const scenario = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 }),
  d: fc.integer({ min: 1, max: 10 }),
  n: fc.integer({ min: 1, max: 40 }),
});

describe('updateLinear — Normal–Inverse-Gamma conjugate update', () => {
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
        expect(post.b).toBeGreaterThanOrEqual(prior.b);
        expect(post.observations).toBe(prior.observations + n);
      }),
    );
  });

  it('is order invariant: sequential batches, any permutation, and one batch agree', () => {
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
        expectSamePosterior(sequential, whole, 1e-8);
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
