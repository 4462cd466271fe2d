/**
 * The data loaders read the shared data sets (../shared/data) with the constructions their READMEs give:
 * row counts, arm counts and encoded dimensions are checked against the figures stated there.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { adultProblem, encodeAdult, loadAdult } from '../../scripts/regret/data/adult.js';
import { loadMushroom, mushroomProblem } from '../../scripts/regret/data/mushroom.js';
import { encodeObd, loadObd, loggedClickRate } from '../../scripts/regret/data/obd.js';
import { encodeStatlog, loadStatlog, statlogProblem } from '../../scripts/regret/data/statlog.js';
import { loadSynthetic, syntheticProblem, withDrift } from '../../scripts/regret/data/synthetic.js';

const dataDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'data');

describe.skipIf(!existsSync(dataDir))('regret data loaders', () => {
  it('synthetic-logistic: 20,000 rounds, 10 arms, 16 binary features encoded with the bias (d = 17)', () => {
    const data = loadSynthetic(dataDir);
    expect([data.rounds, data.k, data.features]).toEqual([20_000, 10, 16]);
    const problem = syntheticProblem(data);
    expect([problem.k, problem.d, problem.likelihood]).toEqual([10, 17, 'logistic']);
    const x = problem.context(0);
    expect(x[0]).toBe(1);
    // Round 0 of the file: x0..x15 = 1,1,0,0,0,0,0,0,1,0,0,0,1,1,0,0; p_6 = 0.131364 is the best arm.
    expect(Array.from(x.subarray(1))).toEqual([1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0]);
    expect(problem.regret(0, 6)).toBe(0);
    expect(problem.regret(0, 0)).toBeCloseTo(0.131364 - 0.010122, 12);
    expect([problem.reward(0, 7), problem.reward(0, 6)]).toEqual([1, 0]);
    // The oracle's expected reward in stats.json is 3,851.826: Σ_t max_a p = Σ_t (p_a + regret_a) for any a.
    let oracle = 0;
    for (let t = 0; t < problem.rounds; t += 1) oracle += data.p[t * data.k]! + problem.regret(t, 0);
    expect(oracle).toBeCloseTo(3_851.826, 1);
  });

  it('drift keeps the contexts and hands each arm the permuted arm\'s truth from the change on', () => {
    const data = loadSynthetic(dataDir);
    const reversed = Array.from({ length: data.k }, (_, a) => data.k - 1 - a);
    const drifted = withDrift(data, 10_000, reversed);
    expect(drifted.p[9_999 * data.k + 6]).toBe(data.p[9_999 * data.k + 6]);
    expect(drifted.p[10_000 * data.k + 6]).toBe(data.p[10_000 * data.k + 3]);
    expect(drifted.r[19_999 * data.k + 0]).toBe(data.r[19_999 * data.k + 9]);
    expect(drifted.x).toBe(data.x);
  });

  it('mushroom: 8,124 rows; 117 one-hot columns + 22 unused `=other` slots + bias; rewards 0 / +5 / −35', () => {
    const data = loadMushroom(dataDir);
    expect(data.edible.length).toBe(8_124);
    expect(data.edible.filter(Boolean).length).toBe(4_208);
    const problem = mushroomProblem(data, 5_000, createRng(1));
    expect([problem.k, problem.d, problem.likelihood, problem.rounds]).toEqual([2, 1 + 117 + 22, 'linear', 5_000]);
    const rewards = new Set<number>();
    for (let t = 0; t < problem.rounds; t += 1) {
      expect(problem.reward(t, 0)).toBe(0);
      rewards.add(problem.reward(t, 1));
      // Exactly 22 attributes are active plus the bias.
      if (t < 10) expect(problem.context(t).reduce((s, v) => s + v, 0)).toBe(23);
    }
    expect([...rewards].sort((a, b) => a - b)).toEqual([-35, 5]);
    // Same seed, same instance.
    const again = mushroomProblem(data, 5_000, createRng(1));
    for (let t = 0; t < 50; t += 1) expect(again.reward(t, 1)).toBe(problem.reward(t, 1));
  });

  it('statlog: 43,500 rows, 7 arms, 9 z-scored features; class 1 is 78.4 %', () => {
    const data = loadStatlog(dataDir);
    expect(data.labels.length).toBe(43_500);
    expect(data.labels.filter((l) => l === 0).length).toBe(34_108);
    const problem = statlogProblem(data, encodeStatlog(data), createRng(1));
    expect([problem.k, problem.d, problem.rounds]).toEqual([7, 10, 43_500]);
    let right = 0;
    for (let t = 0; t < problem.rounds; t += 1) right += problem.reward(t, 0);
    expect(right).toBe(34_108);
  });

  it('adult: 45,222 rows after dropping "?", 14 occupations as arms', () => {
    const data = loadAdult(dataDir);
    expect(data.labels.length).toBe(45_222);
    expect(data.arms.length).toBe(14);
    const encoded = encodeAdult(data);
    // bias + 6 numeric + the showdown's 88 one-hot columns (94 − 6) + 8 `=other` slots.
    expect(encoded.d).toBe(1 + 6 + 88 + 8);
    const problem = adultProblem(data, encoded, createRng(1));
    expect([problem.k, problem.rounds]).toEqual([14, 45_222]);
  });

  it('OBD: 10,000 rows per log, 34 / 46 items, logged click rates as in its README', () => {
    const men = loadObd(dataDir, 'random', 'men');
    const women = loadObd(dataDir, 'random', 'women');
    expect([men.items.length, men.k, women.items.length, women.k]).toEqual([10_000, 34, 10_000, 46]);
    expect(loggedClickRate(men)).toBeCloseTo(0.0046, 6);
    expect(loggedClickRate(loadObd(dataDir, 'bts', 'men'))).toBeCloseTo(0.0069, 6);
    const encoded = encodeObd(men);
    expect(encoded.rows).toBe(10_000);
    // Four categorical user features: exactly four one-hots plus the bias per row.
    expect(encoded.data.subarray(0, encoded.d).reduce((s, v) => s + v, 0)).toBe(5);
  });
});
