/**
 * Players and protocols on small instances with known answers: Uniform's expected regret, the delay simulator's
 * arm replacements, replay keeping ~1/K of a uniform log, and the engine learning a two-arm problem.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { DRAW_CORRELATION } from '../../src/core/thompson.js';
import { CHAPELLE_LI_DELAY, delayInstance } from '../../scripts/regret/data/delay.js';
import { encodeRows } from '../../scripts/regret/data/encode.js';
import type { ObdLog } from '../../scripts/regret/data/obd.js';
import { createBetaTsPlayer, createUniformPlayer } from '../../scripts/regret/players/baselines.js';
import { createEnginePlayer } from '../../scripts/regret/players/engine.js';
import type { BanditProblem } from '../../scripts/regret/problem.js';
import { playDelay } from '../../scripts/regret/protocols/delay.js';
import { playProblem } from '../../scripts/regret/protocols/play.js';
import { replay } from '../../scripts/regret/protocols/replay.js';

const policy = { priorRate: 0.05, forgettingHalfLife: 0, changeDetection: false, drawCorrelation: DRAW_CORRELATION };

/** Three arms whose regret is 0, 1 and 2 every round: Uniform's expected regret is exactly 1 a round. */
function tinyProblem(rounds: number): BanditProblem {
  const x = Float64Array.of(1);
  return {
    name: 'tiny',
    k: 3,
    d: 1,
    likelihood: 'linear',
    rounds,
    context: () => x,
    reward: (_t, arm) => 2 - arm,
    regret: (_t, arm) => arm,
  };
}

describe('Uniform player', () => {
  it('has expected regret (1/K) Σ_a regret_a per round on a tiny instance', () => {
    const rounds = 30_000;
    const outcome = playProblem(tinyProblem(rounds), createUniformPlayer(3, 7));
    // Per-round regret is uniform on {0, 1, 2}: mean 1, variance 2/3; allow 5 standard deviations of the sum.
    const tolerance = 5 * Math.sqrt((rounds * 2) / 3);
    expect(Math.abs(outcome.regret - rounds)).toBeLessThan(tolerance);
    expect(outcome.curve[outcome.curve.length - 1]).toBe(outcome.regret);
  });

  it('is deterministic for a seed', () => {
    const a = playProblem(tinyProblem(1_000), createUniformPlayer(3, 11)).regret;
    const b = playProblem(tinyProblem(1_000), createUniformPlayer(3, 11)).regret;
    expect(a).toBe(b);
  });
});

describe('Kairos player', () => {
  it('learns the better of two arms (linear rewards) and holds feedback back until a batch is full', () => {
    const problem = tinyProblem(2_000);
    const engine = createEnginePlayer({ k: 3, d: 1, likelihood: 'linear', policy, batch: 50, seed: 3 });
    const outcome = playProblem(problem, engine);
    const uniform = playProblem(problem, createUniformPlayer(3, 3)).regret;
    expect(outcome.regret).toBeLessThan(uniform / 4);
    expect(engine.posteriors()[0]!.mean[0]).toBeGreaterThan(engine.posteriors()[2]!.mean[0]!);
    const observed = engine.posteriors().reduce((s, p) => s + p.observations, 0);
    expect(observed).toBe(2_000);
  });

  it('forgets a replaced arm and drops its held-back feedback', () => {
    const engine = createEnginePlayer({ k: 2, d: 1, likelihood: 'logistic', policy, batch: 10, seed: 1 });
    const x = Float64Array.of(1);
    for (let i = 0; i < 5; i += 1) engine.observe(0, x, 1);
    engine.reset(0);
    for (let i = 0; i < 5; i += 1) engine.observe(1, x, 1);
    expect(engine.posteriors()[0]!.observations).toBe(0);
    expect(engine.posteriors()[1]!.observations).toBe(5);
  });
});

describe('delay protocol (Chapelle & Li 2011)', () => {
  it('replaces one arm with probability 10⁻³ a step', () => {
    const config = { ...CHAPELLE_LI_DELAY, rounds: 1_000_000 };
    const instance = delayInstance(config, createRng(5));
    // Expected 10⁻³ × 999,999 steps ≈ 1,000 replacements, sd ≈ 32.
    expect(Math.abs(instance.at.length - 1_000)).toBeLessThan(160);
    expect(new Set(instance.arm).size).toBe(10);
    const meanP = instance.p.reduce((s, v) => s + v, 0) / instance.p.length;
    expect(Math.abs(meanP - 0.5)).toBeLessThan(0.02);
    for (let i = 1; i < instance.at.length; i += 1) expect(instance.at[i]!).toBeGreaterThanOrEqual(instance.at[i - 1]!);
  });

  it('Beta TS beats Uniform by far, and every player meets the same instance', () => {
    const config = { ...CHAPELLE_LI_DELAY, rounds: 20_000 };
    const instance = delayInstance(config, createRng(9));
    const ts = playDelay(instance, createBetaTsPlayer(10, 1, 1)).regret;
    const uniform = playDelay(instance, createUniformPlayer(10, 1)).regret;
    expect(ts).toBeLessThan(uniform / 3);
    expect(playDelay(instance, createBetaTsPlayer(10, 1, 1)).regret).toBe(ts);
  });
});

describe('replay protocol (Li et al. 2011)', () => {
  it('keeps about 1/K of a uniform log for a uniform policy and learns only from kept rounds', () => {
    const rng = createRng(2);
    const n = 20_000;
    const k = 4;
    const log: ObdLog = {
      policy: 'random',
      campaign: 'men',
      k,
      items: Int32Array.from({ length: n }, () => rng.nextInt(k)),
      clicks: Uint8Array.from({ length: n }, () => (rng.nextFloat() < 0.1 ? 1 : 0)),
      positions: new Int32Array(n).fill(1),
      userFeatures: Array.from({ length: n }, () => ['u', 'v', 'w', 'z']),
    };
    const encoded = encodeRows([], Array.from({ length: n }, () => ({})));
    const outcome = replay(log, encoded, createUniformPlayer(k, 4));
    // Binomial(20,000, 1/4): sd ≈ 61.
    expect(Math.abs(outcome.kept - n / k)).toBeLessThan(400);
    expect(outcome.rewards.length).toBe(outcome.kept);
    const engine = createEnginePlayer({ k, d: 1, likelihood: 'logistic', policy, batch: 1, seed: 4 });
    const learned = replay(log, encoded, engine);
    expect(engine.posteriors().reduce((s, p) => s + p.observations, 0)).toBe(learned.kept);
  });
});
