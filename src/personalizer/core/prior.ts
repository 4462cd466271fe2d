/**
 * The Personalizer loop's priors: the cold prior of a fresh action's linear model, and the prior of a brand-new action
 * that borrows from the actions whose features it resembles (issue #12 item 5).
 */
import { cholesky, choleskySolve } from '../../core/linalg.js';
import { createPrior } from '../../core/prior.js';
import type { Posterior, PriorConfig } from '../../core/types.js';
import type { FlatFeature } from '../types.js';
import { featureSimilarity } from './features.js';

/**
 * The cold prior, for rewards in [−1, 1] (typically 0/1 clicks or a fractional score), θ | σ² ~ N(μ₀, σ²Λ₀⁻¹),
 * σ² ~ IG(a₀, b₀):
 * - `a0` 5, `b0` 1: the noise's prior mean b₀/(a₀−1) = 0.25, the variance of a coin-flip 0/1 reward (the largest a
 *   [0, 1] reward can have at p = ½), worth 2a₀ = 10 pseudo-observations so the first few rewards do not collapse or
 *   inflate it.
 * - `priorMean` 0: no reward before evidence (Personalizer's default reward is 0 too).
 * - `biasVariance` 1 (σ² units): a cold action's expected reward has prior sd √(0.25·1) = 0.5, so [0, 1] is within
 *   two sds of the prior mean without making a cold action look like a sure win.
 * - `weightVariance` 0.1 (σ² units): a context with n active unit slots adds 0.25·0.1·n to a cold score's variance:
 *   with 5–20 active slots (Personalizer contexts of a few objects with a few keys each) the cold score sd is
 *   0.61–0.87, of the order of the reward range, not a lottery ticket that grows with the number of features (the core's
 *   linear default, 4 and 4 in σ² units with σ̂² = 1.2, gives sd 5.4–10 at these sizes).
 * Measured (bench:personalizer-cold --priors: tutorial world, ε = 0.2, 5,000 events, 10 seeds, mean reward over all
 * events at ρ = 0 with 0 / 16 irrelevant context features): this prior 0.802 / 0.743; the core's linear default
 * 0.803 / 0.731; weights 1 instead of 0.1: 0.812 / 0.750; weights 0.01: 0.650 / 0.628 (too slow to learn the feature
 * effects, last fifth 0.78 instead of 0.823); IG(2, 0.25) for the noise: 0.802 / 0.743. Every candidate but the
 * narrow one reaches the ε-ceiling (0.823) by the last fifth. Weights 1 learned marginally faster here (+0.007–0.010,
 * about one seed sd) in a world with deterministic rewards and three relevant features; 0.1 is kept for the
 * lottery-ticket argument above (a cold score sd of 2.3 at 20 slots outdraws a proven 0.6 action about 40 % of the
 * time), which this world does not test.
 */
export const PERSONALIZER_PRIOR: Readonly<PriorConfig> = Object.freeze({
  likelihood: 'linear',
  priorRate: 0,
  priorMean: 0,
  biasVariance: 1,
  weightVariance: 0.1,
  a0: 5,
  b0: 1,
});

/** Only actions at least this similar (cosine of their hashed features) lend evidence. */
export const BORROW_SIMILARITY_FLOOR = 0.5;
/**
 * At most this many pseudo-observations are borrowed in all: they set how far the borrowed mean is shrunk toward the
 * cold mean (with BORROW_CONFIDENCE_SHARE = 0 none of them is kept as confidence). Measured (bench:personalizer-cold
 * --cap 5,20,100, 100 paired seeds, ε = 0): 5, 20 and 100 within a standard error of each other in every scenario
 * (look-alike of the winner, better: 21 ± 3, 18 ± 3, 18 ± 3 events to 95 % of the best rate against 44 ± 5 cold).
 */
export const BORROW_PSEUDO_OBSERVATIONS = 20;
/**
 * The share of the borrowed confidence kept: 1 = the tempered posterior as is, 0 = only its mean, with the cold
 * prior's spread. Measured (bench:personalizer-cold --share 0,0.1,0.25,1: 1,000 warm-up events where W (0.6) wins,
 * then N; ε = 0; 100 seeds paired by common random numbers; events after N appeared until the policy's expected rate
 * Σ pᵢ rᵢ reached 95 % of the best, mean ± se (median, 90th percentile); regret over the first 300 events):
 *
 *   N                          share 0              0.1                  0.25                 1                         cold
 *   like W, better (0.7)       18 ± 3 (8, 41) 12.4  21 ± 3 (11, 41) 12.6 23 ± 3 (13, 57) 12.6 30 ± 2 (25, 53) 13.4      44 ± 5 (30, 84) 14.4
 *   like the loser, best (0.7) 30 ± 4 (17, 69) 13.5 52 ± 6 (42, 77) 14.9 82 ± 7 (58, 167) 17.4 256 ± 22, 4 never, 26.6  44 ± 5 (30, 84) 14.4
 *   like W, worse (0.2)        37 ± 3 (30, 75) 12.4 43 ± 3 (35, 78) 13.3 48 ± 3 (42, 77) 14.4 72 ± 3 (66, 113) 17.8     25 ± 3 (14, 50) 10.7
 *
 * The mean alone is best in every row: borrowed confidence makes a wrong guess slow to unlearn, and even a right one
 * is explored less (the look-alike's mean starts a little below the winner's, so its chance of being drawn comes from
 * its spread). The cold prior's spread keeps a new action explored until its own rewards speak. The price is that
 * the borrowed mean weighs about one observation (the bias's prior variance is 1 in σ² units): a look-alike whose
 * first rewards are unlucky falls back toward the cold start. The slow tail (90th percentile 41 events) is such seeds,
 * not a flaw of the borrowing: of the 10 slowest, 8 had at most 2 rewards in N's first 5 (3.5 expected at 0.7), and
 * with the same rewards the cold prior was slower in 8 (seed 23, five 0s: 120 events borrowed, 432 cold). Paired over
 * all 100 seeds borrowing reached 95 % sooner in 97, later in 2. Borrowing from a loser (0.3) also beats the cold
 * mean 0 here, since every known action earns more than 0; the resemblance itself is worth 30 → 18 events.
 */
export const BORROW_CONFIDENCE_SHARE = 0;

/**
 * A new action's prior: the mean of a tempered (power) posterior, with (by default, BORROW_CONFIDENCE_SHARE = 0) the
 * cold prior's precision and noise. With Λ₀, η₀ = Λ₀μ₀, a₀, b₀ the cold prior and, for each known
 * action j, its evidence in natural parameters Λⱼ − Λ₀ and ηⱼ − η₀ (ηⱼ = Λⱼμⱼ), the new action gets
 *   Λ = Λ₀ + Σ cⱼ(Λⱼ − Λ₀),  η = η₀ + Σ cⱼ(ηⱼ − η₀),  a = a₀ + Σ cⱼ(aⱼ − a₀),  b = b₀ + Σ cⱼ(bⱼ − b₀),
 * i.e. each borrowed action's likelihood raised to the power cⱼ. cⱼ = simⱼ · wⱼ · min(1, CAP/nⱼ) over the actions with
 * simⱼ ≥ FLOOR, wⱼ = simⱼ/Σsim, nⱼ its observations: the weights share the budget, so Σ cⱼnⱼ ≤ CAP
 * (BORROW_PSEUDO_OBSERVATIONS), and a perfect look-alike of a single action lends min(nⱼ, CAP) observations. Λⱼ − Λ₀ =
 * XᵀX is positive semi-definite, so Λ stays positive definite; the tempered posterior's observations count is Σ cⱼnⱼ.
 * Its mean μ = Λ⁻¹η is the new action's starting mean; of its confidence only `confidenceShare` is kept (Λ₀ + share·
 * (Λ − Λ₀), a and b likewise, observations share·Σcⱼnⱼ). No action at or above the floor (or no features): exactly
 * the cold prior.
 */
export function newActionPrior(
  features: readonly FlatFeature[],
  known: readonly { features: readonly FlatFeature[]; posterior: Posterior }[],
  d: number,
  options: { pseudoObservations?: number | undefined; confidenceShare?: number | undefined } = {},
): Posterior {
  const cap = options.pseudoObservations ?? BORROW_PSEUDO_OBSERVATIONS;
  const share = options.confidenceShare ?? BORROW_CONFIDENCE_SHARE;
  const cold = createPrior(PERSONALIZER_PRIOR, d);
  const sims: number[] = [];
  let simTotal = 0;
  for (const other of known) {
    const sim = featureSimilarity(features, other.features);
    const lends = sim >= BORROW_SIMILARITY_FLOOR && other.posterior.observations > 0 && other.posterior.d === d && other.posterior.likelihood === 'linear';
    sims.push(lends ? sim : 0);
    if (lends) simTotal += sim;
  }
  if (!(simTotal > 0)) return cold;
  const precision = Float64Array.from(cold.precision);
  const eta0 = new Float64Array(d);
  for (let j = 0; j < d; j++) eta0[j] = cold.precision[j * d + j]! * cold.mean[j]!;
  const eta = Float64Array.from(eta0);
  let a = cold.a;
  let b = cold.b;
  let observations = 0;
  known.forEach((other, index) => {
    const sim = sims[index]!;
    if (sim === 0) return;
    const post = other.posterior;
    const c = ((sim * sim) / simTotal) * Math.min(1, cap / post.observations);
    for (let r = 0; r < d; r++) {
      const row = r * d;
      let etaR = 0;
      for (let s = 0; s < d; s++) {
        etaR += post.precision[row + s]! * post.mean[s]!;
        precision[row + s] = precision[row + s]! + c * (post.precision[row + s]! - cold.precision[row + s]!);
      }
      eta[r] = eta[r]! + c * (etaR - eta0[r]!);
    }
    a += c * (post.a - cold.a);
    b += c * (post.b - cold.b);
    observations += c * post.observations;
  });
  // Symmetrise against rounding (the sum of symmetric matrices is symmetric up to the order of additions).
  for (let r = 0; r < d; r++) {
    for (let s = 0; s < r; s++) {
      const v = 0.5 * (precision[r * d + s]! + precision[s * d + r]!);
      precision[r * d + s] = v;
      precision[s * d + r] = v;
    }
  }
  const cholPrecision = new Float64Array(d * d);
  if (!cholesky(precision, d, cholPrecision)) return cold;
  const mean = new Float64Array(d);
  choleskySolve(cholPrecision, d, eta, mean, new Float64Array(d));
  if (share === 1) return { likelihood: 'linear', d, mean, precision, cholPrecision, a, b: Math.max(b, 1e-12), observations };
  // The tempered mean, with only `share` of the borrowed confidence: Λ = Λ₀ + share·Σcⱼ(Λⱼ − Λ₀), a and b likewise.
  for (let k = 0; k < d * d; k++) precision[k] = cold.precision[k]! + share * (precision[k]! - cold.precision[k]!);
  if (!cholesky(precision, d, cholPrecision)) return cold;
  return {
    likelihood: 'linear',
    d,
    mean,
    precision,
    cholPrecision,
    a: cold.a + share * (a - cold.a),
    b: Math.max(cold.b + share * (b - cold.b), 1e-12),
    observations: share * observations,
  };
}
