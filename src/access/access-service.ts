/**
 * Who may call: the request path's view of the keys. `enforced()` says whether keys are checked at all right now;
 * `authenticate()` maps a presented key to its active record with one hash and one Map get.
 *
 * KAIROS_AUTH=auto checks keys as soon as one exists. Before the first key is created the service is open, on a
 * loopback HOST only; on any other HOST it is closed (every protected route 401). A revoked key still counts as
 * "a key exists": revoking the last key leaves the service closed, so a revocation can never open it.
 */
import type { ActiveKey } from './key-store.js';
import type { KeyRing } from './key-ring.js';
import { hashKey, MAX_KEY_LENGTH } from './keys.js';

export type AuthMode = 'auto' | 'off';

export interface AccessService {
  /** Whether requests must present a key now. */
  enforced(): boolean;
  /**
   * Whether HOST is a loopback address. While keys are not enforced the HTTP layer then serves only requests
   * addressed to a loopback host (DNS rebinding); with KAIROS_AUTH=off on another HOST every Host is served.
   */
  readonly loopback: boolean;
  /** The active key presented, or undefined (unknown, revoked or malformed). */
  authenticate(key: string): ActiveKey | undefined;
}

export function createAccessService(deps: { ring: KeyRing; mode: AuthMode; loopback: boolean }): AccessService {
  const { ring, mode, loopback } = deps;
  return {
    enforced: () => mode !== 'off' && (ring.known() > 0 || !loopback),
    loopback,
    authenticate: (key) => (key.length > MAX_KEY_LENGTH ? undefined : ring.lookup(hashKey(key))),
  };
}
