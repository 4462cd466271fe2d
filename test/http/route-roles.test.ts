/**
 * The route → role table walked against the app's registered routes: every route has an entry (a route added
 * without one fails here), every entry is a route, and every route answers every kind of caller — no key, an
 * unknown key, a revoked key, and a key of each role — with 401 / 403 / neither exactly as the table says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/access/keys.js';
import { ROUTE_ROLES, tableKey, type RouteRule } from '../../src/http/access/route-roles.js';
import { createTestHarness, type TestHarness } from '../helpers/harness.js';
import { send, type Reply } from '../helpers/http.js';

let h: TestHarness;
let revokedKey: string;
beforeAll(async () => {
  h = await createTestHarness({ demo: true, apiKeys: true });
  const revoked = h.services.keys.create('revoked', 'ops');
  h.services.keys.revoke(revoked.keyId);
  revokedKey = revoked.key;
});
afterAll(async () => {
  await h.close();
});

/** Every (method, path) an app registered, in the table's spelling; middleware (`ALL`) is not a route. */
function registeredRoutes(app: TestHarness['app']): { key: string; method: string; path: string }[] {
  const seen = new Map<string, { key: string; method: string; path: string }>();
  for (const route of app.routes) {
    if (route.method === 'ALL') continue;
    const key = tableKey(route.method, route.path);
    seen.set(key, { key, method: route.method, path: route.path });
  }
  return [...seen.values()];
}

// The routes come from a real app, not from the table, so one test per registered route is generated below.
const probe = await createTestHarness();
const ROUTES = registeredRoutes(probe.app);
await probe.close();

/** Parameters filled so the request reaches the handler without changing anything (unknown ids, a real asset). */
const SAMPLE_PARAMS: Record<string, string> = {
  actionId: 'no-such-action',
  decisionId: 'no-such-decision',
  keyId: 'key_no_such_key',
  customerId: 'no-such-customer',
  channelId: 'no-such-channel',
  evaluationId: 'no-such-evaluation',
  eventId: 'no-such-event',
  file: 'favicon-16x16.png',
};

function concretePath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    const value = SAMPLE_PARAMS[name];
    if (value === undefined) throw new Error(`add a sample value for the path parameter :${name} (${path})`);
    return value;
  });
}

type Caller = 'no key' | 'unknown key' | 'revoked key' | Role;
const CALLERS: Caller[] = ['no key', 'unknown key', 'revoked key', ...ROLES];

function headersFor(caller: Caller): Record<string, string> {
  if (caller === 'no key') return {};
  if (caller === 'unknown key') return { authorization: `Bearer kairos_${'A'.repeat(43)}` };
  if (caller === 'revoked key') return { authorization: `Bearer ${revokedKey}` };
  return { authorization: `Bearer ${h.apiKeys![caller]}` };
}

/** An empty JSON object where a body is expected: validation answers 400, so nothing is ever written. */
function call(method: string, path: string, caller: Caller): Promise<Reply> {
  const body = method === 'POST' || method === 'PUT' || method === 'PATCH' ? {} : undefined;
  return send(h, method, concretePath(path), body, headersFor(caller));
}

function expectAnswer(reply: Reply, rule: RouteRule, caller: Caller, label: string): void {
  const context = `${label} as ${caller}: ${reply.status} ${reply.text.slice(0, 300)}`;
  const allowed = rule === 'public' || ((ROLES as readonly string[]).includes(caller) && rule.includes(caller as Role));
  if (allowed) {
    expect([401, 403], context).not.toContain(reply.status);
    return;
  }
  const anonymous = caller === 'no key' || caller === 'unknown key' || caller === 'revoked key';
  expect(reply.status, context).toBe(anonymous ? 401 : 403);
  if (label.includes(' /personalizer/')) {
    // Azure Personalizer's error shape there (src/http/personalizer/errors.ts), the same refusal underneath.
    expect(reply.headers.get('content-type'), context).toBe('application/json; charset=utf-8');
    expect(reply.body.error.code, context).toBe(anonymous ? 'Unauthorized' : 'Forbidden');
    if (anonymous) expect(reply.headers.get('www-authenticate'), context).toBe('Bearer realm="kairos"');
    else for (const role of rule as readonly Role[]) expect(reply.body.error.message, context).toContain(role);
    return;
  }
  expect(reply.headers.get('content-type'), context).toBe('application/problem+json');
  if (anonymous) {
    expect(reply.headers.get('www-authenticate'), context).toBe('Bearer realm="kairos"');
    expect(reply.body.type, context).toBe('https://kairos.dev/problems/unauthorized');
  } else {
    expect(reply.body.type, context).toBe('https://kairos.dev/problems/forbidden');
    expect(reply.body.roles, context).toEqual([...(rule as readonly Role[])]);
    for (const role of rule as readonly Role[]) expect(reply.body.detail, context).toContain(role);
  }
}

describe('the route → role table', () => {
  it('has an entry for every registered route', () => {
    const missing = ROUTES.filter((r) => !Object.hasOwn(ROUTE_ROLES, r.key)).map((r) => r.key);
    expect(missing, `routes with no entry in src/http/access/route-roles.ts: ${missing.join(', ')}`).toEqual([]);
  });

  it('names only registered routes', () => {
    const registered = new Set(ROUTES.map((r) => r.key));
    const stale = Object.keys(ROUTE_ROLES).filter((key) => !registered.has(key));
    expect(stale, `entries for routes that do not exist: ${stale.join(', ')}`).toEqual([]);
  });

  it('lets ops call every protected route, and keeps only the probes, the API description and the dashboard shell public', () => {
    const publicRoutes = Object.entries(ROUTE_ROLES).filter(([, rule]) => rule === 'public').map(([key]) => key);
    // The dashboard's page and assets hold no data (its data calls are analyst routes): issue #11 item 4.
    expect(publicRoutes.sort()).toEqual([
      'GET /dashboard',
      'GET /dashboard/assets/{file}',
      'GET /docs',
      'GET /docs/assets/kairos-init.js',
      'GET /docs/assets/{file}',
      'GET /healthz',
      'GET /openapi.json',
      'GET /readyz',
    ]);
    for (const [key, rule] of Object.entries(ROUTE_ROLES)) if (rule !== 'public') expect(rule, key).toContain('ops');
  });

  it.each(ROUTES.map((r) => [r.key, r] as const))('%s answers every caller as the table says', async (key, route) => {
    const rule = ROUTE_ROLES[key] ?? ['ops'];
    for (const caller of CALLERS) expectAnswer(await call(route.method, route.path, caller), rule, caller, key);
  });

  it('changed nothing while every route was called (the keys are as they were)', () => {
    expect(h.services.keys.list().map((k) => k.name).sort()).toEqual(['revoked', 'test-analyst', 'test-app', 'test-ops']);
  });
});

describe('routes outside the table', () => {
  it('a request that matches no route needs a valid key, then gets its 404', async () => {
    const anonymous = await send(h, 'GET', '/v1/nothing-here');
    expect(anonymous.status, anonymous.text).toBe(401);
    const keyed = await send(h, 'GET', '/v1/nothing-here', undefined, headersFor('app'));
    expect(keyed.status, keyed.text).toBe(404);
  });

  it('a route registered without an entry is ops-only (fails closed)', async () => {
    const other = await createTestHarness({ apiKeys: true });
    try {
      other.app.get('/v1/unlisted', (c) => c.json({ ok: true }));
      for (const role of ['app', 'analyst'] as const) {
        const reply = await send(other, 'GET', '/v1/unlisted', undefined, { authorization: `Bearer ${other.apiKeys![role]}` });
        expect(reply.status, reply.text).toBe(403);
      }
      const ops = await send(other, 'GET', '/v1/unlisted', undefined, { authorization: `Bearer ${other.apiKeys!.ops}` });
      expect(ops.status, ops.text).toBe(200);
    } finally {
      await other.close();
    }
  });
});
