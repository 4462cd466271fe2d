/**
 * The closed-day cache of the no-action sums (src/dashboard/closed-days.ts) against the same sums read directly,
 * on a real SQLite file: for any window and any `now`, and across calls that reuse the cache, the answer equals the
 * direct read; the open day is always read afresh; a closed day is read once.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteDashboardStore } from '../../db/stores/dashboard.js';
import { createClosedDayCache, SETTLE_MS } from '../../src/dashboard/closed-days.js';
import type { DashboardStore } from '../../src/dashboard/store.js';
import { openTempDb, type TempDb } from '../db/temp-db.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const DAY0 = 20_000; // 2024-10-04
const REASONS = ['', 'no_candidates', 'contact_limit', 'below_threshold', 'not_worth_contact'];

let t: TempDb;
let store: DashboardStore;
beforeEach(() => {
  t = openTempDb();
  store = createSqliteDashboardStore(t.db);
});
afterEach(() => t.cleanup());

/** Adds `n` opportunities to a (hour, channel, reason) cell the way the decision trigger does. */
function count(hour: number, reason: string, n: number, channel = 'app'): void {
  t.db.sqlite
    .prepare(
      `INSERT INTO decision_counts (hour, channel, category, "group", no_action_reason, opportunities) VALUES (?, ?, ?, 'policy', ?, ?)
       ON CONFLICT (hour, channel, category, "group", no_action_reason) DO UPDATE SET opportunities = opportunities + excluded.opportunities`,
    )
    .run(hour, channel, reason === '' ? 'sales' : '', reason, n);
}

const direct = (fromHour: number, toHour: number) =>
  Object.fromEntries(store.opportunitiesByReason(fromHour, toHour).map((r) => [r.reason, r.opportunities]));
const cached = (cache: ReturnType<typeof createClosedDayCache>, fromHour: number, toHour: number, now: number) =>
  Object.fromEntries([...cache.sums(fromHour, toHour, now)].filter(([, n]) => n !== 0).sort(([a], [b]) => a.localeCompare(b)));
const sorted = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).filter(([, n]) => n !== 0).sort(([a], [b]) => a.localeCompare(b)));

describe('closed-day cache of the no-action sums', () => {
  it('equals the direct read for any sequence of windows, at any now (fast-check)', () => {
    // Ten days of hours with irregular counts.
    for (let hour = DAY0 * 24; hour < (DAY0 + 10) * 24; hour += 1) {
      for (const [i, reason] of REASONS.entries()) if ((hour * 7 + i) % 3 !== 0) count(hour, reason, 1 + ((hour * 13 + i * 5) % 17));
    }
    const window = fc.tuple(fc.integer({ min: DAY0 * 24 - 30, max: (DAY0 + 10) * 24 + 30 }), fc.integer({ min: 1, max: 12 * 24 }));
    fc.assert(
      fc.property(fc.array(window, { minLength: 1, maxLength: 6 }), fc.integer({ min: DAY0 * DAY_MS, max: (DAY0 + 11) * DAY_MS }), (windows, now) => {
        const cache = createClosedDayCache(store);
        for (const [fromHour, span] of windows) {
          expect(cached(cache, fromHour, fromHour + span, now)).toEqual(sorted(direct(fromHour, fromHour + span)));
        }
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it('reads the open day afresh on every call and a closed day once', () => {
    const reads: [number, number][] = [];
    const counting = { ...store, opportunitiesByDayAndReason: (from: number, to: number) => (reads.push([from, to]), store.opportunitiesByDayAndReason(from, to)) };
    const cache = createClosedDayCache(counting);
    count(DAY0 * 24 + 3, '', 5);
    count((DAY0 + 1) * 24 + 3, 'contact_limit', 2);
    const now = (DAY0 + 1) * DAY_MS + 5 * HOUR_MS;
    const window: [number, number] = [DAY0 * 24, (DAY0 + 2) * 24];
    expect(cached(cache, ...window, now)).toEqual({ '': 5, contact_limit: 2 });
    // More decisions today are seen at once; day 0 is not read again.
    count((DAY0 + 1) * 24 + 4, 'contact_limit', 3);
    expect(cached(cache, ...window, now)).toEqual({ '': 5, contact_limit: 5 });
    expect(reads).toEqual([[DAY0, DAY0 + 1]]);
    expect(cache.size()).toBe(1);
  });

  it('keeps a day open until SETTLE_MS after its end (decisions still in the write buffer)', () => {
    const cache = createClosedDayCache(store);
    const end = (DAY0 + 1) * DAY_MS;
    count(DAY0 * 24 + 23, '', 1);
    expect(cached(cache, DAY0 * 24, (DAY0 + 1) * 24, end + SETTLE_MS - 1)).toEqual({ '': 1 });
    expect(cache.size()).toBe(0);
    count(DAY0 * 24 + 23, '', 1); // a late write of the buffer, before the day closed
    expect(cached(cache, DAY0 * 24, (DAY0 + 1) * 24, end + SETTLE_MS)).toEqual({ '': 2 });
    expect(cache.size()).toBe(1);
  });
});
