/**
 * Retention on a real engine and a real SQLite file: decisions closed by the expirer and learned by the learner are
 * pruned once older than KAIROS_RETENTION; pending and unlearned ones stay; the statistics' lifetime counts stay.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteRetentionStore } from '../../db/stores/retention.js';
import { createPruner } from '../../src/retention/pruner.js';
import { createTestHarness, type TestHarness } from '../helpers/harness.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const harnesses: TestHarness[] = [];
afterEach(async () => {
  while (harnesses.length) await harnesses.pop()!.close();
});

async function setUp(env: Record<string, string> = {}) {
  const clock = { now: Date.parse('2026-01-01T00:00:00Z') };
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const h = await createTestHarness({
    now: () => clock.now,
    logger: pino({ level: 'info' }, sink),
    // Learner off: the test folds by hand (runOnce), so "learned" is exactly what the test says.
    env: { KAIROS_FEEDBACK_WINDOW: '1h', KAIROS_RETENTION: '1d', KAIROS_LEARNER: 'off', ...env },
  });
  harnesses.push(h);
  h.services.catalog.putSchema([{ name: 'score', type: 'numeric', mean: 0, std: 1 }], ['web']);
  for (const id of ['a', 'b']) h.services.catalog.putAction(id, { name: id.toUpperCase(), category: 'sales', value: 1 });
  const decide = async (n: number) => {
    const ids: { decisionId: string; actionId: string }[] = [];
    for (let i = 0; i < n; i++) {
      const d = await h.services.decisions.decide({ channel: 'web', context: { score: i / n } });
      ids.push({ decisionId: d.decisionId, actionId: d.actions[0]!.actionId });
    }
    return ids;
  };
  const count = (table: string) => (h.db.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return { h, clock, lines, decide, count };
}

describe('retention', () => {
  it('prunes closed, learned decisions past the retention period with their feedback, and keeps the rest', async () => {
    const { h, clock, lines, decide, count } = await setUp();
    const old = await decide(10);
    for (const d of old.slice(0, 4)) h.services.feedback.record(d.decisionId, { actionId: d.actionId, outcome: 'response' });
    clock.now += HOUR_MS + 1;
    expect(await h.engine.expirer.runOnce()).toBe(10); // the 6 unanswered get an ignore
    expect(await h.learner.runOnce()).toBe(10);
    const recent = await decide(5); // pending
    h.services.feedback.record(recent[0]!.decisionId, { actionId: recent[0]!.actionId, outcome: 'response' }); // not learned
    const statsBefore = h.services.stats.all().totals;
    const pruner = h.engine.pruner!;

    expect(await pruner.runOnce()).toBe(0); // nothing is a day old yet
    clock.now += DAY_MS;
    expect(await pruner.runOnce()).toBe(10);
    expect(count('decisions')).toBe(5);
    expect(count('decision_actions')).toBe(5);
    expect(count('feedback')).toBe(1);
    for (const d of old) expect(h.services.feedback.record.bind(null, d.decisionId, { outcome: 'response' })).toThrow(/does not exist/);
    expect(lines.filter((l) => l.msg === 'pruned decisions past retention').map((l) => l.count)).toEqual([10]);
    // Lifetime counts: pruning does not rewrite history.
    expect(h.services.stats.all().totals).toEqual(statsBefore);

    // The recent ones are pending: no age makes them prunable until they are closed and learned.
    clock.now += 30 * DAY_MS;
    expect(await pruner.runOnce()).toBe(0);
    expect(await h.engine.expirer.runOnce()).toBe(5);
    expect(await pruner.runOnce()).toBe(0); // closed, but 4 timeout ignores and 1 response not learned yet
    expect(await h.learner.runOnce()).toBe(5);
    expect(await pruner.runOnce()).toBe(5);
    expect(count('decisions') + count('decision_actions') + count('feedback')).toBe(0);
    // The learner's cursor is unaffected, and new feedback still learns.
    const [next] = await decide(1);
    h.services.feedback.record(next!.decisionId, { actionId: next!.actionId, outcome: 'ignore' });
    expect(await h.learner.runOnce()).toBe(1);
  });

  it('deletes in small batches and yields to the event loop between them', async () => {
    const { h, clock, decide, count } = await setUp();
    await decide(10);
    clock.now += HOUR_MS + 1;
    await h.engine.expirer.runOnce();
    await h.learner.runOnce();
    clock.now += DAY_MS;
    const pruned: number[] = [];
    const pruner = createPruner({
      store: createSqliteRetentionStore(h.db),
      retentionMs: DAY_MS,
      intervalMs: 60_000,
      now: () => clock.now,
      onPruned: (n) => pruned.push(n),
      onError: (error) => {
        throw error;
      },
      batchSize: 3,
    });
    const run = pruner.runOnce();
    expect(count('decisions')).toBe(7); // the first batch ran; the rest wait for later turns of the event loop
    expect(pruner.runOnce()).toBe(run); // one run at a time
    expect(await run).toBe(10);
    expect(count('decisions')).toBe(0);
    expect(pruned).toEqual([10]);
  });

  it('is off with KAIROS_RETENTION=off', async () => {
    const { h } = await setUp({ KAIROS_RETENTION: 'off' });
    expect(h.engine.pruner).toBeUndefined();
  });
});
