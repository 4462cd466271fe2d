/** The prediction an outcome is scored with is the decision path's predictive probability, with or without a cached covariance. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inverseFromCholesky } from '../../../src/core/linalg.js';
import { createRng } from '../../../src/core/rng.js';
import { posteriorPredictive, updatePosterior } from '../../../src/core/update.js';
import { priorPosterior } from '../../../src/learner/fold.js';
import { createScoreScratch, predictiveLogit } from '../../../src/quality/score.js';
import { sigmoid } from './support.js';

const POLICY = { priorRate: 0.05, forgettingHalfLife: 0, changeDetection: false };

describe('prequential score', () => {
  it('is the logit of posteriorPredictive (MacKay-corrected), the same with the cached covariance or the Cholesky factor', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 2, max: 12 }), fc.integer({ min: 0, max: 60 }), (seed, d, n) => {
        const rng = createRng(seed);
        const sparse = () => {
          const x = new Float64Array(d);
          x[0] = 1;
          for (let j = 1; j < d; j++) if (rng.nextFloat() < 0.4) x[j] = rng.nextNormal();
          return x;
        };
        const x = new Float64Array(n * d);
        const y = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          x.set(sparse(), i * d);
          y[i] = rng.nextFloat() < 0.3 ? 1 : 0;
        }
        const post = n > 0 ? updatePosterior(priorPosterior(POLICY, 'logistic', d), { n, d, x, y }) : priorPosterior(POLICY, 'logistic', d);
        const cov = new Float64Array(d * d);
        inverseFromCholesky(post.cholPrecision, d, cov);
        const scratch = createScoreScratch(d);
        const at = sparse();
        const withoutCov = predictiveLogit(post, undefined, at, scratch);
        const withCov = predictiveLogit(post, cov, at, scratch);
        expect(withCov).toBeCloseTo(withoutCov, 9);
        expect(sigmoid(withoutCov)).toBeCloseTo(posteriorPredictive(post, at), 12);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a context of the wrong dimension', () => {
    const post = priorPosterior(POLICY, 'logistic', 3);
    expect(() => predictiveLogit(post, undefined, new Float64Array(2), createScoreScratch(3))).toThrow(RangeError);
  });
});
