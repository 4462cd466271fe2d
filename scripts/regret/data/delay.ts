/**
 * The delayed-feedback simulation of Chapelle & Li (2011), "An Empirical Evaluation of Thompson Sampling", §4
 * (Table 1): 10 Bernoulli arms with p ~ Beta(4, 4); at every step, with probability 10⁻³, one arm (uniformly
 * chosen) retires and is replaced by a fresh arm with a new p ~ Beta(4, 4) — about 1,000 replacements in 10⁶
 * steps. (A per-arm hazard of 10⁻³, ten times as many replacements, gives a Beta–Bernoulli TS regret about five
 * times the published 9,105; the one-arm reading reproduces it, see the README section.) Regret is expected regret against the best live arm,
 * Σ_t max_a p_a(t) − p_chosen(t). The whole instance (arm replacements and the uniform draw that decides each
 * round's reward) is drawn once per seed, so every player faces the same arms and the same luck.
 */
import type { Rng } from '../../../src/core/types.js';

export interface DelayConfig {
  arms: number;
  rounds: number;
  /** Per-step probability that one (uniformly chosen) arm retires and is replaced. */
  hazard: number;
  /** Beta(alpha, beta) of a fresh arm's response probability. */
  alpha: number;
  beta: number;
}

export const CHAPELLE_LI_DELAY: Readonly<DelayConfig> = Object.freeze({ arms: 10, rounds: 1_000_000, hazard: 1e-3, alpha: 4, beta: 4 });

export interface DelayInstance {
  config: DelayConfig;
  /** Response probability of each arm at round 0. */
  initial: Float64Array;
  /** Replacements in round order: at the start of round `at[i]`, arm `arm[i]` gets probability `p[i]`. */
  at: Int32Array;
  arm: Int32Array;
  p: Float64Array;
  /** Uniform draw of each round: the pulled arm responds when u < p. */
  u: Float64Array;
}

/** Beta(α, β) as X/(X+Y) with X ~ Gamma(α), Y ~ Gamma(β). */
export function betaDraw(rng: Rng, alpha: number, beta: number): number {
  const x = rng.nextGamma(alpha);
  return x / (x + rng.nextGamma(beta));
}

export function delayInstance(config: DelayConfig, rng: Rng): DelayInstance {
  const initial = Float64Array.from({ length: config.arms }, () => betaDraw(rng, config.alpha, config.beta));
  const at: number[] = [];
  const arm: number[] = [];
  const p: number[] = [];
  const u = new Float64Array(config.rounds);
  for (let t = 0; t < config.rounds; t += 1) {
    // Round 0 uses the initial arms; replacements happen between rounds.
    if (t > 0 && rng.nextFloat() < config.hazard) {
      at.push(t);
      arm.push(rng.nextInt(config.arms));
      p.push(betaDraw(rng, config.alpha, config.beta));
    }
    u[t] = rng.nextFloat();
  }
  return { config, initial, at: Int32Array.from(at), arm: Int32Array.from(arm), p: Float64Array.from(p), u };
}
