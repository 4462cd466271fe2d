/**
 * Merging two posteriors that grew from one common starting point: `current` = start + evidence E₁ (what the
 * service's learner committed meanwhile) and `folded` = start + evidence E₂ (what a warm-start folded from a file).
 * In natural parameters the evidence adds, so the start is counted once:
 *   Λ = Λ_c + (Λ_f − Λ_s),  Λμ = Λ_cμ_c + (Λ_fμ_f − Λ_sμ_s),  a, b and observations likewise.
 * This is the product of the two posteriors divided by the common start (the "Bayesian committee machine" rule,
 * Tresp 2000, eq. 4, with a shared prior). It is exact for the linear-Gaussian model, whose conjugate update adds
 * XᵀX and Xᵀy to exactly these parameters (Bishop, PRML §3.3, eq. 3.50–3.51); for the logistic Laplace posterior it
 * is the usual Gaussian approximation of E₂'s likelihood at the fold's mode. b (the linear noise scale) adds E₂'s
 * prediction errors as scored against the start rather than against `current`: the only inexact term there.
 */
import { cholesky, choleskySolve } from './linalg.js';
import type { Posterior } from './types.js';

/**
 * `current` ⊕ (`folded` ⊖ `start`), or undefined when the merged precision is not positive definite (possible only
 * when forgetting made `folded` lose evidence that `start` had) or a parameter is not finite.
 */
export function mergeEvidence(current: Posterior, start: Posterior, folded: Posterior): Posterior | undefined {
  const d = current.d;
  for (const p of [start, folded]) {
    if (p.d !== d || p.likelihood !== current.likelihood) {
      throw new RangeError(`cannot merge ${p.likelihood} d=${p.d} into ${current.likelihood} d=${d}`);
    }
  }
  const precision = new Float64Array(d * d);
  const eta = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    const row = i * d;
    let sum = 0;
    for (let j = 0; j < d; j++) {
      const k = row + j;
      precision[k] = current.precision[k]! + folded.precision[k]! - start.precision[k]!;
      sum += current.precision[k]! * current.mean[j]! + folded.precision[k]! * folded.mean[j]! - start.precision[k]! * start.mean[j]!;
    }
    eta[i] = sum;
  }
  const cholPrecision = new Float64Array(d * d);
  if (!cholesky(precision, d, cholPrecision)) return undefined;
  const mean = new Float64Array(d);
  choleskySolve(cholPrecision, d, eta, mean, new Float64Array(d));
  const merged: Posterior = {
    likelihood: current.likelihood,
    d,
    mean,
    precision,
    cholPrecision,
    a: current.a + folded.a - start.a,
    b: current.b + folded.b - start.b,
    observations: current.observations + folded.observations - start.observations,
  };
  if (!mean.every(Number.isFinite) || !precision.every(Number.isFinite) || !Number.isFinite(merged.a) || !Number.isFinite(merged.b)) {
    return undefined;
  }
  if (merged.likelihood === 'linear' && !(merged.b > 0)) return undefined;
  return merged;
}
