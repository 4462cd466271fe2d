/**
 * The SQLite lift store (db/stores/lift.ts) and the day rollup (migration 0005): the rollup's
 * triggers keep it equal to the hour table summed by day (through the real decision, activation and feedback
 * triggers, and the backfill of rows written before it existed), and the store answers the same per-day sums with and
 * without it for any window and filter (fast-check).
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { upsertAction } from '../../../db/stores/catalog.js';
import { activateDecision, insertDecisions, type DecisionRecord } from '../../../db/stores/decisions.js';
import { insertFeedback } from '../../../db/stores/feedback.js';
import { createSqliteLiftStore } from '../../../db/stores/lift.js';
import { createRng } from '../../../src/core/rng.js';
import type { DaySums, LiftStore } from '../../../src/measurement/lift-store.js';
import { openTempDb, type TempDb } from '../../db/temp-db.js';

const HOUR = 3_600_000;
const START = Date.parse('2026-11-01T00:00:00Z');
const START_HOUR = START / HOUR;
const SPAN_HOURS = 10 * 24;
const ACTIONS = [
  { id: 'card', category: 'sales', value: 40 },
  { id: 'tip', category: 'service', value: 2 },
  { id: 'keep', category: 'retention', value: 15 },
];
const CHANNELS = ['app', 'web', 'email'];

let t: TempDb;
let seq = 0;
beforeEach(() => {
  t = openTempDb();
  for (const a of ACTIONS) upsertAction(t.db, { id: a.id, name: a.id, category: a.category, value: a.value, lever: 1, channels: [], active: true, likelihood: 'logistic' }, 0);
});
afterEach(() => t.cleanup());

/** `n` random decisions over 10 days, a third deferred (some activated later), responses with rewards on some. */
function writeLog(n: number, seed: number): void {
  const rng = createRng(seed);
  const records: DecisionRecord[] = [];
  for (let i = 0; i < n; i++) {
    const id = `d${seq++}`;
    const offered = rng.nextFloat() < 0.7;
    const action = ACTIONS[rng.nextInt(ACTIONS.length)]!;
    records.push({
      id, createdAt: START + Math.floor(rng.nextFloat() * SPAN_HOURS * HOUR), customerId: null, channel: CHANNELS[rng.nextInt(CHANNELS.length)]!,
      schemaVersion: 1, x: new Float64Array(1), seed: '1', status: offered ? 'pending' : 'closed', activated: rng.nextFloat() < 0.7,
      group: rng.nextFloat() < 0.2 ? 'control' : 'policy',
      actions: offered ? [{ actionId: action.id, slot: 0, propensity: 0.1, sampledPropensity: 0.1, priority: 1, probability: 0.5, category: action.category }] : [],
      ...(offered ? {} : { noActionReason: rng.nextFloat() < 0.5 ? 'below_threshold' : 'no_candidates' }),
    });
  }
  insertDecisions(t.db, records);
  for (const r of records) {
    if (r.actions.length === 0) continue;
    if (!r.activated && rng.nextFloat() < 0.5) activateDecision(t.db, r.id, r.createdAt + 1);
    if (rng.nextFloat() < 0.3) {
      insertFeedback(t.db, { decisionId: r.id, actionId: r.actions[0]!.actionId, outcome: 'response', reward: rng.nextFloat() < 0.5 ? null : 0.5 + rng.nextFloat() * 3, createdAt: r.createdAt + 2, source: 'client' });
    }
  }
}

const rollupRows = () => t.db.sqlite.prepare('SELECT * FROM decision_day_counts ORDER BY 1, 2, 3, 4, 5').all();
const hourRowsByDay = () =>
  t.db.sqlite
    .prepare(
      `SELECT hour / 24 AS day, channel, category, "group", no_action_reason, sum(opportunities) AS opportunities, sum(contacts) AS contacts,
         sum(responses) AS responses, sum(responses_sq) AS responses_sq, sum(value) AS value, sum(value_sq) AS value_sq
       FROM decision_counts GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`,
    )
    .all();

function expectSameRows(a: unknown[], b: unknown[]): void {
  expect(a.length).toBe(b.length);
  a.forEach((row, i) => {
    const other = b[i] as Record<string, number | string>;
    for (const [k, v] of Object.entries(row as Record<string, number | string>)) {
      if (typeof v === 'number' && !Number.isInteger(v)) expect(v, k).toBeCloseTo(other[k] as number, 6);
      else expect(v, k).toBe(other[k]);
    }
  });
}

const sorted = (rows: DaySums[]) => [...rows].sort((x, y) => x.day - y.day || x.group.localeCompare(y.group));

describe('the day rollup', () => {
  it('is kept equal to the hour table by the triggers', () => {
    writeLog(600, 1);
    expectSameRows(rollupRows(), hourRowsByDay());
    writeLog(600, 2); // new decisions, activations and outcomes after the rollup exists
    expectSameRows(rollupRows(), hourRowsByDay());
    expect((rollupRows() as { opportunities: number }[]).reduce((a, r) => a + r.opportunities, 0)).toBe(1_200);
  });

  it('gives the store the per-day sums of the hour grain for any window and filter', () => {
    writeLog(1_500, 3);
    const hourly: LiftStore = createSqliteLiftStore(t.db, { rollup: false });
    const rolled: LiftStore = createSqliteLiftStore(t.db);
    fc.assert(
      fc.property(
        fc.integer({ min: -30, max: SPAN_HOURS + 30 }),
        fc.integer({ min: 1, max: SPAN_HOURS + 60 }),
        fc.constantFrom(null, 'app', 'web', 'fax'),
        fc.constantFrom(null, 'sales', 'service', 'risk', ''),
        (offset, length, channel, category) => {
          const window = { fromHour: START_HOUR + offset, toHour: START_HOUR + offset + length, channel, category };
          const a = sorted(hourly.daily(window));
          const b = sorted(rolled.daily(window));
          expect(b.map((r) => [r.day, r.group, r.opportunities, r.contacts, r.responses, r.responsesSq])).toEqual(a.map((r) => [r.day, r.group, r.opportunities, r.contacts, r.responses, r.responsesSq]));
          b.forEach((r, i) => {
            expect(r.value).toBeCloseTo(a[i]!.value, 6);
            expect(r.valueSq).toBeCloseTo(a[i]!.valueSq, 6);
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
