/** Stored channels and policy documents → the compiled forms the decision path reads (durations in ms). */
import { parsePolicyDuration } from '../core/duration.js';
import type { StoredChannel } from './channel-store.js';
import type { Channel, ChannelRecord, CompiledContactPolicy, ContactPolicy } from './types.js';

export const EMPTY_POLICY: ContactPolicy = { suppression: [], thresholds: {} };

/** Durations were validated when written; one that no longer parses (edited by hand) fails closed: the longest window. */
const durationMs = (text: string): number => parsePolicyDuration(text) ?? Number.MAX_SAFE_INTEGER;

export function compileChannel(stored: StoredChannel): ChannelRecord {
  return {
    id: stored.id,
    name: stored.name,
    direction: stored.direction,
    contactCost: stored.contactCost,
    limit:
      stored.limitContacts !== null && stored.limitPer !== null
        ? { contacts: stored.limitContacts, per: stored.limitPer, perMs: durationMs(stored.limitPer) }
        : null,
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
  };
}

export function toChannel(record: ChannelRecord): Channel {
  return {
    channelId: record.id,
    name: record.name,
    direction: record.direction,
    contactCost: record.contactCost,
    limit: record.limit ? { contacts: record.limit.contacts, per: record.limit.per } : null,
    createdAt: new Date(record.createdAt).toISOString(),
    updatedAt: new Date(record.updatedAt).toISOString(),
  };
}

export function compileContactPolicy(document: ContactPolicy): CompiledContactPolicy {
  return {
    document,
    suppression: document.suppression.map((rule, index) => ({
      index,
      after: rule.after,
      outcome: rule.outcome,
      withinMs: durationMs(rule.within),
      forMs: durationMs(rule.for),
      scope: rule.scope,
      categories: rule.categories && rule.categories.length > 0 ? [...rule.categories] : null,
    })),
  };
}
