/**
 * The effective context of a decision (DESIGN.md §8.1): the stored attributes, then each event-fed feature's set,
 * then the request's context key by key — the request wins. Pure: the caller passes the profile and the clock.
 */
import { eventTtlMs, type FeatureSpec } from '../core/encoding.js';
import { setOwn } from './attributes.js';
import { EVENT_FUTURE_TOLERANCE_MS, type CustomerProfile } from './customer-store.js';

/**
 * `features` is the current schema; `now` Unix ms. An event-fed feature (a `set` with `events.ttl`) becomes the
 * array of its `values` (in declaration order) of which the customer had an event with `now − ttl < at ≤ now + 5 min`
 * — set only when the customer is stored, so an unknown customer's context is the request's alone.
 */
export function effectiveContext(
  features: readonly FeatureSpec[],
  profile: CustomerProfile | undefined,
  requestContext: Record<string, unknown> | undefined,
  now: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (profile) {
    for (const key of Object.keys(profile.attributes)) setOwn(out, key, profile.attributes[key]);
    const latest = now + EVENT_FUTURE_TOLERANCE_MS;
    for (const feature of features) {
      const ttl = eventTtlMs(feature);
      if (ttl === undefined || feature.type !== 'set') continue;
      const earliest = now - ttl;
      const members = feature.values.filter((value) =>
        profile.events.some((event) => event.type === value && event.at > earliest && event.at <= latest),
      );
      setOwn(out, feature.name, members);
    }
  }
  if (requestContext) for (const key of Object.keys(requestContext)) setOwn(out, key, requestContext[key]);
  return out;
}
