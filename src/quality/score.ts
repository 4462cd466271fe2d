/**
 * The prediction an outcome is scored with for model quality: the logit of the predictive response probability the
 * decision path uses (src/core/thompson.ts, `predictiveFromMoments`), the MacKay-corrected z = m / √(1 + πv/8) with
 * m = xᵀμ and v = xᵀΛ⁻¹x, so p = σ(z). Returning z rather than p keeps the bin of a tiny p exact (bins.ts bins z).
 * v comes from the model entry's cached covariance when it has one (O(nnz²)), else from one forward substitution
 * with the Cholesky factor of the precision (O(d²)): the same number either way.
 */
import { sparseQuadForm } from '../core/contenders.js';
import { quadFormInverse } from '../core/linalg.js';
import { predictiveLogitFromMoments } from '../core/update.js';
import type { Posterior } from '../core/types.js';

/** Reusable buffers of dimension d (one per learner cycle). */
export interface ScoreScratch {
  work: Float64Array;
  values: Float64Array;
  nonZero: Int32Array;
}

export function createScoreScratch(d: number): ScoreScratch {
  return { work: new Float64Array(d), values: new Float64Array(d), nonZero: new Int32Array(d) };
}

/** z with p = σ(z) the predictive response probability of a logistic posterior at x; NaN for a non-finite model. */
export function predictiveLogit(post: Posterior, covariance: Float64Array | undefined, x: Float64Array, scratch: ScoreScratch): number {
  const d = post.d;
  if (x.length !== d) throw new RangeError(`context dimension ${x.length} does not match posterior dimension ${d}`);
  let m = 0;
  let nnz = 0;
  for (let j = 0; j < d; j++) {
    const xj = x[j]!;
    if (xj === 0) continue;
    m += xj * post.mean[j]!;
    scratch.values[nnz] = xj;
    scratch.nonZero[nnz++] = j;
  }
  const v = covariance ? sparseQuadForm(covariance, d, scratch.values, scratch.nonZero, nnz) : quadFormInverse(post.cholPrecision, d, x, scratch.work);
  return predictiveLogitFromMoments(m, Math.max(0, v));
}
