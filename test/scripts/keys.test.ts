/** `npm run keys`: create shows the key once, list shows no secret, revoke works against a database a service has open. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../scripts/keys.js';
import { KEY_PATTERN } from '../../src/access/keys.js';
import { createTestHarness, type TestHarness } from '../helpers/harness.js';
import { send } from '../helpers/http.js';
import { captureIo } from './script-fixtures.js';

let h: TestHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function run(argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io, {});
  return { code, out: io.out(), err: io.err() };
}

describe('keys script', () => {
  it('prints usage with --help', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.out).toContain('Usage: npm run keys');
    expect(result.out).toContain('revoke <keyId>');
  });

  it.each([
    [[], 'missing command'],
    [['rotate'], "unknown command 'rotate'"],
    [['create', '--name', 'web'], '--role'],
    [['create', '--role', 'app'], '--name'],
    [['create', '--role', 'root', '--name', 'web'], '--role must be one of app, analyst, ops'],
    [['create', '--role', 'app', '--name', '-bad name'], '--name'],
    [['revoke'], 'revoke needs the key id'],
    [['list', '--role', 'app'], 'belong to create'],
    [['list', '--colour'], "'--colour'"],
  ])('exits 2 naming the problem for %j', async (argv, expected) => {
    const result = await run(argv);
    expect(result.code, result.err).toBe(2);
    expect(result.err).toContain(expected);
    expect(result.err).toContain('--help');
  });

  it('generate prints a fresh key and stores nothing', async () => {
    const a = await run(['generate']);
    const b = await run(['generate']);
    expect(a.code).toBe(0);
    expect(a.out.trim()).toMatch(KEY_PATTERN);
    expect(a.out).not.toBe(b.out);
  });

  it('create, list and revoke against the database of a running engine, which follows at once on refresh', async () => {
    h = await createTestHarness();
    const db = ['--db', h.config.dbFile];

    const created = await run(['create', '--role', 'analyst', '--name', 'dashboard', ...db]);
    expect(created.code, created.err).toBe(0);
    const key = created.out.trim();
    expect(key, 'stdout is the key alone').toMatch(KEY_PATTERN);
    expect(created.err).toContain('shown only now');
    expect(created.err).not.toContain(key);

    const listed = await run(['list', ...db]);
    expect(listed.code, listed.err).toBe(0);
    expect(listed.out).toContain('dashboard');
    expect(listed.out).toContain(key.slice(0, 12));
    expect(listed.out).not.toContain(key.slice(12));
    const json = await run(['list', '--json', ...db]);
    const [entry] = JSON.parse(json.out) as { keyId: string; revokedAt: string | null }[];
    expect(Object.keys(entry!).sort()).toEqual(['createdAt', 'keyId', 'name', 'prefix', 'revokedAt', 'role']);
    expect(json.out).not.toContain(key.slice(12));

    h.engine.keyRing.refresh();
    expect((await send(h, 'GET', '/v1/stats', undefined, { authorization: `Bearer ${key}` })).status).toBe(200);
    expect((await send(h, 'GET', '/v1/stats')).status, 'keys are enforced once one exists').toBe(401);

    const revoked = await run(['revoke', entry!.keyId, ...db]);
    expect(revoked.code, revoked.err).toBe(0);
    expect(revoked.out).toContain(`revoked ${entry!.keyId}`);
    h.engine.keyRing.refresh();
    expect((await send(h, 'GET', '/v1/stats', undefined, { authorization: `Bearer ${key}` })).status).toBe(401);
    expect((await send(h, 'GET', '/v1/stats')).status, 'revoking the last key does not reopen the service').toBe(401);

    const again = await run(['revoke', entry!.keyId, ...db]);
    expect(again.code, again.err).toBe(0);
    expect(again.out).toContain('already revoked');
    const after = JSON.parse((await run(['list', '--json', ...db])).out) as { revokedAt: string | null }[];
    expect(after[0]!.revokedAt).not.toBeNull();
  });

  it('fails with exit 1 on an unknown key id, and on a missing database for list and revoke', async () => {
    h = await createTestHarness();
    const unknown = await run(['revoke', 'key_nope', '--db', h.config.dbFile]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain("no API key with id 'key_nope'");
    const missing = join(h.dir, 'elsewhere', 'kairos.db');
    for (const argv of [['list', '--db', missing], ['revoke', 'key_x', '--db', missing]]) {
      const result = await run(argv);
      expect(result.code).toBe(1);
      expect(result.err).toContain('no database at');
    }
    expect(existsSync(missing)).toBe(false);
  });
});
