/** The control group's uniform pick (src/domain/control-arbitration.ts) and its logged probabilities. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/rng.js';
import { uniformPick } from '../../../src/domain/control-arbitration.js';

describe('uniformPick', () => {
  it('returns min(k, n) distinct indices of [0, n) (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 60 }), fc.integer(), (n, k, seed) => {
        const picked = uniformPick(n, k, createRng(seed));
        expect(picked).toHaveLength(Math.min(n, k));
        expect(new Set(picked).size).toBe(picked.length);
        for (const i of picked) expect(i >= 0 && i < n).toBe(true);
      }),
    );
  });

  it('makes every ordered pair of 4 equally likely (12 cells within 4.5 binomial sds of 1/12)', () => {
    const rng = createRng(42);
    const draws = 60_000;
    const cells = new Map<string, number>();
    for (let r = 0; r < draws; r++) {
      const key = uniformPick(4, 2, rng).join(',');
      cells.set(key, (cells.get(key) ?? 0) + 1);
    }
    expect(cells.size).toBe(12);
    const sd = Math.sqrt(draws * (1 / 12) * (11 / 12));
    for (const [key, count] of cells) expect(Math.abs(count - draws / 12), key).toBeLessThanOrEqual(4.5 * sd);
  });
});
