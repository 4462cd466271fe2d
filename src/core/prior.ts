/**
 * Priors of fresh models — every default value lives here, each with the reason for it. Slot 0 of the encoded
 * context is the bias (always 1); the other slots are features scaled to [0, 1], z-scores clipped to [−5, 5],
 * one-hots and multi-hots (see encoding.ts).
 */
import type { Posterior, PriorConfig } from './types.js';

/**
 * Default prior of a logistic (response / ignore) model.
 *
 * - `priorRate` 0.05: campaign response rates sit around or below a few per cent (DESIGN.md), so a cold action
 *   starts at a plausible 5 % rather than a coin flip; the bias prior mean is logit(0.05) ≈ −2.94.
 * - `biasVariance` 4 (sd 2 on the log-odds scale, the same 1/λ = 4 as the linear default): the 95 % prior range
 *   of a cold action's base rate is σ(−2.94 ± 3.92) ≈ [0.1 %, 73 %], so a prior rate that is wrong by a factor of
 *   e² ≈ 7 in odds is one sd away rather than two. Evidence (scripts/bench-regret.ts, issue #3): with sd 1, an
 *   action that joins a mature catalog with a true rate far above the prior guess is almost never tried — on the
 *   Chapelle & Li (2011) delayed-feedback protocol (arms p ~ Beta(4, 4) replaced over time) regret was 46,368 vs
 *   the published Thompson-sampling 9,105; with sd 2 it is within a few per cent of an exact Beta–Bernoulli TS on
 *   the same instances. On synthetic-logistic (all actions cold together) bias variance 1–4 made no difference
 *   beyond seed noise (657 ± 55 vs 660 ± 45). The cost: a brand-new action's draws beat a proven 10 % action about
 *   a third of the time until a few dozen ignores pull its rate down — the exploration a new action needs.
 * - `weightVariance` 0.5: the prior log-odds variance of a context is biasVariance + weightVariance·Σⱼ xⱼ²
 *   (j ≥ 1). A typical encoded context has ~4–8 active unit-scale slots (a few scaled numerics, one category,
 *   one channel, a couple of set members), so 0.5 per weight adds ≈ 2–4 to the variance of a cold score:
 *   already the dominant term. Larger values (≥ 1) make cold actions in rich contexts behave like lottery
 *   tickets; much smaller ones (≤ 0.1) stop the model from learning real feature effects of ±1–2 log-odds quickly.
 * - `priorMean`, `a0`, `b0`: unused by the logistic likelihood.
 */
export const DEFAULT_LOGISTIC_PRIOR: Readonly<PriorConfig> = Object.freeze({
  likelihood: 'logistic',
  priorRate: 0.05,
  priorMean: 0,
  biasVariance: 4,
  weightVariance: 0.5,
  a0: 0,
  b0: 0,
});

/**
 * Default prior of a linear (real-valued reward) Normal–Inverse-Gamma model, the values of Riquelme, Tucker &
 * Snoek (2018), "Deep Bayesian Bandits Showdown", LinFullPosterior: λ = 0.25 (θ | σ² ~ N(0, σ²/λ · I), so bias and
 * weight variance are 1/λ = 4 in units of σ²) and a₀ = b₀ = 6 (σ² ~ IG(6, 6): prior mean b₀/(a₀−1) = 1.2,
 * so rewards on a unit-ish scale are expected; with 12 pseudo-observations the noise estimate is neither
 * dominated by the first reward nor slow to adapt). `priorMean` 0: no reward is assumed before evidence.
 */
export const DEFAULT_LINEAR_PRIOR: Readonly<PriorConfig> = Object.freeze({
  likelihood: 'linear',
  priorRate: 0,
  priorMean: 0,
  biasVariance: 4,
  weightVariance: 4,
  a0: 6,
  b0: 6,
});

function logit(p: number): number {
  return Math.log(p / (1 - p));
}

/**
 * A fresh posterior equal to the prior at dimension d (≥ 1; slot 0 is the bias). Diagonal precision
 * 1/biasVariance, 1/weightVariance; the bias mean is logit(priorRate) (logistic) or priorMean (linear);
 * a = a0, b = b0 for linear, 0 for logistic. Throws RangeError on an invalid configuration.
 */
export function createPrior(config: PriorConfig, d: number): Posterior {
  if (!Number.isInteger(d) || d < 1) throw new RangeError(`dimension must be a positive integer, got ${d}`);
  if (!(config.biasVariance > 0) || !Number.isFinite(config.biasVariance)) {
    throw new RangeError(`biasVariance must be positive and finite, got ${config.biasVariance}`);
  }
  if (!(config.weightVariance > 0) || !Number.isFinite(config.weightVariance)) {
    throw new RangeError(`weightVariance must be positive and finite, got ${config.weightVariance}`);
  }
  const logistic = config.likelihood === 'logistic';
  if (logistic && !(config.priorRate > 0 && config.priorRate < 1)) {
    throw new RangeError(`priorRate must lie strictly between 0 and 1, got ${config.priorRate}`);
  }
  if (!logistic) {
    if (config.likelihood !== 'linear') throw new RangeError(`unknown likelihood ${String(config.likelihood)}`);
    if (!Number.isFinite(config.priorMean)) throw new RangeError(`priorMean must be finite, got ${config.priorMean}`);
    if (!(config.a0 > 0 && config.b0 > 0) || !Number.isFinite(config.a0) || !Number.isFinite(config.b0)) {
      throw new RangeError(`a0 and b0 must be positive and finite, got ${config.a0}, ${config.b0}`);
    }
  }
  const mean = new Float64Array(d);
  const precision = new Float64Array(d * d);
  const cholPrecision = new Float64Array(d * d);
  mean[0] = logistic ? logit(config.priorRate) : config.priorMean;
  for (let j = 0; j < d; j++) {
    const variance = j === 0 ? config.biasVariance : config.weightVariance;
    precision[j * d + j] = 1 / variance;
    cholPrecision[j * d + j] = Math.sqrt(1 / variance);
  }
  return {
    likelihood: config.likelihood,
    d,
    mean,
    precision,
    cholPrecision,
    a: logistic ? 0 : config.a0,
    b: logistic ? 0 : config.b0,
    observations: 0,
  };
}
