/**
 * The on-policy protocol: a player meets the rounds of one problem instance in order, pulls one arm per round,
 * learns only that arm's outcome, and is charged the round's regret.
 */
import type { BanditProblem, Player } from '../problem.js';

export interface PlayOutcome {
  /** Regret summed over the played rounds. */
  regret: number;
  /** Cumulative regret after each checkpoint round (see `checkpointRounds`). */
  curve: Float64Array;
  /** Wall time of the player's work (choose + observe + the final flush), seconds. */
  seconds: number;
  rounds: number;
}

/** Rounds (1-based counts) at which curves are sampled: every `step` rounds and the last round. */
export function checkpointRounds(rounds: number, points = 200): Int32Array {
  const step = Math.max(1, Math.ceil(rounds / points));
  const out: number[] = [];
  for (let t = step; t < rounds; t += step) out.push(t);
  out.push(rounds);
  return Int32Array.from(out);
}

/**
 * Plays rounds [from, to) of `problem`. Regret is charged only on those rounds; the curve covers the same span.
 * The player's held-back feedback is flushed at the end.
 */
export function playProblem(problem: BanditProblem, player: Player, from = 0, to = problem.rounds, points = 200): PlayOutcome {
  const checkpoints = checkpointRounds(to - from, points);
  const curve = new Float64Array(checkpoints.length);
  let next = 0;
  let regret = 0;
  const started = performance.now();
  for (let t = from; t < to; t += 1) {
    const x = problem.context(t);
    const arm = player.choose(x);
    regret += problem.regret(t, arm);
    player.observe(arm, x, problem.reward(t, arm));
    if (t - from + 1 === checkpoints[next]) curve[next++] = regret;
  }
  player.flush();
  return { regret, curve, seconds: (performance.now() - started) / 1000, rounds: to - from };
}
