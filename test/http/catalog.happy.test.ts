/** Happy paths of the catalog routes: PUT/GET /v1/schema, PUT/GET /v1/actions. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestHarness, type TestHarness } from '../helpers/harness.js';
import { expectStatus, send } from '../helpers/http.js';

const FEATURES = [
  { name: 'age', type: 'numeric', min: 18, max: 90 },
  { name: 'segment', type: 'categorical', values: ['mass', 'affluent'] },
  { name: 'products', type: 'set', values: ['mortgage', 'card'] },
  { name: 'digital', type: 'boolean' },
];

let h: TestHarness;
beforeEach(async () => {
  h = await createTestHarness();
});
afterEach(async () => {
  await h.close();
});

describe('feature schema', () => {
  it('starts with an empty schema holding only the bias', async () => {
    const reply = await send(h, 'GET', '/v1/schema');
    expectStatus(reply, 200);
    expect(reply.headers.get('content-type'), reply.text).toMatch(/^application\/json/);
    expect(reply.body, reply.text).toMatchObject({ dimension: 1, features: [], channels: [], slots: ['bias'] });
    expect(reply.body.version, reply.text).toBeGreaterThanOrEqual(1);
  });

  it('PUT writes a new version with the encoded slots, and GET returns it', async () => {
    const before = await send(h, 'GET', '/v1/schema');
    const put = await send(h, 'PUT', '/v1/schema', { features: FEATURES, channels: ['app', 'web'] });
    expectStatus(put, 200);
    // bias + age + segment (2 + other) + products (2) + digital + channel (2 + other)
    expect(put.body, put.text).toMatchObject({
      version: before.body.version + 1,
      unchanged: false,
      dimension: 11,
      features: FEATURES,
      channels: ['app', 'web'],
      slots: [
        'bias',
        'age',
        'segment=mass',
        'segment=affluent',
        'segment=other',
        'products:mortgage',
        'products:card',
        'digital',
        'channel=app',
        'channel=web',
        'channel=other',
      ],
    });
    expect(Number.isNaN(Date.parse(put.body.createdAt)), put.text).toBe(false);

    const get = await send(h, 'GET', '/v1/schema');
    expectStatus(get, 200);
    // The PUT answer adds `unchanged` (issue #9: an identical PUT says so); GET is the schema itself.
    expect({ ...get.body, unchanged: false }, get.text).toEqual(put.body);
  });

  it('without channels, encodes the channels named by the catalog', async () => {
    expectStatus(await send(h, 'PUT', '/v1/actions/a', { name: 'A', category: 'sales', value: 1, channels: ['branch'] }), 201);
    const put = await send(h, 'PUT', '/v1/schema', { features: [{ name: 'digital', type: 'boolean' }] });
    expectStatus(put, 200);
    expect(put.body.channels, put.text).toEqual(['branch']);
    expect(put.body.slots, put.text).toEqual(['bias', 'digital', 'channel=branch', 'channel=other']);
  });
});

describe('actions', () => {
  const input = { name: 'Mortgage offer', category: 'sales', value: 120, channels: ['app'] };

  it('PUT creates (201) with defaults, then updates (200) keeping createdAt, lever and likelihood', async () => {
    const created = await send(h, 'PUT', '/v1/actions/mortgage-offer', { ...input, lever: 2, likelihood: 'linear' });
    expectStatus(created, 201);
    expect(created.body, created.text).toMatchObject({
      actionId: 'mortgage-offer',
      name: 'Mortgage offer',
      category: 'sales',
      value: 120,
      channels: ['app'],
      active: true,
      lever: 2,
      likelihood: 'linear',
    });

    const updated = await send(h, 'PUT', '/v1/actions/mortgage-offer', { ...input, name: 'Mortgage', active: false });
    expectStatus(updated, 200);
    expect(updated.body, updated.text).toMatchObject({ name: 'Mortgage', active: false, lever: 2, likelihood: 'linear' });
    expect(updated.body.createdAt, updated.text).toBe(created.body.createdAt);
  });

  it('fills defaults on creation: every channel, active, lever 1, logistic', async () => {
    const created = await send(h, 'PUT', '/v1/actions/x.y:z_1-2', { name: 'X', category: 'risk', value: 0 });
    expectStatus(created, 201);
    expect(created.body, created.text).toMatchObject({
      actionId: 'x.y:z_1-2',
      channels: [],
      active: true,
      lever: 1,
      likelihood: 'logistic',
    });
  });

  it('GET lists every action in creation order and GET one returns it', async () => {
    for (const [id, category] of [['b', 'retention'], ['a', 'service'], ['c', 'risk']] as const) {
      expectStatus(await send(h, 'PUT', `/v1/actions/${id}`, { name: id.toUpperCase(), category, value: 1 }), 201);
    }
    const list = await send(h, 'GET', '/v1/actions');
    expectStatus(list, 200);
    expect(list.body.map((a: { actionId: string }) => a.actionId), list.text).toEqual(['b', 'a', 'c']);

    const one = await send(h, 'GET', '/v1/actions/a');
    expectStatus(one, 200);
    expect(one.body, one.text).toEqual(list.body[1]);
    expect(one.body, one.text).toMatchObject({ actionId: 'a', name: 'A', category: 'service' });
  });
});
