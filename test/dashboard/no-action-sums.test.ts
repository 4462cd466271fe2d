/**
 * The no-action sums of the dashboard store (db/stores/dashboard.ts: whole UTC days from the day rollup
 * `decision_day_counts`, partial edge days from the hour table) against the same sums read directly from
 * `decision_counts`, on a real SQLite file whose rollup is kept by migration 0005's triggers: for any window the
 * answer equals the direct read, and a write to any hour, today's or a past day's, is seen by the next call.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteDashboardStore } from '../../db/stores/dashboard.js';
import type { DashboardStore } from '../../src/dashboard/store.js';
import { openTempDb, type TempDb } from '../db/temp-db.js';

const DAY0 = 20_000; // 2024-10-04
const REASONS = ['', 'no_candidates', 'contact_limit', 'below_threshold', 'not_worth_contact'];

let t: TempDb;
let store: DashboardStore;
beforeEach(() => {
  t = openTempDb();
  store = createSqliteDashboardStore(t.db);
});
afterEach(() => t.cleanup());

/** Adds `n` opportunities to a (hour, channel, reason) cell the way the decision trigger does (an upsert). */
function count(hour: number, reason: string, n: number, channel = 'app'): void {
  t.db.sqlite
    .prepare(
      `INSERT INTO decision_counts (hour, channel, category, "group", no_action_reason, opportunities) VALUES (?, ?, ?, 'policy', ?, ?)
       ON CONFLICT (hour, channel, category, "group", no_action_reason) DO UPDATE SET opportunities = opportunities + excluded.opportunities`,
    )
    .run(hour, channel, reason === '' ? 'sales' : '', reason, n);
}

/** The sums straight from the hour table. */
const direct = (fromHour: number, toHour: number) =>
  Object.fromEntries(
    t.db.sqlite
      .prepare<[number, number], { reason: string; n: number }>(
        'SELECT no_action_reason AS reason, sum(opportunities) AS n FROM decision_counts WHERE hour >= ? AND hour < ? GROUP BY 1 ORDER BY 1',
      )
      .all(fromHour, toHour)
      .filter((r) => r.n !== 0)
      .map((r) => [r.reason, r.n]),
  );
const read = (fromHour: number, toHour: number) =>
  Object.fromEntries(store.opportunitiesByReason(fromHour, toHour).filter((r) => r.opportunities !== 0).map((r) => [r.reason, r.opportunities]));

describe('no-action sums over the day rollup and the edge hours', () => {
  it('equal the direct read of decision_counts for any window (fast-check)', () => {
    // Ten days of hours with irregular counts, on two channels (several hour rows per day and reason).
    for (let hour = DAY0 * 24; hour < (DAY0 + 10) * 24; hour += 1) {
      for (const [i, reason] of REASONS.entries()) {
        if ((hour * 7 + i) % 3 !== 0) count(hour, reason, 1 + ((hour * 13 + i * 5) % 17));
        if ((hour * 11 + i) % 4 === 0) count(hour, reason, 2, 'web');
      }
    }
    const window = fc.tuple(fc.integer({ min: DAY0 * 24 - 30, max: (DAY0 + 10) * 24 + 30 }), fc.integer({ min: 1, max: 12 * 24 }));
    fc.assert(
      fc.property(window, ([fromHour, span]) => {
        expect(read(fromHour, fromHour + span)).toEqual(direct(fromHour, fromHour + span));
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('sees a new write at once, in the open day and in a past day', () => {
    count(DAY0 * 24 + 3, '', 5);
    count((DAY0 + 1) * 24 + 3, 'contact_limit', 2);
    const window: [number, number] = [DAY0 * 24, (DAY0 + 2) * 24];
    expect(read(...window)).toEqual({ '': 5, contact_limit: 2 });
    count((DAY0 + 1) * 24 + 4, 'contact_limit', 3);
    // A write into a day that has ended (a decision made just before midnight, written after it; an import).
    count(DAY0 * 24 + 23, '', 1);
    expect(read(...window)).toEqual({ '': 6, contact_limit: 5 });
    expect(read(DAY0 * 24 + 4, (DAY0 + 1) * 24 + 4)).toEqual({ '': 1, contact_limit: 2 });
  });
});
