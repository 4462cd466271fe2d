/**
 * The active keys of this process, in memory: a request is checked with one hash and one Map get, never a query.
 * Revocations by other processes (the keys script, another replica) are seen by polling the store's change token
 * every KEY_REFRESH_INTERVAL_MS; this process's own changes call `reload()` at once.
 *
 * It fails closed: a lookup in a ring last confirmed against the store more than KEY_RING_MAX_AGE_MS ago refreshes
 * it first, and when the store cannot answer it throws `unavailable` (503, Retry-After 1) rather than accept keys
 * that may have been revoked since.
 */
import { AppError } from '../errors.js';
import { periodic } from '../periodic.js';
import type { ActiveKey, KeyStore } from './key-store.js';

/** Well under the 1 s within which a revocation must hold everywhere (DESIGN.md §10). */
export const KEY_REFRESH_INTERVAL_MS = 250;
/** The 1 s of DESIGN.md §10: a ring not confirmed against the store for longer is not trusted. */
export const KEY_RING_MAX_AGE_MS = 1_000;

export interface KeyRing {
  /**
   * The active key with this SHA-256 hex, or undefined (unknown or revoked). Throws AppError `unavailable` when the
   * ring is older than KEY_RING_MAX_AGE_MS and the store cannot be read to refresh it.
   */
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
  /** Clock in ms for the ring's age (default Date.now). */
  now?: () => number;
}): KeyRing {
  const now = deps.now ?? Date.now;
  let byHash = new Map<string, ActiveKey>();
  let known = 0;
  let token = '';
  /** When the ring was last confirmed to match the store (a load, or a refresh that found no change). */
  let verifiedAt = 0;
  const reload = (): void => {
    // Token first: a change committed between the reads is then seen again on the next refresh, never lost. Nothing
    // is kept until every read succeeded, so a failed reload cannot leave a new token beside the old keys.
    const nextToken = deps.store.changeToken();
    const nextByHash = new Map(deps.store.active().map((key) => [key.secretHash, key]));
    const nextKnown = deps.store.count();
    token = nextToken;
    byHash = nextByHash;
    known = nextKnown;
    verifiedAt = now();
  };
  const refresh = (): boolean => {
    if (deps.store.changeToken() !== token) {
      reload();
      return true;
    }
    verifiedAt = now();
    return false;
  };
  const lookup = (secretHash: string): ActiveKey | undefined => {
    if (now() - verifiedAt > KEY_RING_MAX_AGE_MS) {
      try {
        refresh();
      } catch {
        // The failure itself is logged by the periodic refresh (onError); here the request is refused.
        throw new AppError('unavailable', 'the API keys cannot be checked right now; retry after 1 s', undefined, {
          retryAfterSeconds: 1,
        });
      }
    }
    return byHash.get(secretHash);
  };
  reload();
  return {
    lookup,
    size: () => byHash.size,
    known: () => known,
    refresh,
    reload,
    ...periodic(refresh, deps.intervalMs ?? KEY_REFRESH_INTERVAL_MS, deps.onError),
  };
}
