/**
 * Several players over several seeds of one problem: every player meets the same instance for a seed (same
 * contexts, same order, same reward draws); players run one after another, so each one's rounds/s is its own.
 */
import type { BanditProblem, Player } from '../problem.js';
import type { PlayerRow } from '../report.js';
import { checkpointRounds, playProblem } from './play.js';

export interface PlayerSpec {
  name: string;
  create(problem: BanditProblem, seed: number): Player;
}

export interface BanditRun {
  rows: PlayerRow[];
  checkpoints: Int32Array;
  rounds: number;
}

export function runBandit(
  seeds: readonly number[],
  makeProblem: (seed: number) => BanditProblem,
  players: readonly PlayerSpec[],
  onProgress: (message: string) => void = () => {},
): BanditRun {
  const rows: PlayerRow[] = players.map((p) => ({ name: p.name, regrets: [], seconds: 0, rounds: 0 }));
  const sums: (Float64Array | undefined)[] = players.map(() => undefined);
  let rounds = 0;
  for (const seed of seeds) {
    const problem = makeProblem(seed);
    rounds = problem.rounds;
    players.forEach((spec, i) => {
      const outcome = playProblem(problem, spec.create(problem, seed));
      const row = rows[i]!;
      row.regrets.push(outcome.regret);
      row.seconds += outcome.seconds;
      row.rounds += outcome.rounds;
      const sum = (sums[i] ??= new Float64Array(outcome.curve.length));
      outcome.curve.forEach((v, j) => (sum[j] = sum[j]! + v));
      onProgress(`seed ${seed} · ${spec.name}: regret ${outcome.regret.toFixed(1)} (${Math.round(outcome.rounds / outcome.seconds)} rounds/s)`);
    });
  }
  rows.forEach((row, i) => (row.curve = sums[i]!.map((v) => v / seeds.length)));
  return { rows, checkpoints: checkpointRounds(rounds), rounds };
}
