/**
 * The measurement aggregates of migration 0004 (db/schema/decision-counts.ts, action-day-counts.ts,
 * action-rewards.ts, candidate-sets.ts) are kept by triggers: checked here against sums recomputed from the rows.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { upsertAction } from '../../db/stores/catalog.js';
import { activateDecision, getDecision, insertDecisions, insertDecisionsIsolated } from '../../db/stores/decisions.js';
import { insertFeedback, insertFeedbackActivating } from '../../db/stores/feedback.js';
import { chosen, decision as bare } from './fixtures.js';
import { openTempDb, type TempDb } from './temp-db.js';

const HOUR = 3_600_000;
const CATEGORY: Record<string, string> = { card: 'sales', tip: 'service', deposit: 'sales' };
/** A decision whose chosen actions carry their category, as the decision service writes them. */
const decision: typeof bare = (id, createdAt, actionIds, overrides = {}) =>
  bare(id, createdAt, actionIds, { actions: actionIds.map((a, slot) => ({ ...chosen(a, slot), category: CATEGORY[a]! })), ...overrides });
const action = (id: string, category: string, value: number, likelihood: 'logistic' | 'linear' = 'logistic') => ({
  id,
  name: id,
  category,
  value,
  lever: 1,
  channels: [],
  active: true,
  likelihood,
});

describe('measurement aggregates (migration 0004)', () => {
  let t: TempDb;
  beforeEach(() => {
    t = openTempDb();
    upsertAction(t.db, action('card', 'sales', 40), 0);
    upsertAction(t.db, action('tip', 'service', 2), 0);
    upsertAction(t.db, action('deposit', 'sales', 0.5, 'linear'), 0);
  });
  afterEach(() => t.cleanup());

  const counts = () =>
    t.db.sqlite.prepare('SELECT * FROM decision_counts ORDER BY hour, channel, category, "group", no_action_reason').all() as Record<string, number | string>[];

  it('counts every opportunity by hour, channel, top category, group and reason, with per-decision moments', () => {
    const h0 = 500_000 * HOUR;
    insertDecisions(t.db, [
      decision('a', h0 + 1, ['card', 'tip']),
      decision('b', h0 + 2, ['card']),
      decision('c', h0 + 3, [], { noActionReason: 'not_worth_contact' }),
      decision('d', h0 + HOUR, ['tip'], { group: 'control' }),
      decision('e', h0 + 4, ['card'], { activated: false }),
    ]);
    // Two responses on one decision: its per-decision total is 2 (value 42), so Σy² counts 4 and Σv² 42².
    insertFeedback(t.db, { decisionId: 'a', actionId: 'card', outcome: 'response', reward: null, createdAt: h0 + 10, source: 'client' });
    insertFeedback(t.db, { decisionId: 'a', actionId: 'tip', outcome: 'response', reward: null, createdAt: h0 + 11, source: 'client' });
    insertFeedback(t.db, { decisionId: 'b', actionId: 'card', outcome: 'ignore', reward: null, createdAt: h0 + 12, source: 'timeout' });
    insertFeedback(t.db, { decisionId: 'd', actionId: 'tip', outcome: 'response', reward: null, createdAt: h0 + HOUR + 5, source: 'client' });
    const hour = h0 / HOUR;
    expect(counts()).toEqual([
      { hour, channel: 'app', category: '', group: 'policy', no_action_reason: 'not_worth_contact', opportunities: 1, contacts: 0, responses: 0, responses_sq: 0, value: 0, value_sq: 0 },
      { hour, channel: 'app', category: 'sales', group: 'policy', no_action_reason: '', opportunities: 3, contacts: 2, responses: 2, responses_sq: 4, value: 42, value_sq: 42 * 42 },
      { hour: hour + 1, channel: 'app', category: 'service', group: 'control', no_action_reason: '', opportunities: 1, contacts: 1, responses: 1, responses_sq: 1, value: 2, value_sq: 4 },
    ]);
    // Activating the deferred decision makes it a contact in its own hour; its outcome counts there too.
    activateDecision(t.db, 'e', h0 + 2 * HOUR);
    insertFeedback(t.db, { decisionId: 'e', actionId: 'card', outcome: 'response', reward: null, createdAt: h0 + 2 * HOUR, source: 'client' });
    const sales = counts().find((r) => r.category === 'sales')!;
    expect(sales).toMatchObject({ opportunities: 3, contacts: 3, responses: 3, responses_sq: 5, value: 82, value_sq: 42 * 42 + 40 * 40 });
  });

  it('a response on a never-activated decision activates it first, and counts once', () => {
    insertDecisions(t.db, [decision('e', 10, ['card'], { activated: false })]);
    insertFeedbackActivating(t.db, { decisionId: 'e', actionId: 'card', outcome: 'response', reward: null, createdAt: 20, source: 'client' });
    expect(counts()).toMatchObject([{ opportunities: 1, contacts: 1, responses: 1, value: 40 }]);
  });

  it('a linear reward is valued at value × reward, and its moments are kept per action', () => {
    insertDecisions(t.db, [decision('a', 10, ['deposit']), decision('b', 11, ['deposit'])]);
    insertFeedback(t.db, { decisionId: 'a', actionId: 'deposit', outcome: 'response', reward: 300, createdAt: 20, source: 'client' });
    insertFeedback(t.db, { decisionId: 'b', actionId: 'deposit', outcome: 'response', reward: 100, createdAt: 21, source: 'client' });
    expect(counts()).toMatchObject([{ responses: 2, value: 200, value_sq: 150 * 150 + 50 * 50 }]);
    expect(t.db.sqlite.prepare('SELECT * FROM action_rewards').all()).toEqual([{ action_id: 'deposit', n: 2, sum: 400, sum_sq: 300 * 300 + 100 * 100 }]);
  });

  it('a reward beyond the accepted ±1e6 (a row from before the limits) counts at the limit and stays out of the moments', () => {
    insertDecisions(t.db, [decision('a', 10, ['deposit']), decision('b', 11, ['deposit'])]);
    insertFeedback(t.db, { decisionId: 'a', actionId: 'deposit', outcome: 'response', reward: 1e200, createdAt: 20, source: 'client' });
    insertFeedback(t.db, { decisionId: 'b', actionId: 'deposit', outcome: 'response', reward: 2, createdAt: 21, source: 'client' });
    const [row] = counts();
    expect(row).toMatchObject({ responses: 2, value: 0.5e6 + 1, value_sq: 0.25e12 + 1 });
    expect(t.db.sqlite.prepare('SELECT * FROM action_rewards').all()).toEqual([{ action_id: 'deposit', n: 1, sum: 2, sum_sq: 4 }]);
  });

  it('outcomes count per action on the day of their decision', () => {
    const day = 20_000 * 86_400_000;
    insertDecisions(t.db, [decision('a', day + 5, ['card', 'tip']), decision('b', day + 6, ['card'])]);
    insertFeedback(t.db, { decisionId: 'a', actionId: 'card', outcome: 'response', reward: null, createdAt: day + 86_400_000 + 1, source: 'client' });
    insertFeedback(t.db, { decisionId: 'a', actionId: 'tip', outcome: 'ignore', reward: null, createdAt: day + 7, source: 'timeout' });
    insertFeedback(t.db, { decisionId: 'b', actionId: 'card', outcome: 'ignore', reward: null, createdAt: day + 8, source: 'timeout' });
    expect(t.db.sqlite.prepare('SELECT * FROM action_day_counts ORDER BY action_id').all()).toEqual([
      { action_id: 'card', day: 20_000, decisions: 2, responses: 1, ignores: 1, value: 40 },
      { action_id: 'tip', day: 20_000, decisions: 1, responses: 0, ignores: 1, value: 0 },
    ]);
  });

  it('logs the probabilities and interns each candidate set once', () => {
    insertDecisions(t.db, [
      decision('a', 10, ['card'], { candidates: ['tip', 'card'], noActionProbability: 0.25, probabilityMethod: 'exact', probabilityDraws: 0 }),
      decision('b', 11, [], { candidates: ['card', 'tip'], noActionReason: 'not_worth_contact', probabilityMethod: 'off' }),
      decision('c', 12, [], { candidates: [], noActionReason: 'no_candidates' }),
    ]);
    expect(t.db.sqlite.prepare('SELECT count(*) AS n FROM candidate_sets').get()).toEqual({ n: 2 });
    expect(getDecision(t.db, 'a')).toMatchObject({ candidates: ['card', 'tip'], noActionProbability: 0.25, probabilityMethod: 'exact', probabilityDraws: 0 });
    const b = getDecision(t.db, 'b')!;
    expect(b).toMatchObject({ candidates: ['card', 'tip'], noActionReason: 'not_worth_contact', probabilityMethod: 'off' });
    expect(b.noActionProbability).toBeUndefined();
    expect(getDecision(t.db, 'c')!.candidates).toEqual([]);
  });

  it('never reuses the id of a candidate set whose write was rolled back', () => {
    // The first record interns {card, tip} and then fails (a NaN propensity): its savepoint takes the set back with it.
    const poisoned = decision('bad', 10, ['card'], { candidates: ['card', 'tip'] });
    poisoned.actions[0]!.propensity = Number.NaN;
    const failures = insertDecisionsIsolated(t.db, [poisoned, decision('ok', 11, ['card'], { candidates: ['tip', 'card'] })]);
    expect([...failures.keys()]).toEqual([0]);
    expect(getDecision(t.db, 'ok')!.candidates).toEqual(['card', 'tip']);
    // A whole batch rolled back (a duplicate id) leaves no cached id behind either.
    expect(() => insertDecisions(t.db, [decision('n1', 12, [], { candidates: ['deposit'] }), decision('ok', 13, [])])).toThrow();
    insertDecisions(t.db, [decision('n2', 14, [], { candidates: ['deposit'] })]);
    expect(getDecision(t.db, 'n2')!.candidates).toEqual(['deposit']);
    // Known sets are read from the cache and stay right.
    insertDecisions(t.db, [decision('n3', 15, [], { candidates: ['deposit'] }), decision('n4', 16, [], { candidates: ['card', 'tip'] })]);
    expect(getDecision(t.db, 'n3')!.candidates).toEqual(['deposit']);
    expect(getDecision(t.db, 'n4')!.candidates).toEqual(['card', 'tip']);
    expect(t.db.sqlite.prepare('SELECT count(*) AS n FROM candidate_sets').get()).toEqual({ n: 2 });
  });
});
