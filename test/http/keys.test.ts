/** /v1/keys, both key headers, hashed storage, the 401/403 problems, the request log and the OpenAPI security. */
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { createTestHarness, type TestHarness } from '../helpers/harness.js';
import { expectStatus, send, type Reply } from '../helpers/http.js';

let h: TestHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function keyed(): Promise<TestHarness & { apiKeys: NonNullable<TestHarness['apiKeys']> }> {
  h = await createTestHarness({ apiKeys: true });
  return h as TestHarness & { apiKeys: NonNullable<TestHarness['apiKeys']> };
}

function expectProblem(reply: Reply, status: number, code: string): void {
  expectStatus(reply, status);
  expect(reply.headers.get('content-type'), reply.text).toBe('application/problem+json');
  expect(reply.body, reply.text).toMatchObject({ type: `https://kairos.dev/problems/${code}`, status });
}

const rowCount = (t: TestHarness) => (t.db.sqlite.prepare('SELECT count(*) AS n FROM api_keys').get() as { n: number }).n;

describe('POST /v1/keys', () => {
  it('creates a key shown once, which works at once, stored only as its SHA-256', async () => {
    const t = await keyed();
    const reply = await send(t, 'POST', '/v1/keys', { name: 'web', role: 'app' }, bearer(t.apiKeys.ops));
    expectStatus(reply, 201);
    const created = reply.body;
    expect(Object.keys(created).sort(), reply.text).toEqual(['createdAt', 'key', 'keyId', 'name', 'prefix', 'role']);
    expect(created, reply.text).toMatchObject({ name: 'web', role: 'app' });
    expect(created.key, reply.text).toMatch(/^kairos_[A-Za-z0-9_-]{43}$/);
    expect(created.prefix, reply.text).toBe(created.key.slice(0, 12));
    expect(reply.headers.get('cache-control')).toBe('no-store');

    const decision = await send(t, 'POST', '/v1/decisions', { channel: 'web', context: {} }, bearer(created.key));
    expect([401, 403], decision.text).not.toContain(decision.status);

    // No column of any row holds the key (or its random part); the hash column is its SHA-256 hex.
    const rows = t.db.sqlite.prepare('SELECT * FROM api_keys').all() as Record<string, unknown>[];
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(created.key);
    expect(dump).not.toContain(created.key.slice(12));
    const row = rows.find((r) => r.id === created.keyId)!;
    expect(row.secret_hash).toBe(createHash('sha256').update(created.key).digest('hex'));
    for (const key of Object.values(t.apiKeys)) expect(dump).not.toContain(key.slice(12));
  });

  it.each([
    [{ role: 'app' }, 'name'],
    [{ name: 'web' }, 'role'],
    [{ name: 'web', role: 'admin' }, 'role'],
    [{ name: '', role: 'app' }, 'name'],
    [{ name: ' leading space', role: 'app' }, 'name'],
    [{ name: 'x'.repeat(65), role: 'app' }, 'name'],
    [{ name: 'new\nline', role: 'app' }, 'name'],
    [{ name: 'web', role: 'app', key: 'kairos_chosen' }, 'key'],
  ])('answers 400 naming the field for %j and creates nothing', async (body, field) => {
    const t = await keyed();
    const before = rowCount(t);
    const reply = await send(t, 'POST', '/v1/keys', body, bearer(t.apiKeys.ops));
    expectProblem(reply, 400, 'validation');
    expect(reply.body.errors.map((e: { field: string }) => e.field), reply.text).toContain(field);
    expect(rowCount(t)).toBe(before);
  });

  it('is ops only: an app or analyst key gets a 403 naming the role needed', async () => {
    const t = await keyed();
    for (const role of ['app', 'analyst'] as const) {
      const reply = await send(t, 'POST', '/v1/keys', { name: 'x', role: 'ops' }, bearer(t.apiKeys[role]));
      expectProblem(reply, 403, 'forbidden');
      expect(reply.body.detail, reply.text).toContain('ops');
      expect(reply.body.detail, reply.text).toContain(role);
      expect(reply.body.roles, reply.text).toEqual(['ops']);
    }
    expect(rowCount(t)).toBe(3);
  });
});

describe('GET /v1/keys', () => {
  it('lists every key with its prefix and revokedAt, never a secret or a hash', async () => {
    const t = await keyed();
    const extra = t.services.keys.create('batch', 'app');
    t.services.keys.revoke(extra.keyId);
    const reply = await send(t, 'GET', '/v1/keys', undefined, bearer(t.apiKeys.ops));
    expectStatus(reply, 200);
    expect(reply.body.map((k: { name: string }) => k.name), reply.text).toEqual(['test-app', 'test-analyst', 'test-ops', 'batch']);
    for (const entry of reply.body) {
      expect(Object.keys(entry).sort(), reply.text).toEqual(['createdAt', 'keyId', 'name', 'prefix', 'revokedAt', 'role']);
    }
    expect(reply.body[3].revokedAt, reply.text).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(reply.body[0].revokedAt, reply.text).toBeNull();
    for (const key of [...Object.values(t.apiKeys), extra.key]) expect(reply.text).not.toContain(key.slice(12));
    expect(reply.text).not.toMatch(/[0-9a-f]{64}/);
  });
});

describe('DELETE /v1/keys/{keyId}', () => {
  it('revokes at once; a second DELETE is 204 again and keeps the first time; an unknown id is 404', async () => {
    const t = await keyed();
    const app = t.services.keys.create('web', 'app');
    expectStatus(await send(t, 'DELETE', `/v1/keys/${app.keyId}`, undefined, bearer(t.apiKeys.ops)), 204);
    const refused = await send(t, 'POST', '/v1/decisions', { channel: 'web', context: {} }, bearer(app.key));
    expectProblem(refused, 401, 'unauthorized');
    expect(refused.body.errors, refused.text).toEqual([{ field: 'authorization', message: 'a valid API key is required' }]);
    const first = t.services.keys.list().find((k) => k.keyId === app.keyId)!.revokedAt;
    expect(first).not.toBeNull();

    expectStatus(await send(t, 'DELETE', `/v1/keys/${app.keyId}`, undefined, bearer(t.apiKeys.ops)), 204);
    expect(t.services.keys.list().find((k) => k.keyId === app.keyId)!.revokedAt).toBe(first);

    const unknown = await send(t, 'DELETE', '/v1/keys/key_nope', undefined, bearer(t.apiKeys.ops));
    expectProblem(unknown, 404, 'not_found');
    expect(unknown.body.detail, unknown.text).toContain('key_nope');
  });

  it('answers 400 naming keyId for an id that cannot be one', async () => {
    const t = await keyed();
    const reply = await send(t, 'DELETE', `/v1/keys/${encodeURIComponent('../etc')}`, undefined, bearer(t.apiKeys.ops));
    expectProblem(reply, 400, 'validation');
    expect(reply.body.errors[0].field, reply.text).toBe('keyId');
  });
});

describe('presenting a key', () => {
  it('accepts Authorization: Bearer (any case) and Ocp-Apim-Subscription-Key', async () => {
    const t = await keyed();
    const forms: Record<string, string>[] = [
      { authorization: `Bearer ${t.apiKeys.analyst}` },
      { authorization: `bearer ${t.apiKeys.analyst}` },
      { 'ocp-apim-subscription-key': t.apiKeys.analyst },
      { 'Ocp-Apim-Subscription-Key': t.apiKeys.analyst },
    ];
    for (const headers of forms) {
      const reply = await send(t, 'GET', '/v1/stats', undefined, headers);
      expectStatus(reply, 200);
    }
  });

  it.each([
    [{}, 'required'],
    [{ authorization: 'Basic dXNlcjpwYXNz' }, 'Bearer'],
    [{ authorization: 'Bearer' }, 'Bearer'],
    [{ authorization: 'Bearer kairos_unknown' }, 'not valid'],
    [{ authorization: `Bearer kairos_${'x'.repeat(5000)}` }, 'not valid'],
    [{ 'ocp-apim-subscription-key': 'nope' }, 'not valid'],
  ])('answers 401 with WWW-Authenticate for %j', async (headers, detail) => {
    const t = await keyed();
    const reply = await send(t, 'GET', '/v1/stats', undefined, headers as Record<string, string>);
    expectProblem(reply, 401, 'unauthorized');
    expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="kairos"');
    expect(reply.body.detail, reply.text).toContain(detail);
  });

  it('checks the key before the body: a 401, not a 400 or 413, for a malformed or oversized body without a key', async () => {
    h = await createTestHarness({ apiKeys: true, env: { KAIROS_BODY_LIMIT: '1kb' } });
    expectProblem(await send(h, 'PUT', '/v1/schema', '{"features": [', {}), 401, 'unauthorized');
    expectProblem(await send(h, 'PUT', '/v1/schema', JSON.stringify({ features: [], pad: 'x'.repeat(4096) }), {}), 401, 'unauthorized');
    const keyedReply = await send(h, 'PUT', '/v1/schema', JSON.stringify({ features: [], pad: 'x'.repeat(4096) }), bearer(h.apiKeys!.ops));
    expectProblem(keyedReply, 413, 'payload_too_large');
  });

  it('without any key, on loopback, every route is open; the first key created turns checks on at once', async () => {
    h = await createTestHarness();
    const t = h;
    expectStatus(await send(t, 'GET', '/v1/stats'), 200);
    const created = await send(t, 'POST', '/v1/keys', { name: 'admin', role: 'ops' });
    expectStatus(created, 201);
    expectProblem(await send(t, 'GET', '/v1/stats'), 401, 'unauthorized');
    expectStatus(await send(t, 'GET', '/v1/stats', undefined, bearer(created.body.key)), 200);
    expectStatus(await send(t, 'GET', '/healthz'), 200);
  });

  it('HEAD follows the GET route it is served by', async () => {
    const t = await keyed();
    expect((await send(t, 'HEAD', '/v1/stats')).status).toBe(401);
    expect((await send(t, 'HEAD', '/v1/stats', undefined, bearer(t.apiKeys.app))).status).toBe(403);
    expect((await send(t, 'HEAD', '/v1/stats', undefined, bearer(t.apiKeys.analyst))).status).toBe(200);
    expect((await send(t, 'HEAD', '/healthz')).status).toBe(200);
  });

  it('KAIROS_AUTH=off never checks, even with keys', async () => {
    h = await createTestHarness({ apiKeys: true, env: { KAIROS_AUTH: 'off' } });
    expectStatus(await send(h, 'GET', '/v1/stats'), 200);
    expectStatus(await send(h, 'GET', '/v1/stats', undefined, bearer('kairos_wrong')), 200);
  });

  it('on a non-loopback HOST with no active key, protected routes stay closed (revoking the last key opens nothing)', async () => {
    h = await createTestHarness({ env: { HOST: '0.0.0.0' } });
    expectProblem(await send(h, 'GET', '/v1/stats'), 401, 'unauthorized');
    expectStatus(await send(h, 'GET', '/healthz'), 200);
  });
});

describe('the request log and the API description', () => {
  it('the request line carries the key id and role, never the key', async () => {
    h = await createTestHarness({ apiKeys: true });
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const app = createApp({ services: h.services, logger: pino({ level: 'debug' }, stream), bodyLimitBytes: 1024, version: 'test' });
    const key = h.apiKeys!.analyst;
    expectStatus(await send({ app }, 'GET', '/v1/stats', undefined, bearer(key)), 200);
    const analyst = h.services.keys.list().find((k) => k.role === 'analyst')!;
    const line = lines.find((l) => l.msg === 'request' && l.route === '/v1/stats');
    expect(line, JSON.stringify(lines)).toMatchObject({ keyId: analyst.keyId, role: 'analyst', status: 200 });
    expect(JSON.stringify(lines)).not.toContain(key.slice(12));

    // Key changes leave an audit line naming the key changed and the key that changed it, never a secret nor the
    // key's name (it may be personal data, as here).
    const opsId = h.services.keys.list().find((k) => k.role === 'ops')!.keyId;
    const created = await send({ app }, 'POST', '/v1/keys', { name: 'ada@example.com', role: 'app' }, bearer(h.apiKeys!.ops));
    expectStatus(created, 201);
    expectStatus(await send({ app }, 'DELETE', `/v1/keys/${created.body.keyId}`, undefined, bearer(h.apiKeys!.ops)), 204);
    const audit = lines.find((l) => l.msg === 'API key created');
    expect(audit, JSON.stringify(lines)).toMatchObject({ keyId: created.body.keyId, role: 'app', by: opsId, level: 30 });
    expect(audit, JSON.stringify(lines)).not.toHaveProperty('name');
    expect(JSON.stringify(lines)).not.toContain('ada@example.com');
    expect(lines.find((l) => l.msg === 'API key revoked'), JSON.stringify(lines)).toMatchObject({ keyId: created.body.keyId, by: opsId, level: 30 });
    expect(JSON.stringify(lines)).not.toContain(created.body.key.slice(12));
  });

  it('/openapi.json declares both key schemes, the roles of each operation and public probes', async () => {
    h = await createTestHarness({ apiKeys: true });
    const reply = await send(h, 'GET', '/openapi.json');
    expectStatus(reply, 200);
    const doc = reply.body;
    expect(doc.components.securitySchemes, reply.text.slice(0, 300)).toMatchObject({
      bearerKey: { type: 'http', scheme: 'bearer' },
      subscriptionKey: { type: 'apiKey', in: 'header', name: 'Ocp-Apim-Subscription-Key' },
    });
    expect(doc.paths['/healthz'].get.security).toEqual([]);
    const create = doc.paths['/v1/keys'].post;
    expect(create.security).toEqual([{ bearerKey: [] }, { subscriptionKey: [] }]);
    expect(create['x-kairos-roles']).toEqual(['ops']);
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['201', '401', '403']));
    expect(doc.paths['/v1/decisions'].post['x-kairos-roles']).toEqual(['app', 'ops']);
  });
});
