import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertDecisions } from '../../db/stores/decisions.js';
import { insertFeedback, maxFeedbackSeq, readFeedbackAfter, type FeedbackRecord } from '../../db/stores/feedback.js';
import { getAppliedSeq, setAppliedSeq } from '../../db/stores/learner-state.js';
import { decision } from './fixtures.js';
import { openTempDb, type TempDb } from './temp-db.js';

let t: TempDb;
beforeEach(() => {
  t = openTempDb();
});
afterEach(() => t.cleanup());

const outcome = (decisionId: string, actionId: string, extra: Partial<FeedbackRecord> = {}): Omit<FeedbackRecord, 'seq'> => ({
  decisionId,
  actionId,
  outcome: 'response',
  reward: null,
  createdAt: 5_000,
  source: 'client',
  ...extra,
});

describe('insertFeedback', () => {
  it('appends with increasing seq and returns the record', () => {
    insertDecisions(t.db, [decision('d1', 1, ['a', 'b'])]);
    const first = insertFeedback(t.db, outcome('d1', 'a', { reward: 2.5 }));
    const second = insertFeedback(t.db, outcome('d1', 'b', { outcome: 'ignore', source: 'import' }));
    expect(first).toEqual({ inserted: true, record: { seq: 1, ...outcome('d1', 'a', { reward: 2.5 }) } });
    expect(second).toMatchObject({ inserted: true, record: { seq: 2, outcome: 'ignore', source: 'import' } });
    expect(maxFeedbackSeq(t.db)).toBe(2);
  });

  it('returns the stored outcome for a second one on the same (decision, action), writing nothing', () => {
    insertDecisions(t.db, [decision('d1', 1, ['a'])]);
    insertFeedback(t.db, outcome('d1', 'a', { reward: 1 }));
    const again = insertFeedback(t.db, outcome('d1', 'a', { outcome: 'ignore', createdAt: 9_999 }));
    expect(again).toEqual({ inserted: false, existing: { seq: 1, ...outcome('d1', 'a', { reward: 1 }) } });
    expect(maxFeedbackSeq(t.db)).toBe(1);
  });
});

describe('readFeedbackAfter', () => {
  it('returns rows after the seq, in seq order, up to the limit, joined with the decision', () => {
    insertDecisions(t.db, [decision('d1', 1_000, ['a', 'b']), decision('d2', 2_000, ['a'], { schemaVersion: 4 })]);
    insertFeedback(t.db, outcome('d2', 'a'));
    insertFeedback(t.db, outcome('d1', 'b', { outcome: 'ignore' }));
    insertFeedback(t.db, outcome('d1', 'a', { reward: -3 }));

    const all = readFeedbackAfter(t.db, 0, 10);
    expect(all.map((r) => [r.seq, r.decisionId, r.actionId])).toEqual([
      [1, 'd2', 'a'],
      [2, 'd1', 'b'],
      [3, 'd1', 'a'],
    ]);
    expect(all[0]).toEqual({ ...outcome('d2', 'a'), seq: 1, schemaVersion: 4, x: decision('d2', 2_000, []).x, recentIgnores: 0, propensity: 0.1 });
    // Each outcome carries the propensity its own action was decided with (the prequential score of model quality).
    expect(all[1]!.propensity).toBeCloseTo(0.2, 12);
    expect(all[2]!.reward).toBe(-3);
    expect(readFeedbackAfter(t.db, 1, 1).map((r) => r.seq)).toEqual([2]);
    expect(readFeedbackAfter(t.db, 3, 10)).toEqual([]);
  });

  it('skips an outcome whose decision does not exist', () => {
    insertDecisions(t.db, [decision('d1', 1, ['a'])]);
    insertFeedback(t.db, outcome('ghost', 'a'));
    insertFeedback(t.db, outcome('d1', 'a'));
    expect(readFeedbackAfter(t.db, 0, 10).map((r) => r.seq)).toEqual([2]);
  });

  it('maxFeedbackSeq is 0 on an empty log', () => {
    expect(maxFeedbackSeq(t.db)).toBe(0);
  });
});

describe('learner state', () => {
  it('starts at 0 and round-trips', () => {
    expect(getAppliedSeq(t.db)).toBe(0);
    setAppliedSeq(t.db, 17);
    expect(getAppliedSeq(t.db)).toBe(17);
    setAppliedSeq(t.db, 3);
    expect(getAppliedSeq(t.db)).toBe(3);
    expect(t.db.sqlite.prepare('SELECT count(*) AS n FROM learner_state').get()).toEqual({ n: 1 });
  });

  it('holds a single row (CHECK id = 1)', () => {
    expect(() => t.db.sqlite.prepare('INSERT INTO learner_state (id, applied_seq) VALUES (2, 0)').run()).toThrow(/CHECK/);
  });
});
