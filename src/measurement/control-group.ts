/**
 * Membership of the always-on control group (DESIGN.md §9.1). Pure: no clock, no store.
 *
 * A decision with a customerId is in control for a whole calendar month (UTC) when a stable hash of (customerId,
 * "YYYY-MM") maps below the share, so a customer sees one arm all month (no flip-flopping between policy and uniform
 * picks that would blur the comparison) and the arms are reshuffled every month (nobody is held out forever). The
 * hash is SHA-256 of `customerId`, a NUL separator (it cannot occur in a month, so ("a1", "…") ≠ ("a", "1…")), and
 * the month; its first 48 bits read as a fraction in [0, 1) are uniform up to 2⁻⁴⁸. The channel is not hashed: a
 * customer is in the same arm on every channel. Any customerId counts, stored or not (contacts apply to any id, #10).
 * A decision without customerId draws once from the generator it is given.
 */
import { createHash } from 'node:crypto';
import type { Rng } from '../core/types.js';

const TWO_POW_48 = 2 ** 48;

/** "YYYY-MM" of a Unix ms time, in UTC. */
export function utcMonth(at: number): string {
  const date = new Date(at);
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The customer's point in [0, 1) for the month of `at`: uniform over customers, fixed within a month. */
export function controlHash(customerId: string, at: number): number {
  const digest = createHash('sha256').update(customerId).update('\u0000').update(utcMonth(at)).digest();
  return digest.readUIntBE(0, 6) / TWO_POW_48;
}

/** Whether a customer is in the control group for the month of `at`; share 0 = never. */
export function customerInControl(customerId: string, at: number, share: number): boolean {
  return share > 0 && controlHash(customerId, at) < share;
}

/**
 * Whether a decision is a control decision: by customer and month when it has a customerId, else by one draw from
 * `rng` (drawn only when the share is > 0, so a service with the control group off consumes nothing).
 */
export function decisionInControl(customerId: string | undefined, at: number, share: number, rng: Rng): boolean {
  if (!(share > 0)) return false;
  if (customerId !== undefined) return customerInControl(customerId, at, share);
  return rng.nextFloat() < share;
}
