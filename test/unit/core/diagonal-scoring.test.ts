import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diagonalQuadForm, isDiagonalFactor, sparseQuadForm } from '../../../src/core/contenders.js';
import { inverseFromCholesky, quadFormInverse } from '../../../src/core/linalg.js';
import { createPrior, DEFAULT_LOGISTIC_PRIOR } from '../../../src/core/prior.js';
import { createRng } from '../../../src/core/rng.js';
import { createDecisionScratch, decide } from '../../../src/core/thompson.js';

/** A diagonal factor, a sparse context and an optional per-action slot, as scoreMoments sees them. */
const instance = fc
  .integer({ min: 1, max: 40 })
  .chain((d) =>
    fc.record({
      d: fc.constant(d),
      diagonal: fc.array(fc.double({ min: 0.05, max: 30, noNaN: true }), { minLength: d, maxLength: d }),
      x: fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.constant(1), fc.double({ min: -5, max: 5, noNaN: true })), { minLength: d, maxLength: d }),
      slot: fc.option(fc.record({ index: fc.nat(d - 1), value: fc.constantFrom(0, 1, 2, 3.5) })),
    }),
  );

function gathered(x: Float64Array, skip: number): { nonZero: Int32Array; values: Float64Array; nnz: number } {
  const nonZero = new Int32Array(x.length);
  const values = new Float64Array(x.length);
  let nnz = 0;
  for (let j = 0; j < x.length; j++) {
    if (x[j] !== 0 && j !== skip) {
      values[nnz] = x[j]!;
      nonZero[nnz++] = j;
    }
  }
  return { nonZero, values, nnz };
}

describe('scoring a model at its diagonal prior', () => {
  it('gives the forward substitution’s xᵀ(LLᵀ)⁻¹x to the bit, with and without a slot override', () => {
    fc.assert(
      fc.property(instance, ({ d, diagonal, x: raw, slot }) => {
        const L = new Float64Array(d * d);
        for (let i = 0; i < d; i++) L[i * d + i] = diagonal[i]!;
        const x = Float64Array.from(raw);
        const s = slot ? slot.index : -1;
        const patched = Float64Array.from(x);
        if (slot) patched[s] = slot.value;
        const { nonZero, values, nnz } = gathered(x, s);
        expect(isDiagonalFactor(L, d)).toBe(true);
        const fast = diagonalQuadForm(L, d, values, nonZero, nnz, s, slot ? slot.value : 0);
        expect(fast).toBe(quadFormInverse(L, d, patched, new Float64Array(d)));
        // And it agrees with the kept-covariance path to rounding.
        const cov = new Float64Array(d * d);
        inverseFromCholesky(L, d, cov);
        const all = gathered(patched, -1);
        expect(Math.abs(fast - sparseQuadForm(cov, d, all.values, all.nonZero, all.nnz))).toBeLessThanOrEqual(1e-12 * Math.max(1, fast));
      }),
      { numRuns: 300, seed: 5 },
    );
  });

  it('takes a factor with anything but an exact zero below its diagonal for a trained model', () => {
    const d = 9;
    const diagonal = (): Float64Array => {
      const L = new Float64Array(d * d);
      for (let i = 0; i < d; i++) L[i * d + i] = 1;
      return L;
    };
    expect(isDiagonalFactor(diagonal(), d)).toBe(true);
    expect(isDiagonalFactor(new Float64Array(1).fill(2), 1)).toBe(true);
    for (const value of [1e-300, -0.5, Number.NaN, Infinity]) {
      for (const [i, k] of [[1, 0], [4, 3], [3, 1], [8, 5], [8, 7], [6, 4]] as const) {
        const L = diagonal();
        L[i * d + k] = value;
        expect(isDiagonalFactor(L, d), `L[${i}][${k}] = ${value}`).toBe(false);
      }
    }
    // A zero or NaN on the diagonal: the substitution's 0/Lᵢᵢ at a zero slot is NaN, so it must take that path.
    for (const value of [0, -0, Number.NaN]) {
      const L = diagonal();
      L[2 * d + 2] = value;
      expect(isDiagonalFactor(L, d), `L[2][2] = ${value}`).toBe(false);
    }
    // Entries above the diagonal are not part of a lower-triangular factor.
    const upper = diagonal();
    upper[0 * d + 3] = 7;
    expect(isDiagonalFactor(upper, d)).toBe(true);
  });

  it('leaves a prior with a zero on its diagonal unscorable, as the substitution does, even at a slot x leaves at 0', () => {
    const d = 4;
    const healthy = createPrior(DEFAULT_LOGISTIC_PRIOR, d);
    const broken = { ...healthy, cholPrecision: Float64Array.from(healthy.cholPrecision) };
    broken.cholPrecision[2 * d + 2] = 0;
    const result = decide(
      { posteriors: [healthy, broken], values: Float64Array.of(1, 1), levers: Float64Array.of(1, 1), x: Float64Array.of(1, 1, 0, 0), threshold: 0, slots: 1, probabilityDraws: 0 },
      createRng(1),
      createDecisionScratch(2, d),
    );
    expect(result.unscorable).toBe(1);
    expect(result.chosen).toEqual([0]);
  });
});
