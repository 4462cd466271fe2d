/** Channels: declare, list, replace; undeclared channels refused for actions (400) and decisions (422); reload from another process. */
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../db/open.js';
import { createSqliteChannelStore } from '../../db/stores/channels.js';
import { AppError } from '../../src/errors.js';
import { checkChannel } from '../../src/policies/policy-service.js';
import { createTestHarness, type TestHarness } from '../helpers/harness.js';
import { expectStatus, send } from '../helpers/http.js';

let h: TestHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const EMAIL = { name: 'E-mail', direction: 'outbound', contactCost: 0.5, limit: { contacts: 1, per: '7d' } };

describe('channels', () => {
  it('creates (201), reads, lists, and replaces (200) a channel, keeping createdAt', async () => {
    h = await createTestHarness();
    const put = await send(h, 'PUT', '/v1/channels/email', EMAIL);
    expectStatus(put, 201);
    expect(put.body, put.text).toMatchObject({ channelId: 'email', ...EMAIL });
    const get = await send(h, 'GET', '/v1/channels/email');
    expectStatus(get, 200);
    expect(get.body, get.text).toEqual(put.body);
    expectStatus(await send(h, 'PUT', '/v1/channels/app', { name: 'App', direction: 'inbound' }), 201);
    const list = await send(h, 'GET', '/v1/channels');
    expectStatus(list, 200);
    expect(list.body.map((c: { channelId: string }) => c.channelId), list.text).toEqual(['email', 'app']);
    expect(list.body[1], list.text).toMatchObject({ contactCost: 0, limit: null, direction: 'inbound' });

    const replaced = await send(h, 'PUT', '/v1/channels/email', { name: 'Mail', direction: 'outbound' });
    expectStatus(replaced, 200);
    expect(replaced.body, replaced.text).toMatchObject({ name: 'Mail', contactCost: 0, limit: null, createdAt: put.body.createdAt });
  });

  it('answers 404 naming channelId for an unknown channel', async () => {
    h = await createTestHarness();
    const reply = await send(h, 'GET', '/v1/channels/nope');
    expectStatus(reply, 404);
    expect(reply.body.errors, reply.text).toEqual([{ field: 'channelId', message: 'no such channel' }]);
  });

  it('once channels are declared, an action listing an undeclared one is a 400 naming channels.N', async () => {
    h = await createTestHarness();
    // Before any channel is declared, any channel name goes (v1 behaviour).
    expectStatus(await send(h, 'PUT', '/v1/actions/a', { name: 'A', category: 'sales', value: 1, channels: ['web'] }), 201);
    expectStatus(await send(h, 'PUT', '/v1/channels/email', EMAIL), 201);
    const reply = await send(h, 'PUT', '/v1/actions/b', { name: 'B', category: 'sales', value: 1, channels: ['email', 'sms'] });
    expectStatus(reply, 400);
    expect(reply.body.errors, reply.text).toEqual([expect.objectContaining({ field: 'channels.1' })]);
    expectStatus(await send(h, 'PUT', '/v1/actions/b', { name: 'B', category: 'sales', value: 1, channels: ['email'] }), 201);
    expectStatus(await send(h, 'PUT', '/v1/actions/c', { name: 'C', category: 'sales', value: 1 }), 201); // every channel
  });

  it('checkChannel: any channel before declarations, then a 422 naming channel for an undeclared one', async () => {
    h = await createTestHarness();
    expect(() => checkChannel(h!.state, 'anything')).not.toThrow();
    expectStatus(await send(h, 'PUT', '/v1/channels/email', EMAIL), 201);
    expect(() => checkChannel(h!.state, 'email')).not.toThrow();
    let error: unknown;
    try {
      checkChannel(h.state, 'fax');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'unprocessable', status: 422, errors: [expect.objectContaining({ field: 'channel' })] });
  });

  it('a channel written by another process is in memory after the reload watcher’s check', async () => {
    h = await createTestHarness();
    const other = openDb(h.config.dbFile);
    try {
      createSqliteChannelStore(other).upsert(
        { id: 'call', name: 'Call centre', direction: 'outbound', contactCost: 4, limitContacts: 1, limitPer: '30d' },
        Date.now(),
      );
    } finally {
      other.close();
    }
    expect(h.state.policies.channel('call')).toBeUndefined();
    expect(h.engine.reloadWatcher.check()).toBe(true);
    expect(h.state.policies.channel('call')).toMatchObject({ contactCost: 4, limit: { contacts: 1, per: '30d', perMs: 30 * 86_400_000 } });
    const list = await send(h, 'GET', '/v1/channels');
    expect(list.body.map((c: { channelId: string }) => c.channelId), list.text).toEqual(['call']);
  });
});
