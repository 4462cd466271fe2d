/**
 * Drift: synthetic-logistic whose truth changes at round `changeAt` (arm a takes over the truth of arm
 * perm[a]; by default the arm order is reversed, so the best arm, 6, becomes the poor arm 3 and vice versa).
 * Players that learned the first half carry on, with and without forgetting; a fresh learner starts at the
 * change. Measured: expected regret over the second half, which forgetting should bring near the fresh learner's.
 */
import type { EnginePolicy } from '../players/engine.js';
import { syntheticProblem, withDrift, type SyntheticData } from '../data/synthetic.js';
import { createUniformPlayer } from '../players/baselines.js';
import { createEnginePlayer } from '../players/engine.js';
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
  const engine = (p: EnginePolicy, seed: number, salt: number): Player =>
    createEnginePlayer({ k: problem.k, d: problem.d, likelihood: problem.likelihood, policy: p, batch, seed: derivedSeed(seed, salt) });
  const forgetting = { ...policy, forgettingHalfLife: halfLife };
  const specs: { name: string; fresh: boolean; create(seed: number): Player }[] = [
    { name: 'Uniform random', fresh: false, create: (seed) => createUniformPlayer(problem.k, derivedSeed(seed, 2)) },
    {
      name: `Kairos, configured (half-life ${policy.forgettingHalfLife || 'off'})`,
      fresh: false,
      create: (seed) => engine(policy, seed, 4),
    },
    { name: `Kairos, forgetting half-life ${halfLife}`, fresh: false, create: (seed) => engine(forgetting, seed, 5) },
    { name: 'Kairos, fresh learner from the change', fresh: true, create: (seed) => engine(policy, seed, 6) },
  ];
  const rows: PlayerRow[] = [];
  const firstHalf: number[][] = specs.map(() => []);
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
      row.regrets.push(after.regret);
      row.seconds += after.seconds;
      row.rounds += after.rounds;
      progress(`seed ${seed} · ${spec.name}: second-half regret ${after.regret.toFixed(1)}`);
    }
    rows.push(row);
  });
  const mean = (v: readonly number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
  const freshMean = mean(rows[3]!.regrets);
  rows.forEach((row, i) => {
    row.extra = {
      'first half (stationary)': firstHalf[i]!.length ? fmt(mean(firstHalf[i]!), 1) : '—',
      'second half vs fresh': i === 0 ? '—' : `${fmt((100 * mean(row.regrets)) / freshMean, 1)} %`,
    };
  });
  return { rows, problem };
}
