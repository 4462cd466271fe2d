/** splitByDay covers [fromHour, toHour) exactly once: edge hours from the hour table, whole days from the rollup. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HOURS_PER_DAY, splitByDay } from '../../db/stores/hour-split.js';

describe('splitByDay', () => {
  it('every hour of the range is in exactly one part, and nothing outside it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 1, max: 400 }), (from, span) => {
        const to = from + span;
        const count = new Map<number, number>();
        const mark = (h: number) => count.set(h, (count.get(h) ?? 0) + 1);
        const split = splitByDay(from, to);
        for (const [a, b] of split.hours) {
          expect(a).toBeLessThan(b);
          for (let h = a; h < b; h++) mark(h);
        }
        if (split.days) for (let d = split.days[0]; d < split.days[1]; d++) for (let h = 0; h < HOURS_PER_DAY; h++) mark(d * HOURS_PER_DAY + h);
        expect([...count.keys()].sort((p, q) => p - q)).toEqual(Array.from({ length: span }, (_, i) => from + i));
        expect([...count.values()].every((n) => n === 1)).toBe(true);
        // Whole days always come from the rollup: at most two hour ranges, each shorter than a day.
        expect(split.hours.length).toBeLessThanOrEqual(2);
        for (const [a, b] of split.hours) if (split.days) expect(b - a).toBeLessThan(HOURS_PER_DAY);
      }),
    );
  });
});
