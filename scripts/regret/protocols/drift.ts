/**
 * Drift: synthetic-logistic whose truth changes at round `changeAt` (arm a takes over the truth of arm
 * perm[a]; by default the arm order is reversed, so the best arm, 6, becomes the poor arm 3 and vice versa).
 * Players that learned the first half carry on, with and without forgetting; a fresh learner starts at the
 * change. Measured: expected regret over the second half, which forgetting should bring near the fresh learner's.
 */
import type { EnginePolicy } from '../players/engine.js';
import { syntheticProblem, withDrift, type SyntheticData } from '../data/synthetic.js';
import { createUniformPlayer } from '../players/baselines.js';
import { createEnginePlayer, type EnginePlayer } from '../players/engine.js';
import { derivedSeed, type BanditProblem, type Player } from '../problem.js';
import { fmt, type PlayerRow } from '../report.js';
import { playProblem } from './play.js';

export interface DriftRunOptions {
  data: SyntheticData;
  seeds: readonly number[];
  changeAt: number;
  perm?: readonly number[];
  policy: EnginePolicy;
  /** Half-life (observations per action) of the forgetting row. */
  halfLife: number;
  batch: number;
  onProgress?: (message: string) => void;
}

export function runDrift(options: DriftRunOptions): { rows: PlayerRow[]; problem: BanditProblem } {
  const { data, seeds, changeAt, policy, halfLife, batch } = options;
  const perm = options.perm ?? Array.from({ length: data.k }, (_, a) => data.k - 1 - a);
  const problem = syntheticProblem(withDrift(data, changeAt, perm));
  const progress = options.onProgress ?? (() => {});
  const engine = (p: EnginePolicy, seed: number, salt: number): EnginePlayer =>
    createEnginePlayer({ k: problem.k, d: problem.d, likelihood: problem.likelihood, policy: p, batch, seed: derivedSeed(seed, salt) });
  const forgetting = { ...policy, forgettingHalfLife: halfLife, changeDetection: false };
  const detecting = { ...policy, forgettingHalfLife: 0, changeDetection: true };
  const configured = [
    policy.forgettingHalfLife > 0 ? `half-life ${policy.forgettingHalfLife}` : 'no forgetting',
    policy.changeDetection ? 'change detection' : 'no change detection',
  ].join(', ');
  const specs: { name: string; fresh: boolean; create(seed: number): Player | EnginePlayer }[] = [
    { name: 'Uniform random', fresh: false, create: (seed) => createUniformPlayer(problem.k, derivedSeed(seed, 2)) },
    { name: `Kairos, configured (${configured})`, fresh: false, create: (seed) => engine(policy, seed, 4) },
    { name: `Kairos, forgetting half-life ${halfLife}`, fresh: false, create: (seed) => engine(forgetting, seed, 5) },
    { name: 'Kairos, change detection', fresh: false, create: (seed) => engine(detecting, seed, 7) },
    { name: 'Kairos, fresh learner from the change', fresh: true, create: (seed) => engine(policy, seed, 6) },
  ];
  const rows: PlayerRow[] = [];
  const firstHalf: number[][] = specs.map(() => []);
  const restarts: { before: number; after: number; delays: number[] }[] = specs.map(() => ({ before: 0, after: 0, delays: [] }));
  specs.forEach((spec, i) => {
    const row: PlayerRow = { name: spec.name, regrets: [], seconds: 0, rounds: 0 };
    for (const seed of seeds) {
      const player = spec.create(seed);
      if (!spec.fresh) {
        const before = playProblem(problem, player, 0, changeAt);
        firstHalf[i]!.push(before.regret);
        row.seconds += before.seconds;
        row.rounds += before.rounds;
      }
      const after = playProblem(problem, player, changeAt, problem.rounds);
      // One observation a round: a restart after `at` observations happened at round `at` of the player's run.
      const offset = spec.fresh ? changeAt : 0;
      const rounds = ('restarts' in player ? player.restarts() : []).map((at) => at + offset);
      const afterChange = rounds.filter((round) => round > changeAt);
      restarts[i]!.before += rounds.length - afterChange.length;
      restarts[i]!.after += afterChange.length;
      if (afterChange.length > 0) restarts[i]!.delays.push(afterChange[0]! - changeAt);
      row.regrets.push(after.regret);
      row.seconds += after.seconds;
      row.rounds += after.rounds;
      progress(`seed ${seed} · ${spec.name}: second-half regret ${after.regret.toFixed(1)}`);
    }
    rows.push(row);
  });
  const mean = (v: readonly number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
  const median = (v: readonly number[]): number => {
    const sorted = [...v].sort((a, b) => a - b);
    return sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  };
  const freshIndex = specs.findIndex((spec) => spec.fresh);
  const freshMean = mean(rows[freshIndex]!.regrets);
  rows.forEach((row, i) => {
    const { before, after, delays } = restarts[i]!;
    row.extra = {
      'first half (stationary)': firstHalf[i]!.length ? fmt(mean(firstHalf[i]!), 1) : '—',
      'second half vs fresh': i === 0 ? '—' : i === freshIndex ? '100.0 %' : `${fmt((100 * mean(row.regrets)) / freshMean, 1)} %`,
      'restarts before / after the change (all seeds)': i === 0 ? '—' : `${before} / ${after}`,
      'rounds from the change to its first restart (median)': delays.length ? fmt(median(delays), 0) : '—',
    };
  });
  return { rows, problem };
}
