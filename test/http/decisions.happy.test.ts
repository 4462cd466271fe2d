/** Happy paths of decisions, feedback and stats, and the canonical decision log line. */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestHarness, type HarnessOptions, type TestHarness } from '../helpers/harness.js';
import { expectStatus, send, type Reply } from '../helpers/http.js';
import { captureLogger } from '../helpers/log.js';

/** Pino lines written by the app, parsed. */

const CONTEXT = { age: 42, segment: 'affluent', products: ['card'], digital: true };

/** Schema plus four actions: a (app only), b (every channel), c (inactive), d (web and app). */
async function seed(options: HarnessOptions = {}): Promise<TestHarness> {
  const h = await createTestHarness(options);
  const schema = await send(h, 'PUT', '/v1/schema', {
    features: [
      { name: 'age', type: 'numeric', min: 18, max: 90 },
      { name: 'segment', type: 'categorical', values: ['mass', 'affluent'] },
      { name: 'products', type: 'set', values: ['mortgage', 'card'] },
      { name: 'digital', type: 'boolean' },
    ],
    channels: ['app', 'web'],
  });
  expectStatus(schema, 200);
  const actions = [
    ['a', { name: 'A', category: 'sales', value: 100, channels: ['app'] }],
    ['b', { name: 'B', category: 'retention', value: 50, lever: 2 }],
    ['c', { name: 'C', category: 'service', value: 10, active: false }],
    ['d', { name: 'D', category: 'risk', value: 5, channels: ['web', 'app'] }],
  ] as const;
  for (const [id, body] of actions) expectStatus(await send(h, 'PUT', `/v1/actions/${id}`, body), 201);
  return h;
}

let h: TestHarness;
afterEach(async () => {
  await h.close();
});

const ids = (reply: Reply): string[] => reply.body.actions.map((a: { actionId: string }) => a.actionId).sort();

describe('POST /v1/decisions', () => {
  it('answers one action with the contract fields; priority = sampled propensity × value × lever', async () => {
    h = await seed();
    const reply = await send(h, 'POST', '/v1/decisions', { customerId: 'c-1', channel: 'app', context: CONTEXT });
    expectStatus(reply, 200);
    expect(reply.body.decisionId, reply.text).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(reply.body, reply.text).toMatchObject({ channel: 'app', noAction: false });
    expect(reply.body.actions, reply.text).toHaveLength(1);
    const chosen = reply.body.actions[0];
    expect(['a', 'b', 'd'], reply.text).toContain(chosen.actionId);
    const lever = chosen.actionId === 'b' ? 2 : 1;
    expect(chosen.priority, reply.text).toBeCloseTo(chosen.sampledPropensity * chosen.value * lever, 10);
    for (const key of ['propensity', 'sampledPropensity'] as const) {
      expect(chosen[key], reply.text).toBeGreaterThan(0);
      expect(chosen[key], reply.text).toBeLessThan(1);
    }
    expect(chosen.probability, reply.text).toBeGreaterThanOrEqual(0);
    expect(chosen.probability, reply.text).toBeLessThanOrEqual(1);
    expect(Object.keys(chosen).sort(), reply.text).toEqual(
      ['actionId', 'category', 'mandatory', 'name', 'priority', 'probability', 'propensity', 'reasons', 'sampledPropensity', 'value'].sort(),
    );
  });

  it('offers only active actions eligible on the channel, within candidates and minus exclude', async () => {
    h = await seed();
    const web = await send(h, 'POST', '/v1/decisions', { channel: 'web', context: CONTEXT, slots: 10 });
    expectStatus(web, 200);
    expect(ids(web), web.text).toEqual(['b', 'd']); // a is app-only, c inactive

    const app = await send(h, 'POST', '/v1/decisions', { channel: 'app', context: CONTEXT, slots: 10 });
    expectStatus(app, 200);
    expect(ids(app), app.text).toEqual(['a', 'b', 'd']);

    const candidates = await send(h, 'POST', '/v1/decisions', { channel: 'app', context: CONTEXT, slots: 10, candidates: ['a', 'c', 'd'] });
    expectStatus(candidates, 200);
    expect(ids(candidates), candidates.text).toEqual(['a', 'd']);

    const excluded = await send(h, 'POST', '/v1/decisions', { channel: 'app', context: CONTEXT, slots: 10, exclude: ['a', 'b'] });
    expectStatus(excluded, 200);
    expect(ids(excluded), excluded.text).toEqual(['d']);

    const none = await send(h, 'POST', '/v1/decisions', { channel: 'web', context: CONTEXT, candidates: ['a', 'c'] });
    expectStatus(none, 200);
    expect(none.body, none.text).toMatchObject({ actions: [], noAction: true });
  });

  it('with slots = 2 answers two distinct actions, best priority first', async () => {
    h = await seed();
    const reply = await send(h, 'POST', '/v1/decisions', { channel: 'app', context: CONTEXT, slots: 2 });
    expectStatus(reply, 200);
    const [first, second] = reply.body.actions;
    expect(reply.body.actions, reply.text).toHaveLength(2);
    expect(first.actionId, reply.text).not.toBe(second.actionId);
    expect(first.priority, reply.text).toBeGreaterThanOrEqual(second.priority);
  });

  it('answers no action when no priority clears the threshold', async () => {
    h = await seed({ env: { KAIROS_MIN_PRIORITY: '1e9' } });
    const reply = await send(h, 'POST', '/v1/decisions', { channel: 'app', context: CONTEXT });
    expectStatus(reply, 200);
    expect(reply.body, reply.text).toMatchObject({ channel: 'app', actions: [], noAction: true });
    expect(typeof reply.body.decisionId, reply.text).toBe('string');
  });

  it('writes exactly one canonical info line per decision, with the request id and no context values nor customer id', async () => {
    const { logger, lines } = captureLogger('info');
    h = await seed({ logger });
    lines.length = 0;
    const reply = await send(
      h,
      'POST',
      '/v1/decisions',
      { customerId: 'cust-9', channel: 'app', context: { ...CONTEXT, age: 61.23456 } },
      { 'x-request-id': 'req-42' },
    );
    expectStatus(reply, 200);
    expect(reply.headers.get('x-request-id'), reply.text).toBe('req-42');
    const decisionLines = lines.filter((l) => l.msg === 'decision');
    expect(decisionLines, JSON.stringify(lines)).toHaveLength(1);
    const line = decisionLines[0]!;
    const chosen = reply.body.actions[0];
    expect(line, JSON.stringify(line)).toMatchObject({
      level: 30,
      requestId: 'req-42',
      decisionId: reply.body.decisionId,
      channel: 'app',
      group: 'policy',
      method: 'POST',
      route: '/v1/decisions',
      status: 200,
      chosen: chosen.actionId,
      propensity: chosen.propensity,
      probability: chosen.probability,
      candidates: 3,
    });
    expect(Number.isInteger(line.seed), JSON.stringify(line)).toBe(true);
    expect(typeof line.schemaVersion, JSON.stringify(line)).toBe('number');
    expect(typeof line.ms, JSON.stringify(line)).toBe('number');
    expect(JSON.stringify(lines), 'context values must not be logged').not.toContain('61.23456');
    expect(JSON.stringify(lines), 'the customer id is personal data').not.toContain('cust-9');
    expect(line, JSON.stringify(line)).not.toHaveProperty('customerId');
    expect(JSON.stringify(lines)).not.toContain('affluent');
    expect(lines.filter((l) => l.msg !== 'decision'), JSON.stringify(lines)).toEqual([]);
  });

  it('logs every other request as one info line (request id, method, route pattern, status, ms), 4xx and feedback included', async () => {
    const { logger, lines } = captureLogger('info');
    h = await seed({ logger });
    lines.length = 0;
    expectStatus(await send(h, 'GET', '/v1/actions/b', undefined, { 'x-request-id': 'get-1' }), 200);
    expect(lines, JSON.stringify(lines)).toHaveLength(1);
    expect(lines[0], JSON.stringify(lines)).toMatchObject({
      level: 30,
      msg: 'request',
      requestId: 'get-1',
      method: 'GET',
      route: '/v1/actions/:actionId',
      status: 200,
    });
    expect(typeof lines[0]!.ms, JSON.stringify(lines)).toBe('number');

    lines.length = 0;
    const decision = await send(h, 'POST', '/v1/decisions', { channel: 'app', context: CONTEXT });
    expectStatus(decision, 200);
    expect(lines.map((l) => l.msg), JSON.stringify(lines)).toEqual(['decision']);

    lines.length = 0;
    expectStatus(await send(h, 'POST', `/v1/decisions/${decision.body.decisionId}/feedback`, { outcome: 'response' }), 202);
    expectStatus(await send(h, 'GET', '/v1/actions/missing'), 404);
    expectStatus(await send(h, 'POST', '/v1/decisions', { channel: 'app', context: { age: 'x' } }), 400);
    expectStatus(await send(h, 'GET', '/v1/no-such-route'), 404);
    expect(lines.map((l) => [l.level, l.msg, l.method, l.route, l.status]), JSON.stringify(lines)).toEqual([
      [30, 'request', 'POST', '/v1/decisions/:decisionId/feedback', 202],
      [30, 'request', 'GET', '/v1/actions/:actionId', 404],
      [30, 'request', 'POST', '/v1/decisions', 400],
      [30, 'request', 'GET', null, 404],
    ]);
    // Route patterns, never raw paths: the decision id and the action id stay out of the log.
    expect(JSON.stringify(lines)).not.toContain(decision.body.decisionId);
    expect(JSON.stringify(lines)).not.toContain('missing');
  });

});

describe('feedback and stats', () => {
  it('feedback answers 202, the same feedback again 200 duplicate, and learning is counted once', async () => {
    h = await seed();
    const decision = await send(h, 'POST', '/v1/decisions', { channel: 'web', context: CONTEXT, candidates: ['b'] });
    expectStatus(decision, 200);
    const { decisionId } = decision.body;
    const path = `/v1/decisions/${decisionId}/feedback`;

    const first = await send(h, 'POST', path, { outcome: 'response' });
    expectStatus(first, 202);
    expect(first.body, first.text).toEqual({ decisionId, actionId: 'b', outcome: 'response', duplicate: false });

    const again = await send(h, 'POST', path, { actionId: 'b', outcome: 'ignore' });
    expectStatus(again, 200);
    expect(again.body, again.text).toEqual({ decisionId, actionId: 'b', outcome: 'response', duplicate: true });

    await h.learner.runOnce();
    const stats = await send(h, 'GET', '/v1/actions/b/stats');
    expectStatus(stats, 200);
    expect(stats.body, stats.text).toMatchObject({ actionId: 'b', decisions: 1, responses: 1, ignores: 0, pending: 0, responseRate: 1 });
    expect(stats.body.model.observations, stats.text).toBe(1);
  });

  it('stats: counts, Wilson interval, per-channel counts and coefficients per slot; observations grow after learning', async () => {
    h = await seed();
    const before = await send(h, 'GET', '/v1/actions/d/stats');
    expectStatus(before, 200);
    expect(before.body, before.text).toMatchObject({ actionId: 'd', decisions: 0, responses: 0, ignores: 0, responseRate: null, responseRateCi: null });
    expect(before.body.model, before.text).toMatchObject({ likelihood: 'logistic', observations: 0 });

    const outcomes = ['response', 'ignore', 'ignore'] as const;
    for (const [i, outcome] of outcomes.entries()) {
      const channel = i === 0 ? 'web' : 'app';
      const decision = await send(h, 'POST', '/v1/decisions', { channel, context: CONTEXT, candidates: ['d'] });
      expectStatus(decision, 200);
      expectStatus(await send(h, 'POST', `/v1/decisions/${decision.body.decisionId}/feedback`, { outcome }), 202);
    }
    await h.learner.runOnce();

    const after = await send(h, 'GET', '/v1/actions/d/stats');
    expectStatus(after, 200);
    expect(after.body, after.text).toMatchObject({ decisions: 3, responses: 1, ignores: 2, pending: 0 });
    expect(after.body.responseRate, after.text).toBeCloseTo(1 / 3, 12);
    const [lo, hi] = after.body.responseRateCi;
    expect(lo, after.text).toBeLessThan(1 / 3);
    expect(hi, after.text).toBeGreaterThan(1 / 3);
    expect(after.body.byChannel.web, after.text).toMatchObject({ decisions: 1, responses: 1, ignores: 0 });
    expect(after.body.byChannel.app, after.text).toMatchObject({ decisions: 2, responses: 0, ignores: 2 });
    expect(after.body.model.observations, after.text).toBe(3);
    expect(after.body.model.version, after.text).toBeGreaterThan(before.body.model.version);
    expect(after.body.model.updatedAt, after.text).not.toBeNull();
    const schema = await send(h, 'GET', '/v1/schema');
    expect(after.body.model.coefficients.map((c: { feature: string }) => c.feature), after.text).toEqual(schema.body.slots);
    for (const c of after.body.model.coefficients) expect(c.sd, after.text).toBeGreaterThan(0);

    const all = await send(h, 'GET', '/v1/stats');
    expectStatus(all, 200);
    expect(all.body.actions.map((a: { actionId: string }) => a.actionId), all.text).toEqual(['a', 'b', 'c', 'd']);
    expect(all.body.actions[3], all.text).toEqual(after.body);
    expect(all.body.totals, all.text).toMatchObject({ decisions: 3, responses: 1, ignores: 2, pending: 0 });
  });
});

describe('unknown context keys', () => {
  it('ignores keys the schema does not declare and counts them in GET /v1/stats', async () => {
    h = await seed();
    for (let i = 0; i < 3; i++) {
      expectStatus(await send(h, 'POST', '/v1/decisions', { channel: 'app', context: { ...CONTEXT, agee: 41 } }), 200);
    }
    expectStatus(await send(h, 'POST', '/v1/decisions', { channel: 'app', context: { ...CONTEXT, income: 'high' } }), 200);
    const stats = await send(h, 'GET', '/v1/stats');
    expectStatus(stats, 200);
    expect(stats.body.unknownContextKeys, stats.text).toEqual({ agee: 3, income: 1 });
  });
});
