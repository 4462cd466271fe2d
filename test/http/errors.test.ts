/**
 * Every error answer is application/problem+json `{type, title, status, detail, errors?}` naming the field, and a
 * rejected request changes nothing.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { createTestHarness, type HarnessOptions, type TestHarness } from '../helpers/harness.js';
import { expectStatus, send, type Reply } from '../helpers/http.js';
import { seedTwoActions } from '../helpers/seed.js';

/** Asserts a problem+json answer with this status and code, naming `fields` (in any order) when given. */
function expectProblem(reply: Reply, status: number, code: string, fields?: string[]): void {
  expectStatus(reply, status);
  expect(reply.headers.get('content-type'), reply.text).toBe('application/problem+json');
  expect(reply.body, reply.text).toMatchObject({ type: `https://kairos.dev/problems/${code}`, status });
  expect(typeof reply.body.title, reply.text).toBe('string');
  expect(typeof reply.body.detail, reply.text).toBe('string');
  if (fields) {
    const named = (reply.body.errors ?? []).map((e: { field: string }) => e.field);
    for (const field of fields) expect(named, reply.text).toContain(field);
  }
}

const CONTEXT = { age: 30, segment: 'mass' };

const seed = seedTwoActions;

let h: TestHarness;
afterEach(async () => {
  await h.close();
});

describe('malformed and unacceptable bodies', () => {
  it('malformed JSON is a 400 saying so', async () => {
    h = await seed();
    for (const path of ['/v1/decisions', '/v1/schema', '/v1/actions/a']) {
      const method = path === '/v1/decisions' ? 'POST' : 'PUT';
      const reply = await send(h, method, path, '{"channel": "app", ');
      expectProblem(reply, 400, 'bad_request');
      expect(reply.body.detail, reply.text).toMatch(/malformed JSON/i);
    }
  });

  it('a non-JSON content type is a 415', async () => {
    h = await seed();
    const reply = await send(h, 'POST', '/v1/decisions', 'channel=app', { 'content-type': 'application/x-www-form-urlencoded' });
    expectProblem(reply, 415, 'unsupported_media_type');
    const text = await send(h, 'PUT', '/v1/schema', '{"features":[]}', { 'content-type': 'text/plain' });
    expectProblem(text, 415, 'unsupported_media_type');
  });

  it('a body over the limit is a 413', async () => {
    h = await seed({ env: { KAIROS_BODY_LIMIT: '1kb' } });
    const big = { channel: 'app', context: { ...CONTEXT, note: 'x'.repeat(2048) } };
    const reply = await send(h, 'POST', '/v1/decisions', big);
    expectProblem(reply, 413, 'payload_too_large');
    // Just under the limit passes the size check (the unknown context key is ignored).
    const small = await send(h, 'POST', '/v1/decisions', { channel: 'app', context: { ...CONTEXT, note: 'x'.repeat(800) } });
    expectStatus(small, 200);
  });

  it('a declared Content-Length over the limit is a 413; a fitting one passes', async () => {
    h = await seed({ env: { KAIROS_BODY_LIMIT: '1kb' } });
    const big = JSON.stringify({ channel: 'app', context: { ...CONTEXT, note: 'x'.repeat(2048) } });
    const reply = await send(h, 'POST', '/v1/decisions', JSON.parse(big), { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(big)) });
    expectProblem(reply, 413, 'payload_too_large');
    const fits = JSON.stringify({ channel: 'app', context: CONTEXT });
    expectStatus(await send(h, 'POST', '/v1/decisions', JSON.parse(fits), { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(fits)) }), 200);
  });

  it('a body that is not an object is a 400 naming the body', async () => {
    h = await seed();
    expectProblem(await send(h, 'POST', '/v1/decisions', '[]'), 400, 'validation', ['body']);
  });

  it('an unknown field is a 400 naming it', async () => {
    h = await seed();
    const reply = await send(h, 'POST', '/v1/decisions', { channel: 'app', context: CONTEXT, slot: 2 });
    expectProblem(reply, 400, 'validation', ['slot']);
  });
});

describe('validation names the field', () => {
  it('wrong types in a decision request', async () => {
    h = await seed();
    expectProblem(await send(h, 'POST', '/v1/decisions', { channel: 5, context: CONTEXT }), 400, 'validation', ['channel']);
    expectProblem(await send(h, 'POST', '/v1/decisions', { channel: 'app', context: [1, 2] }), 400, 'validation', ['context']);
    expectProblem(await send(h, 'POST', '/v1/decisions', { channel: 'app' }), 400, 'validation', ['context']);
    expectProblem(await send(h, 'POST', '/v1/decisions', { context: CONTEXT }), 400, 'validation', ['channel']);
    expectProblem(await send(h, 'POST', '/v1/decisions', { channel: 'app', context: CONTEXT, candidates: 'a' }), 400, 'validation', ['candidates']);
    expectProblem(await send(h, 'POST', '/v1/decisions', { channel: 'app', context: CONTEXT, exclude: [7] }), 400, 'validation', ['exclude.0']);
    for (const slots of [0, 11, 1.5, '2']) {
      expectProblem(await send(h, 'POST', '/v1/decisions', { channel: 'app', context: CONTEXT, slots }), 400, 'validation', ['slots']);
    }
  });

  it('a context value of the wrong type names context.<feature>', async () => {
    h = await seed();
    const reply = await send(h, 'POST', '/v1/decisions', { channel: 'app', context: { age: 'old', segment: 'mass' } });
    expectProblem(reply, 400, 'validation', ['context.age']);
  });

  it('numbers that overflow to Infinity (1e400) are rejected', async () => {
    h = await seed();
    const value = await send(h, 'PUT', '/v1/actions/c', '{"name":"C","category":"sales","value":1e400}');
    expectProblem(value, 400, 'validation', ['value']);
    const context = await send(h, 'POST', '/v1/decisions', '{"channel":"app","context":{"age":1e400}}');
    expectProblem(context, 400, 'validation', ['context.age']);
    const schema = await send(h, 'PUT', '/v1/schema', '{"features":[{"name":"x","type":"numeric","min":0,"max":1e400}]}');
    expectProblem(schema, 400, 'validation', ['features.0.max']);
    const decision = await send(h, 'POST', '/v1/decisions', { channel: 'app', context: CONTEXT });
    expectStatus(decision, 200);
    const reward = await send(h, 'POST', `/v1/decisions/${decision.body.decisionId}/feedback`, '{"outcome":"response","reward":-1e400}');
    expectProblem(reward, 400, 'validation', ['reward']);
  });

  it('feature schema problems: unknown type, bad values, semantic errors from the encoder', async () => {
    h = await seed();
    const type = await send(h, 'PUT', '/v1/schema', { features: [{ name: 'x', type: 'text' }] });
    expectProblem(type, 400, 'validation', ['features.0.type']);
    const values = await send(h, 'PUT', '/v1/schema', {
      features: [{ name: 'a', type: 'boolean' }, { name: 'b', type: 'boolean' }, { name: 'c', type: 'categorical', values: 'x' }],
    });
    expectProblem(values, 400, 'validation', ['features.2.values']);
    const duplicate = await send(h, 'PUT', '/v1/schema', {
      features: [{ name: 'c', type: 'set', values: ['x', 'x'] }],
    });
    expectProblem(duplicate, 400, 'validation', ['features.0.values.1']);
    const range = await send(h, 'PUT', '/v1/schema', { features: [{ name: 'n', type: 'numeric', min: 5, max: 1 }] });
    expectProblem(range, 400, 'validation', ['features.0.max']);
  });

  it('action problems: unknown category, negative value, bad id in the path', async () => {
    h = await seed();
    expectProblem(await send(h, 'PUT', '/v1/actions/c', { name: 'C', category: 'marketing', value: 1 }), 400, 'validation', ['category']);
    expectProblem(await send(h, 'PUT', '/v1/actions/c', { name: 'C', category: 'sales', value: -1 }), 400, 'validation', ['value']);
    expectProblem(await send(h, 'PUT', '/v1/actions/c', { name: 'C', category: 'sales', value: 1, lever: 0 }), 400, 'validation', ['lever']);
    expectProblem(await send(h, 'PUT', '/v1/actions/c', { name: 'C', category: 'sales', value: 1, likelihood: 'poisson' }), 400, 'validation', [
      'likelihood',
    ]);
    const body = { name: 'C', category: 'sales', value: 1 };
    for (const id of ['bad%20id', 'a%2Fb', 'x'.repeat(129), 'caf%C3%A9']) {
      expectProblem(await send(h, 'PUT', `/v1/actions/${id}`, body), 400, 'validation', ['actionId']);
    }
    expectStatus(await send(h, 'PUT', `/v1/actions/${'x'.repeat(128)}`, body), 201);
  });

  it('feedback problems: outcome not in the enum', async () => {
    h = await seed();
    const decision = await send(h, 'POST', '/v1/decisions', { channel: 'app', context: CONTEXT });
    expectStatus(decision, 200);
    const reply = await send(h, 'POST', `/v1/decisions/${decision.body.decisionId}/feedback`, { outcome: 'maybe' });
    expectProblem(reply, 400, 'validation', ['outcome']);
  });
});

describe('not found and unprocessable', () => {
  it('unknown action, its stats, an unknown decision and an unknown route are 404s', async () => {
    h = await seed();
    expectProblem(await send(h, 'GET', '/v1/actions/nope'), 404, 'not_found');
    expectProblem(await send(h, 'GET', '/v1/actions/nope/stats'), 404, 'not_found');
    const feedback = await send(h, 'POST', '/v1/decisions/0190a5f2-7c1e-7c3a-8f00-1a2b3c4d5e6f/feedback', { outcome: 'response' });
    expectProblem(feedback, 404, 'not_found');
    expectProblem(await send(h, 'GET', '/v1/nothing-here'), 404, 'not_found');
  });

  it('feedback for an action that was not in the decision is a 422 naming actionId', async () => {
    h = await seed();
    const decision = await send(h, 'POST', '/v1/decisions', { channel: 'app', context: CONTEXT, candidates: ['a'] });
    expectStatus(decision, 200);
    const reply = await send(h, 'POST', `/v1/decisions/${decision.body.decisionId}/feedback`, { actionId: 'b', outcome: 'response' });
    expectProblem(reply, 422, 'unprocessable', ['actionId']);
  });

  it('feedback on a no-action decision is a 422', async () => {
    h = await seed({ env: { KAIROS_MIN_PRIORITY: '1e9' } });
    const decision = await send(h, 'POST', '/v1/decisions', { channel: 'app', context: CONTEXT });
    expectStatus(decision, 200);
    expect(decision.body.noAction, decision.text).toBe(true);
    const reply = await send(h, 'POST', `/v1/decisions/${decision.body.decisionId}/feedback`, { outcome: 'ignore' });
    expectProblem(reply, 422, 'unprocessable');
  });

  it('an unknown action among the candidates is a 422 naming candidates.N', async () => {
    h = await seed();
    const reply = await send(h, 'POST', '/v1/decisions', { channel: 'app', context: CONTEXT, candidates: ['a', 'ghost'] });
    expectProblem(reply, 422, 'unprocessable', ['candidates.1']);
  });
});

describe('a rejected request changes nothing', () => {
  it('GET after a failed PUT /v1/schema returns the previous schema', async () => {
    h = await seed();
    const before = await send(h, 'GET', '/v1/schema');
    expectProblem(await send(h, 'PUT', '/v1/schema', { features: [{ name: 'n', type: 'numeric', min: 5, max: 1 }] }), 400, 'validation');
    expectProblem(await send(h, 'PUT', '/v1/schema', { features: [{ name: 'x', type: 'text' }] }), 400, 'validation');
    const after = await send(h, 'GET', '/v1/schema');
    expectStatus(after, 200);
    expect(after.body, after.text).toEqual(before.body);
  });

  it('GET after a failed PUT /v1/actions returns the previous action, and a failed create creates nothing', async () => {
    h = await seed();
    const before = await send(h, 'GET', '/v1/actions/a');
    expectProblem(await send(h, 'PUT', '/v1/actions/a', { name: 'A2', category: 'marketing', value: 3 }), 400, 'validation');
    expectProblem(await send(h, 'PUT', '/v1/actions/a', { name: 'A2', category: 'sales', value: -3 }), 400, 'validation');
    expectProblem(await send(h, 'PUT', '/v1/actions/z', { name: 'Z', category: 'sales', value: Number.NaN }), 400, 'validation');
    const after = await send(h, 'GET', '/v1/actions/a');
    expect(after.body, after.text).toEqual(before.body);
    expectProblem(await send(h, 'GET', '/v1/actions/z'), 404, 'not_found');
    const list = await send(h, 'GET', '/v1/actions');
    expect(list.body.map((a: { actionId: string }) => a.actionId), list.text).toEqual(['a', 'b']);
  });

  it('a rejected decision is not recorded; a rejected feedback is not learned', async () => {
    h = await seed();
    expectProblem(await send(h, 'POST', '/v1/decisions', { channel: 'app', context: { age: 'x' }, candidates: ['a'] }), 400, 'validation');
    expectProblem(await send(h, 'POST', '/v1/decisions', { channel: 'app', context: CONTEXT, candidates: ['a', 'ghost'] }), 422, 'unprocessable');
    const decision = await send(h, 'POST', '/v1/decisions', { channel: 'app', context: CONTEXT, candidates: ['a'] });
    expectStatus(decision, 200);
    const path = `/v1/decisions/${decision.body.decisionId}/feedback`;
    expectProblem(await send(h, 'POST', path, { actionId: 'b', outcome: 'response' }), 422, 'unprocessable');
    expectProblem(await send(h, 'POST', path, { outcome: 'response', reward: '1' }), 400, 'validation', ['reward']);
    await h.learner.runOnce();
    const stats = await send(h, 'GET', '/v1/actions/a/stats');
    expectStatus(stats, 200);
    expect(stats.body, stats.text).toMatchObject({ decisions: 1, responses: 0, ignores: 0, pending: 1 });
    expect(stats.body.model.observations, stats.text).toBe(0);
    // The valid outcome is still accepted as new (the rejected ones recorded nothing).
    expectStatus(await send(h, 'POST', path, { outcome: 'ignore' }), 202);
  });
});

describe('unexpected errors', () => {
  it('are a 500 problem that leaks nothing, logged once at error level with the request id', async () => {
    h = await seed();
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const failing = {
      ...h.services,
      stats: {
        ...h.services.stats,
        all: () => {
          throw new Error('secret internals');
        },
      },
    };
    const app = createApp({ services: failing, logger: pino({ level: 'info' }, stream), bodyLimitBytes: 1024, version: 'test' });
    const reply = await send({ app }, 'GET', '/v1/stats', undefined, { 'x-request-id': 'boom-1' });
    expectProblem(reply, 500, 'internal');
    expect(reply.text).not.toContain('secret internals');
    expect(reply.body.detail, reply.text).toContain('boom-1');
    const errors = lines.filter((l) => (l.level as number) >= 50);
    expect(errors, JSON.stringify(lines)).toHaveLength(1);
    expect(errors[0], JSON.stringify(lines)).toMatchObject({ requestId: 'boom-1', path: '/v1/stats' });
    expect(JSON.stringify(errors[0])).toContain('secret internals');
  });
});
