/** The SQLite implementation of the contact policy store port (src/policies/channel-store.ts): one row, id 1. */
import type { ContactPolicyStore } from '../../src/policies/channel-store.js';
import type { ContactPolicy } from '../../src/policies/types.js';
import type { Db } from '../open.js';
import { perDb } from './statement-cache.js';

const POLICY_ROW_ID = 1;

const stmts = perDb((db: Db) => ({
  get: db.sqlite.prepare<[number], { policy: string }>('SELECT policy FROM contact_policy WHERE id = ?'),
  put: db.sqlite.prepare<[number, string, number]>(
    'INSERT INTO contact_policy (id, policy, updated_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET policy = excluded.policy, updated_at = excluded.updated_at',
  ),
}));

export function createSqliteContactPolicyStore(db: Db): ContactPolicyStore {
  return {
    get() {
      const row = stmts(db).get.get(POLICY_ROW_ID);
      return row ? (JSON.parse(row.policy) as ContactPolicy) : undefined;
    },
    put(policy, nowMs) {
      stmts(db).put.run(POLICY_ROW_ID, JSON.stringify(policy), nowMs);
    },
  };
}
