/** The contact policy: empty before any PUT, replaced by a PUT, compiled in memory, reloaded from another process. */
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../db/open.js';
import { createSqliteContactPolicyStore } from '../../db/stores/contact-policy.js';
import { thresholdsFor } from '../../src/policies/contact-rules.js';
import { createTestHarness, type TestHarness } from '../helpers/harness.js';
import { expectStatus, send } from '../helpers/http.js';

let h: TestHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const POLICY = {
  suppression: [
    { after: 3, outcome: 'ignore', within: '30d', scope: 'action', for: '60d' },
    { after: 1, outcome: 'response', within: '1d', scope: 'category', for: '90s', categories: ['sales'] },
  ],
  thresholds: { propensity: { default: 0.01, channels: { email: 0.05 } }, priority: { default: 2 } },
};

describe('the contact policy', () => {
  it('is empty before any PUT', async () => {
    h = await createTestHarness();
    const reply = await send(h, 'GET', '/v1/contact-policy');
    expectStatus(reply, 200);
    expect(reply.body, reply.text).toEqual({ suppression: [], thresholds: {} });
  });

  it('a PUT answers and stores the policy, compiled in memory; a second PUT replaces it', async () => {
    h = await createTestHarness();
    expectStatus(await send(h, 'PUT', '/v1/channels/email', { name: 'E-mail', direction: 'outbound' }), 201);
    const put = await send(h, 'PUT', '/v1/contact-policy', POLICY);
    expectStatus(put, 200);
    expect(put.body, put.text).toEqual(POLICY);
    const get = await send(h, 'GET', '/v1/contact-policy');
    expect(get.body, get.text).toEqual(POLICY);
    const compiled = h.state.policies.contactPolicy();
    expect(compiled.suppression.map((r) => [r.withinMs, r.forMs, r.categories])).toEqual([
      [30 * 86_400_000, 60 * 86_400_000, null],
      [86_400_000, 90_000, ['sales']],
    ]);
    expect(thresholdsFor(compiled, 'email', 0)).toEqual({ propensity: 0.05, priority: 2 });

    const replaced = await send(h, 'PUT', '/v1/contact-policy', { suppression: [] });
    expectStatus(replaced, 200);
    expect(replaced.body, replaced.text).toEqual({ suppression: [], thresholds: {} });
    expect(h.state.policies.contactPolicy().suppression).toEqual([]);
  });

  it('refuses thresholds on an undeclared channel, naming it, and keeps the old policy', async () => {
    h = await createTestHarness();
    const reply = await send(h, 'PUT', '/v1/contact-policy', { suppression: [], thresholds: { priority: { default: 1, channels: { fax: 3 } } } });
    expectStatus(reply, 400);
    expect(reply.body.errors, reply.text).toEqual([expect.objectContaining({ field: 'thresholds.priority.channels.fax' })]);
    expect((await send(h, 'GET', '/v1/contact-policy')).body).toEqual({ suppression: [], thresholds: {} });
  });

  it('a policy written by another process is in force after the reload watcher’s check', async () => {
    h = await createTestHarness();
    const other = openDb(h.config.dbFile);
    try {
      createSqliteContactPolicyStore(other).put({ suppression: [POLICY.suppression[0]!] as never, thresholds: {} }, Date.now());
    } finally {
      other.close();
    }
    expect(h.engine.reloadWatcher.check()).toBe(true);
    expect(h.state.policies.contactPolicy().suppression).toHaveLength(1);
  });
});
