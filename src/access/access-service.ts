/**
 * Who may call: the request path's view of the keys. `enforced()` says whether keys are checked at all right now;
 * `authenticate()` maps a presented key to its active record with one hash and one Map get.
 *
 * KAIROS_AUTH=auto checks keys as soon as one is active. With none, the service is open only on a loopback HOST;
 * on any other HOST it stays closed (every protected route 401) even when the last key is revoked while it runs, so
 * revoking keys can never open a listening service to the network.
 */
import type { ActiveKey } from './key-store.js';
import type { KeyRing } from './key-ring.js';
import { hashKey, MAX_KEY_LENGTH } from './keys.js';

export type AuthMode = 'auto' | 'off';

export interface AccessService {
  /** Whether requests must present a key now. */
  enforced(): boolean;
  /** The active key presented, or undefined (unknown, revoked or malformed). */
  authenticate(key: string): ActiveKey | undefined;
}

export function createAccessService(deps: { ring: KeyRing; mode: AuthMode; loopback: boolean }): AccessService {
  const { ring, mode, loopback } = deps;
  return {
    enforced: () => mode !== 'off' && (ring.size() > 0 || !loopback),
    authenticate: (key) => (key.length > MAX_KEY_LENGTH ? undefined : ring.lookup(hashKey(key))),
  };
}
