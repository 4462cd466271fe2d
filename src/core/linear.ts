/**
 * Bayesian linear regression with unknown noise: the Normal–Inverse-Gamma model of Riquelme, Tucker & Snoek (2018),
 * "Deep Bayesian Bandits Showdown", LinFullPosterior (Murphy 2007, "Conjugate Bayesian analysis of the Gaussian
 * distribution", §9):
 *   σ² ~ IG(a, b),  θ | σ² ~ N(μ, σ² Λ⁻¹),
 *   Λ' = Λ + XᵀX,  μ' = Λ'⁻¹(Λμ + Xᵀy),  a' = a + n/2  (the conjugate update, exactly),
 *   b' = b + ½ Σᵢ (yᵢ − xᵢᵀμ)²  (the squared errors of the predictions the model made, μ before the batch).
 *
 * The noise scale b is the one deliberate departure from the conjugate update, whose increment for one outcome is
 * ½ (y − xᵀμ)² / (1 + xᵀΛ⁻¹x): it discounts a surprise in a direction the model has not explored as "the weights,
 * not the noise". When the noise is not the same everywhere — a few −35s among exact +5s on mushroom — that discount
 * lets the few noisy outcomes be fitted exactly while σ² collapses to the spread of the quiet ones, and a model that
 * is confidently wrong about a region stops trying it (Grünwald & van Ommen 2017, "Inconsistency of Bayesian
 * inference for misspecified linear models", show the same overconfidence). Counting the prediction errors at full
 * weight makes σ² the model's out-of-sample (prequential, Dawid 1984) error. Measured with bench:regret (30 seeds):
 * mushroom 5,728 ± 4,762 (median 3,342, 8 seeds stuck at 10,515–18,230) → 2,218 ± 827 (median 1,933, worst 5,060);
 * statlog 7.47 → 7.78 % of Uniform (a little more exploration of rare arms); adult 74.6 → 74.9 %.
 *
 * Λ, μ and a are order-invariant (sequential batches equal one big update); b depends on how outcomes were batched,
 * as a prequential score does: each outcome is scored against the posterior before its batch.
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
 * mutated); observations grows by n. b grows by half the squared errors of the batch's predictions from `post`'s mean.
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
  let squaredError = 0;
  for (let i = 0; i < n; i++) {
    const off = i * d;
    const yi = y[i]!;
    let prediction = 0;
    for (let j = 0; j < d; j++) {
      const xj = x[off + j]!;
      if (xj === 0) continue;
      prediction += xj * mu0[j]!;
      eta[j] = eta[j]! + xj * yi;
      const row = j * d;
      for (let k = 0; k < d; k++) precision[row + k] = precision[row + k]! + xj * x[off + k]!;
    }
    squaredError += (yi - prediction) * (yi - prediction);
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

  return {
    likelihood: 'linear',
    d,
    mean,
    precision,
    cholPrecision,
    a: post.a + n / 2,
    b: post.b + 0.5 * squaredError,
    observations: post.observations + n,
  };
}
