import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteBudgetStore, createSqliteContactStore } from '../../db/stores/contacts.js';
import { MAX_CONTACT_ROWS, utcDay } from '../../src/policies/contact-store.js';
import { openTempDb, type TempDb } from './temp-db.js';

let t: TempDb;
beforeEach(() => {
  t = openTempDb();
});
afterEach(() => t.cleanup());

function contact(decisionId: string, actionId: string, customerId: string, at: number, outcome: string | null = null, outcomeAt: number | null = null): void {
  t.db.sqlite
    .prepare('INSERT INTO contacts (decision_id, action_id, customer_id, channel, category, at, outcome, outcome_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run(decisionId, actionId, customerId, 'email', 'sales', at, outcome, outcomeAt);
}

describe('ContactStore.history', () => {
  const INF = Number.POSITIVE_INFINITY;
  it("answers one customer's contacts on the channel after offeredSince, and any with an outcome after outcomeSince, latest first", () => {
    contact('d1', 'a', 'c1', 100);
    contact('d2', 'a', 'c1', 300, 'ignore', 350);
    contact('d3', 'b', 'c1', 50, 'ignore', 250); // offered before since, its outcome after it
    contact('d4', 'a', 'c1', 40); // before since, no outcome
    contact('d5', 'a', 'c2', 400); // another customer
    const store = createSqliteContactStore(t.db);
    const rows = store.history('c1', { channel: 'email', offeredSince: 200, outcomeSince: 200 });
    expect(rows).toEqual([
      { decisionId: 'd2', actionId: 'a', channel: 'email', category: 'sales', at: 300, outcome: 'ignore', outcomeAt: 350 },
      { decisionId: 'd3', actionId: 'b', channel: 'email', category: 'sales', at: 50, outcome: 'ignore', outcomeAt: 250 },
    ]);
    expect(store.history('c1', { channel: 'email', offeredSince: 0, outcomeSince: 0 }).map((r) => r.decisionId)).toEqual(['d2', 'd1', 'd3', 'd4']);
    // Another channel's contacts count only by their outcomes; +∞ selects nothing by its clause.
    expect(store.history('c1', { channel: 'app', offeredSince: 0, outcomeSince: 0 }).map((r) => r.decisionId)).toEqual(['d2', 'd3']);
    expect(store.history('c1', { channel: 'email', offeredSince: 0, outcomeSince: INF }).map((r) => r.decisionId)).toEqual(['d2', 'd1', 'd3', 'd4']);
    expect(store.history('c1', { channel: null, offeredSince: INF, outcomeSince: 300 }).map((r) => r.decisionId)).toEqual(['d2']);
    expect(store.history('nobody', { channel: 'email', offeredSince: 0, outcomeSince: 0 })).toEqual([]);
  });

  it(`caps the answer at ${MAX_CONTACT_ROWS} rows, the latest`, () => {
    const insert = t.db.sqlite.transaction(() => {
      for (let i = 0; i < MAX_CONTACT_ROWS + 5; i++) contact(`d${i}`, 'a', 'c1', i + 1);
    });
    insert();
    const rows = createSqliteContactStore(t.db).history('c1', { channel: 'email', offeredSince: 0, outcomeSince: 0 });
    expect(rows).toHaveLength(MAX_CONTACT_ROWS);
    expect(rows[0]!.at).toBe(MAX_CONTACT_ROWS + 5);
    expect(rows.at(-1)!.at).toBe(6);
  });
});

describe('BudgetStore.used', () => {
  it('answers the decisions per action of one UTC day, filtered by action', () => {
    const day = utcDay(Date.parse('2026-12-01T23:59:59Z'));
    expect(day).toBe(utcDay(Date.parse('2026-12-01T00:00:00Z')));
    expect(utcDay(Date.parse('2026-12-02T00:00:00Z'))).toBe(day + 1);
    const put = t.db.sqlite.prepare('INSERT INTO action_day_counts (action_id, day, decisions) VALUES (?, ?, ?)');
    put.run('a', day, 3);
    put.run('b', day, 7);
    put.run('a', day - 1, 100);
    const store = createSqliteBudgetStore(t.db);
    expect(store.used(undefined, day)).toEqual(new Map([['a', 3], ['b', 7]]));
    expect(store.used(['b', 'z'], day)).toEqual(new Map([['b', 7]]));
    expect(store.used(undefined, day + 1)).toEqual(new Map());
  });
});
