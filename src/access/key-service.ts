/**
 * Creating, listing and revoking API keys — the same code behind `/v1/keys` and `npm run keys`. A key is returned
 * in clear exactly once, by `create`; everything else sees its id, name, role and prefix.
 */
import { AppError } from '../errors.js';
import type { KeyStore, StoredKey } from './key-store.js';
import { displayPrefix, generateKey, generateKeyId, hashKey, type Role } from './keys.js';

export interface ApiKeyView {
  keyId: string;
  name: string;
  role: Role;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}

/** The answer to a creation: the only time the key itself is shown. */
export interface CreatedApiKey {
  keyId: string;
  name: string;
  role: Role;
  prefix: string;
  createdAt: string;
  key: string;
}

/** What `ensureBootstrap` found or did with KAIROS_BOOTSTRAP_OPS_KEY. */
export type BootstrapOutcome =
  | { kind: 'created'; keyId: string }
  | { kind: 'present'; keyId: string }
  /** The key exists but was revoked (or is not an ops key): it must not come back to life on a restart. */
  | { kind: 'refused'; keyId: string; reason: string };

export interface KeyService {
  create(name: string, role: Role): CreatedApiKey;
  list(): ApiKeyView[];
  /** Revokes the key (idempotent: a revoked key stays revoked with its first time); AppError not_found if unknown. */
  revoke(keyId: string): ApiKeyView;
  /** Ensures an active ops key named `bootstrap` with exactly this value exists. */
  ensureBootstrap(key: string): BootstrapOutcome;
}

export const BOOTSTRAP_KEY_NAME = 'bootstrap';

export function toKeyView(key: StoredKey): ApiKeyView {
  return {
    keyId: key.id,
    name: key.name,
    role: key.role,
    prefix: key.prefix,
    createdAt: new Date(key.createdAt).toISOString(),
    revokedAt: key.revokedAt === null ? null : new Date(key.revokedAt).toISOString(),
  };
}

export function createKeyService(deps: {
  store: KeyStore;
  now: () => number;
  /** Called after every change this service commits (the key ring reloads at once). */
  onChange?: () => void;
}): KeyService {
  const { store, now } = deps;
  const insert = (name: string, role: Role, key: string): StoredKey => {
    const stored: StoredKey = {
      id: generateKeyId(),
      name,
      role,
      secretHash: hashKey(key),
      prefix: displayPrefix(key),
      createdAt: now(),
      revokedAt: null,
    };
    store.insert(stored);
    deps.onChange?.();
    return stored;
  };
  return {
    create(name, role) {
      const key = generateKey();
      const stored = insert(name, role, key);
      const { revokedAt: _revoked, ...view } = toKeyView(stored);
      return { ...view, key };
    },
    list: () => store.list().map(toKeyView),
    revoke(keyId) {
      const revoked = store.revoke(keyId, now());
      if (!revoked) throw new AppError('not_found', `no API key with id '${keyId}'`, [{ field: 'keyId', message: 'no such API key' }]);
      deps.onChange?.();
      return toKeyView(revoked);
    },
    ensureBootstrap(key) {
      let existing = store.findByHash(hashKey(key));
      if (!existing) {
        try {
          return { kind: 'created', keyId: insert(BOOTSTRAP_KEY_NAME, 'ops', key).id };
        } catch (error) {
          // Two processes starting together with the same key: the other one's insert won (secret_hash is unique).
          existing = store.findByHash(hashKey(key));
          if (!existing) throw error;
        }
      }
      if (existing.revokedAt !== null) {
        return { kind: 'refused', keyId: existing.id, reason: `KAIROS_BOOTSTRAP_OPS_KEY is the key ${existing.id}, which was revoked` };
      }
      if (existing.role !== 'ops') {
        return { kind: 'refused', keyId: existing.id, reason: `KAIROS_BOOTSTRAP_OPS_KEY is the key ${existing.id}, whose role is ${existing.role}, not ops` };
      }
      return { kind: 'present', keyId: existing.id };
    },
  };
}
