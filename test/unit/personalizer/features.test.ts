import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeFeatures,
  featureSimilarity,
  flattenFeatures,
  hashSlot,
  MAX_FEATURE_DEPTH,
  MAX_FEATURE_KEY_LENGTH,
  MAX_FEATURE_STRING_LENGTH,
  MAX_FEATURES_PER_LIST,
  numericValue,
} from '../../../src/personalizer/core/features.js';
import { PERSONALIZER_DIMENSION, PERSONALIZER_SLOTS, PersonalizerError } from '../../../src/personalizer/types.js';

describe('flattenFeatures', () => {
  it('flattens nested objects, arrays and leaves by key path, in traversal order', () => {
    const list = [
      { time: 'morning' },
      { user: { taste: 'sweet', age: 30, vip: true, nickname: null, tags: ['a', 'b'] } },
      { history: [{ item: 'x' }, { item: 'y', count: 0 }] },
    ];
    expect(flattenFeatures(list, 'c', 'contextFeatures')).toEqual([
      { name: 'c.time=morning', value: 1 },
      { name: 'c.user.taste=sweet', value: 1 },
      { name: 'c.user.age', value: Math.log1p(30) },
      { name: 'c.user.vip=true', value: 1 },
      { name: 'c.user.tags=a', value: 1 },
      { name: 'c.user.tags=b', value: 1 },
      { name: 'c.history.item=x', value: 1 },
      { name: 'c.history.item=y', value: 1 },
      { name: 'c.history.count', value: 0 },
    ]);
  });

  it('gives an absent list no features, and uses the prefix it is given', () => {
    expect(flattenFeatures(undefined, 'c', 'contextFeatures')).toEqual([]);
    expect(flattenFeatures([], 'a', 'actions.0.features')).toEqual([]);
    expect(flattenFeatures([{ size: 'large' }, { on: false }], 'a', 'actions.0.features')).toEqual([
      { name: 'a.size=large', value: 1 },
      { name: 'a.on=false', value: 1 },
    ]);
  });

  it('transforms numbers by sign(v)·log1p(|v|): order and sign kept, growth bounded', () => {
    expect(numericValue(0)).toBe(0);
    expect(numericValue(-5)).toBe(-Math.log1p(5));
    fc.assert(
      fc.property(fc.double({ min: -1e12, max: 1e12, noNaN: true }), fc.double({ min: -1e12, max: 1e12, noNaN: true }), (a, b) => {
        if (a < b) expect(numericValue(a)).toBeLessThanOrEqual(numericValue(b));
        expect(Math.abs(numericValue(a))).toBeLessThanOrEqual(28);
      }),
      { seed: 4 },
    );
  });

  const deep = (levels: number): unknown => {
    let v: unknown = 'leaf';
    for (let i = 0; i < levels; i++) v = { k: v };
    return v;
  };
  const many = Array.from({ length: MAX_FEATURES_PER_LIST + 1 }, (_, i) => `v${i}`);

  it.each<[string, unknown, string, string]>([
    ['a list that is not an array', { time: 'morning' }, 'contextFeatures', 'contextFeatures'],
    ['a string list', 'time=morning', 'contextFeatures', 'contextFeatures'],
    ['an item that is a string', [{ a: 1 }, { b: 2 }, 'x'], 'contextFeatures', 'contextFeatures.2'],
    ['an item that is null', [null], 'contextFeatures', 'contextFeatures.0'],
    ['an item that is an array', [[{ a: 1 }]], 'actions.3.features', 'actions.3.features.0'],
    ['nesting deeper than the limit', [deep(MAX_FEATURE_DEPTH + 1)], 'contextFeatures', 'contextFeatures.0' + '.k'.repeat(MAX_FEATURE_DEPTH)],
    ['too many features', [{ tags: many }], 'contextFeatures', `contextFeatures.0.tags.${MAX_FEATURES_PER_LIST}`],
    ['a key too long', [{ ['k'.repeat(MAX_FEATURE_KEY_LENGTH + 1)]: 1 }], 'contextFeatures', `contextFeatures.0.${'k'.repeat(MAX_FEATURE_KEY_LENGTH + 1)}`],
    ['a string value too long', [{ a: 1 }, { size: 'x'.repeat(MAX_FEATURE_STRING_LENGTH + 1) }], 'actions.3.features', 'actions.3.features.1.size'],
    ['a number that is not finite', [{ size: Number.NaN }], 'actions.3.features', 'actions.3.features.0.size'],
    ['a value of another type', [{ size: () => 1 }], 'actions.0.features', 'actions.0.features.0.size'],
  ])('refuses %s with BadRequest and the field path as target', (_, list, target, expected) => {
    let error: unknown;
    try {
      flattenFeatures(list, 'c', target);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PersonalizerError);
    expect((error as PersonalizerError).code).toBe('BadRequest');
    expect((error as PersonalizerError).status).toBe(400);
    expect((error as PersonalizerError).target).toBe(expected);
  });

  it('accepts nesting exactly at the limit and exactly the maximum number of features', () => {
    expect(flattenFeatures([deep(MAX_FEATURE_DEPTH)], 'c', 'contextFeatures')).toHaveLength(1);
    expect(flattenFeatures([{ tags: many.slice(1) }], 'c', 'contextFeatures')).toHaveLength(MAX_FEATURES_PER_LIST);
  });
});

describe('hashSlot', () => {
  it('is pinned: exported models depend on these slots never changing', () => {
    expect(['c.time=morning', 'c.user.taste=sweet', 'a.size=large', '', 'ü→😀'].map(hashSlot)).toEqual(PINNED);
  });

  it('maps every name into 1..PERSONALIZER_SLOTS and spreads names over the slots', () => {
    fc.assert(
      fc.property(fc.string(), (name) => {
        const s = hashSlot(name);
        expect(Number.isInteger(s) && s >= 1 && s <= PERSONALIZER_SLOTS).toBe(true);
      }),
      { seed: 9 },
    );
    const counts = new Array(PERSONALIZER_SLOTS + 1).fill(0);
    for (let i = 0; i < 6400; i++) counts[hashSlot(`c.user.id=${i}`)]++;
    // 100 expected per slot; a uniform hash stays within ±45 (4.5 sd) in every slot.
    for (let s = 1; s <= PERSONALIZER_SLOTS; s++) expect(Math.abs(counts[s] - 100)).toBeLessThan(45);
  });
});

/** Computed once from the current hash and written down: a change of hash or slot count fails here. */
const PINNED = [12, 20, 58, 12, 46];

describe('encodeFeatures', () => {
  it('puts the bias at 0 and adds each feature at its slot (collisions add), reusing and zeroing `out`', () => {
    const a = [{ name: 'c.time=morning', value: 1 }, { name: 'c.age', value: 2 }];
    const b = [{ name: 'c.time=morning', value: 1 }];
    const out = new Float64Array(PERSONALIZER_DIMENSION).fill(7);
    const x = encodeFeatures([a, b], out);
    expect(x).toBe(out);
    const expected = new Float64Array(PERSONALIZER_DIMENSION);
    expected[0] = 1;
    expected[hashSlot('c.time=morning')]! += 2;
    expected[hashSlot('c.age')]! += 2;
    expect(Array.from(x)).toEqual(Array.from(expected));
    expect(() => encodeFeatures([a], new Float64Array(3))).toThrow(RangeError);
  });
});

describe('featureSimilarity', () => {
  const w = flattenFeatures([{ category: 'dessert', taste: 'sweet', temperature: 'cold', brand: 'w' }], 'a', 'f');
  const n = flattenFeatures([{ category: 'dessert', taste: 'sweet', temperature: 'cold', brand: 'n' }], 'a', 'f');
  it('is 1 for the same features, 0 with none, symmetric and in [0, 1]', () => {
    expect(featureSimilarity(w, w)).toBeCloseTo(1, 12);
    expect(featureSimilarity(w, [])).toBe(0);
    expect(featureSimilarity([], [])).toBe(0);
    const s = featureSimilarity(w, n);
    expect(s).toBe(featureSimilarity(n, w));
    expect(s).toBeGreaterThan(0.5);
    expect(s).toBeLessThan(1);
  });

  it('clips opposite numbers to 0', () => {
    expect(featureSimilarity([{ name: 'a.x', value: 1 }], [{ name: 'a.x', value: -1 }])).toBe(0);
  });
});
