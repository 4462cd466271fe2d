import { createSqliteRetentionStore } from '../../db/stores/retention.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expireDecisions, getDecision, insertDecisions } from '../../db/stores/decisions.js';
import { insertFeedback, maxFeedbackSeq } from '../../db/stores/feedback.js';
import { setAppliedSeq } from '../../db/stores/learner-state.js';
import { pruneDecisions } from '../../db/stores/retention.js';
import { countsByActionAndChannel } from '../../db/stores/stats.js';
import { decision } from './fixtures.js';
import { openTempDb, type TempDb } from './temp-db.js';

let t: TempDb;
beforeEach(() => {
  t = openTempDb();
});
afterEach(() => t.cleanup());

const count = (table: string): number => (t.db.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const answer = (decisionId: string, actionId: string, createdAt: number) =>
  insertFeedback(t.db, { decisionId, actionId, outcome: 'response', reward: null, createdAt, source: 'client' });

describe('pruneDecisions', () => {
  it('deletes closed, learned decisions older than the cutoff with their actions and feedback, and nothing else', () => {
    insertDecisions(t.db, [
      decision('old-learned', 100, ['a', 'b']),
      decision('old-no-action', 110, []), // closed from the start: nothing to learn
      decision('old-pending', 120, ['a']),
      decision('old-unlearned', 130, ['a']),
      decision('recent', 900, ['b']),
    ]);
    answer('old-learned', 'b', 150);
    expireDecisions(t.db, 135, 200, 100); // closes old-learned (ignore for a), old-pending and old-unlearned
    // Reopen old-pending: a pending decision is never pruned, whatever its age.
    t.db.sqlite.prepare(`UPDATE decisions SET status = 'pending' WHERE id = 'old-pending'`).run();
    const learned = maxFeedbackSeq(t.db);
    answer('recent', 'b', 950);
    // old-unlearned's outcome comes after the learner's cursor.
    t.db.sqlite.prepare(`DELETE FROM feedback WHERE decision_id = 'old-unlearned'`).run();
    answer('old-unlearned', 'a', 960);
    setAppliedSeq(t.db, learned);
    t.db.sqlite.prepare(`UPDATE decisions SET status = 'closed' WHERE id = 'recent'`).run();
    const countsBefore = countsByActionAndChannel(t.db);

    expect(pruneDecisions(t.db, 500, 100)).toBe(2);
    expect(getDecision(t.db, 'old-learned')).toBeUndefined();
    expect(getDecision(t.db, 'old-no-action')).toBeUndefined();
    for (const id of ['old-pending', 'old-unlearned', 'recent']) expect(getDecision(t.db, id), id).toBeDefined();
    expect(t.db.sqlite.prepare(`SELECT count(*) AS n FROM feedback WHERE decision_id = 'old-learned'`).get()).toEqual({ n: 0 });
    expect(t.db.sqlite.prepare(`SELECT count(*) AS n FROM decision_actions WHERE decision_id = 'old-learned'`).get()).toEqual({ n: 0 });
    // Contact rows are not the decision's: they go on their own cutoff (pruneContacts), which a suppression can extend.
    expect(t.db.sqlite.prepare(`SELECT count(*) AS n FROM contacts WHERE decision_id = 'old-learned'`).get()).toEqual({ n: 2 });
    const store = createSqliteRetentionStore(t.db);
    // A row goes only once both its offer and its outcome are before the cutoff.
    const rows = () => t.db.sqlite.prepare('SELECT decision_id AS d, action_id AS a, at, outcome_at AS o FROM contacts ORDER BY d, a').all() as { d: string; a: string; at: number; o: number | null }[];
    const before = rows();
    const expected = before.filter((r) => r.at >= 180 || (r.o ?? 0) >= 180);
    expect(expected.length).toBeLessThan(before.length);
    expect(expected.some((r) => r.at < 180)).toBe(true); // an old offer kept by its late outcome
    expect(store.pruneContacts(180, 100)).toBe(before.length - expected.length);
    expect(rows()).toEqual(expected);
    expect(t.db.sqlite.prepare(`SELECT count(*) AS n FROM contacts WHERE decision_id = 'recent'`).get()).toEqual({ n: 1 });
    // The running counts are lifetime totals.
    expect(countsByActionAndChannel(t.db)).toEqual(countsBefore);
    expect(pruneDecisions(t.db, 500, 100)).toBe(0);

    // Once the learner has folded old-unlearned's outcome in, it goes too.
    setAppliedSeq(t.db, maxFeedbackSeq(t.db));
    expect(pruneDecisions(t.db, 500, 100)).toBe(1);
    expect(getDecision(t.db, 'old-unlearned')).toBeUndefined();
    expect(getDecision(t.db, 'old-pending')).toBeDefined();
    expect(getDecision(t.db, 'recent')).toBeDefined();
  });

  it('deletes at most limit decisions per call, oldest first, and never reuses a feedback seq', () => {
    insertDecisions(t.db, Array.from({ length: 7 }, (_, i) => decision(`d${i}`, 100 + i, ['a'])));
    expireDecisions(t.db, 1_000, 1_000, 100);
    const top = maxFeedbackSeq(t.db);
    setAppliedSeq(t.db, top);
    expect(pruneDecisions(t.db, 2_000, 3)).toBe(3);
    expect(['d0', 'd1', 'd2', 'd3'].map((id) => getDecision(t.db, id) !== undefined)).toEqual([false, false, false, true]);
    expect(pruneDecisions(t.db, 2_000, 3)).toBe(3);
    expect(pruneDecisions(t.db, 2_000, 3)).toBe(1);
    expect(count('decisions') + count('decision_actions') + count('feedback')).toBe(0);
    insertDecisions(t.db, [decision('after', 3_000, ['a'])]);
    expect(answer('after', 'a', 3_001)).toMatchObject({ inserted: true, record: { seq: top + 1 } });
  });

  it('does nothing while the learner has applied nothing', () => {
    insertDecisions(t.db, [decision('d', 100, ['a'])]);
    expireDecisions(t.db, 1_000, 1_000, 100);
    expect(pruneDecisions(t.db, 2_000, 100)).toBe(0);
    expect(count('decisions')).toBe(1);
  });
});
