import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addRow, createOpeSums, estimatesOf, Z95 } from '../../../src/core/ope.js';

/** rows of [r, w, direct, qLogged] */
function sumsOf(rows: readonly (readonly [number, number, number, number])[]) {
  const s = createOpeSums();
  for (const [r, w, d, q] of rows) addRow(s, r, w, d, q);
  return s;
}

describe('off-policy estimators', () => {
  it('match hand-computed closed forms on a small log', () => {
    // r = 1, 0, 1, 0; w = 2, 0.5, 1, 0.5; direct 0.4 each; q̂ of the logged choice 0.5, 0.2, 0.6, 0.1
    const e = estimatesOf(sumsOf([[1, 2, 0.4, 0.5], [0, 0.5, 0.4, 0.2], [1, 1, 0.4, 0.6], [0, 0.5, 0.4, 0.1]]));
    // IPS terms 2, 0, 1, 0: mean 0.75, sample variance ((1.25² + 0.75² + 0.25² + 0.75²)/3) = 2.75/3
    expect(e.ips.value).toBeCloseTo(0.75, 12);
    const ipsHalf = Z95 * Math.sqrt(2.75 / 3 / 4);
    expect(e.ips.ci95![0]).toBeCloseTo(0.75 - ipsHalf, 12);
    expect(e.ips.ci95![1]).toBeCloseTo(0.75 + ipsHalf, 12);
    // SNIPS = 3 / 4; delta method: Σ w²(r − V)² = 4·0.0625 + 0.25·0.5625 + 1·0.0625 + 0.25·0.5625 = 0.59375
    expect(e.snips.value).toBeCloseTo(0.75, 12);
    expect(e.snips.ci95![1] - 0.75).toBeCloseTo((Z95 * Math.sqrt(0.59375)) / 4, 12);
    // DR terms: 0.4 + 2·0.5 = 1.4, 0.4 − 0.5·0.2 = 0.3, 0.4 + 0.4 = 0.8, 0.4 − 0.05 = 0.35 → mean 0.7125
    expect(e.dr.value).toBeCloseTo(0.7125, 12);
    const terms = [1.4, 0.3, 0.8, 0.35];
    const variance = terms.reduce((a, t) => a + (t - 0.7125) ** 2, 0) / 3;
    expect(e.dr.ci95![1] - 0.7125).toBeCloseTo(Z95 * Math.sqrt(variance / 4), 12);
    // ESS = (Σw)² / Σw² = 16 / 5.5
    expect(e.effectiveSampleSize).toBeCloseTo(16 / 5.5, 12);
  });

  it('answers null, never NaN, where nothing can be computed', () => {
    const none = estimatesOf(createOpeSums());
    expect(none).toEqual({ ips: { value: null, ci95: null }, snips: { value: null, ci95: null }, dr: { value: null, ci95: null }, effectiveSampleSize: null });
    const zeroWeights = estimatesOf(sumsOf([[1, 0, 0, 0], [0, 0, 0, 0]]));
    expect(zeroWeights.snips).toEqual({ value: null, ci95: null });
    expect(zeroWeights.effectiveSampleSize).toBeNull();
    expect(zeroWeights.ips.value).toBe(0);
  });

  it('refuses a weight that is not a finite number ≥ 0', () => {
    for (const w of [Number.NaN, Infinity, -1]) expect(() => addRow(createOpeSums(), 1, w, 0, 0)).toThrow(RangeError);
  });

  const row = fc.tuple(fc.double({ min: 0, max: 10, noNaN: true }), fc.double({ min: 0.01, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }));

  it('π = μ (w = 1): IPS = SNIPS = DR = the on-policy mean, ESS = n', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 2, maxLength: 50 }), (rows) => {
        const e = estimatesOf(sumsOf(rows.map(([r, , q]) => [r, 1, q, q] as const)));
        const mean = rows.reduce((a, [r]) => a + r, 0) / rows.length;
        expect(e.ips.value!).toBeCloseTo(mean, 9);
        expect(e.snips.value!).toBeCloseTo(mean, 9);
        expect(e.dr.value!).toBeCloseTo(mean, 9);
        expect(e.effectiveSampleSize!).toBeCloseTo(rows.length, 9);
        // With w = 1 the SNIPS delta-method interval is the CLT interval with the 1/n variance.
        expect(e.snips.ci95![1] - e.snips.value!).toBeLessThanOrEqual(e.ips.ci95![1] - e.ips.value! + 1e-9);
      }),
    );
  });

  it('DR with a perfect model (q̂ of the logged choice = r) is the mean of the direct terms, whatever the weights', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(row, fc.double({ min: 0, max: 20, noNaN: true })), { minLength: 2, maxLength: 50 }), (rows) => {
        const e = estimatesOf(sumsOf(rows.map(([[r, , d], w]) => [r, w, d, r] as const)));
        const mean = rows.reduce((a, [[, , d]]) => a + d, 0) / rows.length;
        expect(e.dr.value!).toBeCloseTo(mean, 9);
      }),
    );
  });

  it('scaling every weight by c scales IPS by c and leaves SNIPS unchanged', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 2, maxLength: 30 }), fc.double({ min: 0.1, max: 10, noNaN: true }), (rows, c) => {
        const base = estimatesOf(sumsOf(rows.map(([r, mu]) => [r, 1 / mu, 0, 0] as const)));
        const scaled = estimatesOf(sumsOf(rows.map(([r, mu]) => [r, c / mu, 0, 0] as const)));
        expect(scaled.ips.value!).toBeCloseTo(c * base.ips.value!, 6);
        expect(scaled.snips.value!).toBeCloseTo(base.snips.value!, 9);
        expect(scaled.effectiveSampleSize!).toBeCloseTo(base.effectiveSampleSize!, 6);
      }),
    );
  });
});

describe('SNIPS with a reward-0 choice the logged policy never makes', () => {
  it('adds that mass to the normaliser only: Σwr / Σ(w + m)', () => {
    const s = createOpeSums();
    // The logged policy always offers; the candidate says nothing with probability m on each row.
    addRow(s, 1, 0.5, 0, 0, 0.5);
    addRow(s, 0, 1, 0, 0, 0);
    addRow(s, 1, 0.25, 0, 0, 0.75);
    const e = estimatesOf(s);
    expect(e.snips.value).toBeCloseTo(0.75 / 3, 12);
    expect(e.ips.value).toBeCloseTo(0.75 / 3, 12);
    // Σ (wr − V u)²: u = 1, 1, 1 → (0.5 − 0.25)² + (0 − 0.25)² + (0.25 − 0.25)² = 0.125
    expect(e.snips.ci95![1] - e.snips.value!).toBeCloseTo((Z95 * Math.sqrt(0.125)) / 3, 12);
    // The effective sample size is the weights' own.
    expect(e.effectiveSampleSize).toBeCloseTo(1.75 ** 2 / (0.25 + 1 + 0.0625), 12);
  });
});
