/**
 * The one-slot quadrature's bias against independent 10⁶-draw Monte Carlo references (issue #11: "state, and test,
 * the known 3–8 % low bias of the one-slot quadrature for many identical cold actions, or remove it"). Removed for
 * identical actions (twins are integrated exactly), and among distinct rivals by the tail rule (rare choices were
 * 30–99 % low): the band it meets is tested here. Each case prints the current and a previous version's relative error.
 */
import { describe, expect, it } from 'vitest';
import { normalQuantile } from '../../../src/core/normal-table.js';
import { createRng } from '../../../src/core/rng.js';
import { chosenProbability, noActionProbabilityExact, type ScoreMoments } from '../../../src/core/selection-probability.js';
import { DRAW_CORRELATION } from '../../../src/core/thompson.js';
import * as oracle from './selection-probability-oracle.js';
import { plainSelectionFrequencies } from './support.js';

const DRAWS = 1_000_000;
/** A cold action under the default logistic prior: mean logit(0.05), sd 2 (DEFAULT_LOGISTIC_PRIOR's bias variance 4). */
const COLD_MEAN = Math.log(0.05 / 0.95);
const COLD_SD = 2;

/**
 * K identical actions, each offered only when its priority σ(z) clears `bar`: the policy simulated DRAWS times. The
 * actions are exchangeable, so each one's probability is P(the best of them clears the bar)/K; the best of K own
 * deviates is drawn exactly as Φ⁻¹(U^(1/K)) (the largest of K iid normals), with the shared deviate as in thompson.ts.
 */
function identicalReference(k: number, correlation: number, bar: number, seed: number): { p: number; sd: number } {
  const rng = createRng(seed);
  const common = Math.sqrt(correlation);
  const own = Math.sqrt(1 - correlation);
  const zBar = Math.log(bar / (1 - bar));
  let offered = 0;
  for (let d = 0; d < DRAWS; d++) {
    const shared = common * Math.max(0, rng.nextNormal());
    const best = normalQuantile(Math.pow(1 - rng.nextFloat(), 1 / k));
    if (COLD_MEAN + COLD_SD * (shared + own * best) >= zBar) offered++;
  }
  const q = offered / DRAWS;
  return { p: q / k, sd: Math.sqrt((q * (1 - q)) / DRAWS) / k };
}

/** Every action's frequency over DRAWS plain draws of the policy (priority ≥ its bar, the best wins). */
const plainReference = (m: ScoreMoments, seed: number) => plainSelectionFrequencies(m, DRAWS, seed);

const identical = (k: number, correlation: number, bar: number): ScoreMoments => ({
  means: new Float64Array(k).fill(COLD_MEAN),
  sds: new Float64Array(k).fill(COLD_SD),
  scales: new Float64Array(k).fill(1),
  correlation,
  taus: new Float64Array(k).fill(bar),
});

const relative = (value: number, truth: number): number => value / truth - 1;
const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;

describe('K identical cold actions: the bias is removed', () => {
  it('matches the Monte Carlo reference at K = 10, 50, 200 (the previous version was 2–8.5 % low)', () => {
    for (const correlation of [0, DRAW_CORRELATION]) {
      for (const [k, seed] of [[10, 1], [50, 2], [200, 3]] as const) {
        // A low bar (a priority of 0.02: two thirds of each draw's range clears it), so the integrand is nearly the
        // previous version's hardest case, v^(K−1) over (0, 1), and offering nothing still has a chance at K = 10. (A
        // high bar confines it to the top of the range, where the midpoint rule was already right.)
        const bar = 0.02;
        const m = identical(k, correlation, bar);
        const ref = identicalReference(k, correlation, bar, seed);
        const now = chosenProbability(0, k, m, 0);
        const last = chosenProbability(k - 1, k, m, 0);
        const before = oracle.chosenProbability(0, k, m, 0);
        console.log(
          `K = ${k}, ρ = ${correlation}: reference ${ref.p.toExponential(4)} ± ${ref.sd.toExponential(1)}; now ${pct(relative(now, ref.p))}, previous version ${pct(relative(before, ref.p))}`,
        );
        // Within 4.5 reference sds plus the quadrature's outer rule over the shared deviate (0.2 %).
        expect(Math.abs(now - ref.p), `K = ${k}, ρ = ${correlation}`).toBeLessThan(4.5 * ref.sd + 0.002 * ref.p);
        expect(last).toBe(now); // every twin alike, first or last in the catalog
        // The chosen and no-action probabilities add up: K·P(i) = 1 − P(none) to rounding.
        expect(Math.abs(k * now + noActionProbabilityExact(k, m, 0) - 1)).toBeLessThan(1e-5); // Φ's table: 5e-7 per value
        // The reference sees the previous version's bias, so this test could have failed before.
        expect(relative(before, ref.p)).toBeLessThan(-0.01);
      }
    }
  });

  it('without a bar, K·P(i) = 1 exactly (exchangeability) for every correlation', () => {
    for (const correlation of [0, 0.5, DRAW_CORRELATION]) {
      for (const k of [2, 10, 50, 200]) {
        const m = { ...identical(k, correlation, 0), taus: undefined };
        expect(Math.abs(k * chosenProbability(0, k, m, 0) - 1), `K = ${k}, ρ = ${correlation}`).toBeLessThan(1e-9);
      }
    }
  });
});

/**
 * The band the quadrature now meets among distinct rivals (the tail rule, issue #11): within 3 % of the reference or 3
 * of its sds for p ≥ 1e-3, within 3 sds below (where 10⁶ draws see a handful of choices). The previous rule ('twins')
 * was 30–99 % low for the rare choices; each case checks that it fails this band, so the band could have failed.
 */
function expectBand(now: number, p: number, label: string): void {
  const sd = Math.sqrt((p * (1 - p)) / DRAWS);
  if (p >= 1e-3) expect(Math.abs(now / p - 1) < 0.03 || Math.abs(now - p) < 3 * sd, `${label}: ${now} vs ${p} ± ${sd}`).toBe(true);
  else expect(Math.abs(now - p), `${label}: ${now} vs ${p} ± ${sd}`).toBeLessThan(3 * Math.max(sd, Math.sqrt(now / DRAWS)));
}
const inBand = (now: number, p: number): boolean => {
  const sd = Math.sqrt((p * (1 - p)) / DRAWS);
  return p >= 1e-3 ? Math.abs(now / p - 1) < 0.03 || Math.abs(now - p) < 3 * sd : Math.abs(now - p) < 3 * Math.max(sd, Math.sqrt(now / DRAWS));
};

describe('among distinct rivals (stated in selection-probability.ts)', () => {
  it('cold twins beside three warm actions: likely actions within 1.5 %, every one in the band', () => {
    const k = 10;
    const m: ScoreMoments = {
      means: Float64Array.from([...new Array(k).fill(COLD_MEAN), -2.5, -3.2, -2.0]),
      sds: Float64Array.from([...new Array(k).fill(COLD_SD), 0.3, 0.2, 0.5]),
      scales: Float64Array.from([...new Array(k).fill(10), 12, 30, 6]),
      correlation: DRAW_CORRELATION,
      taus: new Float64Array(k + 3).fill(0.5),
    };
    const ref = plainReference(m, 4);
    let previousOut = 0;
    for (let i = 0; i < k + 3; i++) {
      const p = ref.p[i]!;
      const now = chosenProbability(i, k + 3, m, 0);
      const before = chosenProbability(i, k + 3, m, 0, 'twins');
      console.log(`twins + warm, action ${i}: reference ${p.toFixed(5)}; now ${pct(relative(now, p))}, previous rule ${pct(relative(before, p))}`);
      if (p >= 0.05) expect(Math.abs(relative(now, p)), `action ${i}`).toBeLessThan(0.015);
      expectBand(now, p, `action ${i}`);
      if (!inBand(before, p)) previousOut++;
    }
    expect(previousOut, 'the previous rule misses the band for the rare actions').toBeGreaterThanOrEqual(2);
  });

  it('one cold prior with values 1–100 (no twins): the likeliest within 1 %, every one in the band, none 0', () => {
    const k = 10;
    const scales = Float64Array.from({ length: k }, (_, i) => 1 + ((i * 37) % 100));
    const m: ScoreMoments = { means: new Float64Array(k).fill(COLD_MEAN), sds: new Float64Array(k).fill(COLD_SD), scales, correlation: DRAW_CORRELATION, taus: new Float64Array(k).fill(0.5) };
    const ref = plainReference(m, 5);
    let previousOut = 0;
    for (let i = 0; i < k; i++) {
      const p = ref.p[i]!;
      const now = chosenProbability(i, k, m, 0);
      const before = chosenProbability(i, k, m, 0, 'twins');
      console.log(`values 1–100, action ${i} (value ${scales[i]}): reference ${p.toFixed(5)}; now ${p > 0 ? pct(relative(now, p)) : now.toExponential(2)}, previous rule ${p > 0 ? pct(relative(before, p)) : before.toExponential(2)}`);
      if (p >= 0.15) expect(Math.abs(relative(now, p)), `action ${i}`).toBeLessThan(0.01);
      expectBand(now, p, `action ${i}`);
      // Action 0 (value 1) wins only when all nine others stay below their bars: ~1e-24, never seen in 10⁶ draws,
      // but not 0 (the previous rule's answer).
      expect(now, `action ${i}`).toBeGreaterThan(0);
      if (!inBand(before, p)) previousOut++;
    }
    expect(previousOut, 'the previous rule misses the band for the rare actions').toBeGreaterThanOrEqual(3);
  });
});
