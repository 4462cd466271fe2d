/**
 * The key store port: what the access layer needs from storage. The SQLite implementation is
 * db/stores/api-keys.ts; a PostgreSQL one implements the same interface. Domain code imports only this file.
 * Timestamps are Unix milliseconds.
 */
import type { Role } from './keys.js';

export interface StoredKey {
  id: string;
  name: string;
  role: Role;
  /** SHA-256 hex of the key; the key itself is never stored. */
  secretHash: string;
  /** The key's first characters, for listings. */
  prefix: string;
  createdAt: number;
  /** When it was revoked; null while it is active. */
  revokedAt: number | null;
}

/** An active key as the request path needs it. */
export interface ActiveKey {
  id: string;
  name: string;
  role: Role;
  secretHash: string;
}

export interface KeyStore {
  insert(key: StoredKey): void;
  /** Every key, active and revoked, oldest first (ties in creation order). */
  list(): StoredKey[];
  get(id: string): StoredKey | undefined;
  findByHash(secretHash: string): StoredKey | undefined;
  /**
   * Sets `revokedAt` if the key is active; an already revoked key keeps its first revocation time.
   * Returns the key as it now is, or undefined when no key has this id.
   */
  revoke(id: string, nowMs: number): StoredKey | undefined;
  /** The keys that authenticate: revokedAt null. */
  active(): ActiveKey[];
  /** How many keys exist, revoked ones included. */
  count(): number;
  /**
   * A cheap token that changes whenever a key is added or revoked, by any process: polling it costs one
   * aggregate over a small table, and the active set is reloaded only when it moves.
   */
  changeToken(): string;
}
