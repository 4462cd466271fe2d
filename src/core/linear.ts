/**
 * Bayesian linear regression with unknown noise: the Normal–Inverse-Gamma conjugate update
 * (Riquelme, Tucker & Snoek 2018, "Deep Bayesian Bandits Showdown", LinFullPosterior; Murphy 2007,
 * "Conjugate Bayesian analysis of the Gaussian distribution", §9):
 *   σ² ~ IG(a, b),  θ | σ² ~ N(μ, σ² Λ⁻¹),
 *   Λ' = Λ + XᵀX,  μ' = Λ'⁻¹(Λμ + Xᵀy),  a' = a + n/2,  b' = b + ½(yᵀy + μᵀΛμ − μ'ᵀΛ'μ').
 * The sufficient statistics add, so batches commute and sequential updates equal one big update.
 */
import { cholesky, choleskySolve, cholRankOneUpdate } from './linalg.js';
import type { ObservationBatch, Posterior } from './types.js';

/**
 * Below n·RANK_ONE_RATIO < d, n rank-one updates of the kept factor (≈ 2nd² flops) beat refactoring
 * (≈ d³/3 flops plus forming XᵀX).
 */
const RANK_ONE_RATIO = 6;

/**
 * Folds a batch of real-valued rewards into a linear NIG posterior. Returns a NEW posterior (the input is never
 * mutated); observations grows by n. The b increment is computed in the equivalent, cancellation-free form
 * ½[(y − Xμ')ᵀ(y − Xμ') + (μ' − μ)ᵀΛ(μ' − μ)] (complete the square in the formula above), so b never decreases.
 */
export function updateLinear(post: Posterior, batch: ObservationBatch): Posterior {
  if (post.likelihood !== 'linear') throw new RangeError(`updateLinear needs a linear posterior, got ${post.likelihood}`);
  const { n, d, x, y } = batch;
  if (d !== post.d) throw new RangeError(`batch dimension ${d} does not match posterior dimension ${post.d}`);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`batch size must be a non-negative integer, got ${n}`);
  if (x.length < n * d || y.length < n) throw new RangeError(`batch arrays are shorter than n = ${n}`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(y[i]!)) throw new RangeError(`linear reward ${i} is not finite`);
  for (let k = 0; k < n * d; k++) if (!Number.isFinite(x[k]!)) throw new RangeError(`batch.x[${k}] is not finite`);
  if (n === 0) return { ...post, mean: post.mean.slice(), precision: post.precision.slice(), cholPrecision: post.cholPrecision.slice() };

  const prec0 = post.precision;
  const mu0 = post.mean;
  const precision = Float64Array.from(prec0);
  // η = Λμ + Xᵀy
  const eta = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    const row = j * d;
    let s = 0;
    for (let k = 0; k < d; k++) s += prec0[row + k]! * mu0[k]!;
    eta[j] = s;
  }
  for (let i = 0; i < n; i++) {
    const off = i * d;
    const yi = y[i]!;
    for (let j = 0; j < d; j++) {
      const xj = x[off + j]!;
      if (xj === 0) continue;
      eta[j] = eta[j]! + xj * yi;
      const row = j * d;
      for (let k = 0; k < d; k++) precision[row + k] = precision[row + k]! + xj * x[off + k]!;
    }
  }

  const work = new Float64Array(d);
  let cholPrecision: Float64Array;
  if (n * RANK_ONE_RATIO < d) {
    cholPrecision = Float64Array.from(post.cholPrecision);
    for (let i = 0; i < n; i++) cholRankOneUpdate(cholPrecision, d, x.subarray(i * d, (i + 1) * d), work);
  } else {
    cholPrecision = new Float64Array(d * d);
    if (!cholesky(precision, d, cholPrecision)) throw new RangeError('linear update: the precision is not positive definite');
  }
  const mean = new Float64Array(d);
  choleskySolve(cholPrecision, d, eta, mean, work);

  let residual = 0;
  for (let i = 0; i < n; i++) {
    const off = i * d;
    let fit = 0;
    for (let j = 0; j < d; j++) fit += x[off + j]! * mean[j]!;
    const r = y[i]! - fit;
    residual += r * r;
  }
  let shift = 0;
  for (let j = 0; j < d; j++) {
    const row = j * d;
    let s = 0;
    for (let k = 0; k < d; k++) s += prec0[row + k]! * (mean[k]! - mu0[k]!);
    shift += (mean[j]! - mu0[j]!) * s;
  }
  return {
    likelihood: 'linear',
    d,
    mean,
    precision,
    cholPrecision,
    a: post.a + n / 2,
    b: post.b + 0.5 * (residual + Math.max(0, shift)),
    observations: post.observations + n,
  };
}
