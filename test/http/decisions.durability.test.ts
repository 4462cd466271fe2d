/**
 * Decisions through the HTTP app on a real SQLite file: a 200 means the decision is committed; a decision whose row
 * the database refuses fails alone with a problem naming the cause (logged once); a write queue that falls behind
 * answers 503 with Retry-After.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestHarness, type TestHarness } from '../helpers/harness.js';
import { expectStatus, send } from '../helpers/http.js';
import { captureLogger } from '../helpers/log.js';


let h: TestHarness;
afterEach(async () => {
  await h.close();
});

async function seed(env: Record<string, string> = {}, logger?: pino.Logger): Promise<TestHarness> {
  h = await createTestHarness({ env, ...(logger ? { logger } : {}) });
  expectStatus(await send(h, 'PUT', '/v1/schema', { features: [{ name: 'score', type: 'numeric', min: 0, max: 1 }], channels: ['web'] }), 200);
  for (const id of ['a', 'b']) expectStatus(await send(h, 'PUT', `/v1/actions/${id}`, { name: id, category: 'sales', value: 1 }), 201);
  return h;
}

const decide = (customerId: string) => send(h, 'POST', '/v1/decisions', { customerId, channel: 'web', context: { score: 0.5 } });
/** Synchronises on the state, not on time: turns the event loop until `n` decisions wait for their commit. */
async function untilPending(n: number): Promise<void> {
  for (let turn = 0; turn < 1_000 && h.engine.decisionLog.pending() < n; turn++) await new Promise((r) => setImmediate(r));
}
const storedIds = () => (h.db.sqlite.prepare('SELECT id FROM decisions ORDER BY id').all() as { id: string }[]).map((r) => r.id);

describe('decision durability over HTTP', () => {
  it('a decision answered 200 is already committed, with its actions, when the answer arrives', async () => {
    await seed();
    const reply = await decide('c1');
    expectStatus(reply, 200);
    // No flush, no wait: the row is there because the answer waited for its commit.
    const row = h.db.sqlite.prepare('SELECT count(*) AS n FROM decision_actions WHERE decision_id = ?').get(reply.body.decisionId);
    expect(row).toEqual({ n: 1 });
    expect(h.engine.decisionLog.pending()).toBe(0);
  });

  it("a decision the database refuses fails alone: a 500 naming the cause, logged once; the others' decisions and feedback work", async () => {
    const { logger, lines } = captureLogger();
    await seed({}, logger);
    // A real constraint failure for one customer's row (as a NaN propensity gave on the issue).
    h.db.sqlite.exec(`CREATE TRIGGER poison BEFORE INSERT ON decisions WHEN NEW.customer_id = 'poison'
      BEGIN SELECT RAISE(ABORT, 'poisoned decision row'); END`);
    const customers = ['c0', 'c1', 'c2', 'poison', 'c3', 'c4', 'c5', 'c6'];
    const replies = await Promise.all(customers.map(decide));
    const poisoned = replies[3]!;
    expectStatus(poisoned, 500);
    expect(poisoned.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(poisoned.body).toMatchObject({ status: 500, title: 'Internal server error' });
    expect(poisoned.body.detail).toMatch(/could not be stored: poisoned decision row/);
    const good = replies.filter((_, i) => i !== 3);
    for (const reply of good) expectStatus(reply, 200);
    expect(storedIds()).toEqual(good.map((r) => r.body.decisionId as string).sort());
    for (const reply of good) {
      expectStatus(await send(h, 'POST', `/v1/decisions/${reply.body.decisionId}/feedback`, { outcome: 'response' }), 202);
    }
    expect(lines.filter((l) => l.level === 50).map((l) => l.msg)).toEqual(['decision write failed']);
  });

  it('answers 503 with Retry-After when decisions wait for their commit beyond KAIROS_MAX_PENDING_WRITES, and stores nothing for it', async () => {
    await seed({ KAIROS_DECISION_FLUSH: '1s', KAIROS_MAX_PENDING_WRITES: '2' });
    const waiting = [decide('c1'), decide('c2')];
    await untilPending(2);
    expect(h.engine.decisionLog.pending()).toBe(2);
    const refused = await decide('c3');
    expectStatus(refused, 503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(refused.body).toMatchObject({ status: 503, type: 'https://kairos.dev/problems/unavailable' });
    expect(refused.body.detail).toMatch(/decision writes are behind/);
    h.engine.decisionLog.flush();
    const answered = await Promise.all(waiting);
    for (const reply of answered) expectStatus(reply, 200);
    expect(storedIds()).toEqual(answered.map((r) => r.body.decisionId as string).sort());
    // Accepted again once the queue has drained.
    const again = decide('c4');
    await untilPending(1);
    h.engine.decisionLog.flush();
    expectStatus(await again, 200);
  });
});
