/** The start-up rules (DESIGN.md §10), the loopback test, key material and the two config variables. */
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteKeyStore } from '../../db/stores/api-keys.js';
import { createKeyService } from '../../src/access/key-service.js';
import { displayPrefix, generateKey, hashKey, KEY_PATTERN } from '../../src/access/keys.js';
import { isLoopbackHost, prepareAccess } from '../../src/access/startup.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { openTempDb, type TempDb } from '../db/temp-db.js';

let tmp: TempDb | undefined;
afterEach(() => {
  tmp?.cleanup();
  tmp = undefined;
});

function fixture() {
  tmp = openTempDb();
  const store = createSqliteKeyStore(tmp.db);
  const keys = createKeyService({ store, now: () => 1_700_000_000_000 });
  return { store, keys };
}

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', 'localhost.', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'])(
    '%s is loopback',
    (host) => expect(isLoopbackHost(host)).toBe(true),
  );
  it.each(['0.0.0.0', '::', '10.0.0.5', '192.168.1.1', 'example.com', '127.0.0.256', '128.0.0.1', 'localhost.example.com', 'api.localhost', 'rebind.localhost.', 'localhost..', '::2', '1::1'])(
    '%s is not loopback',
    (host) => expect(isLoopbackHost(host)).toBe(false),
  );
});

describe('prepareAccess', () => {
  const base = { mode: 'auto' as const, bootstrapOpsKey: undefined };

  it('refuses a non-loopback HOST with no key, saying what to do', () => {
    const { store, keys } = fixture();
    const decision = prepareAccess({ ...base, keys, store, host: '0.0.0.0' });
    expect(decision.ok).toBe(false);
    if (decision.ok) return;
    expect(decision.message).toContain('HOST=0.0.0.0');
    expect(decision.message).toContain('npm run keys -- create --role ops');
    expect(decision.message).toContain('KAIROS_BOOTSTRAP_OPS_KEY');
    expect(decision.message).toContain('KAIROS_AUTH=off');
    expect(store.list()).toEqual([]);
  });

  it('opens a loopback HOST with no key, with a warning', () => {
    const { store, keys } = fixture();
    const decision = prepareAccess({ ...base, keys, store, host: '127.0.0.1' });
    expect(decision).toMatchObject({ ok: true, notices: [{ level: 'warn' }] });
    if (decision.ok) expect(decision.notices[0]!.message).toContain('open');
  });

  it('on loopback with every key revoked, starts closed and says so; a non-loopback HOST refuses', () => {
    const { store, keys } = fixture();
    keys.revoke(keys.create('web', 'app').keyId);
    const loopback = prepareAccess({ ...base, keys, store, host: '127.0.0.1' });
    expect(loopback).toMatchObject({ ok: true, notices: [{ level: 'warn' }] });
    if (loopback.ok) expect(loopback.notices[0]!.message).toContain('every API key is revoked');
    expect(prepareAccess({ ...base, keys, store, host: '0.0.0.0' }).ok).toBe(false);
  });

  it('starts a non-loopback HOST once a key exists', () => {
    const { store, keys } = fixture();
    keys.create('web', 'app');
    expect(prepareAccess({ ...base, keys, store, host: '0.0.0.0' })).toMatchObject({ ok: true, notices: [{ level: 'info' }] });
  });

  it('starts a non-loopback HOST with KAIROS_AUTH=off, with a warning', () => {
    const { store, keys } = fixture();
    const decision = prepareAccess({ ...base, mode: 'off', keys, store, host: '0.0.0.0' });
    expect(decision).toMatchObject({ ok: true, notices: [{ level: 'warn' }] });
    if (decision.ok) expect(decision.notices[0]!.message).toContain('KAIROS_AUTH=off');
  });

  it('creates the bootstrap ops key once, then finds it, and starts a non-loopback HOST with it', () => {
    const { store, keys } = fixture();
    const key = generateKey();
    expect(prepareAccess({ ...base, keys, store, host: '0.0.0.0', bootstrapOpsKey: key }).ok).toBe(true);
    expect(prepareAccess({ ...base, keys, store, host: '0.0.0.0', bootstrapOpsKey: key }).ok).toBe(true);
    const all = store.list();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ name: 'bootstrap', role: 'ops', secretHash: hashKey(key), prefix: displayPrefix(key), revokedAt: null });
  });

  it('two processes ensuring the same bootstrap key at once: the loser finds the winner\'s row', () => {
    const { store, keys } = fixture();
    const key = generateKey();
    keys.ensureBootstrap(key);
    // The other process read "absent" just before this one's insert committed: its insert hits the unique hash.
    let stale = true;
    const racing = { ...store, findByHash: (h: string) => (stale ? ((stale = false), undefined) : store.findByHash(h)) };
    const outcome = createKeyService({ store: racing, now: () => 0 }).ensureBootstrap(key);
    expect(outcome.kind).toBe('present');
    expect(store.list()).toHaveLength(1);
  });

  it('refuses a bootstrap key that was revoked: a restart must not bring it back', () => {
    const { store, keys } = fixture();
    const key = generateKey();
    prepareAccess({ ...base, keys, store, host: '0.0.0.0', bootstrapOpsKey: key });
    keys.revoke(store.list()[0]!.id);
    const decision = prepareAccess({ ...base, keys, store, host: '127.0.0.1', bootstrapOpsKey: key });
    expect(decision.ok).toBe(false);
    if (!decision.ok) expect(decision.message).toContain('revoked');
    expect(store.active()).toEqual([]);
  });
});

describe('key material', () => {
  it('generates distinct 256-bit keys of the documented form, hashed as SHA-256 hex', () => {
    const keys = new Set(Array.from({ length: 200 }, generateKey));
    expect(keys.size).toBe(200);
    for (const key of keys) {
      expect(key).toMatch(KEY_PATTERN);
      expect(Buffer.from(key.slice(7), 'base64url')).toHaveLength(32);
    }
    expect(hashKey('kairos_x')).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('config', () => {
  it('reads KAIROS_AUTH (auto by default) and KAIROS_BOOTSTRAP_OPS_KEY', () => {
    expect(loadConfig({})).toMatchObject({ auth: 'auto', bootstrapOpsKey: undefined });
    const key = generateKey();
    expect(loadConfig({ KAIROS_AUTH: 'off', KAIROS_BOOTSTRAP_OPS_KEY: key })).toMatchObject({ auth: 'off', bootstrapOpsKey: key });
  });

  it.each(['on', 'none', ''])('rejects KAIROS_AUTH=%j', (value) => {
    expect(() => loadConfig({ KAIROS_AUTH: value })).toThrow(/KAIROS_AUTH/);
  });

  it.each(['short', 'kairos_tooShort', `kairos_${'a'.repeat(42)}`, `kairos_${'a'.repeat(43)}!`, `other_${'a'.repeat(43)}`])(
    'rejects the bootstrap key %j, naming the variable without echoing the value',
    (value) => {
      let error: unknown;
      try {
        loadConfig({ KAIROS_BOOTSTRAP_OPS_KEY: value, KAIROS_AUTH: 'bad' });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems;
      expect(problems, 'every problem is collected').toHaveLength(2);
      expect(problems.join('\n')).toContain('KAIROS_BOOTSTRAP_OPS_KEY');
      expect(problems.join('\n')).not.toContain(value);
    },
  );
});
