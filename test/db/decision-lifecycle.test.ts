/**
 * A decision's life in SQLite: contacts written with an activated decision (and only then), deferred activation
 * (idempotent, in one transaction), implicit activation by an outcome (the contacts_outcome trigger fills the new
 * rows), the expirer dropping a never-activated decision without an ignore, and the audit read.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readDecisionAudit } from '../../db/stores/decision-lifecycle.js';
import { activateDecision, expireDecisions, getDecision, insertDecisions, insertDecisionsIsolated } from '../../db/stores/decisions.js';
import { insertFeedback, insertFeedbackActivating } from '../../db/stores/feedback.js';
import { chosen, decision } from './fixtures.js';
import { openTempDb, type TempDb } from './temp-db.js';

let t: TempDb;
beforeEach(() => {
  t = openTempDb();
});
afterEach(() => t.cleanup());

const contacts = () =>
  t.db.sqlite
    .prepare('SELECT decision_id, action_id, customer_id, channel, category, at, outcome, outcome_at FROM contacts ORDER BY decision_id, action_id')
    .all();
const row = (id: string) => t.db.sqlite.prepare('SELECT activated, "group", status FROM decisions WHERE id = ?').get(id);
const feedbackRows = () => t.db.sqlite.prepare('SELECT decision_id, action_id, outcome, source FROM feedback ORDER BY seq').all();

/** Two offered actions with their categories, as the decision service writes them. */
const offered = (overrides: Parameters<typeof decision>[3] = {}) =>
  decision('d1', 1_000, [], {
    actions: [
      { ...chosen('a', 0), category: 'sales', recentIgnores: 2 },
      { ...chosen('b', 1), category: 'service', recentIgnores: 0 },
    ],
    status: 'pending',
    ...overrides,
  });

describe('contacts written with the decision', () => {
  it('an activated decision for a known customer writes one contact per offered action, at its creation', () => {
    insertDecisions(t.db, [offered()]);
    expect(contacts()).toEqual([
      { decision_id: 'd1', action_id: 'a', customer_id: 'customer-d1', channel: 'app', category: 'sales', at: 1_000, outcome: null, outcome_at: null },
      { decision_id: 'd1', action_id: 'b', customer_id: 'customer-d1', channel: 'app', category: 'service', at: 1_000, outcome: null, outcome_at: null },
    ]);
    expect(row('d1')).toEqual({ activated: 1, group: 'policy', status: 'pending' });
    expect(t.db.sqlite.prepare('SELECT action_id, recent_ignores FROM decision_actions ORDER BY slot').all()).toEqual([
      { action_id: 'a', recent_ignores: 2 },
      { action_id: 'b', recent_ignores: 0 },
    ]);
  });

  it('writes no contact for a deferred decision, one with no customer, or one that offered nothing', () => {
    insertDecisions(t.db, [
      offered({ activated: false }),
      offered({ id: 'd2', customerId: null }),
      decision('d3', 3, [], { group: 'control' }),
    ]);
    expect(contacts()).toEqual([]);
    expect(row('d1')).toEqual({ activated: 0, group: 'policy', status: 'pending' });
    expect(row('d3')).toEqual({ activated: 1, group: 'control', status: 'closed' });
    expect(getDecision(t.db, 'd1')).toMatchObject({ activated: false, group: 'policy' });
  });

  it("a record that fails in an isolated batch takes its contacts with it; the others' stay", () => {
    const poisoned = offered({ id: 'bad', actions: [{ ...chosen('a', 0), category: 'sales', propensity: Number.NaN }] });
    const failures = insertDecisionsIsolated(t.db, [offered(), poisoned]);
    expect([...failures.keys()]).toEqual([1]);
    expect((contacts() as { decision_id: string }[]).map((c) => c.decision_id)).toEqual(['d1', 'd1']);
  });
});

describe('activateDecision', () => {
  it('writes the contacts at the activation time with the actions’ categories, and marks the decision activated', () => {
    t.db.sqlite.prepare(
      `INSERT INTO actions (id, name, category, value, channels, active, lever, likelihood, created_at, updated_at)
       VALUES ('a', 'A', 'sales', 1, '[]', 1, 1, 'logistic', 0, 0)`,
    ).run();
    insertDecisions(t.db, [offered({ activated: false })]);
    expect(activateDecision(t.db, 'd1', 5_000)).toBe('activated');
    expect(row('d1')).toMatchObject({ activated: 1 });
    // 'b' is not in the catalog any more: its contact is kept, with no category.
    expect(contacts()).toEqual([
      expect.objectContaining({ action_id: 'a', category: 'sales', at: 5_000, customer_id: 'customer-d1' }),
      expect.objectContaining({ action_id: 'b', category: '', at: 5_000 }),
    ]);
  });

  it('is idempotent: a second activation changes nothing; an unknown decision is unknown', () => {
    insertDecisions(t.db, [offered({ activated: false })]);
    expect(activateDecision(t.db, 'd1', 5_000)).toBe('activated');
    const once = contacts();
    expect(activateDecision(t.db, 'd1', 9_000)).toBe('already');
    expect(contacts()).toEqual(once);
    expect(activateDecision(t.db, 'nope', 9_000)).toBe('unknown');
    // An activated-at-birth decision is 'already' too, with its creation-time contacts.
    insertDecisions(t.db, [offered({ id: 'd2' })]);
    expect(activateDecision(t.db, 'd2', 9_000)).toBe('already');
    expect((contacts() as { at: number }[]).filter((c) => c.at === 9_000)).toEqual([]);
  });

  it('an outcome on a deferred decision activates it first, so the trigger fills the new contact', () => {
    insertDecisions(t.db, [offered({ activated: false })]);
    const result = insertFeedbackActivating(t.db, { decisionId: 'd1', actionId: 'b', outcome: 'response', reward: null, createdAt: 7_000, source: 'client' });
    expect(result.inserted).toBe(true);
    expect(row('d1')).toMatchObject({ activated: 1 });
    expect(contacts()).toEqual([
      expect.objectContaining({ action_id: 'a', at: 7_000, outcome: null, outcome_at: null }),
      expect.objectContaining({ action_id: 'b', at: 7_000, outcome: 'response', outcome_at: 7_000 }),
    ]);
  });
});

describe('the expirer and activation', () => {
  it('closes a never-activated decision without an ignore, and an activated one with its ignores', () => {
    insertDecisions(t.db, [offered({ activated: false }), offered({ id: 'd2' })]);
    expect(expireDecisions(t.db, 10_000, 10_000, 100)).toBe(2);
    expect(row('d1')).toEqual({ activated: 0, group: 'policy', status: 'closed' });
    expect(feedbackRows()).toEqual([
      { decision_id: 'd2', action_id: 'a', outcome: 'ignore', source: 'timeout' },
      { decision_id: 'd2', action_id: 'b', outcome: 'ignore', source: 'timeout' },
    ]);
    // The activated decision's contacts learn their ignores through the trigger.
    expect((contacts() as { decision_id: string; outcome: string | null }[]).map((c) => [c.decision_id, c.outcome])).toEqual([
      ['d2', 'ignore'],
      ['d2', 'ignore'],
    ]);
    // Dropped for good: activating it later is refused and writes nothing.
    expect(activateDecision(t.db, 'd1', 20_000)).toBe('expired');
    expect(row('d1')).toMatchObject({ activated: 0 });
    expect((contacts() as { decision_id: string }[]).filter((c) => c.decision_id === 'd1')).toEqual([]);
  });
});

describe('readDecisionAudit', () => {
  it('returns the decision with each action’s outcome, reward and outcome time once recorded', () => {
    insertDecisions(t.db, [offered({ probabilityMethod: 'monte-carlo', noActionProbability: 0.125, probabilityDraws: 100 }), decision('d2', 2_000, [], {})]);
    insertFeedback(t.db, { decisionId: 'd1', actionId: 'b', outcome: 'response', reward: 2.5, createdAt: 4_000, source: 'client' });
    // A decision written without the probability columns (as before issue #11) reads them as null.
    expect(readDecisionAudit(t.db, 'd2')).toMatchObject({ probabilityMethod: null, noActionProbability: null, probabilityDraws: null });
    expect(readDecisionAudit(t.db, 'd1')).toEqual({
      decisionId: 'd1',
      createdAt: 1_000,
      customerId: 'customer-d1',
      channel: 'app',
      group: 'policy',
      activated: true,
      probabilityMethod: 'monte-carlo',
      noActionProbability: 0.125,
      probabilityDraws: 100,
      actions: [
        { actionId: 'a', slot: 0, propensity: 0.1, probability: 0.6, outcome: null, reward: null, outcomeAt: null },
        { actionId: 'b', slot: 1, propensity: 0.2, probability: 0.5, outcome: 'response', reward: 2.5, outcomeAt: 4_000 },
      ],
    });
    expect(readDecisionAudit(t.db, 'missing')).toBeUndefined();
  });
});
