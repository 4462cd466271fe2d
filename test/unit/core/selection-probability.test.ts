import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/rng.js';
import { chosenProbability, noActionProbabilityExact, normalCdf } from '../../../src/core/selection-probability.js';
import { createDecisionScratch, decide, DRAW_CORRELATION } from '../../../src/core/thompson.js';
import type { Posterior } from '../../../src/core/types.js';

function scalarPosterior(m: number, v: number): Posterior {
  const precision = v > 0 ? 1 / v : 1e300;
  return { likelihood: 'logistic', d: 1, mean: Float64Array.of(m), precision: Float64Array.of(precision), cholPrecision: Float64Array.of(Math.sqrt(precision)), a: 0, b: 0, observations: 1 };
}

interface Instance {
  means: number[];
  variances: number[];
  values: number[];
  threshold: number;
  correlation: number;
}

const instance = fc.record({
  means: fc.array(fc.double({ min: -4, max: 1, noNaN: true }), { minLength: 2, maxLength: 6 }),
  spread: fc.double({ min: 0.05, max: 2, noNaN: true }),
  values: fc.array(fc.constantFrom(0, 1, 1, 2, 5), { minLength: 6, maxLength: 6 }),
  threshold: fc.constantFrom(0, 0, 0.05, 0.3),
  identical: fc.boolean(),
  correlation: fc.constantFrom(0, 0.5, DRAW_CORRELATION),
});

function toInstance(r: { means: number[]; spread: number; values: number[]; threshold: number; identical: boolean; correlation: number }): Instance {
  const means = r.identical ? r.means.map(() => r.means[0]!) : r.means;
  return {
    means,
    variances: means.map((_, i) => r.spread * (1 + (i % 3))),
    values: means.map((_, i) => r.values[i]!),
    threshold: r.threshold,
    correlation: r.correlation,
  };
}

function moments(inst: Instance) {
  return {
    means: Float64Array.from(inst.means),
    sds: Float64Array.from(inst.variances, Math.sqrt),
    scales: Float64Array.from(inst.values),
    correlation: inst.correlation,
  };
}

describe('exact selection probabilities (one slot, correlated logistic draws)', () => {
  it('normalCdf matches known values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 6);
  });

  it('the probabilities of every action and of no action sum to 1, ties included', () => {
    fc.assert(
      fc.property(instance, (r) => {
        const inst = toInstance(r);
        const k = inst.means.length;
        const mo = moments(inst);
        let total = noActionProbabilityExact(k, mo, inst.threshold);
        for (let i = 0; i < k; i++) total += chosenProbability(i, k, mo, inst.threshold);
        expect(Math.abs(total - 1)).toBeLessThan(0.03);
      }),
      { numRuns: 200, seed: 11 },
    );
  });

  it('agrees with the Monte Carlo frequencies of the same policy', () => {
    fc.assert(
      fc.property(instance, (r) => {
        const inst = toInstance(r);
        const k = inst.means.length;
        const draws = 40_000;
        const mc = decide(
          {
            posteriors: inst.means.map((m, i) => scalarPosterior(m, inst.variances[i]!)),
            values: Float64Array.from(inst.values),
            levers: new Float64Array(k).fill(1),
            x: Float64Array.of(1),
            threshold: inst.threshold,
            slots: 1,
            probabilityDraws: draws,
            correlation: inst.correlation,
          },
          createRng(5),
          createDecisionScratch(k, 1),
        );
        const mo = moments(inst);
        for (let i = 0; i < k; i++) {
          const exact = chosenProbability(i, k, mo, inst.threshold);
          expect(Math.abs(exact - mc.probability[i]!), `action ${i}`).toBeLessThan(0.015 + 4 * Math.sqrt((exact * (1 - exact)) / draws));
        }
        const none = noActionProbabilityExact(k, mo, inst.threshold);
        expect(Math.abs(none - mc.noActionProbability)).toBeLessThan(0.015 + 4 * Math.sqrt((none * (1 - none)) / draws));
      }),
      { numRuns: 25, seed: 3 },
    );
  });

  it('gives K identical (cold) actions 1/K each to within 9 %, for every correlation', () => {
    // The hardest case for the inner rule: P(i) = ∫ v^(K−1) dv, all of it in the top few per cent of v.
    for (const correlation of [0, 0.5, DRAW_CORRELATION]) {
      for (const k of [2, 10, 50, 200]) {
        const mo = moments({ means: new Array(k).fill(-2.9), variances: new Array(k).fill(4.5), values: new Array(k).fill(1), threshold: 0, correlation });
        for (const i of [0, k - 1]) expect(Math.abs(k * chosenProbability(i, k, mo, 0) - 1), `ρ = ${correlation}, K = ${k}, action ${i}`).toBeLessThan(0.09);
      }
    }
  });

  it("decide({probabilityMethod: 'exact'}) reports the chosen action's exact probability and NaN for the rest", () => {
    const posteriors = [scalarPosterior(-1, 0.5), scalarPosterior(-1.2, 0.8), scalarPosterior(-3, 0.1)];
    const input = { posteriors, values: Float64Array.of(1, 1, 1), levers: Float64Array.of(1, 1, 1), x: Float64Array.of(1), threshold: 0, slots: 1, probabilityDraws: 100, probabilityMethod: 'exact' as const };
    const result = decide(input, createRng(1), createDecisionScratch(3, 1));
    const chosen = result.chosen[0]!;
    const mo = moments({ means: [-1, -1.2, -3], variances: [0.5, 0.8, 0.1], values: [1, 1, 1], threshold: 0, correlation: DRAW_CORRELATION });
    expect(result.probability[chosen]).toBeCloseTo(chosenProbability(chosen, 3, mo, 0), 8);
    for (let i = 0; i < 3; i++) if (i !== chosen) expect(result.probability[i]).toBeNaN();
    expect(result.noActionProbability).toBe(0);
  });
});

describe('normalCdfFast', () => {
  it('matches normalCdf to 1e-6 across its range and saturates outside it', async () => {
    const { normalCdfFast } = await import('../../../src/core/selection-probability.js');
    for (let z = -9; z <= 9; z += 0.0137) expect(Math.abs(normalCdfFast(z) - normalCdf(z))).toBeLessThan(1e-6);
    expect(normalCdfFast(-20)).toBe(0);
    expect(normalCdfFast(20)).toBe(1);
    expect(normalCdfFast(Number.NaN)).toBeNaN();
  });
});
