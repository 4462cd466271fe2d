/**
 * The Personalizer bad-input table (issue #12): bad requests to /personalizer/… get Azure Personalizer's error shape
 * `{error: {code, message, target?}}` as `application/json; charset=utf-8`, with its status and code and the field at
 * fault as the client wrote it — and change nothing: every table's rows and what GET /model, /model/properties,
 * /configurations/service, /configurations/policy and /logs/properties answer are identical before and after.
 *
 * Structural faults (types, required fields, counts, lengths, reward ranges) are the HTTP layer's (BadRequest);
 * the rest are the service's (src/personalizer), and its codes and targets asserted here are the contract between
 * the two: rank faults InvalidRankRequest at the element (`actions.1.id`, `excludedActions.0`,
 * `slots.1.baselineAction`, `contextFeatures.0`), a reward for an unknown slot InvalidRewardRequest at
 * `reward.0.slotId`, an unknown event ResourceNotFound at `eventId`, the reward wait time InvalidRewardWaitTime,
 * retention InvalidLogRetentionDays, other settings InvalidServiceConfiguration at the setting, a model file
 * InvalidModelImportFormat.
 *
 * A row: `{ name, method, path, body?, headers?, status, code, target }`. A string body is sent as is; anything else
 * is JSON-encoded. `target: undefined` (model files only) asserts nothing about the target: a file has no field.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createApp } from '../../src/http/app.js';
import { createTestHarness, type TestHarness } from '../helpers/harness.js';
import { expectStatus, replyOf, send, type Reply } from '../helpers/http.js';
import { tableDigests } from '../helpers/table-digest.js';

interface Row {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  status: number;
  code: string;
  target: string | undefined;
}

const V10 = '/personalizer/v1.0';
const V11 = '/personalizer/v1.1-preview.3';
const EVENT = 'event-1';
const SLOT_EVENT = 'slot-event-1';
const ACTIONS = [
  { id: 'news', features: [{ topic: 'world', length: 3 }] },
  { id: 'sports', features: [{ topic: 'football', length: 1 }] },
  { id: 'weather', features: [{ topic: 'rain' }] },
];
const CONTEXT = [{ timeOfDay: 'morning' }, { device: { os: 'ios', screen: 6.1 } }];
const SLOTS = [
  { id: 'main', baselineAction: 'news' },
  { id: 'side', baselineAction: 'sports' },
];
const manyActions = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `a${i}`, features: [{ i }] }));
const manySlots = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `s${i}`, baselineAction: `a${i}` }));
const LONG_ID = 'x'.repeat(257);
/** 1,000 levels of objects: deeper than any flattening should follow (and small: 6 KB). */
const DEEP = JSON.parse('{"a":'.repeat(1_000) + '1' + '}'.repeat(1_000)) as unknown;
const TEXT = { 'content-type': 'text/plain' };

const bad = (name: string, method: string, path: string, body: unknown, target: string): Row => ({
  name, method, path, body, status: 400, code: 'BadRequest', target,
});
const rank = (name: string, body: unknown, code: string, target: string, base = V10): Row => ({
  name, method: 'POST', path: `${base}/rank`, body, status: 400, code, target,
});
const multi = (name: string, body: unknown, code: string, target: string): Row => ({
  name, method: 'POST', path: `${V10}/multislot/rank`, body, status: 400, code, target,
});
const config = (name: string, body: unknown, code: string, target: string, base = V10): Row => ({
  name, method: 'PUT', path: `${base}/configurations/service`, body, status: 400, code, target,
});
const reward = (name: string, body: unknown, base = V10): Row => bad(name, 'POST', `${base}/events/${EVENT}/reward`, body, 'value');

const ROWS: Row[] = [
  // ---- rank -------------------------------------------------------------------------------------------------
  rank('51 actions', { actions: manyActions(51) }, 'BadRequest', 'actions'),
  rank('51 actions (v1.1-preview.3)', { actions: manyActions(51) }, 'BadRequest', 'actions', V11),
  rank('no actions', { actions: [] }, 'BadRequest', 'actions'),
  rank('actions missing', { contextFeatures: CONTEXT }, 'BadRequest', 'actions'),
  rank('an action id of 257 characters', { actions: [{ id: LONG_ID, features: [] }] }, 'BadRequest', 'actions.0.id'),
  rank('an action id that is a number', { actions: [{ id: 7, features: [] }] }, 'BadRequest', 'actions.0.id'),
  rank('an action without features', { actions: [{ id: 'news' }] }, 'BadRequest', 'actions.0.features'),
  rank('an eventId of 257 characters', { actions: ACTIONS, eventId: LONG_ID }, 'BadRequest', 'eventId'),
  rank('contextFeatures not an array', { actions: ACTIONS, contextFeatures: { timeOfDay: 'morning' } }, 'BadRequest', 'contextFeatures'),
  rank('deferActivation a string', { actions: ACTIONS, deferActivation: 'yes' }, 'BadRequest', 'deferActivation'),
  rank('duplicate action ids', { actions: [ACTIONS[0], ACTIONS[0]] }, 'BadRequest', 'actions.1.id'),
  rank('excludedActions naming an unknown action', { actions: ACTIONS, excludedActions: ['nope'] }, 'BadRequest', 'excludedActions.0'),
  rank('every action excluded', { actions: ACTIONS, excludedActions: ACTIONS.map((a) => a.id) }, 'BadRequest', 'excludedActions'),
  rank('a context feature that is a string', { actions: ACTIONS, contextFeatures: ['morning'] }, 'BadRequest', 'contextFeatures.0'),
  rank('a context feature nested 1,000 deep (the target is where the depth limit is crossed)', { actions: ACTIONS, contextFeatures: [DEEP] }, 'BadRequest', 'contextFeatures.0.a.a.a.a.a.a.a.a'),
  rank('an action feature that is a number', { actions: [{ id: 'news', features: [5] }] }, 'BadRequest', 'actions.0.features.0'),
  { name: 'malformed JSON', method: 'POST', path: `${V10}/rank`, body: '{"actions": [', status: 400, code: 'BadRequest', target: 'body' },
  { name: 'content-type text/plain', method: 'POST', path: `${V10}/rank`, body: JSON.stringify({ actions: ACTIONS }), headers: TEXT, status: 415, code: 'UnsupportedMediaType', target: 'content-type' },
  { name: 'content-encoding gzip', method: 'POST', path: `${V10}/rank`, body: { actions: ACTIONS }, headers: { 'content-encoding': 'gzip' }, status: 415, code: 'UnsupportedMediaType', target: 'content-encoding' },
  { name: 'a body over the limit', method: 'POST', path: `${V10}/rank`, body: { actions: ACTIONS, pad: 'x'.repeat(1_100_000) }, status: 413, code: 'PayloadSizeExceeded', target: 'body' },
  { name: 'wrong method', method: 'GET', path: `${V10}/rank`, status: 405, code: 'MethodNotAllowed', target: 'method' },
  { name: 'an unknown path', method: 'POST', path: `${V10}/rankings`, body: { actions: ACTIONS }, status: 404, code: 'ResourceNotFound', target: 'path' },

  // ---- reward and activate ------------------------------------------------------------------------------------
  reward('value "NaN" (a string)', { value: 'NaN' }),
  reward('value null', { value: null }),
  reward('value missing', {}),
  reward('value 1.5', { value: 1.5 }),
  reward('value -2', { value: -2 }),
  reward('value 1.5 (v1.1-preview.3)', { value: 1.5 }, V11),
  { name: 'a NaN token', method: 'POST', path: `${V10}/events/${EVENT}/reward`, body: '{"value": NaN}', status: 400, code: 'BadRequest', target: 'body' },
  { name: 'a reward for an unknown event', method: 'POST', path: `${V10}/events/no-such-event/reward`, body: { value: 1 }, status: 404, code: 'ResourceNotFound', target: 'eventId' },
  bad('an eventId of 257 characters in the path', 'POST', `${V10}/events/${LONG_ID}/reward`, { value: 1 }, 'eventId'),
  { name: 'activate an unknown event', method: 'POST', path: `${V10}/events/no-such-event/activate`, status: 404, code: 'ResourceNotFound', target: 'eventId' },
  bad('activate an eventId of 257 characters', 'POST', `${V11}/events/${LONG_ID}/activate`, undefined, 'eventId'),
  { name: 'wrong method', method: 'GET', path: `${V11}/events/${EVENT}/reward`, status: 405, code: 'MethodNotAllowed', target: 'method' },

  // ---- multi-slot ---------------------------------------------------------------------------------------------
  multi('a slot without baselineAction', { actions: ACTIONS, slots: [{ id: 'main' }] }, 'BadRequest', 'slots.0.baselineAction'),
  multi('51 slots', { actions: manyActions(50), slots: manySlots(51) }, 'BadRequest', 'slots'),
  multi('no slots', { actions: ACTIONS, slots: [] }, 'BadRequest', 'slots'),
  multi('a baseline not among the actions', { actions: ACTIONS, slots: [{ id: 'main', baselineAction: 'nope' }] }, 'BadRequest', 'slots.0.baselineAction'),
  multi('a baseline excluded in its slot', { actions: ACTIONS, slots: [{ id: 'main', baselineAction: 'news', excludedActions: ['news'] }] }, 'BadRequest', 'slots.0.baselineAction'),
  multi('duplicate slot ids', { actions: ACTIONS, slots: [SLOTS[0], { id: 'main', baselineAction: 'sports' }] }, 'BadRequest', 'slots.1.id'),
  multi('duplicate baselines', { actions: ACTIONS, slots: [SLOTS[0], { id: 'side', baselineAction: 'news' }] }, 'BadRequest', 'slots.1.baselineAction'),
  multi('duplicate action ids', { actions: [ACTIONS[0], ACTIONS[0]], slots: [SLOTS[0]] }, 'BadRequest', 'actions.1.id'),
  { name: 'a reward for an unknown slot', method: 'POST', path: `${V10}/multislot/events/${SLOT_EVENT}/reward`, body: { reward: [{ slotId: 'footer', value: 1 }] }, status: 400, code: 'InvalidRewardRequest', target: 'reward.0.slotId' },
  bad('a slot reward of 1.5', 'POST', `${V10}/multislot/events/${SLOT_EVENT}/reward`, { reward: [{ slotId: 'main', value: 1.5 }] }, 'reward.0.value'),
  bad('a slot reward "NaN"', 'POST', `${V11}/multislot/events/${SLOT_EVENT}/reward`, { reward: [{ slotId: 'main', value: 'NaN' }] }, 'reward.0.value'),
  bad('reward not an array', 'POST', `${V10}/multislot/events/${SLOT_EVENT}/reward`, { reward: { slotId: 'main', value: 1 } }, 'reward'),
  { name: 'a slot reward for an unknown event', method: 'POST', path: `${V10}/multislot/events/no-such-event/reward`, body: { reward: [{ slotId: 'main', value: 1 }] }, status: 404, code: 'ResourceNotFound', target: 'eventId' },
  { name: 'activate an unknown multi-slot event', method: 'POST', path: `${V10}/multislot/events/no-such-event/activate`, status: 404, code: 'ResourceNotFound', target: 'eventId' },

  // ---- service configuration ----------------------------------------------------------------------------------
  config('rewardWaitTime "10 minutes"', { rewardWaitTime: '10 minutes' }, 'InvalidRewardWaitTime', 'rewardWaitTime'),
  config('rewardWaitTime "PT"', { rewardWaitTime: 'PT' }, 'InvalidRewardWaitTime', 'rewardWaitTime'),
  config('rewardWaitTime "P1Y"', { rewardWaitTime: 'P1Y' }, 'InvalidRewardWaitTime', 'rewardWaitTime'),
  config('rewardWaitTime "-PT5M"', { rewardWaitTime: '-PT5M' }, 'InvalidRewardWaitTime', 'rewardWaitTime'),
  config('rewardWaitTime 4 s', { rewardWaitTime: 'PT4S' }, 'InvalidRewardWaitTime', 'rewardWaitTime'),
  config('rewardWaitTime 2 days and 1 s', { rewardWaitTime: 'P2DT1S' }, 'InvalidRewardWaitTime', 'rewardWaitTime', V11),
  config('modelExportFrequency "often"', { modelExportFrequency: 'often' }, 'InvalidServiceConfiguration', 'modelExportFrequency'),
  config('defaultReward 2', { defaultReward: 2 }, 'InvalidServiceConfiguration', 'defaultReward'),
  config('explorationPercentage 1.5', { explorationPercentage: 1.5 }, 'InvalidServiceConfiguration', 'explorationPercentage'),
  config('learningMode "Sometimes"', { learningMode: 'Sometimes' }, 'InvalidServiceConfiguration', 'learningMode'),
  config('rewardAggregation "max"', { rewardAggregation: 'max' }, 'InvalidServiceConfiguration', 'rewardAggregation'),
  config('logRetentionDays -2', { logRetentionDays: -2 }, 'InvalidLogRetentionDays', 'logRetentionDays'),
  config('logRetentionDays 0 (below the wait time plus a day)', { logRetentionDays: 0 }, 'InvalidLogRetentionDays', 'logRetentionDays'),
  config('learningMode changed together with defaultReward', { learningMode: 'Apprentice', defaultReward: 0.5 }, 'InvalidLearningModeServiceConfiguration', 'learningMode'),
  config('defaultReward a string', { defaultReward: 'high' }, 'BadRequest', 'defaultReward'),
  config('logRetentionDays 1.5', { logRetentionDays: 1.5 }, 'BadRequest', 'logRetentionDays'),
  { name: 'wrong method', method: 'POST', path: `${V10}/configurations/service`, body: {}, status: 405, code: 'MethodNotAllowed', target: 'method' },

  // ---- policy configuration -----------------------------------------------------------------------------------
  bad('arguments of 1025 characters', 'PUT', `${V10}/configurations/policy`, { name: 'p', arguments: 'x'.repeat(1025) }, 'arguments'),
  bad('name of 257 characters', 'PUT', `${V11}/configurations/policy`, { name: LONG_ID, arguments: '' }, 'name'),
  bad('name missing', 'PUT', `${V10}/configurations/policy`, { arguments: '--cb_explore_adf' }, 'name'),
  { name: 'wrong method', method: 'POST', path: `${V10}/configurations/policy`, body: {}, status: 405, code: 'MethodNotAllowed', target: 'method' },

  // ---- model and logs -----------------------------------------------------------------------------------------
  { name: 'a model file of garbage bytes', method: 'PUT', path: `${V10}/model`, body: '\u0000\u00ff garbage', headers: { 'content-type': 'application/octet-stream' }, status: 400, code: 'InvalidModelImportFormat', target: undefined },
  { name: 'a JSON model file of the wrong dimension', method: 'PUT', path: `${V10}/model`, body: JSON.stringify({ dimension: 3, actions: [] }), headers: { 'content-type': 'application/json' }, status: 400, code: 'InvalidModelImportFormat', target: undefined },
  { name: 'a model file as text/plain', method: 'PUT', path: `${V11}/model`, body: '{}', headers: TEXT, status: 415, code: 'UnsupportedMediaType', target: 'content-type' },
  bad('signed=maybe', 'GET', `${V10}/model?signed=maybe`, undefined, 'signed'),
  { name: 'wrong method', method: 'POST', path: `${V10}/model`, body: {}, status: 405, code: 'MethodNotAllowed', target: 'method' },
  { name: 'wrong method', method: 'PUT', path: `${V11}/model/properties`, body: {}, status: 405, code: 'MethodNotAllowed', target: 'method' },
  { name: 'wrong method', method: 'POST', path: `${V10}/logs`, body: {}, status: 405, code: 'MethodNotAllowed', target: 'method' },
  { name: 'wrong method', method: 'DELETE', path: `${V11}/logs/properties`, status: 405, code: 'MethodNotAllowed', target: 'method' },
];

/** What the loop holds, read every way it can be: the tables and the read routes, byte for byte. */
async function snapshot(h: TestHarness, headers: Record<string, string> = {}): Promise<unknown> {
  h.engine.decisionLog.flush();
  const rows = tableDigests(h.db);
  const read = async (path: string): Promise<unknown> => {
    const reply = await send(h, 'GET', `${V10}${path}`, undefined, headers);
    return { status: reply.status, text: reply.text };
  };
  const model = await h.app.request(`${V10}/model`, { headers });
  expect(model.status).toBe(200);
  return {
    rows,
    model: createHash('sha256').update(new Uint8Array(await model.arrayBuffer())).digest('hex'),
    modelProperties: await read('/model/properties'),
    service: await read('/configurations/service'),
    policy: await read('/configurations/policy'),
    logs: await read('/logs/properties'),
  };
}

/** A fresh engine with one single-slot event (EVENT) and one multi-slot event (SLOT_EVENT). */
async function seed(options: Parameters<typeof createTestHarness>[0] = {}): Promise<TestHarness> {
  const harness = await createTestHarness(options);
  const headers: Record<string, string> = harness.apiKeys ? { 'ocp-apim-subscription-key': harness.apiKeys.app } : {};
  expectStatus(await send(harness, 'POST', `${V10}/rank`, { contextFeatures: CONTEXT, actions: ACTIONS, eventId: EVENT }, headers), 201);
  expectStatus(await send(harness, 'POST', `${V10}/multislot/rank`, { contextFeatures: CONTEXT, actions: ACTIONS, slots: SLOTS, eventId: SLOT_EVENT }, headers), 201);
  return harness;
}

/** The Personalizer error shape, and no trace of problem+json. */
function expectPersonalizerError(reply: Reply, status: number, code: string, target?: string): void {
  expectStatus(reply, status);
  expect(reply.headers.get('content-type'), reply.text).toBe('application/json; charset=utf-8');
  expect(Object.keys(reply.body ?? {}), reply.text).toEqual(['error']);
  expect(reply.body.error.code, reply.text).toBe(code);
  expect(typeof reply.body.error.message, reply.text).toBe('string');
  expect(reply.body.error.message.length, reply.text).toBeGreaterThan(0);
  if (target !== undefined) expect(reply.body.error.target, reply.text).toBe(target);
}

let h: TestHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('the Personalizer bad-input table', () => {
  it('has at least 30 rows, on both bases', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(30);
    expect(ROWS.some((row) => row.path.startsWith(V11))).toBe(true);
  });

  for (const row of ROWS) {
    const label = row.path.length > 70 ? `${row.path.slice(0, 40)}…` : row.path;
    it(`${row.method} ${label}: ${row.name} → ${row.status} ${row.code} at ${row.target ?? '(the file)'}`, async () => {
      h = await seed();
      const before = await snapshot(h);
      const reply = await send(h, row.method, row.path, row.body, row.headers);
      expectPersonalizerError(reply, row.status, row.code, row.target);
      if (row.status === 405) expect(reply.headers.get('allow'), reply.text).toMatch(/^[A-Z]+(, [A-Z]+)*$/);
      expect(await snapshot(h), `state changed after: ${reply.text.slice(0, 300)}`).toEqual(before);
    });
  }
});

describe('a second reward for an event', () => {
  it('is accepted with 204 and, with rewardAggregation earliest, changes nothing', async () => {
    h = await seed();
    const configuration = await send(h, 'GET', `${V10}/configurations/service`);
    expectStatus(configuration, 200);
    expect(configuration.body.rewardAggregation, configuration.text).toBe('earliest');
    const first = await send(h, 'POST', `${V10}/events/${EVENT}/reward`, { value: 0.25 });
    expectStatus(first, 204);
    expect(first.text).toBe('');
    const afterFirst = await snapshot(h);
    const second = await send(h, 'POST', `${V11}/events/${EVENT}/reward`, { value: 1 });
    expectStatus(second, 204);
    expect(second.text).toBe('');
    expect(await snapshot(h)).toEqual(afterFirst);
  });
});

describe('activate', () => {
  it('answers 204 with an empty body to a JSON content type with no body, to no content type, and to {}', async () => {
    h = await createTestHarness();
    for (const [i, init] of [
      { headers: { 'content-type': 'application/json' } },
      { headers: {} },
      { headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{}' },
    ].entries()) {
      for (const [base, prefix] of [[V10, ''], [V10, '/multislot'], [V11, ''], [V11, '/multislot']] as const) {
        const eventId = `deferred-${i}-${prefix.length}-${base.length}`;
        const ranked = prefix
          ? await send(h, 'POST', `${base}/multislot/rank`, { actions: ACTIONS, slots: SLOTS, eventId, deferActivation: true })
          : await send(h, 'POST', `${base}/rank`, { actions: ACTIONS, eventId, deferActivation: true });
        expectStatus(ranked, 201);
        const res = await h.app.request(`${base}${prefix}/events/${eventId}/activate`, { method: 'POST', ...init });
        const text = await res.text();
        expect(res.status, `${JSON.stringify(init)} ${base}${prefix}: ${text}`).toBe(204);
        expect(text).toBe('');
      }
    }
  });
});

describe('what Personalizer accepted is accepted', () => {
  it('unknown fields are ignored, at the top and inside actions and slots, as Personalizer did', async () => {
    h = await createTestHarness();
    const single = await send(h, 'POST', `${V10}/rank`, {
      actions: ACTIONS.map((a) => ({ ...a, colour: 'red' })),
      contextFeatures: CONTEXT,
      somethingNew: { nested: true },
    });
    expectStatus(single, 201);
    expect(single.body.ranking.map((r: { id: string }) => r.id).sort(), single.text).toEqual(ACTIONS.map((a) => a.id).sort());
    const multiple = await send(h, 'POST', `${V11}/multislot/rank`, { actions: ACTIONS, slots: SLOTS.map((s) => ({ ...s, width: 3 })), extra: 1 });
    expectStatus(multiple, 201);
    expect(multiple.body.slots.map((s: { id: string }) => s.id), multiple.text).toEqual(SLOTS.map((s) => s.id));
    expectStatus(await send(h, 'POST', `${V10}/events/${single.body.eventId as string}/reward`, { value: 1, note: 'x' }), 204);
  });

  it("the classic client's content-type (application/json; charset=utf-8) passes the media-type gate", async () => {
    h = await createTestHarness();
    const headers = { 'content-type': 'application/json; charset=utf-8' };
    const ranked = await send(h, 'POST', `${V10}/rank`, { actions: ACTIONS, eventId: 'utf8' }, headers);
    expectStatus(ranked, 201);
    const rewarded = await send(h, 'POST', `${V10}/events/utf8/reward`, { value: 0.5 }, headers);
    expectStatus(rewarded, 204);
    expect(rewarded.text).toBe('');
  });
});

describe('errors from the middleware under /personalizer/', () => {
  it('401 without Ocp-Apim-Subscription-Key when keys are enforced, 403 for the wrong role, both Personalizer-shaped', async () => {
    h = await seed({ apiKeys: true });
    const body = { actions: ACTIONS };
    const ops = { 'ocp-apim-subscription-key': h.apiKeys!.ops };
    const before = await snapshot(h, ops);
    const anonymous = await send(h, 'POST', `${V10}/rank`, body);
    expectPersonalizerError(anonymous, 401, 'Unauthorized', 'authorization');
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="kairos"');
    const wrongKey = await send(h, 'POST', `${V11}/rank`, body, { 'ocp-apim-subscription-key': `kairos_${'A'.repeat(43)}` });
    expectPersonalizerError(wrongKey, 401, 'Unauthorized', 'authorization');
    const analyst = await send(h, 'POST', `${V10}/rank`, body, { 'ocp-apim-subscription-key': h.apiKeys!.analyst });
    expectPersonalizerError(analyst, 403, 'Forbidden');
    expect(analyst.body.error.message, analyst.text).toContain('app');
    const appReadsModel = await send(h, 'GET', `${V10}/model`, undefined, { 'ocp-apim-subscription-key': h.apiKeys!.app });
    expectPersonalizerError(appReadsModel, 403, 'Forbidden');
    const analystDeletesLogs = await send(h, 'DELETE', `${V10}/logs`, undefined, { 'ocp-apim-subscription-key': h.apiKeys!.analyst });
    expectPersonalizerError(analystDeletesLogs, 403, 'Forbidden');
    expectStatus(await send(h, 'GET', `${V10}/logs/properties`, undefined, { 'ocp-apim-subscription-key': h.apiKeys!.analyst }), 200);
    expect(await snapshot(h, ops)).toEqual(before);
  });

  it('503 with Retry-After past the in-flight limit, Personalizer-shaped', async () => {
    h = await seed();
    const app = createApp({ services: h.services, logger: pino({ level: 'silent' }), bodyLimitBytes: 1 << 20, version: 'test', maxInflight: 1 });
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const held = app.request(`${V10}/rank`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) }),
      duplex: 'half',
    } as RequestInit);
    await new Promise((resolve) => setImmediate(resolve));
    const refused = await send({ app }, 'GET', `${V10}/configurations/service`);
    expectPersonalizerError(refused, 503, 'ServiceUnavailable');
    expect(refused.headers.get('retry-after')).toBe('1');
    // The held request is let go with a body that fails validation, so it changes nothing.
    controller.enqueue(new TextEncoder().encode('{}'));
    controller.close();
    expectPersonalizerError(await replyOf(await held), 400, 'BadRequest', 'actions');
  });

  it('500 for an unexpected failure, Personalizer-shaped, quoting the request id and nothing of the failure', async () => {
    h = await createTestHarness();
    // The one stand-in in this file: a service that fails the way a bug would (a plain Error, not PersonalizerError).
    const broken = { ...h.services, personalizer: { ...h.services.personalizer, rank: () => { throw new Error('secret internals'); } } };
    const app = createApp({ services: broken, logger: pino({ level: 'silent' }), bodyLimitBytes: 1 << 20, version: 'test' });
    const failed = await send({ app }, 'POST', `${V10}/rank`, { actions: ACTIONS }, { 'x-request-id': 'req-500' });
    expectPersonalizerError(failed, 500, 'InternalServerError');
    expect(failed.body.error.message).toContain('req-500');
    expect(failed.text).not.toContain('secret');
  });
});

describe('/v1 and /personalizer answer the same fault in their own shapes', () => {
  it('malformed JSON: problem+json on /v1, {error} on /personalizer', async () => {
    h = await createTestHarness();
    const v1 = await send(h, 'POST', '/v1/decisions', '{"channel": ');
    expectStatus(v1, 400);
    expect(v1.headers.get('content-type')).toBe('application/problem+json');
    expect(v1.body).toEqual({
      type: 'https://kairos.dev/problems/bad_request',
      title: 'Bad request',
      status: 400,
      detail: 'malformed JSON in the request body',
      errors: [{ field: 'body', message: 'not valid JSON (RFC 8259)' }],
    });
    const pz = await send(h, 'POST', `${V10}/rank`, '{"actions": ');
    expectPersonalizerError(pz, 400, 'BadRequest', 'body');
    expect(pz.body).toEqual({ error: { code: 'BadRequest', message: 'malformed JSON in the request body', target: 'body' } });
  });

  it('an unknown path: problem+json 404 under /v1, ResourceNotFound under /personalizer', async () => {
    h = await createTestHarness();
    const v1 = await send(h, 'GET', '/v1/nothing');
    expectStatus(v1, 404);
    expect(v1.headers.get('content-type')).toBe('application/problem+json');
    expect(v1.body.type).toBe('https://kairos.dev/problems/not_found');
    expectPersonalizerError(await send(h, 'GET', `${V11}/nothing`), 404, 'ResourceNotFound', 'path');
    expectPersonalizerError(await send(h, 'GET', '/personalizer/v2.0/rank'), 404, 'ResourceNotFound', 'path');
  });
});

