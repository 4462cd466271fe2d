/**
 * Chapelle & Li (2011) delayed feedback, context-free: every player meets the same dynamic 10-arm instance per
 * seed; feedback reaches the learner only every δ steps. Kairos plays it with a bias-only model (d = 1, the
 * encoder of an empty schema) — the service with no features declared.
 */
import type { EnginePolicy } from '../players/engine.js';
import { delayInstance, type DelayConfig, type DelayInstance } from '../data/delay.js';
import { encodeRows, rowView } from '../data/encode.js';
import { createBetaTsPlayer, createUniformPlayer } from '../players/baselines.js';
import { createEnginePlayer } from '../players/engine.js';
import { createRng } from '../../../src/core/rng.js';
import { derivedSeed, type Player } from '../problem.js';
import { fmt, type PlayerRow } from '../report.js';

/** Chapelle & Li (2011) Table 1, Thompson sampling, T = 10⁶, mean of 100 repetitions. */
export const PUBLISHED_TS_REGRET: Readonly<Record<number, number>> = Object.freeze({
  1: 9_105, 3: 9_199, 10: 9_049, 32: 9_451, 100: 11_550, 316: 21_594, 1000: 59_256,
});
export const DEFAULT_DELAYS = [1, 3, 10, 32, 100, 316, 1000] as const;

/** Expected regret of `player` on `instance` (arms replaced at the scheduled rounds, the player told each time). */
export function playDelay(instance: DelayInstance, player: Player): { regret: number; seconds: number } {
  const x = rowView(encodeRows([], [{}]), 0);
  const p = Float64Array.from(instance.initial);
  let best = Math.max(...p);
  let next = 0;
  let regret = 0;
  const started = performance.now();
  for (let t = 0; t < instance.config.rounds; t += 1) {
    if (next < instance.at.length && instance.at[next] === t) {
      while (next < instance.at.length && instance.at[next] === t) {
        const arm = instance.arm[next]!;
        p[arm] = instance.p[next]!;
        player.reset(arm);
        next += 1;
      }
      best = Math.max(...p);
    }
    const arm = player.choose(x);
    regret += best - p[arm]!;
    player.observe(arm, x, instance.u[t]! < p[arm]! ? 1 : 0);
  }
  player.flush();
  return { regret, seconds: (performance.now() - started) / 1000 };
}

export interface DelayRunOptions {
  config: DelayConfig;
  seeds: readonly number[];
  delays: readonly number[];
  policy: EnginePolicy;
  onProgress?: (message: string) => void;
}

export function runDelay(options: DelayRunOptions): PlayerRow[] {
  const { config, seeds, delays, policy } = options;
  const progress = options.onProgress ?? (() => {});
  const uniform: PlayerRow = { name: 'Uniform random', regrets: [], seconds: 0, rounds: 0 };
  const rows: PlayerRow[] = [uniform];
  const perDelay = delays.map((delta) => {
    const published = PUBLISHED_TS_REGRET[delta];
    const reference: PlayerRow = { name: `Beta TS reference, δ = ${delta}`, regrets: [], seconds: 0, rounds: 0 };
    const kairos: PlayerRow = { name: `Kairos, δ = ${delta}`, regrets: [], seconds: 0, rounds: 0 };
    rows.push(reference, kairos);
    return { delta, published, reference, kairos, restarts: 0 };
  });
  const record = (row: PlayerRow, outcome: { regret: number; seconds: number }, seed: number): void => {
    row.regrets.push(outcome.regret);
    row.seconds += outcome.seconds;
    row.rounds += config.rounds;
    progress(`seed ${seed} · ${row.name}: regret ${outcome.regret.toFixed(1)} (${Math.round(config.rounds / outcome.seconds)} rounds/s)`);
  };
  for (const seed of seeds) {
    const instance = delayInstance(config, createRng(derivedSeed(seed, 1)));
    record(uniform, playDelay(instance, createUniformPlayer(config.arms, derivedSeed(seed, 2))), seed);
    for (const entry of perDelay) {
      const { delta, reference, kairos } = entry;
      record(reference, playDelay(instance, createBetaTsPlayer(config.arms, delta, derivedSeed(seed, 3))), seed);
      const engine = createEnginePlayer({ k: config.arms, d: 1, likelihood: 'logistic', policy, batch: delta, seed: derivedSeed(seed, 4) });
      record(kairos, playDelay(instance, engine), seed);
      // An arm keeps its rate for life (a replaced arm is a new arm), so every change-detection restart is a false alarm.
      entry.restarts += engine.restarts().length;
    }
  }
  const comparable = config.rounds === 1_000_000 && config.arms === 10;
  for (const { published, reference, kairos, restarts } of perDelay) {
    if (policy.changeDetection) kairos.extra = { 'false restarts (all seeds)': String(restarts) };
    if (published === undefined || !comparable) continue;
    for (const row of [reference, kairos]) {
      const mean = row.regrets.reduce((s, v) => s + v, 0) / row.regrets.length;
      row.extra = { ...row.extra, 'published TS': fmt(published), 'vs published': `${mean >= published ? '+' : ''}${fmt((100 * (mean - published)) / published, 1)} %` };
    }
  }
  return rows;
}
