/** Who may declare and read channels and the contact policy (DESIGN.md §10): ops writes, analyst and ops read, app neither. */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestHarness, type TestHarness } from '../helpers/harness.js';
import { expectStatus, send } from '../helpers/http.js';

let h: TestHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const EMAIL = { name: 'E-mail', direction: 'outbound' };

describe('channel and contact-policy roles', () => {
  it('ops writes; analyst reads but cannot write; app can do neither; no key is a 401', async () => {
    h = await createTestHarness({ apiKeys: true });
    const keys = h.apiKeys!;
    expectStatus(await send(h, 'PUT', '/v1/channels/email', EMAIL, bearer(keys.ops)), 201);
    expectStatus(await send(h, 'PUT', '/v1/contact-policy', { suppression: [] }, bearer(keys.ops)), 200);

    for (const path of ['/v1/channels', '/v1/channels/email', '/v1/contact-policy']) {
      expectStatus(await send(h, 'GET', path, undefined, bearer(keys.analyst)), 200);
      const app = await send(h, 'GET', path, undefined, bearer(keys.app));
      expectStatus(app, 403);
      expect(app.body.roles, app.text).toEqual(['analyst', 'ops']);
      expectStatus(await send(h, 'GET', path), 401);
    }
    for (const role of ['analyst', 'app'] as const) {
      expectStatus(await send(h, 'PUT', '/v1/channels/sms', EMAIL, bearer(keys[role])), 403);
      expectStatus(await send(h, 'PUT', '/v1/contact-policy', { suppression: [] }, bearer(keys[role])), 403);
    }
    const list = await send(h, 'GET', '/v1/channels', undefined, bearer(keys.ops));
    expect(list.body.map((c: { channelId: string }) => c.channelId), list.text).toEqual(['email']);
  });
});
