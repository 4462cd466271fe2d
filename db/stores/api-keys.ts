/**
 * The SQLite implementation of the key store port (src/access/key-store.ts). It imports the port's types (the
 * one upward, type-only import in db/): the port is the contract every dialect's store implements.
 */
import type { ActiveKey, KeyStore, StoredKey } from '../../src/access/key-store.js';
import type { Role } from '../../src/access/keys.js';
import type { Db } from '../open.js';
import { perDb } from './statement-cache.js';

interface KeyRow {
  id: string;
  name: string;
  role: Role;
  secret_hash: string;
  prefix: string;
  created_at: number;
  revoked_at: number | null;
}

const COLUMNS = 'id, name, role, secret_hash, prefix, created_at, revoked_at';

const stmts = perDb((db: Db) => ({
  insert: db.sqlite.prepare<[string, string, string, string, string, number]>(
    'INSERT INTO api_keys (id, name, role, secret_hash, prefix, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  ),
  list: db.sqlite.prepare<[], KeyRow>(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at, rowid`),
  get: db.sqlite.prepare<[string], KeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE id = ?`),
  byHash: db.sqlite.prepare<[string], KeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE secret_hash = ?`),
  revoke: db.sqlite.prepare<[number, string]>('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
  active: db.sqlite.prepare<[], { id: string; name: string; role: Role; secret_hash: string }>(
    'SELECT id, name, role, secret_hash FROM api_keys WHERE revoked_at IS NULL',
  ),
  // Rows are only inserted and revoked (never deleted or un-revoked by Kairos), so these four move on every change;
  // total(revoked_at) also catches a hand-edited revocation time.
  count: db.sqlite.prepare<[], { n: number }>('SELECT count(*) AS n FROM api_keys'),
  token: db.sqlite.prepare<[], { n: number; revoked: number; total: number; last: number }>(
    'SELECT count(*) AS n, count(revoked_at) AS revoked, total(revoked_at) AS total, coalesce(max(rowid), 0) AS last FROM api_keys',
  ),
}));

const toStored = (row: KeyRow): StoredKey => ({
  id: row.id,
  name: row.name,
  role: row.role,
  secretHash: row.secret_hash,
  prefix: row.prefix,
  createdAt: row.created_at,
  revokedAt: row.revoked_at,
});

export function createSqliteKeyStore(db: Db): KeyStore {
  const s = () => stmts(db);
  return {
    insert(key) {
      s().insert.run(key.id, key.name, key.role, key.secretHash, key.prefix, key.createdAt);
    },
    list: () => s().list.all().map(toStored),
    get(id) {
      const row = s().get.get(id);
      return row ? toStored(row) : undefined;
    },
    findByHash(secretHash) {
      const row = s().byHash.get(secretHash);
      return row ? toStored(row) : undefined;
    },
    revoke(id, nowMs) {
      s().revoke.run(nowMs, id);
      const row = s().get.get(id);
      return row ? toStored(row) : undefined;
    },
    active: (): ActiveKey[] => s().active.all().map((row) => ({ id: row.id, name: row.name, role: row.role, secretHash: row.secret_hash })),
    count: () => s().count.get()!.n,
    changeToken() {
      const t = s().token.get()!;
      return `${t.n}:${t.revoked}:${t.total}:${t.last}`;
    },
  };
}
