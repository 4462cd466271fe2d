import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expireDecisions, getDecision, insertDecisions, insertDecisionsIsolated } from '../../db/stores/decisions.js';
import { insertFeedback, readFeedbackAfter } from '../../db/stores/feedback.js';
import { chosen, decision } from './fixtures.js';
import { openTempDb, type TempDb } from './temp-db.js';

let t: TempDb;
beforeEach(() => {
  t = openTempDb();
});
afterEach(() => t.cleanup());

const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('insertDecisions / getDecision', () => {
  it('round-trips every field, with actions in slot order and x bit-exact', () => {
    const d1 = decision('d1', 1_000, ['offer-a', 'offer-b']);
    const d2 = decision('d2', 2_000, [], { customerId: null, channel: 'web', schemaVersion: 3 });
    insertDecisions(t.db, [d1, d2]);
    const back = getDecision(t.db, 'd1')!;
    expect({ ...back, x: null }).toEqual({ ...d1, x: null });
    expect(bytes(back.x).equals(bytes(d1.x))).toBe(true);
    expect(back.x.buffer).not.toBe(d1.x.buffer);
    expect(getDecision(t.db, 'd2')).toEqual({ ...d2, x: expect.any(Float64Array) });
    expect(getDecision(t.db, 'd2')!.status).toBe('closed');
    expect(getDecision(t.db, 'missing')).toBeUndefined();
  });

  it('writes a batch all or nothing', () => {
    insertDecisions(t.db, [decision('d1', 1, ['a'])]);
    expect(() => insertDecisions(t.db, [decision('d2', 2, ['a']), decision('d1', 3, ['a'])])).toThrow(/UNIQUE/);
    expect(getDecision(t.db, 'd2')).toBeUndefined();
  });

  it('accepts an empty batch and a batch of 1,000', () => {
    insertDecisions(t.db, []);
    const batch = Array.from({ length: 1_000 }, (_, i) => decision(`b${i}`, i, ['a', 'b', 'c']));
    insertDecisions(t.db, batch);
    expect(t.db.sqlite.prepare('SELECT count(*) AS n FROM decisions').get()).toEqual({ n: 1_000 });
    expect(t.db.sqlite.prepare('SELECT count(*) AS n FROM decision_actions').get()).toEqual({ n: 3_000 });
    expect(getDecision(t.db, 'b999')!.actions.map((a) => a.actionId)).toEqual(['a', 'b', 'c']);
  });
});

describe('insertDecisionsIsolated', () => {
  it('fails the batch whole when the database itself is full (SQLITE_FULL rolls back the whole transaction)', () => {
    insertDecisions(t.db, [decision('before', 1, ['a'])]);
    const pages = t.db.sqlite.pragma('page_count', { simple: true }) as number;
    t.db.sqlite.pragma(`max_page_count = ${pages + 2}`);
    // Records with a large x: the first may fit in the two spare pages, the later ones cannot.
    const big = (id: string, at: number) => decision(id, at, ['a'], { x: new Float64Array(2_000).fill(at) });
    const records = [big('r0', 2), big('r1', 3), big('r2', 4), big('r3', 5)];
    // SQLite rolls back either the statement (each record then fails alone) or the whole transaction (the batch then
    // throws), depending on where the write runs out of pages; either way every record is refused with SQLITE_FULL.
    let failures: Map<number, Error> | undefined;
    let thrown: unknown;
    try {
      failures = insertDecisionsIsolated(t.db, records);
    } catch (error) {
      thrown = error;
    }
    if (thrown !== undefined) expect(String(thrown)).toMatch(/full/i);
    else expect([...failures!.values()].map((e) => /full/i.test(e.message))).toEqual([true, true, true, true]);
    expect(t.db.sqlite.inTransaction).toBe(false);
    const stored = t.db.sqlite.prepare('SELECT id FROM decisions ORDER BY id').all() as { id: string }[];
    expect(stored.map((r) => r.id)).toEqual(['before']); // none committed on its own behind the batch's back
  });

  const ids = () => (t.db.sqlite.prepare('SELECT id FROM decisions ORDER BY id').all() as { id: string }[]).map((r) => r.id);

  it('commits the good records of a batch and fails only the one that violates a constraint (NaN propensity)', () => {
    const poisoned = decision('bad', 2, ['a'], { actions: [{ ...chosen('a', 0), propensity: Number.NaN }] });
    const failures = insertDecisionsIsolated(t.db, [decision('g1', 1, ['a', 'b']), poisoned, decision('g2', 3, ['b'])]);
    expect([...failures.keys()]).toEqual([1]);
    expect(failures.get(1)!.message).toMatch(/NOT NULL constraint failed: decision_actions\.propensity/);
    expect(ids()).toEqual(['g1', 'g2']);
    // The failed record is rolled back whole: no decision row without its actions.
    expect(t.db.sqlite.prepare('SELECT decision_id AS id, slot FROM decision_actions ORDER BY decision_id, slot').all()).toEqual([
      { id: 'g1', slot: 0 },
      { id: 'g1', slot: 1 },
      { id: 'g2', slot: 0 },
    ]);
    expect(t.db.sqlite.prepare('SELECT action_id, decisions FROM action_counts ORDER BY action_id').all()).toEqual([
      { action_id: 'a', decisions: 1 },
      { action_id: 'b', decisions: 2 },
    ]);
  });

  it('isolates every failing record of a batch, and a batch of one', () => {
    insertDecisions(t.db, [decision('taken', 0, ['a'])]);
    const failures = insertDecisionsIsolated(t.db, [decision('taken', 1, ['a']), decision('ok', 2, ['a']), decision('taken', 3, [])]);
    expect([...failures.keys()]).toEqual([0, 2]);
    expect(failures.get(0)!.message).toMatch(/UNIQUE/);
    expect(ids()).toEqual(['ok', 'taken']);
    expect([...insertDecisionsIsolated(t.db, [decision('ok', 4, ['a'])]).keys()]).toEqual([0]);
    expect(insertDecisionsIsolated(t.db, [decision('fine', 5, ['a'])]).size).toBe(0);
    expect(ids()).toEqual(['fine', 'ok', 'taken']);
  });
});

describe('expireDecisions', () => {
  const timeoutRows = () =>
    readFeedbackAfter(t.db, 0, 100).map((r) => ({ d: r.decisionId, a: r.actionId, o: r.outcome, s: r.source, at: r.createdAt, reward: r.reward }));

  it('closes pending decisions before the cutoff, adding ignores only for actions without feedback', () => {
    insertDecisions(t.db, [
      decision('old-two', 100, ['a', 'b']),
      decision('old-answered', 200, ['a']),
      decision('at-cutoff', 500, ['a']),
      decision('new', 900, ['b']),
      decision('no-action', 50, []),
    ]);
    insertFeedback(t.db, { decisionId: 'old-two', actionId: 'b', outcome: 'response', reward: 4, createdAt: 150, source: 'client' });
    insertFeedback(t.db, { decisionId: 'old-answered', actionId: 'a', outcome: 'ignore', reward: null, createdAt: 250, source: 'client' });

    expect(expireDecisions(t.db, 500, 10_000, 100)).toBe(2);

    expect(timeoutRows()).toEqual([
      { d: 'old-two', a: 'b', o: 'response', s: 'client', at: 150, reward: 4 },
      { d: 'old-answered', a: 'a', o: 'ignore', s: 'client', at: 250, reward: null },
      { d: 'old-two', a: 'a', o: 'ignore', s: 'timeout', at: 10_000, reward: null },
    ]);
    expect(getDecision(t.db, 'old-two')!.status).toBe('closed');
    expect(getDecision(t.db, 'old-answered')!.status).toBe('closed');
    expect(getDecision(t.db, 'at-cutoff')!.status).toBe('pending');
    expect(getDecision(t.db, 'new')!.status).toBe('pending');
  });

  it('is idempotent', () => {
    insertDecisions(t.db, [decision('d1', 100, ['a', 'b'])]);
    expect(expireDecisions(t.db, 500, 1_000, 100)).toBe(1);
    expect(expireDecisions(t.db, 500, 2_000, 100)).toBe(0);
    expect(timeoutRows().map((r) => [r.a, r.at])).toEqual([
      ['a', 1_000],
      ['b', 1_000],
    ]);
  });

  it('closes at most limit decisions per call, oldest first', () => {
    insertDecisions(t.db, [decision('d3', 300, ['a']), decision('d1', 100, ['a']), decision('d2', 200, ['a'])]);
    expect(expireDecisions(t.db, 1_000, 5_000, 2)).toBe(2);
    expect(['d1', 'd2', 'd3'].map((id) => getDecision(t.db, id)!.status)).toEqual(['closed', 'closed', 'pending']);
    expect(expireDecisions(t.db, 1_000, 5_000, 2)).toBe(1);
    expect(timeoutRows().map((r) => r.d)).toEqual(['d1', 'd2', 'd3']);
  });

  it('after expiry, late client feedback is a duplicate of the timeout ignore', () => {
    insertDecisions(t.db, [decision('d1', 100, ['a'])]);
    expireDecisions(t.db, 500, 1_000, 100);
    const late = insertFeedback(t.db, { decisionId: 'd1', actionId: 'a', outcome: 'response', reward: null, createdAt: 2_000, source: 'client' });
    expect(late).toMatchObject({ inserted: false, existing: { outcome: 'ignore', source: 'timeout' } });
  });
});
