/**
 * DNS rebinding: while keys are not enforced on a loopback HOST, a request addressed to any other host name (a web
 * page whose domain now resolves to 127.0.0.1) is refused before it can read data or mint a key. Once keys are
 * enforced the key decides, whatever the Host.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestHarness, type TestHarness } from '../helpers/harness.js';
import { expectStatus, send, type Reply } from '../helpers/http.js';

let h: TestHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const REBOUND = { host: 'rebind.attacker.example:3000' };

function expectHostRefused(reply: Reply): void {
  expectStatus(reply, 403);
  expect(reply.headers.get('content-type'), reply.text).toBe('application/problem+json');
  expect(reply.body, reply.text).toMatchObject({ type: 'https://kairos.dev/problems/forbidden', status: 403, errors: [{ field: 'host' }] });
  expect(reply.body.detail, reply.text).toContain('only answers requests addressed to a loopback host');
}

describe('the open service (no key yet, loopback HOST)', () => {
  it('refuses a request addressed to another host name, and creates no key for it', async () => {
    h = await createTestHarness();
    expectHostRefused(await send(h, 'GET', '/v1/stats', undefined, REBOUND));
    expectHostRefused(await send(h, 'POST', '/v1/keys', { name: 'pwned', role: 'ops' }, REBOUND));
    expectHostRefused(await send(h, 'GET', '/v1/stats', undefined, { host: 'api.localhost' }));
    expect(h.services.keys.list()).toEqual([]);
    // Public routes stay public: a probe carries whatever Host its orchestrator uses.
    expectStatus(await send(h, 'GET', '/healthz', undefined, REBOUND), 200);
  });

  it('serves loopback Host headers, with or without a port, and a request without one', async () => {
    h = await createTestHarness();
    for (const host of ['127.0.0.1:3000', 'localhost', 'LOCALHOST:8080', 'localhost.', '[::1]:3000', '[::1]', '127.0.0.1']) {
      const reply = await send(h, 'GET', '/v1/stats', undefined, { host });
      expect(reply.status, `${host}: ${reply.text}`).toBe(200);
    }
    expectStatus(await send(h, 'GET', '/v1/stats'), 200);
  });

  it('once keys are enforced the key decides, not the Host', async () => {
    h = await createTestHarness({ apiKeys: true });
    const ops = { authorization: `Bearer ${h.apiKeys!.ops}` };
    expectStatus(await send(h, 'GET', '/v1/stats', undefined, { ...REBOUND, ...ops }), 200);
    expectStatus(await send(h, 'GET', '/v1/stats', undefined, REBOUND), 401);
  });

  it('KAIROS_AUTH=off on a non-loopback HOST serves every Host, as it warns at start', async () => {
    h = await createTestHarness({ env: { KAIROS_AUTH: 'off', HOST: '0.0.0.0' } });
    expectStatus(await send(h, 'GET', '/v1/stats', undefined, { host: 'kairos.internal:3000' }), 200);
  });
});
