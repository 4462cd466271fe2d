/**
 * POST /v1/decisions/batch on a real SQLite file: results in request order, one entry's failure is that entry's
 * problem, 10,000 customers decided without tripping the write backpressure, deferred batches, the route's own body
 * limit, and who may call it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import type { TestHarness } from '../helpers/harness.js';
import { expectStatus, send } from '../helpers/http.js';
import { SEED_CONTEXT, seedTwoActions } from '../helpers/seed.js';

let h: TestHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const BATCH = '/v1/decisions/batch';
const count = (t: TestHarness, table: string) => (t.db.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
const customers = (n: number, context: Record<string, unknown> = SEED_CONTEXT) =>
  Array.from({ length: n }, (_, i) => ({ customerId: `c-${String(i).padStart(5, '0')}`, context }));

describe('POST /v1/decisions/batch', () => {
  it('answers one result per request in order; a bad entry is its own problem and the others are decided', async () => {
    h = await seedTwoActions();
    const reply = await send(h, 'POST', BATCH, {
      channel: 'web',
      requests: [
        { customerId: 'alice', context: SEED_CONTEXT },
        { customerId: 'bob', context: { age: 'old' } },
        { customerId: 'carol', context: { age: 60, segment: 'affluent' } },
      ],
      slots: 2,
    });
    expectStatus(reply, 200);
    const [alice, bob, carol] = reply.body.results as Record<string, any>[];
    expect(alice).toMatchObject({ channel: 'web', noAction: false, group: 'policy' });
    expect(alice!.actions).toHaveLength(2);
    expect(bob).toMatchObject({ type: 'https://kairos.dev/problems/validation', status: 400, errors: [{ field: 'context.age' }] });
    expect(typeof bob!.title).toBe('string');
    expect(typeof bob!.detail).toBe('string');
    expect(carol).toMatchObject({ channel: 'web', noAction: false });
    // Each decided entry is its own decision with its customer, and two contacts (two slots) each.
    const stored = h.db.sqlite.prepare('SELECT id, customer_id FROM decisions ORDER BY id').all();
    expect(stored).toEqual([
      { id: alice!.decisionId, customer_id: 'alice' },
      { id: carol!.decisionId, customer_id: 'carol' },
    ]);
    expect(count(h, 'contacts')).toBe(4);
  });

  it('decides 10,000 customers with the write buffer at 100: chunks wait for their commit, so none is refused', async () => {
    h = await seedTwoActions({ env: { KAIROS_MAX_PENDING_WRITES: '100' } });
    const reply = await send(h, 'POST', BATCH, { channel: 'app', requests: customers(10_000) });
    expectStatus(reply, 200);
    const results = reply.body.results as { decisionId?: string; status?: number }[];
    expect(results).toHaveLength(10_000);
    expect(results.filter((r) => r.status !== undefined)).toEqual([]);
    expect(new Set(results.map((r) => r.decisionId)).size).toBe(10_000);
    expect(count(h, 'decisions')).toBe(10_000);
    expect(count(h, 'contacts')).toBe(10_000);
    // Request order: the n-th result is the n-th customer's decision.
    const customerOf = h.db.sqlite.prepare('SELECT customer_id FROM decisions WHERE id = ?');
    for (const n of [0, 4_999, 9_999]) expect(customerOf.get(results[n]!.decisionId)).toEqual({ customer_id: customers(10_000)[n]!.customerId });
  });

  it('activate: false defers every decision of the batch: no contact until each is activated', async () => {
    h = await seedTwoActions();
    const reply = await send(h, 'POST', BATCH, { channel: 'app', requests: customers(3), activate: false });
    expectStatus(reply, 200);
    expect(count(h, 'contacts')).toBe(0);
    const first = (reply.body.results as { decisionId: string }[])[0]!.decisionId;
    expectStatus(await send(h, 'POST', `/v1/decisions/${first}/activate`), 204);
    expect(h.db.sqlite.prepare('SELECT decision_id, customer_id FROM contacts').all()).toEqual([{ decision_id: first, customer_id: 'c-00000' }]);
  });

  it('stops between chunks when told to (the request timed out): later entries are not decided', async () => {
    h = await seedTwoActions({ env: { KAIROS_MAX_PENDING_WRITES: '20' } }); // chunks of 10
    let checks = 0;
    const results = await h.services.batch.decide({ channel: 'app', requests: customers(100) }, { stopped: () => checks++ >= 2 });
    expect(results).toHaveLength(20);
    expect(count(h, 'decisions')).toBe(20);
  });

  it('has its own body limit: a batch over KAIROS_BODY_LIMIT is accepted, one over KAIROS_BATCH_BODY_LIMIT is a 413', async () => {
    h = await seedTwoActions({ env: { KAIROS_BODY_LIMIT: '1kb', KAIROS_BATCH_BODY_LIMIT: '8kb' } });
    const body = { channel: 'app', requests: customers(50) }; // about 3 KB
    expect(JSON.stringify(body).length).toBeGreaterThan(1024);
    expectStatus(await send(h, 'POST', BATCH, body), 200);
    const single = await send(h, 'POST', '/v1/decisions', { channel: 'app', context: { ...SEED_CONTEXT, pad: 'x'.repeat(2_000) } });
    expectStatus(single, 413);
    const large = await send(h, 'POST', BATCH, { channel: 'app', requests: customers(200) });
    expectStatus(large, 413);
    expect(count(h, 'decisions')).toBe(50);
  });

  it('has its own request timeout: a batch is not cut by KAIROS_REQUEST_TIMEOUT, and one past its own stops deciding', async () => {
    h = await seedTwoActions();
    const t = h;
    const app = (batchTimeoutMs: number) =>
      ({ app: createApp({ services: t.services, logger: t.logger, bodyLimitBytes: 1 << 20, version: 'test', requestTimeoutMs: 1, batchTimeoutMs }) });
    const body = { channel: 'app', requests: customers(2_000) };
    // 2,000 decisions take far more than the 1 ms general timeout (8 chunks, each waiting for its commit).
    const spared = await send(app(60_000), 'POST', BATCH, body);
    expectStatus(spared, 200);
    expect(spared.body.results).toHaveLength(2_000);
    expect(count(h, 'decisions')).toBe(2_000);
    const cut = await send(app(1), 'POST', BATCH, body);
    expectStatus(cut, 503);
    expect(cut.headers.get('retry-after')).toBe('1');
    // The handler goes on after the 503 until its next chunk boundary: wait (in event-loop turns, bounded) until
    // no decision has been added for 20 turns — a chunk takes two — then the chunks after the timeout were not decided.
    let last = -1;
    for (let quiet = 0, turns = 0; quiet < 20 && turns < 10_000; turns += 1) {
      await new Promise((resolve) => setImmediate(resolve));
      const now = count(h, 'decisions') + h.engine.decisionLog.pending();
      quiet = now === last ? quiet + 1 : 0;
      last = now;
    }
    expect(last).toBeGreaterThanOrEqual(2_000);
    expect(last).toBeLessThan(4_000);
  });

  it('app and ops may post a batch; analyst may not', async () => {
    h = await seedTwoActions();
    const t = h;
    const key = (role: 'app' | 'analyst' | 'ops') => ({ authorization: `Bearer ${t.services.keys.create(role, role).key}` });
    const body = { channel: 'app', requests: customers(2) };
    expectStatus(await send(h, 'POST', BATCH, body, key('analyst')), 403);
    expect(count(h, 'decisions')).toBe(0);
    expectStatus(await send(h, 'POST', BATCH, body, key('app')), 200);
    expectStatus(await send(h, 'POST', BATCH, body, key('ops')), 200);
    expect(count(h, 'decisions')).toBe(4);
  });
});
