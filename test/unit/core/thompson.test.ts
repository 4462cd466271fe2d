import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPrior, DEFAULT_LINEAR_PRIOR, DEFAULT_LOGISTIC_PRIOR } from '../../../src/core/prior.js';
import { createRng } from '../../../src/core/rng.js';
import { createDecisionScratch, decide, DRAW_CORRELATION, type DecisionInput, type DecisionResult } from '../../../src/core/thompson.js';
import type { Likelihood, Posterior } from '../../../src/core/types.js';
import { posteriorPredictive } from '../../../src/core/update.js';
import { evolvedPosterior, normalCdf, randomContext, scalarPosterior } from './support.js';

function input(posteriors: Posterior[], x: Float64Array, overrides: Partial<DecisionInput> = {}): DecisionInput {
  return {
    posteriors,
    values: new Float64Array(posteriors.length).fill(1),
    levers: new Float64Array(posteriors.length).fill(1),
    x,
    threshold: Number.NEGATIVE_INFINITY,
    slots: 1,
    probabilityDraws: 0,
    ...overrides,
  };
}

function snapshot(result: DecisionResult): object {
  return {
    chosen: [...result.chosen],
    propensity: Array.from(result.propensity),
    sampled: Array.from(result.sampled),
    priority: Array.from(result.priority),
    probability: Array.from(result.probability),
    noActionProbability: result.noActionProbability,
  };
}

function binomialTolerance(p: number, n: number): number {
  return 4.5 * Math.sqrt(Math.max(p * (1 - p), 1e-4) / n);
}

const logit = (p: number): number => Math.log(p / (1 - p));

describe('decide — sampling', () => {
  it('with ρ = 0 draws σ(z), z ~ N(m, v): the frequency of σ(z) > c matches the normal CDF', () => {
    const [m, v, c] = [-1.2, 2.5, 0.3];
    const post = scalarPosterior('logistic', m, v);
    const scratch = createDecisionScratch(1, 1);
    const rng = createRng(1);
    const draws = 20_000;
    let above = 0;
    for (let i = 0; i < draws; i++) {
      const result = decide(input([post], Float64Array.of(1), { correlation: 0 }), rng, scratch);
      if (result.sampled[0]! > c) above++;
    }
    const expected = 1 - normalCdf((logit(c) - m) / Math.sqrt(v));
    expect(Math.abs(above / draws - expected)).toBeLessThan(binomialTolerance(expected, draws));
  });

  it('with ρ = 0 estimates the no-action probability under a threshold as the normal CDF', () => {
    const [m, v, c] = [-0.5, 1.5, 0.4];
    const draws = 20_000;
    const result = decide(
      input([scalarPosterior('logistic', m, v)], Float64Array.of(1), { threshold: c, probabilityDraws: draws, correlation: 0 }),
      createRng(2),
      createDecisionScratch(1, 1),
    );
    const expected = normalCdf((logit(c) - m) / Math.sqrt(v));
    expect(Math.abs(result.noActionProbability - expected)).toBeLessThan(binomialTolerance(expected, draws));
    expect(result.probability[0]! + result.noActionProbability).toBeCloseTo(1, 12);
  });

  it('with ρ = 0 draws linear scores from the NIG predictive: E[z] = m and E[(z − m)²] = v·b/(a−1) (Student t, 2a dof)', () => {
    const [m, v, a, b] = [2, 0.5, 6, 6];
    const post = scalarPosterior('linear', m, v, a, b);
    const scratch = createDecisionScratch(1, 1);
    const rng = createRng(3);
    const n = 40_000;
    const xs: number[] = [];
    for (let i = 0; i < n; i++) xs.push(decide(input([post], Float64Array.of(1), { correlation: 0 }), rng, scratch).sampled[0]!);
    const expected = (v * b) / (a - 1);
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    expect(Math.abs(mean - m)).toBeLessThan(5 * Math.sqrt(expected / n));
    const secondMoment = xs.reduce((s, x) => s + (x - m) ** 2, 0) / n;
    // Student t with 2a = 12 degrees of freedom: excess kurtosis 6/(12 − 4), so Var[(z − m)²] = (2 + 0.75)·expected²
    expect(Math.abs(secondMoment / expected - 1)).toBeLessThan(5 * Math.sqrt((2 + 0.75) / n));
  });

  it('shares optimism: deviates εᵢ = √ρ·max(0, w) + √(1−ρ)·uᵢ (ρ = DRAW_CORRELATION by default, 0 = independent)', () => {
    const [m, v] = [-0.7, 3];
    const posteriors = [scalarPosterior('logistic', m, v), scalarPosterior('logistic', m + 0.4, v / 2)];
    const deviate = (sampled: number, i: number): number => (logit(sampled) - posteriors[i]!.mean[0]!) * Math.sqrt(posteriors[i]!.precision[0]!);
    const n = 20_000;
    for (const correlation of [undefined, 0, 0.5]) {
      const rho = correlation ?? DRAW_CORRELATION;
      const scratch = createDecisionScratch(2, 1);
      const rng = createRng(8);
      let s0 = 0;
      let s00 = 0;
      let s01 = 0;
      for (let i = 0; i < n; i++) {
        const sampled = decide(input(posteriors, Float64Array.of(1), { correlation }), rng, scratch).sampled;
        const [e0, e1] = [deviate(sampled[0]!, 0), deviate(sampled[1]!, 1)];
        s0 += e0;
        s00 += e0 * e0;
        s01 += e0 * e1;
      }
      // E[max(0, w)] = 1/√(2π), E[max(0, w)²] = ½: mean √ρ/√(2π), second moment ρ/2 + 1 − ρ, cross moment ρ/2
      expect(Math.abs(s0 / n - Math.sqrt(rho / (2 * Math.PI)))).toBeLessThan(5 / Math.sqrt(n));
      expect(Math.abs(s00 / n - (1 - rho / 2))).toBeLessThan(5 * Math.sqrt(2 / n));
      expect(Math.abs(s01 / n - rho / 2)).toBeLessThan(5 * Math.sqrt((1 + rho * rho) / n));
    }
  });

  it('reports propensity = posterior predictive and priority = sampled × value × lever', () => {
    const d = 5;
    const posteriors = [evolvedPosterior('logistic', d, 30, 1), evolvedPosterior('linear', d, 30, 2), evolvedPosterior('logistic', d, 0, 3)];
    const x = randomContext(createRng(4), d);
    const values = Float64Array.of(10, 2, 0.5);
    const levers = Float64Array.of(1, 3, 2);
    const result = decide(input(posteriors, x, { values, levers }), createRng(5), createDecisionScratch(3, d));
    posteriors.forEach((post, i) => {
      expect(result.propensity[i]).toBeCloseTo(posteriorPredictive(post, x), 12);
      expect(result.priority[i]).toBe(result.sampled[i]! * values[i]! * levers[i]!);
    });
    expect(result.sampled[0]).toBeGreaterThan(0);
    expect(result.sampled[0]).toBeLessThan(1);
  });
});

describe('decide — arbitration and selection probabilities', () => {
  const scenario = fc.record({
    seed: fc.integer({ min: 0, max: 2 ** 31 }),
    k: fc.integer({ min: 1, max: 8 }),
    d: fc.integer({ min: 1, max: 6 }),
    threshold: fc.double({ min: 0, max: 0.5, noNaN: true }),
    draws: fc.integer({ min: 0, max: 200 }),
  });

  function posteriorsFor(seed: number, k: number, d: number): Posterior[] {
    return Array.from({ length: k }, (_, i) => evolvedPosterior(i % 3 === 2 ? 'linear' : 'logistic', d, (seed + i) % 40, seed + i));
  }

  it('probabilities and the no-action probability sum to 1 (slots = 1), and the chosen action has probability > 0', () => {
    fc.assert(
      fc.property(scenario, ({ seed, k, d, threshold, draws }) => {
        const rng = createRng(seed);
        const x = randomContext(rng, d);
        const result = decide(input(posteriorsFor(seed, k, d), x, { threshold, probabilityDraws: draws }), rng, createDecisionScratch(4, d));
        const total = Array.from(result.probability).reduce((s, p) => s + p, 0) + result.noActionProbability;
        expect(total).toBeCloseTo(1, 12);
        expect(result.chosen.length).toBeLessThanOrEqual(1);
        if (result.chosen.length === 1) {
          const best = result.chosen[0]!;
          expect(result.priority[best]).toBeGreaterThanOrEqual(threshold);
          for (let i = 0; i < k; i++) expect(result.priority[i]!).toBeLessThanOrEqual(result.priority[best]!);
          expect(result.probability[best]).toBeGreaterThanOrEqual(1 / (draws + 1));
        } else {
          for (let i = 0; i < k; i++) expect(result.priority[i]! < threshold).toBe(true);
          expect(result.noActionProbability).toBeGreaterThanOrEqual(1 / (draws + 1));
        }
      }),
    );
  });

  it('returns no action when nothing can clear the threshold', () => {
    const posteriors = [evolvedPosterior('logistic', 3, 10, 1), evolvedPosterior('logistic', 3, 10, 2)];
    // logistic sampled propensities are < 1, so with value 1 no priority reaches 1
    const result = decide(input(posteriors, Float64Array.of(1, 0.2, 0.4), { threshold: 1, probabilityDraws: 50 }), createRng(1), createDecisionScratch(2, 3));
    expect(result.chosen).toEqual([]);
    expect(result.noActionProbability).toBe(1);
    expect(Array.from(result.probability)).toEqual([0, 0]);
  });

  it('slots = 2 returns the two highest distinct priorities among those clearing the threshold, best first', () => {
    fc.assert(
      fc.property(scenario, ({ seed, k, d, threshold, draws }) => {
        const rng = createRng(seed);
        const x = randomContext(rng, d);
        const result = decide(
          input(posteriorsFor(seed, k, d), x, { threshold, probabilityDraws: draws, slots: 2 }),
          rng,
          createDecisionScratch(k, d),
        );
        const clearing = Array.from(result.priority)
          .map((p, i) => ({ p, i }))
          .filter(({ p }) => p >= threshold)
          .sort((a, b) => b.p - a.p || a.i - b.i);
        expect(result.chosen).toEqual(clearing.slice(0, 2).map(({ i }) => i));
        expect(new Set(result.chosen).size).toBe(result.chosen.length);
        if (k >= 2 && threshold === 0) expect(result.chosen.length).toBeGreaterThanOrEqual(Math.min(2, clearing.length));
        const expectedChosen = Array.from(result.probability).reduce((s, p) => s + p, 0);
        expect(expectedChosen).toBeLessThanOrEqual(2 + 1e-12);
        for (const p of result.probability) expect(p).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('the Monte Carlo probability of the argmax agrees with a brute-force estimate over independent decisions', () => {
    const posteriors = [scalarPosterior('logistic', -1, 0.5), scalarPosterior('logistic', -1.3, 1.2), scalarPosterior('linear', 0.2, 0.05, 6, 6)];
    const values = Float64Array.of(1, 1.1, 1);
    const draws = 40_000;
    const scratch = createDecisionScratch(3, 1);
    const base = input(posteriors, Float64Array.of(1), { values, threshold: 0.15 });
    const estimated = snapshot(decide({ ...base, probabilityDraws: draws }, createRng(10), scratch)) as { probability: number[]; noActionProbability: number };

    const wins = [0, 0, 0];
    let none = 0;
    const rng = createRng(11);
    for (let i = 0; i < draws; i++) {
      const result = decide(base, rng, scratch);
      if (result.chosen.length === 0) none++;
      else wins[result.chosen[0]!]! += 1;
    }
    const compare = (a: number, b: number): void => {
      const p = (a + b) / 2;
      expect(Math.abs(a - b)).toBeLessThan(4.5 * Math.sqrt(Math.max(p * (1 - p), 1e-4) * (2 / draws)));
    };
    wins.forEach((w, i) => compare(estimated.probability[i]!, w / draws));
    compare(estimated.noActionProbability, none / draws);
    // the three outcomes are all plausible here, so the comparison is not vacuous
    for (const w of wins) expect(w / draws).toBeGreaterThan(0.05);
  });
});

describe('decide — determinism and scratch', () => {
  it('replays exactly from the same seed', () => {
    const d = 4;
    const posteriors = [evolvedPosterior('logistic', d, 20, 1), evolvedPosterior('linear', d, 20, 2)];
    const x = randomContext(createRng(9), d);
    const run = (): object => snapshot(decide(input(posteriors, x, { probabilityDraws: 30, threshold: 0.01 }), createRng(1234), createDecisionScratch(2, d)));
    expect(run()).toEqual(run());
  });

  it('grows the scratch when K or d exceed its capacity and gives the same answer as a large scratch', () => {
    const d = 7;
    const posteriors = Array.from({ length: 12 }, (_, i) => evolvedPosterior('logistic', d, 10, i));
    const x = randomContext(createRng(3), d);
    const small = createDecisionScratch(2, 2);
    const first = snapshot(decide(input(posteriors, x, { probabilityDraws: 20 }), createRng(5), small));
    const large = snapshot(decide(input(posteriors, x, { probabilityDraws: 20 }), createRng(5), createDecisionScratch(64, 16)));
    expect(first).toEqual(large);
    // a smaller decision afterwards returns views of its own length
    const again = decide(input(posteriors.slice(0, 3), x), createRng(6), small);
    expect(again.probability.length).toBe(3);
  });

  it('rejects inconsistent input with RangeError', () => {
    const post = createPrior(DEFAULT_LOGISTIC_PRIOR, 3);
    const scratch = createDecisionScratch(1, 3);
    const rng = createRng(1);
    expect(() => decide(input([post], Float64Array.of(1, 0)), rng, scratch)).toThrow(RangeError);
    expect(() => decide(input([post], Float64Array.of(1, 0, 0), { slots: 0 }), rng, scratch)).toThrow(RangeError);
    expect(() => decide(input([post], Float64Array.of(1, 0, 0), { probabilityDraws: -1 }), rng, scratch)).toThrow(RangeError);
    expect(() => decide({ ...input([post], Float64Array.of(1, 0, 0)), values: new Float64Array(0) }, rng, scratch)).toThrow(RangeError);
    expect(() => decide(input([createPrior(DEFAULT_LINEAR_PRIOR, 2)], Float64Array.of(1, 0, 0)), rng, scratch)).toThrow(RangeError);
  });
});
