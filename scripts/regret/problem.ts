/**
 * The shapes every regret protocol shares: a bandit problem (contexts, rewards, regret per round and arm) and a
 * player (a policy that picks an arm for a context and learns from the arm it pulled).
 */
import type { Likelihood } from '../../src/core/types.js';

/**
 * One instance of a contextual bandit, fixed for a seed: every player sees the same contexts in the same order
 * and the same reward draws (random rewards are drawn once, when the instance is built).
 */
export interface BanditProblem {
  name: string;
  /** Number of arms (actions). */
  k: number;
  /** Dimension of the encoded context (bias included). */
  d: number;
  /** The likelihood the engine's models use on this problem. */
  likelihood: Likelihood;
  rounds: number;
  /** Encoded context of round t (0 ≤ t < rounds). A view that stays valid for the instance's life; never mutate it. */
  context(t: number): Float64Array;
  /** The outcome the player learns when it pulls `arm` at round t (0/1 for logistic problems, a reward for linear). */
  reward(t: number, arm: number): number;
  /**
   * Regret of pulling `arm` at round t: the optimal expected reward of the round minus the arm's expected reward
   * (synthetic, delay) or its realised reward (the Riquelme et al. 2018 constructions).
   */
  regret(t: number, arm: number): number;
}

/** A bandit policy. `observe` may hold the outcome back (batched feedback); `flush` applies whatever is held. */
export interface Player {
  readonly name: string;
  /** The arm to pull for context x. */
  choose(x: Float64Array): number;
  /** The outcome y of pulling `arm` for context x. The player copies x if it keeps it. */
  observe(arm: number, x: Float64Array, y: number): void;
  /** Applies any held-back feedback now. */
  flush(): void;
  /** The arm was replaced by a new one (dynamic arm sets): forget it and drop its held-back feedback. */
  reset(arm: number): void;
}

/** A deterministic per-seed seed for one consumer (data sampling, a player), so streams never overlap by accident. */
export function derivedSeed(seed: number, salt: number): number {
  return (seed * 1_000_003 + salt * 7_919) % 4_294_967_296;
}
