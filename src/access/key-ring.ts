/**
 * The active keys of this process, in memory: a request is checked with one hash and one Map get, never a query.
 * Revocations by other processes (the keys script, another replica) are seen by polling the store's change token
 * every KEY_REFRESH_INTERVAL_MS; this process's own changes call `reload()` at once.
 */
import { periodic } from '../periodic.js';
import type { ActiveKey, KeyStore } from './key-store.js';

/** Well under the 1 s within which a revocation must hold everywhere (DESIGN.md §10). */
export const KEY_REFRESH_INTERVAL_MS = 250;

export interface KeyRing {
  /** The active key with this SHA-256 hex, or undefined (unknown or revoked). */
  lookup(secretHash: string): ActiveKey | undefined;
  /** How many keys are active. */
  size(): number;
  /** How many keys exist, revoked ones included. */
  known(): number;
  /** Reloads the active keys if the store changed since the last load; returns whether it did. */
  refresh(): boolean;
  /** Reloads the active keys now. */
  reload(): void;
  start(): void;
  stop(): void;
}

export function createKeyRing(deps: {
  store: KeyStore;
  intervalMs?: number;
  onError: (error: unknown) => void;
}): KeyRing {
  let byHash = new Map<string, ActiveKey>();
  let known = 0;
  let token = '';
  const reload = (): void => {
    // Token first: a change committed between the two reads is then seen again on the next refresh, never lost.
    token = deps.store.changeToken();
    byHash = new Map(deps.store.active().map((key) => [key.secretHash, key]));
    known = deps.store.count();
  };
  const refresh = (): boolean => {
    if (deps.store.changeToken() === token) return false;
    reload();
    return true;
  };
  reload();
  return {
    lookup: (secretHash) => byHash.get(secretHash),
    size: () => byHash.size,
    known: () => known,
    refresh,
    reload,
    ...periodic(refresh, deps.intervalMs ?? KEY_REFRESH_INTERVAL_MS, deps.onError),
  };
}
