import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { topContributions } from '../../../src/core/reasons.js';

const SLOTS = ['bias', 'age', 'segment=a', 'segment=b', 'products:card', 'history.ignores'];

describe('topContributions', () => {
  it('gives no reasons for a model that has learned nothing (every weight 0)', () => {
    expect(topContributions(Float64Array.of(1, 1, 0.5, 1), new Float64Array(4), ['bias', 'a', 'b', 'c'], 3)).toEqual([]);
    expect(topContributions(Float64Array.of(1, 1, 0.5, 1), Float64Array.of(2, 0, 0.4, 0), ['bias', 'a', 'b', 'c'], 3)).toEqual([{ feature: 'b', contribution: 0.2 }]);
  });

  it('returns the largest |xᵢ·μᵢ| first, signed, bias and zero slots left out', () => {
    const x = Float64Array.of(1, 0.5, 1, 0, 1, 0);
    const mean = Float64Array.of(9, -2, 0.3, 5, 0.6, -4);
    // age: 0.5 × −2 = −1; segment=a: 0.3; products:card: 0.6; segment=b and history.ignores have x = 0; bias excluded
    expect(topContributions(x, mean, SLOTS, 2)).toEqual([
      { feature: 'age', contribution: -1 },
      { feature: 'products:card', contribution: 0.6 },
    ]);
    expect(topContributions(x, mean, SLOTS, 10).map((c) => c.feature)).toEqual(['age', 'products:card', 'segment=a']);
    expect(topContributions(x, mean, SLOTS, 0)).toEqual([]);
  });

  it('reads the overridden slot instead of x there', () => {
    const x = Float64Array.of(1, 0.5, 1, 0, 1, 0);
    const mean = Float64Array.of(9, -2, 0.3, 5, 0.6, -4);
    expect(topContributions(x, mean, SLOTS, 1, { index: 5, value: 0.5 })).toEqual([{ feature: 'history.ignores', contribution: -2 }]);
    expect(topContributions(x, mean, SLOTS, 5, { index: 1, value: 0 }).map((c) => c.feature)).toEqual(['products:card', 'segment=a']);
  });

  it('keeps ties in slot order', () => {
    const x = Float64Array.of(1, 1, 1, 1);
    const mean = Float64Array.of(0, 1, -1, 1);
    expect(topContributions(x, mean, ['bias', 'a', 'b', 'c'], 2)).toEqual([
      { feature: 'a', contribution: 1 },
      { feature: 'b', contribution: -1 },
    ]);
  });

  it('matches a full sort on random vectors', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true })), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 10 }),
        (pairs, k) => {
          const x = Float64Array.from(pairs, (p, i) => (i % 3 === 2 ? 0 : p[0]));
          const mean = Float64Array.from(pairs, (p) => p[1]);
          const slots = pairs.map((_, i) => `s${i}`);
          const expected = [...x.keys()]
            .filter((i) => i > 0 && x[i] !== 0)
            .map((i) => ({ feature: slots[i]!, contribution: x[i]! * mean[i]! }))
            .filter((c) => c.contribution !== 0)
            .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
            .slice(0, k);
          const got = topContributions(x, mean, slots, k);
          expect(got.map((c) => Math.abs(c.contribution))).toEqual(expected.map((c) => Math.abs(c.contribution)));
        },
      ),
    );
  });
});
