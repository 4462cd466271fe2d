/**
 * HTTP manners (issue #9, item 8) and the in-flight / timeout parts of backpressure (item 6), through
 * `app.request()`: 405 with Allow from the registered routes, 415 for a content encoding, security headers, the
 * docs page's CSP, and 503 + Retry-After from the in-flight limit and the request timeout. A request is held in
 * flight by a body stream that has not ended (the validator awaits it), so no test depends on timing.
 */
import { gzipSync } from 'node:zlib';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { DOCS_CSP } from '../../src/http/docs.js';
import { createTestHarness, type TestHarness } from '../helpers/harness.js';
import { expectStatus, send, type Reply } from '../helpers/http.js';
import { captureLogger } from '../helpers/log.js';

const CONTEXT = { age: 30 };


async function seeded(): Promise<TestHarness> {
  const h = await createTestHarness();
  expectStatus(await send(h, 'PUT', '/v1/schema', { features: [{ name: 'age', type: 'numeric', min: 18, max: 90 }], channels: ['app'] }), 200);
  expectStatus(await send(h, 'PUT', '/v1/actions/a', { name: 'A', category: 'sales', value: 10 }), 201);
  return h;
}

/** A POST whose JSON body stays open until `finish()`: it is in flight until then. */
function heldRequest(app: TestHarness['app'], path: string, json: unknown): { reply: Promise<Response>; finish(): void } {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  const reply = Promise.resolve(app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    duplex: 'half',
  } as RequestInit));
  return {
    reply,
    finish() {
      controller.enqueue(new TextEncoder().encode(JSON.stringify(json)));
      controller.close();
    },
  };
}

/** A decision request whose body stays open until `finish()`. */
const heldDecision = (app: TestHarness['app']) => heldRequest(app, '/v1/decisions', { channel: 'app', context: CONTEXT });

const count = (t: TestHarness, table: 'decisions' | 'feedback'): number =>
  (t.db.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function expectUnavailable(reply: Reply): void {
  expectStatus(reply, 503);
  expect(reply.headers.get('content-type'), reply.text).toBe('application/problem+json');
  expect(reply.headers.get('retry-after'), reply.text).toBe('1');
  expect(reply.body, reply.text).toMatchObject({ type: 'https://kairos.dev/problems/unavailable', status: 503 });
}

let h: TestHarness;
afterEach(async () => {
  await h.close();
});

describe('405 with Allow', () => {
  it('lists the methods registered for the path, with HEAD beside GET and OPTIONS', async () => {
    h = await seeded();
    const schema = await send(h, 'DELETE', '/v1/schema');
    expectStatus(schema, 405);
    expect(schema.headers.get('allow')).toBe('GET, HEAD, PUT, OPTIONS');
    expect(schema.body, schema.text).toMatchObject({ type: 'https://kairos.dev/problems/method_not_allowed', status: 405 });
    const decisions = await send(h, 'GET', '/v1/decisions');
    expect(decisions.headers.get('allow'), decisions.text).toBe('POST, OPTIONS');
    const action = await send(h, 'POST', '/v1/actions/whatever');
    expect(action.headers.get('allow'), action.text).toBe('GET, HEAD, PUT, OPTIONS');
  });

  it('answers OPTIONS with 204 and Allow, HEAD of a GET route as the GET, and an unknown path 404', async () => {
    h = await seeded();
    const options = await send(h, 'OPTIONS', '/v1/decisions/x/feedback');
    expectStatus(options, 204);
    expect(options.headers.get('allow')).toBe('POST, OPTIONS');
    expectStatus(await send(h, 'HEAD', '/v1/actions/a'), 200);
    const unknown = await send(h, 'DELETE', '/v1/nowhere');
    expectStatus(unknown, 404);
    expect(unknown.headers.get('allow')).toBeNull();
  });

  it('derives Allow from the routes registered on the app, not from a list', async () => {
    h = await seeded();
    const app = createApp({ services: h.services, logger: pino({ level: 'silent' }), bodyLimitBytes: 1024, version: 'test' });
    app.delete('/v1/schema', (c) => c.body(null, 204));
    app.post('/v1/extra/:id', (c) => c.body(null, 204));
    expect((await send({ app }, 'PATCH', '/v1/schema')).headers.get('allow')).toBe('GET, HEAD, PUT, DELETE, OPTIONS');
    expect((await send({ app }, 'GET', '/v1/extra/7')).headers.get('allow')).toBe('POST, OPTIONS');
  });
});

describe('415 for a content encoding', () => {
  it('refuses a gzip body with Accept-Encoding: identity, and takes identity', async () => {
    h = await seeded();
    const res = await h.app.request('/v1/decisions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify({ channel: 'app', context: CONTEXT })),
    });
    expect(res.status, await res.clone().text()).toBe(415);
    expect(res.headers.get('accept-encoding')).toBe('identity');
    const body = (await res.json()) as { errors: { field: string }[] };
    expect(body.errors.map((e) => e.field)).toEqual(['content-encoding']);
    expectStatus(await send(h, 'POST', '/v1/decisions', { channel: 'app', context: CONTEXT }, { 'content-encoding': 'identity' }), 200);
  });
});

describe('security headers', () => {
  it('nosniff on every answer, no-store on the API, neither caching rule forced elsewhere', async () => {
    h = await seeded();
    for (const [method, path, status] of [
      ['GET', '/v1/actions', 200],
      ['GET', '/v1/actions/nope', 404],
      ['DELETE', '/v1/stats', 405],
      ['GET', '/healthz', 200],
      ['GET', '/docs', 200],
      ['GET', '/openapi.json', 200],
    ] as const) {
      const reply = await send(h, method, path);
      expectStatus(reply, status);
      expect(reply.headers.get('x-content-type-options'), `${method} ${path}`).toBe('nosniff');
      if (path.startsWith('/v1/')) expect(reply.headers.get('cache-control'), `${method} ${path}`).toBe('no-store');
    }
    const asset = await send(h, 'GET', '/docs/assets/swagger-ui.css');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=86400');
  });

  it('/docs carries a CSP that allows only its own scripts, and the page needs nothing more', async () => {
    h = await seeded();
    const reply = await send(h, 'GET', '/docs');
    expectStatus(reply, 200);
    const csp = reply.headers.get('content-security-policy');
    expect(csp).toBe(DOCS_CSP);
    const directives = Object.fromEntries(csp!.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['connect-src']).toEqual(["'self'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    // Every script is a same-origin file (no inline script, which script-src 'self' would block) …
    const scripts = [...reply.text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThanOrEqual(2);
    for (const [, attributes, inline] of scripts) {
      expect(attributes).toMatch(/src="\/docs\/assets\/[\w.-]+"/);
      expect(inline!.trim()).toBe('');
    }
    // … and so is every stylesheet and icon, and the document the initializer loads.
    for (const [, href] of reply.text.matchAll(/<link\b[^>]*href="([^"]+)"/g)) expect(href).toMatch(/^\/docs\/assets\//);
    expect((await send(h, 'GET', '/docs/assets/kairos-init.js')).text).toContain("url: '/openapi.json'");
  });
});

describe('in-flight limit', () => {
  it('past the limit answers 503 + Retry-After before reading the body; probes are exempt; the count frees on the next turn', async () => {
    h = await seeded();
    const { logger, lines } = captureLogger();
    const app = createApp({ services: h.services, logger, bodyLimitBytes: 1 << 20, version: 'test', maxInflight: 2 });
    const first = heldDecision(app);
    const second = heldDecision(app);
    await nextTurn();

    // A malformed body is not even looked at: the limit answers first.
    const refused = await send({ app }, 'POST', '/v1/decisions', '{"not json', { 'x-request-id': 'shed-1' });
    expectUnavailable(refused);
    expectUnavailable(await send({ app }, 'GET', '/v1/stats'));
    expectStatus(await send({ app }, 'GET', '/healthz'), 200);
    expectStatus(await send({ app }, 'GET', '/readyz'), 200);

    first.finish();
    second.finish();
    expect((await first.reply).status).toBe(200);
    expect((await second.reply).status).toBe(200);
    await nextTurn();
    expectStatus(await send({ app }, 'POST', '/v1/decisions', { channel: 'app', context: CONTEXT }), 200);

    // Refused requests are counted in warn lines, not logged one by one: the first at once, the rest of the burst
    // when the report interval (1 s) is up — a condition waited for, not a sleep.
    const overload = () => lines.filter((l) => l.msg === 'overloaded: refused requests with 503');
    expect(overload()[0], JSON.stringify(lines)).toMatchObject({ level: 40, refused: 1, maxInflight: 2 });
    await vi.waitFor(() => expect(overload(), JSON.stringify(lines)).toHaveLength(2), { timeout: 10_000, interval: 50 });
    expect(overload()[1], JSON.stringify(lines)).toMatchObject({ level: 40, refused: 1, maxInflight: 2 });
    expect(lines.filter((l) => l.status === 503), JSON.stringify(lines)).toEqual([]);
    expect(lines.filter((l) => l.msg === 'decision'), JSON.stringify(lines)).toHaveLength(3);
  });

  it('a rejected request under the limit changes nothing and frees its place', async () => {
    h = await seeded();
    const app = createApp({ services: h.services, logger: pino({ level: 'silent' }), bodyLimitBytes: 1 << 20, version: 'test', maxInflight: 1 });
    expectStatus(await send({ app }, 'POST', '/v1/decisions', '{"not json'), 400);
    await nextTurn();
    expectStatus(await send({ app }, 'GET', '/v1/actions'), 200);
  });
});

describe('request timeout', () => {
  it('a request not answered in time gets 503 + Retry-After, logged as one request line', async () => {
    h = await seeded();
    const { logger, lines } = captureLogger();
    const app = createApp({ services: h.services, logger, bodyLimitBytes: 1 << 20, version: 'test', requestTimeoutMs: 50 });
    const held = heldDecision(app);
    const res = await held.reply;
    const reply: Reply = { status: res.status, headers: res.headers, text: await res.text(), body: undefined };
    reply.body = JSON.parse(reply.text);
    expectUnavailable(reply);
    expect(reply.body.detail, reply.text).toContain('50 ms');
    held.finish();
    expect(lines.filter((l) => l.msg === 'request'), JSON.stringify(lines)).toMatchObject([
      { level: 30, method: 'POST', route: '/v1/decisions', status: 503 },
    ]);
    // A request answered in time is untouched by the timer.
    expectStatus(await send({ app }, 'POST', '/v1/decisions', { channel: 'app', context: CONTEXT }), 200);
  });

  it('a body that arrives after the 503 is not acted on: no decision is stored, no feedback recorded', async () => {
    h = await seeded();
    const decided = await send(h, 'POST', '/v1/decisions', { channel: 'app', context: CONTEXT });
    expectStatus(decided, 200);
    const { logger, lines } = captureLogger();
    const app = createApp({ services: h.services, logger, bodyLimitBytes: 1 << 20, version: 'test', requestTimeoutMs: 50 });
    const feedbackPath = `/v1/decisions/${decided.body.decisionId}/feedback`;
    const heldDecisionReply = heldDecision(app);
    const heldFeedbackReply = heldRequest(app, feedbackPath, { actionId: 'a', outcome: 'response' });
    for (const held of [heldDecisionReply, heldFeedbackReply]) {
      const res = await held.reply;
      expect(res.status, await res.text()).toBe(503);
      held.finish();
    }
    // The late bodies are read and validated in microtasks after finish(); one turn later their handlers have run.
    // A decision answered afterwards commits after any the late one would have written.
    await nextTurn();
    expectStatus(await send({ app }, 'POST', '/v1/decisions', { channel: 'app', context: CONTEXT }), 200);
    expect(count(h, 'decisions'), 'the decided one and the one answered in time').toBe(2);
    expect(count(h, 'feedback'), 'the client was told to retry, so nothing is recorded').toBe(0);
    expect(lines.filter((l) => l.msg === 'decision'), JSON.stringify(lines)).toHaveLength(1);
    expectStatus(await send({ app }, 'POST', feedbackPath, { actionId: 'a', outcome: 'response' }), 202);
  });
});
