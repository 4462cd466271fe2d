import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { log1pExp, sigmoid, updateLogistic, updateLogisticBatch } from '../../../src/core/logistic.js';
import { createPrior, DEFAULT_LOGISTIC_PRIOR } from '../../../src/core/prior.js';
import { createRng } from '../../../src/core/rng.js';
import type { ObservationBatch, Posterior } from '../../../src/core/types.js';
import { clonePosterior } from '../../../src/core/update.js';
import { evolvedPosterior, randomBatch, randomVector, reconstruct, relativeError } from './support.js';

/** log posterior up to a constant, computed naively (the reference the tests search by brute force). */
function logPosterior(post: Posterior, batch: ObservationBatch, theta: ArrayLike<number>): number {
  const { d } = post;
  let total = 0;
  for (let i = 0; i < batch.n; i++) {
    let z = 0;
    for (let j = 0; j < d; j++) z += batch.x[i * d + j]! * theta[j]!;
    const p = 1 / (1 + Math.exp(-z));
    total += batch.y[i]! === 1 ? Math.log(p) : Math.log(1 - p);
  }
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      total -= 0.5 * (theta[i]! - post.mean[i]!) * post.precision[i * d + j]! * (theta[j]! - post.mean[j]!);
    }
  }
  return total;
}

/** Λ + Σ pᵢ(1−pᵢ) xᵢxᵢᵀ at θ, computed independently of the implementation. */
function expectedPrecision(post: Posterior, batch: ObservationBatch, theta: ArrayLike<number>): Float64Array {
  const { d } = post;
  const out = Float64Array.from(post.precision);
  for (let i = 0; i < batch.n; i++) {
    let z = 0;
    for (let j = 0; j < d; j++) z += batch.x[i * d + j]! * theta[j]!;
    const p = 1 / (1 + Math.exp(-z));
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) out[a * d + b] = out[a * d + b]! + p * (1 - p) * batch.x[i * d + a]! * batch.x[i * d + b]!;
    }
  }
  return out;
}

function batchOf(d: number, rows: number[][], ys: number[]): ObservationBatch {
  return { n: rows.length, d, x: Float64Array.from(rows.flat()), y: Float64Array.from(ys) };
}

describe('sigmoid and log1pExp', () => {
  it('stay finite and accurate for large |z|', () => {
    expect(sigmoid(800)).toBe(1);
    expect(sigmoid(-800)).toBe(0);
    expect(sigmoid(-40)).toBeCloseTo(Math.exp(-40), 30);
    expect(sigmoid(0)).toBe(0.5);
    expect(log1pExp(1000)).toBe(1000);
    expect(log1pExp(-1000)).toBe(0);
    expect(log1pExp(-40)).toBeCloseTo(Math.exp(-40), 30);
    expect(log1pExp(0)).toBeCloseTo(Math.LN2, 15);
  });
});

describe('updateLogistic — the Laplace step', () => {
  it('finds the 1-D mode that a brute-force grid search finds', () => {
    const prior = createPrior(DEFAULT_LOGISTIC_PRIOR, 1);
    const batch = batchOf(1, [[1], [1], [1], [1], [1]], [1, 0, 1, 1, 0]);
    const post = updateLogistic(prior, batch);
    let best = -Infinity;
    let argBest = 0;
    for (let t = -6; t <= 3; t += 1e-5) {
      const value = logPosterior(prior, batch, [t]);
      if (value > best) [best, argBest] = [value, t];
    }
    expect(Math.abs(post.mean[0]! - argBest)).toBeLessThan(2e-5);
    expect(post.precision[0]).toBeCloseTo(expectedPrecision(prior, batch, post.mean)[0]!, 12);
    expect(post.observations).toBe(5);
  });

  it('finds the 2-D mode that a brute-force grid search finds', () => {
    const prior = evolvedPosterior('logistic', 2, 5, 21); // a non-diagonal precision
    const batch = batchOf(2, [[1, 0.2], [1, 0.9], [1, 0.5], [1, 0.7], [1, 0.1], [1, 1]], [0, 1, 0, 1, 0, 1]);
    const post = updateLogistic(prior, batch);
    // coarse grid, then a fine grid around the coarse optimum
    let centre = [0, 0];
    let half = 8;
    for (const steps of [160, 200, 200]) {
      let best = -Infinity;
      let arg = centre;
      for (let i = 0; i <= steps; i++) {
        for (let j = 0; j <= steps; j++) {
          const theta = [centre[0]! - half + (2 * half * i) / steps, centre[1]! - half + (2 * half * j) / steps];
          const value = logPosterior(prior, batch, theta);
          if (value > best) [best, arg] = [value, theta];
        }
      }
      centre = arg;
      half = (4 * half) / steps;
    }
    expect(Math.abs(post.mean[0]! - centre[0]!)).toBeLessThan(1e-4);
    expect(Math.abs(post.mean[1]! - centre[1]!)).toBeLessThan(1e-4);
  });

  it('moves the mean the right way on separable data', () => {
    const prior = createPrior(DEFAULT_LOGISTIC_PRIOR, 2);
    // responders have the feature, non-responders do not
    const batch = batchOf(2, [[1, 1], [1, 1], [1, 1], [1, 0], [1, 0], [1, 0]], [1, 1, 1, 0, 0, 0]);
    const post = updateLogistic(prior, batch);
    expect(post.mean[1]).toBeGreaterThan(prior.mean[1]! + 0.5);
    // with the feature: far above the 5 % prior rate; without it: the bias still rises (3 responses in 6)
    expect(sigmoid(post.mean[0]! + post.mean[1]!)).toBeGreaterThan(0.3);
    expect(post.mean[0]).toBeGreaterThan(prior.mean[0]!);
    // ignores only: the bias falls below the prior
    const ignores = updateLogistic(prior, batchOf(2, [[1, 0], [1, 1], [1, 0]], [0, 0, 0]));
    expect(ignores.mean[0]).toBeLessThan(prior.mean[0]!);
    expect(ignores.mean[1]).toBeLessThan(prior.mean[1]!);
    // a single response raises the bias, a single ignore lowers it
    expect(updateLogistic(prior, batchOf(2, [[1, 0]], [1])).mean[0]).toBeGreaterThan(prior.mean[0]!);
    expect(updateLogistic(prior, batchOf(2, [[1, 0]], [0])).mean[0]).toBeLessThan(prior.mean[0]!);
  });

  it('returns the precision Λ + Σ p(1−p) xxᵀ at the returned mean, a zero gradient there, and its Cholesky factor', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 60 }), (seed, d, n) => {
        const rng = createRng(seed);
        const prior = evolvedPosterior('logistic', d, 3, seed + 1);
        const batch = randomBatch(rng, 'logistic', randomVector(rng, d, 2), n);
        const post = updateLogistic(prior, batch);
        expect(relativeError(post.precision, expectedPrecision(prior, batch, post.mean))).toBeLessThan(1e-10);
        expect(relativeError(reconstruct(post.cholPrecision, d), post.precision)).toBeLessThan(1e-12);
        // ∇ log posterior = Σ (yᵢ − pᵢ) xᵢ − Λ(θ − μ) vanishes at the mode
        for (let j = 0; j < d; j++) {
          let g = 0;
          for (let i = 0; i < n; i++) {
            let z = 0;
            for (let k = 0; k < d; k++) z += batch.x[i * d + k]! * post.mean[k]!;
            g += (batch.y[i]! - sigmoid(z)) * batch.x[i * d + j]!;
          }
          for (let k = 0; k < d; k++) g -= prior.precision[j * d + k]! * (post.mean[k]! - prior.mean[k]!);
          expect(Math.abs(g)).toBeLessThan(1e-7);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('takes the n = 1 fast path to the same posterior as the batch Newton path', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1, max: 12 }), fc.boolean(), fc.double({ min: 0.1, max: 6, noNaN: true }), (seed, d, y, scale) => {
        const rng = createRng(seed);
        const prior = evolvedPosterior('logistic', d, 4, seed + 7);
        const x = randomVector(rng, d, scale);
        const batch: ObservationBatch = { n: 1, d, x, y: Float64Array.of(y ? 1 : 0) };
        const fast = updateLogistic(prior, batch);
        const slow = updateLogisticBatch(prior, batch);
        expect(relativeError(fast.mean, slow.mean)).toBeLessThan(1e-9);
        expect(relativeError(fast.precision, slow.precision)).toBeLessThan(1e-9);
        expect(relativeError(fast.cholPrecision, slow.cholPrecision)).toBeLessThan(1e-9);
        expect(fast.observations).toBe(slow.observations);
      }),
      { numRuns: 200 },
    );
  });

  it('batch Newton reaches the mode where full steps would ping-pong across the inflection', () => {
    // Found by the property above: 1-D, prior N(−1.61, 1/0.805), x = 3.05, y = 1. Plain Newton overshoots back and
    // forth; with a bare "no decrease" acceptance it hit the iteration cap 7e-11 short of the mode.
    const prior = createPrior({ ...DEFAULT_LOGISTIC_PRIOR, priorRate: 0.5 }, 1);
    prior.mean[0] = -1.6099555464621658;
    prior.precision[0] = 0.8053638516594315;
    prior.cholPrecision[0] = Math.sqrt(0.8053638516594315);
    const batch: ObservationBatch = { n: 1, d: 1, x: Float64Array.of(3.05309701785133), y: Float64Array.of(1) };
    const slow = updateLogisticBatch(prior, batch);
    // Mode from the stationarity condition λ(θ − μ) = (y − σ(xθ))x, solved to 40 digits: 0.073560732989299424…
    expect(Math.abs(slow.mean[0]! - 0.07356073298929942)).toBeLessThan(1e-15);
    expect(relativeError(slow.mean, updateLogistic(prior, batch).mean)).toBeLessThan(1e-12);
  });

  it('never mutates its input and returns a new posterior', () => {
    const prior = evolvedPosterior('logistic', 4, 10, 5);
    const before = clonePosterior(prior);
    const rng = createRng(1);
    for (const n of [0, 1, 25]) {
      const post = updateLogistic(prior, randomBatch(rng, 'logistic', randomVector(rng, 4), n));
      expect(post).not.toBe(prior);
      expect(post.mean).not.toBe(prior.mean);
      expect(post.cholPrecision).not.toBe(prior.cholPrecision);
      expect(post.observations).toBe(prior.observations + n);
      expect(prior).toEqual(before);
    }
  });

  it('rejects a wrong likelihood, dimension or outcome with RangeError', () => {
    const prior = createPrior(DEFAULT_LOGISTIC_PRIOR, 2);
    expect(() => updateLogistic(prior, batchOf(2, [[1, 0]], [2]))).toThrow(RangeError);
    expect(() => updateLogistic(prior, batchOf(2, [[1, Number.NaN]], [1]))).toThrow(RangeError);
    expect(() => updateLogistic(prior, batchOf(3, [[1, 0, 0]], [1]))).toThrow(RangeError);
    expect(() => updateLogistic({ ...prior, likelihood: 'linear' }, batchOf(2, [[1, 0]], [1]))).toThrow(RangeError);
  });
});
