import { Matrix, inverse } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { inverseFromCholesky } from '../../../src/core/linalg.js';
import { createRng } from '../../../src/core/rng.js';
import { createDecisionScratch, decide } from '../../../src/core/thompson.js';
import { evolvedPosterior } from './support.js';

describe('scoring with a kept covariance', () => {
  it('inverseFromCholesky equals the inverse of the precision, exactly symmetric', () => {
    const post = evolvedPosterior('logistic', 7, 40, 3);
    const cov = new Float64Array(49);
    inverseFromCholesky(post.cholPrecision, 7, cov);
    const rows = Array.from({ length: 7 }, (_, i) => Array.from(post.precision.subarray(i * 7, i * 7 + 7)));
    const oracle = inverse(new Matrix(rows));
    for (let i = 0; i < 7; i++) {
      for (let j = 0; j < 7; j++) {
        expect(cov[i * 7 + j]).toBeCloseTo(oracle.get(i, j), 9);
        expect(cov[i * 7 + j]).toBe(cov[j * 7 + i]);
      }
    }
  });

  it('a decision over sparse contexts is the same with and without covariances', () => {
    const d = 12;
    const posteriors = [1, 2, 3, 4, 5].map((seed, i) => evolvedPosterior(i === 3 ? 'linear' : 'logistic', d, 30, seed));
    const covariances = posteriors.map((p) => {
      const cov = new Float64Array(d * d);
      inverseFromCholesky(p.cholPrecision, d, cov);
      return cov;
    });
    const rng = createRng(9);
    for (let trial = 0; trial < 50; trial++) {
      const x = new Float64Array(d);
      x[0] = 1;
      for (let j = 1; j < d; j++) if (rng.nextFloat() < 0.3) x[j] = rng.nextFloat() < 0.5 ? 1 : rng.nextNormal();
      const base = { posteriors, values: Float64Array.of(1, 2, 1, 3, 1), levers: Float64Array.of(1, 1, 1, 1, 1), x, threshold: 0, slots: 1, probabilityDraws: 20 };
      const dense = decide(base, createRng(trial), createDecisionScratch(5, d));
      const denseCopy = { chosen: [...dense.chosen], propensity: Array.from(dense.propensity), sampled: Array.from(dense.sampled) };
      const sparse = decide({ ...base, covariances }, createRng(trial), createDecisionScratch(5, d));
      expect([...sparse.chosen]).toEqual(denseCopy.chosen);
      denseCopy.propensity.forEach((p, i) => expect(sparse.propensity[i]).toBeCloseTo(p, 10));
      denseCopy.sampled.forEach((p, i) => expect(sparse.sampled[i]).toBeCloseTo(p, 9));
    }
  });
});
