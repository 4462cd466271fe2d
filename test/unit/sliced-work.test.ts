import { describe, expect, it } from 'vitest';
import { runInSlices } from '../../src/sliced-work.js';

/** A job over `rows` rows that records every slice's limit. */
function job(rows: number) {
  let left = rows;
  const limits: number[] = [];
  return {
    limits,
    slice: (limit: number) => {
      limits.push(limit);
      const done = Math.min(limit, left);
      left -= done;
      return done;
    },
  };
}

describe('runInSlices', () => {
  it('does every row, ending at the first slice that does fewer than its limit', async () => {
    const j = job(1_000);
    expect(await runInSlices(j.slice, { budgetMs: 1_000, initialRows: 10, maxRows: 10_000 })).toBe(1_000);
    expect(j.limits.at(-1)).toBeGreaterThan(0);
    expect(j.limits.slice(0, -1).reduce((a, b) => a + b, 0)).toBeLessThan(1_000);
  });

  it('grows a cheap slice at most twofold each time and never past maxRows', async () => {
    const j = job(100_000);
    await runInSlices(j.slice, { budgetMs: 1_000, initialRows: 10, maxRows: 300 });
    for (let i = 1; i < j.limits.length; i++) {
      expect(j.limits[i]!).toBeLessThanOrEqual(Math.min(300, 2 * j.limits[i - 1]!));
      expect(j.limits[i]!).toBeGreaterThanOrEqual(1);
    }
    expect(Math.max(...j.limits)).toBe(300);
  });

  it('shrinks a slice that takes longer than its budget', async () => {
    const limits: number[] = [];
    let left = 50;
    const slow = (limit: number) => {
      limits.push(limit);
      const until = performance.now() + 20; // 20 ms for the slice, far over a 1 ms budget
      while (performance.now() < until);
      const done = Math.min(limit, left);
      left -= done;
      return done;
    };
    await runInSlices(slow, { budgetMs: 1, initialRows: 10, maxRows: 1_000 });
    expect(limits[1]).toBeLessThan(10); // 2 ms a row at the first slice's cost: the next one fits at most 1 row
  });

  it('frees the event loop between slices and ends early when stopped', async () => {
    const j = job(1_000);
    const ranBetween: boolean[] = [];
    let previousRan = false;
    const slice = (limit: number) => {
      if (j.limits.length > 0) ranBetween.push(previousRan);
      previousRan = false;
      setImmediate(() => (previousRan = true)); // an I/O callback queued during this slice
      return j.slice(limit);
    };
    const done = await runInSlices(slice, { budgetMs: 1_000, initialRows: 5, maxRows: 5, stopped: () => j.limits.length === 4 });
    expect(j.limits).toEqual([5, 5, 5, 5]);
    expect(done).toBe(20);
    expect(ranBetween).toEqual([true, true, true]);
  });
});
