import fc from 'fast-check';
import { CholeskyDecomposition, inverse, solve } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import {
  backSubstituteTranspose,
  cholesky,
  choleskySolve,
  cholRankOneUpdate,
  diagOfInverse,
  forwardSubstitute,
  quadFormInverse,
} from '../../../src/core/linalg.js';
import { createRng } from '../../../src/core/rng.js';
import { column, randomSpd, randomVector, reconstruct, relativeError, toMatrix } from './support.js';

const cases = fc.record({ seed: fc.integer({ min: 0, max: 2 ** 31 }), d: fc.integer({ min: 1, max: 14 }) });

function factor(a: Float64Array, d: number): Float64Array {
  const L = new Float64Array(d * d);
  expect(cholesky(a, d, L)).toBe(true);
  return L;
}

describe('cholesky', () => {
  it('matches ml-matrix and reconstructs A with a zero upper triangle', () => {
    fc.assert(
      fc.property(cases, ({ seed, d }) => {
        const a = randomSpd(createRng(seed), d);
        const L = factor(a, d);
        const oracle = new CholeskyDecomposition(toMatrix(a, d)).lowerTriangularMatrix.to1DArray();
        expect(relativeError(L, oracle)).toBeLessThan(1e-10);
        expect(relativeError(reconstruct(L, d), a)).toBeLessThan(1e-12);
        for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) expect(L[i * d + j]).toBe(0);
      }),
    );
  });

  it('may factor in place (out = a)', () => {
    const d = 6;
    const a = randomSpd(createRng(3), d);
    const expected = factor(a, d);
    const inPlace = Float64Array.from(a);
    expect(cholesky(inPlace, d, inPlace)).toBe(true);
    expect(inPlace).toEqual(expected);
  });

  it('reports matrices that are not positive definite', () => {
    const L = new Float64Array(4);
    expect(cholesky(Float64Array.of(1, 2, 2, 1), 2, L)).toBe(false);
    expect(cholesky(Float64Array.of(0, 0, 0, 1), 2, L)).toBe(false);
    expect(cholesky(Float64Array.of(Number.NaN, 0, 0, 1), 2, L)).toBe(false);
  });
});

describe('triangular solves', () => {
  it('forward, transposed back and Cholesky solves match ml-matrix', () => {
    fc.assert(
      fc.property(cases, ({ seed, d }) => {
        const rng = createRng(seed);
        const a = randomSpd(rng, d);
        const b = randomVector(rng, d);
        const L = factor(a, d);
        const y = new Float64Array(d);
        forwardSubstitute(L, d, b, y);
        expect(relativeError(y, solve(toMatrix(L, d), column(b)).to1DArray())).toBeLessThan(1e-9);
        const x = new Float64Array(d);
        backSubstituteTranspose(L, d, y, x);
        const oracle = solve(toMatrix(a, d), column(b)).to1DArray();
        expect(relativeError(x, oracle)).toBeLessThan(1e-8);
        const viaSolve = new Float64Array(d);
        choleskySolve(L, d, b, viaSolve, new Float64Array(d));
        expect(relativeError(viaSolve, oracle)).toBeLessThan(1e-8);
      }),
    );
  });

  it('allows out to alias the right-hand side', () => {
    const d = 5;
    const rng = createRng(17);
    const L = factor(randomSpd(rng, d), d);
    const b = randomVector(rng, d);
    const expectedY = new Float64Array(d);
    forwardSubstitute(L, d, b, expectedY);
    const expectedX = new Float64Array(d);
    backSubstituteTranspose(L, d, expectedY, expectedX);
    const v = Float64Array.from(b);
    forwardSubstitute(L, d, v, v);
    expect(v).toEqual(expectedY);
    backSubstituteTranspose(L, d, v, v);
    expect(v).toEqual(expectedX);
  });
});

describe('cholRankOneUpdate', () => {
  it('equals the factor of A + v vᵀ and leaves v untouched', () => {
    fc.assert(
      fc.property(cases, fc.double({ min: 0.01, max: 30, noNaN: true }), ({ seed, d }, scale) => {
        const rng = createRng(seed);
        const a = randomSpd(rng, d);
        const v = randomVector(rng, d, scale);
        const vCopy = Float64Array.from(v);
        const L = factor(a, d);
        cholRankOneUpdate(L, d, v, new Float64Array(d));
        const updated = Float64Array.from(a);
        for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) updated[i * d + j] = updated[i * d + j]! + v[i]! * v[j]!;
        expect(relativeError(L, factor(updated, d))).toBeLessThan(1e-9);
        expect(v).toEqual(vCopy);
      }),
    );
  });

  it('handles sparse vectors (zero entries skip their column)', () => {
    const d = 6;
    const a = randomSpd(createRng(8), d);
    const v = Float64Array.of(0, 0, 1.5, 0, -2, 0);
    const L = factor(a, d);
    cholRankOneUpdate(L, d, v, new Float64Array(d));
    const updated = Float64Array.from(a);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) updated[i * d + j] = updated[i * d + j]! + v[i]! * v[j]!;
    expect(relativeError(reconstruct(L, d), updated)).toBeLessThan(1e-12);
  });
});

describe('inverse quantities', () => {
  it('diagOfInverse and quadFormInverse match the explicit inverse', () => {
    fc.assert(
      fc.property(cases, ({ seed, d }) => {
        const rng = createRng(seed);
        const a = randomSpd(rng, d);
        const x = randomVector(rng, d);
        const L = factor(a, d);
        const inv = inverse(toMatrix(a, d));
        const diag = new Float64Array(d);
        diagOfInverse(L, d, diag);
        expect(relativeError(diag, inv.diag())).toBeLessThan(1e-8);
        const quad = column(x).transpose().mmul(inv).mmul(column(x)).get(0, 0);
        const q = quadFormInverse(L, d, x, new Float64Array(d));
        expect(Math.abs(q - quad) / (1 + Math.abs(quad))).toBeLessThan(1e-8);
        expect(q).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});
