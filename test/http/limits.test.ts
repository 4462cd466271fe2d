/**
 * The limits that keep every request cheap (src/core/limits.ts, KAIROS_MAX_DIMENSION): each request beyond one is a
 * 400 problem naming the field and the limit, and changes nothing; an identical schema PUT writes nothing and keeps
 * every model; a rejected decision counts no unknown context keys.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../../src/config.js';
import { createTestHarness, type HarnessOptions, type TestHarness } from '../helpers/harness.js';
import { expectStatus, send, type Reply } from '../helpers/http.js';

let h: TestHarness;
afterEach(async () => {
  await h.close();
});

const FEATURES = [
  { name: 'age', type: 'numeric', min: 18, max: 90 },
  { name: 'segment', type: 'categorical', values: ['mass', 'affluent'] },
];

async function seeded(options: HarnessOptions = {}): Promise<TestHarness> {
  const harness = await createTestHarness(options);
  expectStatus(await send(harness, 'PUT', '/v1/schema', { features: FEATURES, channels: ['app', 'web'] }), 200);
  expectStatus(await send(harness, 'PUT', '/v1/actions/a', { name: 'A', category: 'sales', value: 10 }), 201);
  return harness;
}

/** A 400 validation problem whose errors name `field` with a message matching `message`. */
function expectFieldProblem(reply: Reply, field: string, message?: RegExp): void {
  expectStatus(reply, 400);
  expect(reply.headers.get('content-type'), reply.text).toBe('application/problem+json');
  const problem = (reply.body?.errors ?? []).find((e: { field: string }) => e.field === field);
  expect(problem, reply.text).toBeDefined();
  if (message) expect(problem.message, reply.text).toMatch(message);
}

/** Everything a rejected request must leave alone. */
async function snapshot(harness: TestHarness): Promise<unknown> {
  const count = (table: string) => (harness.db.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  harness.engine.decisionLog.flush();
  return {
    schema: (await send(harness, 'GET', '/v1/schema')).body,
    actions: (await send(harness, 'GET', '/v1/actions')).body,
    stats: (await send(harness, 'GET', '/v1/stats')).body,
    rows: ['feature_schemas', 'actions', 'models', 'decisions', 'feedback'].map(count),
  };
}

const booleans = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `f${i}`, type: 'boolean' }));

describe('the encoded dimension', () => {
  it('a schema over KAIROS_MAX_DIMENSION (default 128) is a 400 naming features and the limit; nothing changes', async () => {
    h = await seeded();
    const before = await snapshot(h);
    // 1,000 boolean features (33 KB) stalled the service for good before the limit.
    for (const count of [1000, 125]) {
      const reply = await send(h, 'PUT', '/v1/schema', { features: booleans(count), channels: ['app', 'web'] });
      expectFieldProblem(reply, 'features', count === 1000 ? /<=512/ : /dimension 129 .*limit is 128 \(KAIROS_MAX_DIMENSION\)/);
    }
    expect(await snapshot(h)).toEqual(before);
    // bias + 124 + app, web, other = 128: at the limit is accepted.
    const fits = await send(h, 'PUT', '/v1/schema', { features: booleans(124), channels: ['app', 'web'] });
    expectStatus(fits, 200);
    expect(fits.body.dimension, fits.text).toBe(128);
  });

  it('follows KAIROS_MAX_DIMENSION, which must lie in 8–512', async () => {
    h = await seeded({ env: { KAIROS_MAX_DIMENSION: '16' } });
    const reply = await send(h, 'PUT', '/v1/schema', { features: booleans(13), channels: ['app', 'web'] });
    expectFieldProblem(reply, 'features', /dimension 17 .*limit is 16/);
    expectStatus(await send(h, 'PUT', '/v1/schema', { features: booleans(12), channels: ['app', 'web'] }), 200);
    for (const bad of ['7', '513', 'lots']) {
      expect(() => loadConfig({ KAIROS_MAX_DIMENSION: bad })).toThrow(ConfigError);
    }
    expect(loadConfig({}).maxDimension).toBe(128);
  });
});

describe('schema and action sizes', () => {
  it('rejects each oversize or extreme field, naming it, and changes nothing', async () => {
    h = await seeded();
    const before = await snapshot(h);
    const cases: [unknown, string, RegExp][] = [
      [{ features: [{ name: 'x'.repeat(129), type: 'boolean' }] }, 'features.0.name', /128/],
      [{ features: [{ name: 'tier', type: 'categorical', values: Array.from({ length: 1025 }, (_, i) => `v${i}`) }] }, 'features.0.values', /1024/],
      [{ features: [{ name: 'tier', type: 'set', values: ['v'.repeat(129)] }] }, 'features.0.values.0', /128/],
      [{ features: [{ name: 'income', type: 'numeric', mean: 1e13, std: 1 }] }, 'features.0.mean', /1000000000000/],
      [{ features: [{ name: 'income', type: 'numeric', mean: 0, std: 1e-13 }] }, 'features.0.std', /1e-12/],
      [{ features: [{ name: 'income', type: 'numeric', min: 0, max: 1e-13 }] }, 'features.0.max', /1e-12/],
      [{ features: [], channels: Array.from({ length: 65 }, (_, i) => `c${i}`) }, 'channels', /64/],
    ];
    for (const [body, field, message] of cases) expectFieldProblem(await send(h, 'PUT', '/v1/schema', body), field, message);
    const actionCases: [unknown, string, RegExp][] = [
      [{ name: 'B', category: 'sales', value: 1e308 }, 'value', /1000000000/],
      [{ name: 'B', category: 'sales', value: 1, lever: 1e308 }, 'lever', /1000000/],
      [{ name: 'B', category: 'sales', value: 1, channels: Array.from({ length: 65 }, (_, i) => `c${i}`) }, 'channels', /64/],
      [{ name: 'n'.repeat(201), category: 'sales', value: 1 }, 'name', /200/],
    ];
    for (const [body, field, message] of actionCases) expectFieldProblem(await send(h, 'PUT', '/v1/actions/b', body), field, message);
    expectFieldProblem(await send(h, 'PUT', `/v1/actions/${'b'.repeat(129)}`, { name: 'B', category: 'sales', value: 1 }), 'actionId');
    expect(await snapshot(h)).toEqual(before);
  });

  it('non-JSON number tokens and numbers that overflow to Infinity are a 400', async () => {
    h = await seeded();
    const before = await snapshot(h);
    for (const raw of ['NaN', 'Infinity', '-Infinity']) {
      const reply = await send(h, 'PUT', '/v1/actions/b', `{"name":"B","category":"sales","value":${raw}}`);
      expectStatus(reply, 400);
      expect(reply.body.detail, reply.text).toMatch(/malformed JSON/i);
    }
    expectFieldProblem(await send(h, 'PUT', '/v1/actions/b', '{"name":"B","category":"sales","value":1e309}'), 'value');
    expectFieldProblem(await send(h, 'POST', '/v1/decisions', '{"channel":"app","context":{"age":1e309}}'), 'context.age');
    expect(await snapshot(h)).toEqual(before);
  });
});

describe('the catalog size', () => {
  it('a new action beyond MAX_ACTIONS (1,000) is a 409; replacing an existing one still works', async () => {
    h = await seeded();
    // 999 more rows written directly (1,000 PUTs would each reload the catalog), then picked up as a script's would be.
    const insert = h.db.sqlite.prepare(
      "INSERT INTO actions (id, name, category, value, lever, channels, active, likelihood, created_at, updated_at) VALUES (?, ?, 'sales', 1, 1, '[]', 1, 'logistic', 0, 0)",
    );
    h.db.sqlite.transaction(() => {
      for (let i = 0; i < 999; i++) insert.run(`bulk-${i}`, `Bulk ${i}`);
    })();
    h.state.reload();
    const full = await send(h, 'PUT', '/v1/actions/one-more', { name: 'One more', category: 'sales', value: 1 });
    expectStatus(full, 409);
    expect(full.body.detail, full.text).toMatch(/maximum of 1000 actions/);
    expect(h.state.action('one-more')).toBeUndefined();
    expectStatus(await send(h, 'PUT', '/v1/actions/a', { name: 'A again', category: 'sales', value: 2 }), 200);
  });
});

describe('an identical schema PUT', () => {
  it('writes nothing, keeps every model and answers the current version with unchanged: true', async () => {
    h = await seeded();
    const decision = await send(h, 'POST', '/v1/decisions', { channel: 'app', context: { age: 40, segment: 'mass' } });
    expectStatus(decision, 200);
    expectStatus(await send(h, 'POST', `/v1/decisions/${decision.body.decisionId}/feedback`, { outcome: 'response' }), 202);
    await h.learner.runOnce();
    const model = h.state.model('a');
    expect(model.posterior.observations).toBe(1);
    const before = await snapshot(h);
    const current = (await send(h, 'GET', '/v1/schema')).body;

    // The same features with their keys in another order, and the same channels: not a change.
    const again = await send(h, 'PUT', '/v1/schema', {
      channels: ['app', 'web'],
      features: [{ max: 90, min: 18, type: 'numeric', name: 'age' }, { values: ['mass', 'affluent'], type: 'categorical', name: 'segment' }],
    });
    expectStatus(again, 200);
    expect(again.body, again.text).toEqual({ ...current, unchanged: true });
    expect(await snapshot(h)).toEqual(before);
    expect(h.state.model('a')).toBe(model);
  });

  it('a different schema is a new version (unchanged: false) and models restart; so is {"features": []} over a non-empty one', async () => {
    h = await seeded();
    const current = (await send(h, 'GET', '/v1/schema')).body;
    const reordered = await send(h, 'PUT', '/v1/schema', { features: [...FEATURES].reverse(), channels: ['app', 'web'] });
    expectStatus(reordered, 200);
    expect(reordered.body, reordered.text).toMatchObject({ version: current.version + 1, unchanged: false });
    const empty = await send(h, 'PUT', '/v1/schema', { features: [] });
    expectStatus(empty, 200);
    // Without `channels` the schema takes the catalog's (none here: action a lists none), so d = 1.
    expect(empty.body, empty.text).toMatchObject({ version: current.version + 2, dimension: 1, unchanged: false });
    const emptyAgain = await send(h, 'PUT', '/v1/schema', { features: [] });
    expect(emptyAgain.body, emptyAgain.text).toMatchObject({ version: current.version + 2, unchanged: true });
  });
});

describe('a rejected decision changes no state', () => {
  it('a 422 (unknown candidate) or 400 (wrong type) decision counts none of its unknown context keys', async () => {
    h = await seeded();
    const unknownCandidate = await send(h, 'POST', '/v1/decisions', { channel: 'app', context: { age: 30, typo: 1 }, candidates: ['nope'] });
    expectStatus(unknownCandidate, 422);
    const wrongType = await send(h, 'POST', '/v1/decisions', { channel: 'app', context: { age: 'old', typo: 1 } });
    expectStatus(wrongType, 400);
    expect((await send(h, 'GET', '/v1/stats')).body.unknownContextKeys).toEqual({});
    expectStatus(await send(h, 'POST', '/v1/decisions', { channel: 'app', context: { age: 30, typo: 1 } }), 200);
    expect((await send(h, 'GET', '/v1/stats')).body.unknownContextKeys).toEqual({ typo: 1 });
  });

  it('keys longer than 128 characters are counted under (other), never kept', async () => {
    h = await seeded();
    expectStatus(await send(h, 'POST', '/v1/decisions', { channel: 'app', context: { ['k'.repeat(100_000)]: 1 } }), 200);
    expect((await send(h, 'GET', '/v1/stats')).body.unknownContextKeys).toEqual({ '(other)': 1 });
  });
});
