import { describe, expect, it } from 'vitest';
import { cholesky, quadFormInverse } from '../../../src/core/linalg.js';
import { sigmoid, updateLogistic } from '../../../src/core/logistic.js';
import { createPrior, DEFAULT_LOGISTIC_PRIOR } from '../../../src/core/prior.js';
import { createRng } from '../../../src/core/rng.js';
import type { ObservationBatch, Posterior } from '../../../src/core/types.js';
import { reconstruct, relativeError } from './support.js';

const UPDATES = 1_000_000;
const CHECK_EVERY = 100_000;

function checkHealthy(post: Posterior, probe: Float64Array): void {
  const { d } = post;
  for (let i = 0; i < d; i++) {
    expect(post.cholPrecision[i * d + i]).toBeGreaterThan(0);
    expect(post.precision[i * d + i]).toBeGreaterThan(0);
    for (let j = 0; j < d; j++) expect(post.precision[i * d + j]).toBe(post.precision[j * d + i]);
  }
  // the rank-one-updated factor still reconstructs the (separately accumulated) precision …
  expect(relativeError(reconstruct(post.cholPrecision, d), post.precision)).toBeLessThan(1e-9);
  // … and agrees with a fresh factorisation, which must succeed (symmetric positive definite)
  const fresh = new Float64Array(d * d);
  expect(cholesky(post.precision, d, fresh)).toBe(true);
  expect(relativeError(post.cholPrecision, fresh)).toBeLessThan(1e-9);
  const v = quadFormInverse(post.cholPrecision, d, probe, new Float64Array(d));
  expect(Number.isFinite(v)).toBe(true);
  expect(v).toBeGreaterThan(0);
}

describe('logistic posterior over 10⁶ single-outcome updates (d = 4)', () => {
  it('stays symmetric positive definite with the kept factor in step, and learns the truth', () => {
    const d = 4;
    const truth = Float64Array.of(-2, 1.5, -1, 0.5);
    const rng = createRng(2024);
    const x = new Float64Array(d);
    const y = new Float64Array(1);
    const batch: ObservationBatch = { n: 1, d, x, y };
    const probe = Float64Array.of(1, 0.5, 0.5, 0.5);
    let post = createPrior(DEFAULT_LOGISTIC_PRIOR, d);
    for (let t = 1; t <= UPDATES; t++) {
      x[0] = 1;
      x[1] = rng.nextFloat();
      x[2] = rng.nextFloat() < 0.3 ? 1 : 0; // a one-hot-like slot, often zero
      x[3] = rng.nextNormal();
      let z = 0;
      for (let j = 0; j < d; j++) z += truth[j]! * x[j]!;
      y[0] = rng.nextFloat() < sigmoid(z) ? 1 : 0;
      post = updateLogistic(post, batch);
      if (t % CHECK_EVERY === 0) checkHealthy(post, probe);
    }
    expect(post.observations).toBe(UPDATES);
    // The Laplace/assumed-density filter is not exact, but with 10⁶ outcomes it must sit close to the truth.
    for (let j = 0; j < d; j++) expect(Math.abs(post.mean[j]! - truth[j]!)).toBeLessThan(0.05);
  });
});
