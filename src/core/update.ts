/**
 * Operations on a posterior whatever its likelihood: the update dispatch, forgetting, marginal standard
 * deviations, the posterior predictive, and copying.
 */
import { cholesky, choleskySolve, diagOfInverse, quadFormInverse } from './linalg.js';
import { updateLinear } from './linear.js';
import { sigmoid, updateLogistic } from './logistic.js';
import type { Likelihood, ObservationBatch, Posterior } from './types.js';

/** Folds a batch into the posterior with the update of its likelihood. Returns a new posterior. */
export function updatePosterior(post: Posterior, batch: ObservationBatch): Posterior {
  return post.likelihood === 'logistic' ? updateLogistic(post, batch) : updateLinear(post, batch);
}

/** A deep copy (fresh typed arrays). */
export function clonePosterior(post: Posterior): Posterior {
  return {
    likelihood: post.likelihood,
    d: post.d,
    mean: Float64Array.from(post.mean),
    precision: Float64Array.from(post.precision),
    cholPrecision: Float64Array.from(post.cholPrecision),
    a: post.a,
    b: post.b,
    observations: post.observations,
  };
}

/**
 * Exponential forgetting toward the prior (a "stabilised forgetting" of the natural parameters: Kulhavý &
 * Zarrop 1993, "On a general concept of forgetting"): keep ∈ [0, 1] of the evidence stays,
 *   Λ' = keep·Λ + (1−keep)·Λ₀,  Λ'μ' = keep·Λμ + (1−keep)·Λ₀μ₀,  a' and b' the same mixture,
 *   observations' = keep·observations.
 * keep = 1 returns a copy of `post`; keep = 0 a copy of the prior (with observations 0). Returns a new posterior.
 */
export function forgetTowardPrior(post: Posterior, prior: Posterior, keep: number): Posterior {
  if (!(keep >= 0 && keep <= 1)) throw new RangeError(`keep must lie in [0, 1], got ${keep}`);
  if (post.likelihood !== prior.likelihood || post.d !== prior.d) {
    throw new RangeError(`prior (${prior.likelihood}, d=${prior.d}) does not match posterior (${post.likelihood}, d=${post.d})`);
  }
  if (keep === 1) return clonePosterior(post);
  if (keep === 0) return { ...clonePosterior(prior), observations: 0 };
  const d = post.d;
  const lose = 1 - keep;
  const precision = new Float64Array(d * d);
  const eta = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    const row = i * d;
    let own = 0;
    let base = 0;
    for (let j = 0; j < d; j++) {
      own += post.precision[row + j]! * post.mean[j]!;
      base += prior.precision[row + j]! * prior.mean[j]!;
      precision[row + j] = keep * post.precision[row + j]! + lose * prior.precision[row + j]!;
    }
    eta[i] = keep * own + lose * base;
  }
  const cholPrecision = new Float64Array(d * d);
  if (!cholesky(precision, d, cholPrecision)) throw new RangeError('forgetting: the mixed precision is not positive definite');
  const mean = new Float64Array(d);
  choleskySolve(cholPrecision, d, eta, mean, new Float64Array(d));
  return {
    likelihood: post.likelihood,
    d,
    mean,
    precision,
    cholPrecision,
    a: keep * post.a + lose * prior.a,
    b: keep * post.b + lose * prior.b,
    observations: keep * post.observations,
  };
}

/**
 * E[σ²] of a linear model's noise under IG(a, b): b/(a−1) when a > 1 (the mean), else b/a (the mean is
 * infinite; b/a is the reciprocal of E[1/σ²], a finite stand-in).
 */
export function noiseVariance(post: Posterior): number {
  return post.a > 1 ? post.b / (post.a - 1) : post.b / post.a;
}

/**
 * Marginal posterior standard deviation of each weight: √diag(Λ⁻¹), scaled for a linear model by √E[σ²]
 * (the marginal of θⱼ is a Student t whose variance is E[σ²]·(Λ⁻¹)ⱼⱼ when a > 1).
 */
export function posteriorSd(post: Posterior): Float64Array {
  const out = new Float64Array(post.d);
  diagOfInverse(post.cholPrecision, post.d, out);
  const scale = post.likelihood === 'linear' ? noiseVariance(post) : 1;
  for (let j = 0; j < post.d; j++) out[j] = Math.sqrt(out[j]! * scale);
  return out;
}

/**
 * The predictive mean from the score moments m = xᵀμ and v = xᵀΛ⁻¹x: logistic, MacKay's (1992) probit
 * approximation E[σ(z)] ≈ σ(m / √(1 + πv/8)) (Bishop 2006, PRML eq. 4.153); linear, m.
 */
export function predictiveFromMoments(likelihood: Likelihood, m: number, v: number): number {
  return likelihood === 'logistic' ? sigmoid(m / Math.sqrt(1 + (Math.PI * v) / 8)) : m;
}

/**
 * Posterior predictive for context x (length d): a response probability (logistic) or the expected reward (linear).
 * Uses `work` (length ≥ d) when given, else allocates one.
 */
export function posteriorPredictive(post: Posterior, x: Float64Array, work?: Float64Array): number {
  const d = post.d;
  if (x.length !== d) throw new RangeError(`context dimension ${x.length} does not match posterior dimension ${d}`);
  let m = 0;
  for (let j = 0; j < d; j++) m += x[j]! * post.mean[j]!;
  if (post.likelihood === 'linear') return m;
  const v = quadFormInverse(post.cholPrecision, d, x, work ?? new Float64Array(d));
  return predictiveFromMoments('logistic', m, v);
}
