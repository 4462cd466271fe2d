import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sameJsonValue } from '../../../src/personalizer/core/json-equal.js';

const text = (v: unknown) => JSON.stringify(v);
const parsed = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown);

describe('sameJsonValue', () => {
  it('is true exactly when the JSON texts are equal, for parsed JSON (copies, near-copies and unrelated values)', () => {
    fc.assert(
      fc.property(parsed, parsed, fc.nat(), (a, other, pick) => {
        // A copy, the other value, or a copy with one key order or one leaf changed.
        const copy = JSON.parse(text(a)) as unknown;
        const candidates: unknown[] = [copy, other];
        if (copy !== null && typeof copy === 'object' && !Array.isArray(copy)) {
          const entries = Object.entries(copy);
          if (entries.length > 1) candidates.push(Object.fromEntries([...entries].reverse()));
          if (entries.length > 0) candidates.push({ ...copy, [entries[pick % entries.length]![0]]: 'changed' });
        }
        if (Array.isArray(copy) && copy.length > 0) candidates.push([...copy.slice(0, -1), 12345.5]);
        for (const b of candidates) expect(sameJsonValue(a, b), `${text(a)} vs ${text(b)}`).toBe(text(a) === text(b));
      }),
      { numRuns: 500 },
    );
  });

  it('keys compare in order, as the texts do; arrays are not objects; what JSON cannot hold is never "the same"', () => {
    expect(sameJsonValue({ a: 1, b: 2 }, { a: 1, b: 2 })).toBe(true);
    expect(sameJsonValue({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
    expect(sameJsonValue([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(sameJsonValue({}, [])).toBe(false);
    expect(sameJsonValue([{ k: 'x', n: 2 }], [{ k: 'x', n: 2 }])).toBe(true);
    expect(sameJsonValue([{ k: 'x', n: 2 }], [{ k: 'x', n: 3 }])).toBe(false);
    expect(sameJsonValue({ a: undefined }, { a: undefined })).toBe(false);
    expect(sameJsonValue(Infinity, Infinity)).toBe(false);
    expect(sameJsonValue(Number.NaN, Number.NaN)).toBe(false);
    expect(sameJsonValue(0, -0)).toBe(true);
  });
});
