/**
 * Shared data types of the numeric core. Plain data over typed arrays, so a posterior can be
 * moved to a worker (transfer the buffers), written to SQLite (one BLOB per array) and read back.
 *
 * Matrix layout everywhere: d×d row-major in a Float64Array of length d*d; element (i, j) is at i*d + j.
 */

/** Which likelihood a model uses for its outcomes. */
export type Likelihood = 'logistic' | 'linear';

/**
 * A Gaussian posterior over the weights θ of one action's model.
 *
 * - `logistic`: θ ~ N(mean, precision⁻¹) (Laplace approximation); `a`, `b` are unused (kept at 0).
 * - `linear`: Normal–Inverse-Gamma: σ² ~ IG(a, b), θ | σ² ~ N(mean, σ² precision⁻¹)
 *   (Riquelme et al. 2018, "LinFullPosterior"), with b accumulating the model's prediction errors (see linear.ts).
 *
 * Invariants: `precision` is symmetric positive definite; `cholPrecision` is its lower Cholesky factor L
 * (precision = L Lᵀ; the strictly upper triangle is zero), kept in step with `precision` so that scoring
 * a context costs O(d²) (one forward substitution).
 */
export interface Posterior {
  likelihood: Likelihood;
  /** Dimension of the encoded context (bias included). */
  d: number;
  /** Posterior mean μ, length d. */
  mean: Float64Array;
  /** Posterior precision Λ, d*d row-major, symmetric positive definite. */
  precision: Float64Array;
  /** Lower Cholesky factor of `precision`, d*d row-major. */
  cholPrecision: Float64Array;
  /** Normal–Inverse-Gamma shape (linear only; 0 for logistic). */
  a: number;
  /** Normal–Inverse-Gamma scale: b₀ plus half the squared prediction errors so far (linear only; 0 for logistic). */
  b: number;
  /** Evidence folded in so far (a count; fractional after forgetting). */
  observations: number;
}

/**
 * How a fresh model's prior is built. One default serves every data set (see `DEFAULT_LOGISTIC_PRIOR` and `DEFAULT_LINEAR_PRIOR` in
 * src/core/prior.ts, where each value's reason is written down).
 */
export interface PriorConfig {
  likelihood: Likelihood;
  /** logistic: prior response rate; the bias weight's prior mean is logit(priorRate). */
  priorRate: number;
  /** linear: the bias weight's prior mean (expected reward before any evidence). */
  priorMean: number;
  /** Prior variance of the bias weight. */
  biasVariance: number;
  /** Prior variance of every other weight. */
  weightVariance: number;
  /** linear only: Inverse-Gamma prior shape a₀ and scale b₀. */
  a0: number;
  b0: number;
}

/** One batch of outcomes for one action: X is n×d row-major, y has length n. */
export interface ObservationBatch {
  n: number;
  d: number;
  /** n*d row-major encoded contexts. */
  x: Float64Array;
  /** n outcomes: 0/1 for logistic, real rewards for linear. */
  y: Float64Array;
}

/** A seedable, cloneable pseudo-random generator. The core never calls Math.random. */
export interface Rng {
  /** Uniform on [0, 1). */
  nextFloat(): number;
  /** Standard normal N(0, 1). */
  nextNormal(): number;
  /** Gamma(shape, 1), shape > 0. */
  nextGamma(shape: number): number;
  /** Uniform integer on [0, n). */
  nextInt(n: number): number;
  /** An independent copy with the same state (replaying it yields the same sequence). */
  clone(): Rng;
}
