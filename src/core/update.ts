/**
 * Operations on a posterior whatever its likelihood: the update dispatch, forgetting, marginal standard
 * deviations, the posterior predictive, and copying.
 */
import { cholesky, choleskySolve, diagOfInverse, quadFormInverse } from './linalg.js';
import { updateLinear } from './linear.js';
import { sigmoid, updateLogistic } from './logistic.js';
import { MAX_ABS_REWARD, RAW_NUMERIC_CLIP } from './limits.js';
import type { Likelihood, ObservationBatch, Posterior } from './types.js';

/** Folds a batch into the posterior with the update of its likelihood. Returns a new posterior. */
export function updatePosterior(post: Posterior, batch: ObservationBatch): Posterior {
  return post.likelihood === 'logistic' ? updateLogistic(post, batch) : updateLinear(post, batch);
}

/** Whether every number of the posterior is finite (and a linear model's noise shape and scale positive). */
export function isFinitePosterior(post: Posterior): boolean {
  const all = (a: Float64Array): boolean => {
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return false;
    return true;
  };
  if (!Number.isFinite(post.observations)) return false;
  if (post.likelihood === 'linear' && !(post.a > 0 && post.b > 0 && Number.isFinite(post.a) && Number.isFinite(post.b))) return false;
  return all(post.mean) && all(post.precision) && all(post.cholPrecision);
}

/**
 * Whether one outcome may reach a model: a finite context within the encoder's bounds (every slot is at most
 * RAW_NUMERIC_CLIP in magnitude) and a target the likelihood can learn (logistic: in [0, 1]; linear: |y| ≤
 * MAX_ABS_REWARD).
 */
function acceptable(likelihood: Likelihood, x: Float64Array, offset: number, d: number, y: number): boolean {
  if (likelihood === 'logistic' ? !(y >= 0 && y <= 1) : !(Math.abs(y) <= MAX_ABS_REWARD)) return false;
  for (let j = offset; j < offset + d; j++) if (!(Math.abs(x[j]!) <= RAW_NUMERIC_CLIP)) return false;
  return true;
}

/** Folds `batch` and returns the result if it is finite, else undefined (a RangeError of the maths counts as not). */
function tryUpdate(post: Posterior, batch: ObservationBatch): Posterior | undefined {
  try {
    const next = updatePosterior(post, batch);
    return isFinitePosterior(next) ? next : undefined;
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

/**
 * `updatePosterior` that never lets a non-finite number into a model: outcomes outside the bounds of limits.ts are
 * refused; the rest are folded as one batch, exactly as `updatePosterior` would; if that result is not finite (or
 * its precision stops being positive definite), they are folded one at a time and each one that would break the
 * model is refused. The model keeps its last finite state; `refused` counts the outcomes left out. Batches within
 * the bounds that fold finitely — every batch of real data — give the same posterior as `updatePosterior`.
 */
export function updatePosteriorGuarded(post: Posterior, batch: ObservationBatch): { posterior: Posterior; refused: number } {
  const { n, d, x, y } = batch;
  if (d !== post.d) throw new RangeError(`batch dimension ${d} does not match posterior dimension ${post.d}`);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`batch size must be a non-negative integer, got ${n}`);
  if (x.length < n * d || y.length < n) throw new RangeError(`batch arrays are shorter than n = ${n}`);
  let kept = 0;
  const keep = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (!acceptable(post.likelihood, x, i * d, d, y[i]!)) continue;
    keep[i] = 1;
    kept++;
  }
  let accepted = batch;
  if (kept < n) {
    accepted = { n: kept, d, x: new Float64Array(kept * d), y: new Float64Array(kept) };
    for (let i = 0, r = 0; i < n; i++) {
      if (keep[i] === 0) continue;
      accepted.x.set(x.subarray(i * d, (i + 1) * d), r * d);
      accepted.y[r++] = y[i]!;
    }
  }
  const whole = tryUpdate(post, accepted);
  if (whole) return { posterior: whole, refused: n - kept };
  let current = post;
  let refused = n - kept;
  for (let i = 0; i < kept; i++) {
    const one = { n: 1, d, x: accepted.x.subarray(i * d, (i + 1) * d), y: accepted.y.subarray(i, i + 1) };
    const next = tryUpdate(current, one);
    if (next) current = next;
    else refused++;
  }
  return { posterior: current, refused };
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
  return likelihood === 'logistic' ? sigmoid(predictiveLogitFromMoments(m, v)) : m;
}

/** MacKay's corrected logit m / √(1 + πv/8): `predictiveFromMoments` is σ of it (model quality bins the logit). */
export function predictiveLogitFromMoments(m: number, v: number): number {
  return m / Math.sqrt(1 + (Math.PI * v) / 8);
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
