/**
 * Bayesian logistic regression by a Laplace step: the new posterior is the Gaussian centred at the mode of
 * log p(y | X, θ) + log N(θ; μ, Λ⁻¹) with precision equal to the negative Hessian there,
 * Λ' = Λ + Σᵢ pᵢ(1−pᵢ) xᵢxᵢᵀ (Bishop 2006, PRML §4.4 and §4.5.1; Chapelle & Li 2011, "An empirical evaluation
 * of Thompson sampling", Algorithm 3, with the full rather than diagonal precision).
 */
import { cholesky, choleskySolve, cholRankOneUpdate } from './linalg.js';
import type { ObservationBatch, Posterior } from './types.js';

/** Newton stops when the largest coordinate of a step is below this. */
const MODE_TOLERANCE = 1e-8;
/** The n = 1 path solves its scalar problem in t ∈ (−1, 1) to this absolute accuracy (near rounding). */
const SCALAR_TOLERANCE = 1e-15;
/** At most this many Newton iterations. */
const MAX_NEWTON_ITERATIONS = 25;
/** Step halvings before a Newton step is abandoned (the iterate is then optimal to rounding). */
const MAX_STEP_HALVINGS = 40;
/** Armijo constant: a step must deliver this fraction of its first-order predicted rise gᵀΔ. */
const ARMIJO_C = 0.25;

/** σ(z) = 1 / (1 + e^−z), evaluated so that e^|z| never overflows. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** log(1 + e^z) without overflow for large z and without cancellation for very negative z. */
export function log1pExp(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

function checkBatch(post: Posterior, batch: ObservationBatch): void {
  if (post.likelihood !== 'logistic') throw new RangeError(`updateLogistic needs a logistic posterior, got ${post.likelihood}`);
  const { n, d } = batch;
  if (d !== post.d) throw new RangeError(`batch dimension ${d} does not match posterior dimension ${post.d}`);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`batch size must be a non-negative integer, got ${n}`);
  if (batch.x.length < n * d || batch.y.length < n) throw new RangeError(`batch arrays are shorter than n = ${n}`);
  for (let i = 0; i < n; i++) {
    const y = batch.y[i]!;
    if (!(y >= 0 && y <= 1)) throw new RangeError(`logistic outcome ${i} must lie in [0, 1], got ${y}`);
  }
  for (let k = 0; k < n * d; k++) {
    if (!Number.isFinite(batch.x[k]!)) throw new RangeError(`batch.x[${k}] is not finite`);
  }
}

function symmetrizeFromLower(a: Float64Array, d: number): void {
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) a[i * d + j] = a[j * d + i]!;
}

/**
 * Folds a batch of 0/1 outcomes (values in [0, 1] are accepted as soft labels) into a logistic posterior.
 * Returns a NEW posterior; the input is never mutated. n = 1 takes the scalar fast path, larger batches
 * the full Newton iteration; both give the same answer. observations grows by n.
 */
export function updateLogistic(post: Posterior, batch: ObservationBatch): Posterior {
  checkBatch(post, batch);
  if (batch.n === 0) return { ...post, mean: post.mean.slice(), precision: post.precision.slice(), cholPrecision: post.cholPrecision.slice() };
  if (batch.n === 1) return updateLogisticSingle(post, batch.x.subarray(0, post.d), batch.y[0]!);
  return updateLogisticBatch(post, batch);
}

/**
 * The general Laplace step: damped Newton on the (strictly concave) log posterior from θ = μ, halving the step
 * until the objective does not decrease, stopping when max|Δθ| < 1e-8 or after 25 iterations; the returned
 * precision is Λ + Σ pᵢ(1−pᵢ)xᵢxᵢᵀ evaluated at the returned mean. Exported so tests can compare it with the
 * n = 1 fast path; callers use `updateLogistic`.
 */
export function updateLogisticBatch(post: Posterior, batch: ObservationBatch): Posterior {
  checkBatch(post, batch);
  const { n, d, x, y } = batch;
  const mu = post.mean;
  const prec0 = post.precision;
  const theta = Float64Array.from(mu);
  const trial = new Float64Array(d);
  const hessian = new Float64Array(d * d);
  const factor = new Float64Array(d * d);
  const grad = new Float64Array(d);
  const step = new Float64Array(d);
  const work = new Float64Array(d);

  // log posterior up to a constant: Σ yᵢzᵢ − log(1 + e^zᵢ) − ½(θ−μ)ᵀΛ(θ−μ)
  const objective = (t: Float64Array): number => {
    let total = 0;
    for (let i = 0; i < n; i++) {
      const off = i * d;
      let z = 0;
      for (let j = 0; j < d; j++) z += x[off + j]! * t[j]!;
      total += y[i]! * z - log1pExp(z);
    }
    let penalty = 0;
    for (let j = 0; j < d; j++) {
      const row = j * d;
      let s = 0;
      for (let k = 0; k < d; k++) s += prec0[row + k]! * (t[k]! - mu[k]!);
      penalty += (t[j]! - mu[j]!) * s;
    }
    return total - 0.5 * penalty;
  };

  let value = objective(theta);
  let lastStep = Number.POSITIVE_INFINITY;
  for (let iteration = 0; ; iteration++) {
    // Gradient g = Σ (yᵢ − pᵢ) xᵢ − Λ(θ − μ) and curvature A = Λ + Σ pᵢ(1−pᵢ) xᵢxᵢᵀ (lower triangle) at θ.
    for (let j = 0; j < d; j++) {
      const row = j * d;
      let s = 0;
      for (let k = 0; k < d; k++) s += prec0[row + k]! * (theta[k]! - mu[k]!);
      grad[j] = -s;
      for (let k = 0; k <= j; k++) hessian[row + k] = prec0[row + k]!;
    }
    for (let i = 0; i < n; i++) {
      const off = i * d;
      let z = 0;
      for (let j = 0; j < d; j++) z += x[off + j]! * theta[j]!;
      const p = sigmoid(z);
      const r = y[i]! - p;
      const w = p * (1 - p);
      for (let j = 0; j < d; j++) {
        const xj = x[off + j]!;
        if (xj === 0) continue; // one-hot contexts are mostly zeros
        grad[j] = grad[j]! + r * xj;
        const wxj = w * xj;
        const row = j * d;
        for (let k = 0; k <= j; k++) hessian[row + k] = hessian[row + k]! + wxj * x[off + k]!;
      }
    }
    if (lastStep < MODE_TOLERANCE || iteration === MAX_NEWTON_ITERATIONS) break;

    if (!cholesky(hessian, d, factor)) throw new RangeError('logistic update: the precision is not positive definite');
    choleskySolve(factor, d, grad, step, work);
    let stepMax = 0;
    for (let j = 0; j < d; j++) stepMax = Math.max(stepMax, Math.abs(step[j]!));

    // Directional derivative gᵀΔ (= ΔᵀAΔ ≥ 0): the rise a step should deliver to first order.
    let slope = 0;
    for (let j = 0; j < d; j++) slope += grad[j]! * step[j]!;
    let scale = 1;
    let accepted = false;
    for (let h = 0; h <= MAX_STEP_HALVINGS; h++, scale *= 0.5) {
      for (let j = 0; j < d; j++) trial[j] = theta[j]! + scale * step[j]!;
      const candidate = objective(trial);
      // Armijo's sufficient-increase test (Nocedal & Wright 2006, eq. 3.4) with c = ¼, plus room for rounding. Near
      // the mode a full Newton step rises by ½gᵀΔ and passes; an overshoot across the sigmoid's inflection rises by
      // far less and is halved. (A bare "no decrease" test let full steps ping-pong across the inflection, each
      // raising the objective a little, until the iteration cap stopped them short of the mode.)
      if (candidate >= value + ARMIJO_C * scale * slope - 1e-12 * (1 + Math.abs(value))) {
        theta.set(trial);
        value = candidate;
        accepted = true;
        break;
      }
      if (scale * stepMax < MODE_TOLERANCE) break;
    }
    // Converged when the full Newton step is tiny (quadratic convergence: the iterate is then exact to rounding). A
    // damped step says nothing about convergence, so it never ends the loop; no acceptable step at all means the
    // objective cannot rise any more — the mode to rounding.
    lastStep = accepted ? (scale === 1 ? stepMax : Number.POSITIVE_INFINITY) : 0;
  }

  symmetrizeFromLower(hessian, d);
  if (!cholesky(hessian, d, factor)) throw new RangeError('logistic update: the precision is not positive definite');
  return {
    likelihood: 'logistic',
    d,
    mean: theta,
    precision: hessian,
    cholPrecision: factor,
    a: 0,
    b: 0,
    observations: post.observations + n,
  };
}

/**
 * n = 1: the stationarity condition Λ(θ − μ) = (y − σ(xᵀθ)) x puts the mode on the line θ = μ + t·s with
 * s = Λ⁻¹x, so only the scalar t must be found: t = y − σ(m + q t) with m = xᵀμ, q = xᵀs. The left minus right
 * side is strictly increasing in t and its root lies in (y − 1, y), so Newton safeguarded by bisection converges.
 * The precision gains p(1−p) x xᵀ, applied to the kept Cholesky factor as a rank-one update (O(d²), no refactor).
 */
function updateLogisticSingle(post: Posterior, x: Float64Array, y: number): Posterior {
  const d = post.d;
  const s = new Float64Array(d);
  const work = new Float64Array(d);
  choleskySolve(post.cholPrecision, d, x, s, work);
  let m = 0;
  let q = 0;
  for (let j = 0; j < d; j++) {
    m += x[j]! * post.mean[j]!;
    q += x[j]! * s[j]!;
  }

  // Safeguarded Newton ("rtsafe", Press et al., Numerical Recipes §9.4): bisect whenever the Newton step would
  // leave the bracket or did not at least halve the previous step — plain Newton can ping-pong across the
  // sigmoid's inflection when q is large.
  let lo = y - 1;
  let hi = y;
  // Start from the exact answer for q = 0 (the prior is certain along x); it is usually within a few Newton steps.
  let t = y - sigmoid(m);
  if (!(t > lo && t < hi)) t = 0.5 * (lo + hi);
  let previousStep = hi - lo;
  let lastStep = previousStep;
  for (let iteration = 0; iteration < 200; iteration++) {
    const p = sigmoid(m + q * t);
    const f = t - y + p;
    if (f === 0) break;
    if (f > 0) hi = t;
    else lo = t;
    const slope = 1 + q * p * (1 - p);
    const newton = t - f / slope;
    // Converged: the Newton correction is at rounding level (checked before the bracket test, which would
    // otherwise send a converged iterate that sits on the bracket's edge off to the midpoint).
    if (Math.abs(newton - t) <= SCALAR_TOLERANCE) {
      t = newton;
      break;
    }
    let next: number;
    if (!(newton > lo && newton < hi) || Math.abs(2 * f) > Math.abs(previousStep * slope)) {
      next = 0.5 * (lo + hi);
    } else {
      next = newton;
    }
    previousStep = lastStep;
    lastStep = next - t;
    const change = Math.abs(lastStep);
    t = next;
    // The scalar solve is cheap, so it runs to rounding level (t lies in (−1, 1)) rather than stopping at 1e-8.
    if (change <= SCALAR_TOLERANCE) break;
  }

  const mean = new Float64Array(d);
  for (let j = 0; j < d; j++) mean[j] = post.mean[j]! + t * s[j]!;
  const p = sigmoid(m + q * t);
  const w = p * (1 - p);
  const precision = Float64Array.from(post.precision);
  // Add to the lower triangle and mirror it, so the precision stays exactly symmetric over millions of updates.
  for (let i = 0; i < d; i++) {
    const wxi = w * x[i]!;
    if (wxi === 0) continue;
    const row = i * d;
    for (let j = 0; j <= i; j++) {
      const value = precision[row + j]! + wxi * x[j]!;
      precision[row + j] = value;
      precision[j * d + i] = value;
    }
  }
  const cholPrecision = Float64Array.from(post.cholPrecision);
  const sqrtW = Math.sqrt(w);
  for (let j = 0; j < d; j++) s[j] = sqrtW * x[j]!;
  cholRankOneUpdate(cholPrecision, d, s, work);
  return { likelihood: 'logistic', d, mean, precision, cholPrecision, a: 0, b: 0, observations: post.observations + 1 };
}
