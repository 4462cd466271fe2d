/**
 * The one-slot quadrature where the chosen action wins only in the upper tail of its own draw (issue #11): the
 * previous rule ('twins') put every midpoint of the top stratum at 0 there, so a chosen action could be logged with
 * probability 0 (or 1e-6 for 1e-3), and rare choices among distinct rivals were 30–99 % low. Each test also runs the
 * previous rule on the same case and checks that it fails the same bar, so none of them could have passed before.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/rng.js';
import { chosenProbability, noActionProbabilityExact, normalCdf, type ScoreMoments } from '../../../src/core/selection-probability.js';
import { DRAW_CORRELATION } from '../../../src/core/thompson.js';
import { plainSelectionFrequencies } from './support.js';

const phi = (u: number): number => Math.exp(-0.5 * u * u) / Math.sqrt(2 * Math.PI);

/**
 * ρ = 0, equal scales, no bars: P(i) = ∫_{u₀}^∞ φ(u) Π_j Φ((mᵢ + sᵢu − mⱼ)/sⱼ) du, where u₀ is the certain rival's
 * level in i's own units. Composite Simpson over u ∈ [u₀, u₀ + 12] with 20,000 panels: an independent reference to
 * ~1e-10 relative.
 */
function tailReference(mean: number, sd: number, u0: number, rivals: { mean: number; sd: number }[]): number {
  const panels = 20_000;
  const h = 12 / panels;
  const f = (u: number): number => {
    const z = mean + sd * u;
    let product = phi(u);
    for (const r of rivals) product *= normalCdf((z - r.mean) / r.sd);
    return product;
  };
  let total = f(u0) + f(u0 + 12);
  for (let p = 1; p < panels; p++) total += (p % 2 === 1 ? 4 : 2) * f(u0 + p * h);
  return (total * h) / 3;
}

describe('a chosen action that wins only far in its upper tail', () => {
  it('gets the probability of that tail (to 1 %), not 0: a certain rival u₀ own sds above its centre, and spread rivals', () => {
    // Action 0: score N(−1, 1.5²). Action 1: certain (sd 0) at −1 + 1.5·u₀, so 0 must draw u > u₀ (strictly: 1 comes
    // later in the catalog, ties go to the lower index, and they have probability 0 anyway). Actions 2–10: distinct
    // warm rivals that also have to stay below it.
    const rivals = Array.from({ length: 9 }, (_, j) => ({ mean: -0.5 + 0.3 * j, sd: 0.4 + 0.1 * j }));
    for (const u0 of [1.5, 2.5, 3.5, 4.5, 5.5]) {
      const k = 2 + rivals.length;
      const m: ScoreMoments = {
        means: Float64Array.from([-1, -1 + 1.5 * u0, ...rivals.map((r) => r.mean)]),
        sds: Float64Array.from([1.5, 0, ...rivals.map((r) => r.sd)]),
        scales: new Float64Array(k).fill(1),
        correlation: 0,
      };
      const truth = tailReference(-1, 1.5, u0, rivals);
      const now = chosenProbability(0, k, m, 0);
      const before = chosenProbability(0, k, m, 0, 'twins');
      console.log(`u₀ = ${u0}: reference ${truth.toExponential(4)}; now ${now.toExponential(4)}, previous rule ${before.toExponential(4)}`);
      expect(now, `u₀ = ${u0}`).toBeGreaterThan(0);
      expect(Math.abs(now / truth - 1), `u₀ = ${u0}: ${now} vs ${truth}`).toBeLessThan(0.01);
      if (u0 >= 2.5) expect(before / truth - 1, `u₀ = ${u0}: the previous rule`).toBeLessThan(-0.5);
    }
  });

  it('defect 1 reproduced: the previous rule answers exactly 0 when every midpoint of the top stratum loses', () => {
    // Without other rivals P = 1 − Φ(u₀) exactly; u₀ = 2 puts the win above v = Φ(2) = 0.977, past the top midpoint 0.95.
    for (const u0 of [2, 3, 4, 5, 6]) {
      const m: ScoreMoments = { means: Float64Array.of(0, u0), sds: Float64Array.of(1, 0), scales: Float64Array.of(1, 1), correlation: 0 };
      const truth = normalCdf(-u0);
      expect(chosenProbability(0, 2, m, 0, 'twins'), `u₀ = ${u0}: the previous rule`).toBe(0);
      expect(Math.abs(chosenProbability(0, 2, m, 0) / truth - 1), `u₀ = ${u0}`).toBeLessThan(0.005);
    }
  });

  it('an action that can be chosen never gets probability 0: every winner of simulated draws over random catalogs', () => {
    const catalog = fc.record({
      k: fc.integer({ min: 2, max: 30 }),
      means: fc.array(fc.integer({ min: -600, max: 100 }).map((c) => c / 100), { minLength: 30, maxLength: 30 }),
      sds: fc.array(fc.oneof(fc.double({ min: 0.05, max: 3, noNaN: true }), fc.constant(0)), { minLength: 30, maxLength: 30 }),
      scales: fc.array(fc.constantFrom(1, 2, 5, 10, 37, 100), { minLength: 30, maxLength: 30 }),
      correlation: fc.constantFrom(0, 0.5, DRAW_CORRELATION),
      bar: fc.constantFrom(0, 0.05, 0.5),
      seed: fc.nat(),
    });
    fc.assert(
      fc.property(catalog, (c) => {
        const m: ScoreMoments = {
          means: Float64Array.from(c.means.slice(0, c.k)),
          sds: Float64Array.from(c.sds.slice(0, c.k)),
          scales: Float64Array.from(c.scales.slice(0, c.k)),
          correlation: c.correlation,
          taus: new Float64Array(c.k).fill(c.bar),
        };
        const rng = createRng(c.seed);
        const common = Math.sqrt(c.correlation);
        const own = Math.sqrt(1 - c.correlation);
        for (let d = 0; d < 20; d++) {
          const shared = common * Math.max(0, rng.nextNormal());
          let best = -1;
          let top = -Infinity;
          for (let i = 0; i < c.k; i++) {
            const priority = m.scales[i]! / (1 + Math.exp(-(m.means[i]! + m.sds[i]! * (shared + own * rng.nextNormal()))));
            if (priority >= c.bar && priority > top) {
              top = priority;
              best = i;
            }
          }
          if (best >= 0) expect(chosenProbability(best, c.k, m, 0), `draw ${d}: action ${best}`).toBeGreaterThan(0);
        }
      }),
      { numRuns: 200, seed: 11 },
    );
  });
});

describe('rare choices among distinct rivals (defect 2)', () => {
  it('warm distinct actions with p from 0.67 down to 1e-5: within 3 % or 3 Monte Carlo sds of 10⁶ draws', () => {
    const k = 12;
    const m: ScoreMoments = {
      means: Float64Array.from({ length: k }, (_, i) => -2 - 0.12 * i),
      sds: Float64Array.from({ length: k }, (_, i) => 0.5 + 0.25 * (i % 4)),
      scales: Float64Array.from({ length: k }, (_, i) => 10 + 3 * ((i * 5) % 7)),
      correlation: DRAW_CORRELATION,
      taus: new Float64Array(k).fill(0.5),
    };
    const draws = 1_000_000;
    const reference = plainSelectionFrequencies(m, draws, 12);
    let total = noActionProbabilityExact(k, m, 0);
    let previousFailed = 0;
    for (let i = 0; i < k; i++) {
      const p = reference.p[i]!;
      const sd = Math.sqrt((p * (1 - p)) / draws);
      const now = chosenProbability(i, k, m, 0);
      const before = chosenProbability(i, k, m, 0, 'twins');
      total += now;
      console.log(`action ${i}: reference ${p.toExponential(3)} ± ${sd.toExponential(1)}; now ${now.toExponential(3)} (${((now - p) / (sd || 1)).toFixed(1)} sd), previous rule ${before.toExponential(3)}`);
      expect(now, `action ${i}`).toBeGreaterThan(0);
      if (p >= 1e-3) expect(Math.abs(now / p - 1) < 0.03 || Math.abs(now - p) < 3 * sd, `action ${i}: ${now} vs ${p} ± ${sd}`).toBe(true);
      else expect(Math.abs(now - p), `action ${i}: ${now} vs ${p} ± ${sd}`).toBeLessThan(3 * Math.max(sd, Math.sqrt(now / draws)));
      if (p >= 1e-3 && !(Math.abs(before / p - 1) < 0.03 || Math.abs(before - p) < 3 * sd)) previousFailed++;
    }
    // Every action's probability and no action's add up to 1 (the quadrature's own consistency, to 0.2 %).
    expect(Math.abs(total - 1)).toBeLessThan(0.002);
    expect(previousFailed, 'the previous rule fails this band for the rare choices').toBeGreaterThanOrEqual(2);
  });
});
