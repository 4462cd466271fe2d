/** Health, readiness, the OpenAPI document, the offline Swagger UI and request ids. */
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { PERSONALIZER_BASES } from '../../src/http/personalizer/errors.js';
import { createTestHarness, type TestHarness } from '../helpers/harness.js';
import { expectStatus, send, type Reply } from '../helpers/http.js';

/** GET through the app (optionally with headers). */
const get = (app: TestHarness['app'], path: string, headers: Record<string, string> = {}): Promise<Reply> =>
  send({ app }, 'GET', path, undefined, headers);

let h: TestHarness;
beforeEach(async () => {
  h = await createTestHarness();
});
afterEach(async () => {
  await h.close();
});

describe('health', () => {
  it('/healthz answers ok with the version', async () => {
    const reply = await get(h.app, '/healthz');
    expectStatus(reply, 200);
    expect(reply.body, reply.text).toEqual({ status: 'ok', version: 'test' });
  });

  it('/readyz answers ready with its checks', async () => {
    const reply = await get(h.app, '/readyz');
    expectStatus(reply, 200);
    expect(reply.body, reply.text).toEqual({ status: 'ready', checks: { database: true, workers: true } });
  });

  it('/readyz answers a 503 problem naming the failing check', async () => {
    const services = { ...h.services, health: { readiness: () => ({ ready: false, checks: { database: true, workers: false } }) } };
    const app = createApp({ services, logger: pino({ level: 'silent' }), bodyLimitBytes: 1024, version: 'test' });
    const reply = await get(app, '/readyz');
    expectStatus(reply, 503);
    expect(reply.headers.get('content-type'), reply.text).toBe('application/problem+json');
    expect(reply.body, reply.text).toMatchObject({
      type: 'https://kairos.dev/problems/unavailable',
      status: 503,
      checks: { database: true, workers: false },
    });
    expect(reply.body.detail, reply.text).toContain('workers');
  });
});

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 titled Kairos and lists every route with its methods', async () => {
    const reply = await get(h.app, '/openapi.json');
    expectStatus(reply, 200);
    const doc = reply.body;
    expect(doc.openapi, reply.text.slice(0, 500)).toMatch(/^3\.1\./);
    expect(doc.info, reply.text.slice(0, 500)).toMatchObject({ title: 'Kairos', version: 'test' });
    const methods = Object.fromEntries(
      Object.entries(doc.paths as Record<string, Record<string, unknown>>).map(([path, ops]) => [path, Object.keys(ops).sort()]),
    );
    expect(methods, JSON.stringify(methods)).toEqual({
      '/v1/schema': ['get', 'put'],
      '/v1/actions': ['get'],
      '/v1/actions/{actionId}': ['get', 'put'],
      '/v1/actions/{actionId}/stats': ['get'],
      '/v1/stats': ['get'],
      '/v1/lift': ['get'],
      '/v1/stats/series': ['get'],
      '/v1/stats/no-action': ['get'],
      '/v1/decisions': ['post'],
      '/v1/decisions/{decisionId}/feedback': ['post'],
      '/v1/customers/{customerId}': ['delete', 'get', 'patch', 'put'],
      '/v1/customers/{customerId}/events': ['post'],
      '/v1/channels': ['get'],
      '/v1/channels/{channelId}': ['get', 'put'],
      '/v1/contact-policy': ['get', 'put'],
      '/v1/decisions/{decisionId}/activate': ['post'],
      '/v1/decisions/{decisionId}': ['get'],
      '/v1/decisions/batch': ['post'],
      '/v1/evaluations': ['get', 'post'],
      '/v1/evaluations/{evaluationId}': ['get'],
      '/v1/keys': ['get', 'post'],
      '/v1/keys/{keyId}': ['delete'],
      '/healthz': ['get'],
      '/readyz': ['get'],
      '/metrics': ['get'],
      ...Object.fromEntries(
        PERSONALIZER_BASES.flatMap((base) => [
          [`${base}/rank`, ['post']],
          [`${base}/events/{eventId}/reward`, ['post']],
          [`${base}/events/{eventId}/activate`, ['post']],
          [`${base}/multislot/rank`, ['post']],
          [`${base}/multislot/events/{eventId}/reward`, ['post']],
          [`${base}/multislot/events/{eventId}/activate`, ['post']],
          [`${base}/configurations/service`, ['get', 'put']],
          [`${base}/configurations/policy`, ['delete', 'get', 'put']],
          [`${base}/model`, ['delete', 'get', 'put']],
          [`${base}/model/properties`, ['get']],
          [`${base}/logs`, ['delete']],
          [`${base}/logs/properties`, ['get']],
        ]),
      ),
    });
    const decide = doc.paths['/v1/decisions'].post;
    expect(Object.keys(decide.responses).sort(), JSON.stringify(decide.responses)).toEqual(['200', '400', '401', '403', '413', '415', '422', '503']);
    expect(decide.responses['400'].content, JSON.stringify(decide.responses)).toHaveProperty(['application/problem+json']);
    expect(Object.keys(doc.components.schemas), JSON.stringify(Object.keys(doc.components.schemas))).toEqual(
      expect.arrayContaining(['DecisionRequest', 'DecisionResponse', 'Action', 'Schema', 'FeatureSpec', 'ActionStats', 'Problem']),
    );
  });
});

describe('Swagger UI', () => {
  it('/docs is HTML that references only local assets and /openapi.json', async () => {
    const reply = await get(h.app, '/docs');
    expectStatus(reply, 200);
    expect(reply.headers.get('content-type'), reply.text).toMatch(/^text\/html/);
    const refs = [...reply.text.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length, reply.text).toBeGreaterThanOrEqual(2);
    for (const ref of refs) expect(ref, reply.text).toMatch(/^\/docs\/assets\/[\w.-]+$/);
    expect(reply.text, reply.text).not.toMatch(/https?:\/\//);

    // Every referenced asset is served, and the initializer points at our own document.
    for (const ref of refs) expectStatus(await get(h.app, ref), 200);
    const init = await get(h.app, '/docs/assets/kairos-init.js');
    expect(init.text).toContain("url: '/openapi.json'");
    expect(init.text).not.toMatch(/https?:\/\//);
  });

  it('serves swagger-ui-bundle.js from node_modules with a JavaScript content type', async () => {
    const reply = await get(h.app, '/docs/assets/swagger-ui-bundle.js');
    expectStatus(reply, 200);
    expect(reply.headers.get('content-type')).toMatch(/^(text|application)\/javascript/);
    expect(reply.text.length).toBeGreaterThan(100_000);
    expect(reply.text).toContain('SwaggerUIBundle');
    const css = await get(h.app, '/docs/assets/swagger-ui.css');
    expectStatus(css, 200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  });

  it('serves nothing outside its list of assets', async () => {
    for (const path of ['/docs/assets/package.json', '/docs/assets/..%2Fpackage.json', '/docs/assets/index.html']) {
      const reply = await get(h.app, path);
      expectStatus(reply, 404);
      expect(reply.headers.get('content-type'), reply.text).toBe('application/problem+json');
    }
  });
});

describe('request ids', () => {
  it('echoes a well-formed x-request-id, and generates one when absent or malformed', async () => {
    const given = await get(h.app, '/healthz', { 'x-request-id': 'client-7_a=b' });
    expect(given.headers.get('x-request-id')).toBe('client-7_a=b');

    const absent = await get(h.app, '/healthz');
    expect(absent.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    const malformed = await get(h.app, '/healthz', { 'x-request-id': 'bad id; drop table' });
    expect(malformed.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    const problem = await get(h.app, '/v1/actions/missing', { 'x-request-id': 'on-error-too' });
    expectStatus(problem, 404);
    expect(problem.headers.get('x-request-id')).toBe('on-error-too');
  });
});
