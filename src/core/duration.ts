/**
 * Policy durations of the HTTP contract (DESIGN.md §8.2): a positive whole number of seconds, minutes, hours or days
 * — `90s`, `30m`, `12h`, `7d`. No minimum beyond 1s: tests and simulations compress time into seconds.
 */
const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Longest accepted duration: 100 years, so `at + duration` stays an exact integer of ms. */
export const MAX_POLICY_DURATION_MS = 100 * 365 * 86_400_000;

/** Milliseconds of a policy duration, or undefined when `text` is not one (`7x`, `0d`, `1.5h`, `-3d`, `7`). */
export function parsePolicyDuration(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const match = /^([1-9][0-9]{0,9})(s|m|h|d)$/.exec(text);
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2]!]!;
  return ms <= MAX_POLICY_DURATION_MS ? ms : undefined;
}

/** The message for a field that is not a policy duration. */
export const POLICY_DURATION_MESSAGE = 'a positive whole number of s, m, h or d, e.g. 90s, 30m, 12h, 7d';
