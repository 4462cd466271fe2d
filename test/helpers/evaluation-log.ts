/** A small decision log with exact logged probabilities (decisions on actions a and b of seedTwoActions), for the evaluation tests. */
import { insertDecisions, type DecisionRecord } from '../../db/stores/decisions.js';
import type { TestHarness } from './harness.js';

export const T0 = Date.parse('2026-11-01T00:00:00.000Z');

/** n one-slot decisions alternating a / b / no action, with exact logged probabilities, responses on every third. */
export function logDecisions(harness: TestHarness, n: number, overrides: (i: number) => Partial<DecisionRecord> = () => ({})): void {
  const d = harness.state.encoder().dimension;
  const version = harness.state.schema().version;
  const records: DecisionRecord[] = [];
  for (let i = 0; i < n; i++) {
    const x = new Float64Array(d);
    x[0] = 1;
    x[1 + (i % 3)] = 1;
    const choice = i % 3 === 2 ? undefined : i % 3 === 0 ? 'a' : 'b';
    records.push({
      id: `d-${String(i).padStart(5, '0')}`,
      createdAt: T0 + i * 1000,
      customerId: null,
      channel: 'app',
      schemaVersion: version,
      x,
      seed: '1',
      status: 'closed',
      actions: choice ? [{ actionId: choice, slot: 0, propensity: 0.1, sampledPropensity: 0.1, priority: 1, probability: 0.45 }] : [],
      noActionProbability: 0.1,
      probabilityMethod: 'exact',
      probabilityDraws: 0,
      candidates: ['a', 'b'],
      ...overrides(i),
    });
  }
  insertDecisions(harness.db, records);
  const feedback = harness.db.sqlite.prepare(`INSERT INTO feedback (decision_id, action_id, outcome, reward, created_at, source) VALUES (?, ?, ?, NULL, ?, 'client')`);
  for (const r of records) {
    const top = r.actions[0];
    // A pending decision is one still waiting for its outcome.
    if (top && r.status !== 'pending') feedback.run(r.id, top.actionId, Number(r.id.slice(2)) % 6 === 0 ? 'response' : 'ignore', r.createdAt + 10);
  }
}

