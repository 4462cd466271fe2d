/**
 * Channels and the contact policy (DESIGN.md §8.2): what the HTTP layer sends and receives, and the compiled forms
 * (durations in ms) the decision path reads from memory. Unix ms throughout the compiled forms.
 */
import type { Category } from '../domain/types.js';

export type Direction = 'inbound' | 'outbound';

/** At most `contacts` contacts per customer on the channel within `per` (a policy duration such as `7d`). */
export interface ChannelLimit {
  contacts: number;
  per: string;
}

export interface ChannelInput {
  name: string;
  direction: Direction;
  /** Subtracted from an action's priority on this channel (net value, §8.4); ≥ 0, default 0. */
  contactCost?: number;
  limit?: ChannelLimit;
}

export interface Channel {
  channelId: string;
  name: string;
  direction: Direction;
  contactCost: number;
  limit: ChannelLimit | null;
  createdAt: string;
  updatedAt: string;
}

/** A stored channel with its limit compiled: `limit.perMs` is the window of `limit.per`. */
export interface ChannelRecord {
  id: string;
  name: string;
  direction: Direction;
  contactCost: number;
  limit: (ChannelLimit & { perMs: number }) | null;
  createdAt: number;
  updatedAt: number;
}

export interface SuppressionRule {
  /** How many outcomes of kind `outcome` within `within` trigger the rule (≥ 1). */
  after: number;
  outcome: 'ignore' | 'response';
  within: string;
  scope: 'action' | 'category';
  /** How long the action (or category) is then not offered to that customer. */
  for: string;
  /** The rule applies only to actions of these categories; absent = every category. */
  categories?: Category[];
}

export interface Threshold {
  default: number;
  /** Per declared channel: overrides `default` there. */
  channels?: Record<string, number>;
}

export interface ContactPolicy {
  suppression: SuppressionRule[];
  thresholds: { propensity?: Threshold; priority?: Threshold };
}

/** A suppression rule with its durations in ms; `index` is its position in the policy (reported as `rule`). */
export interface CompiledSuppression {
  index: number;
  after: number;
  outcome: 'ignore' | 'response';
  withinMs: number;
  forMs: number;
  scope: 'action' | 'category';
  categories: readonly string[] | null;
}

export interface CompiledContactPolicy {
  document: ContactPolicy;
  suppression: readonly CompiledSuppression[];
}

/** One row of the contact history (the `contacts` table) of one customer. */
export interface ContactRow {
  decisionId: string;
  actionId: string;
  channel: string;
  category: string;
  at: number;
  outcome: 'response' | 'ignore' | null;
  outcomeAt: number | null;
}

/** An action or category not to be offered to the customer until `until` (Unix ms), by suppression rule `rule`. */
export interface ActiveSuppression {
  scope: 'action' | 'category';
  id: string;
  until: number;
  rule: number;
}

export interface PolicyService {
  putChannel(channelId: string, input: ChannelInput): { channel: Channel; created: boolean };
  listChannels(): Channel[];
  getChannel(channelId: string): Channel;
  putContactPolicy(policy: ContactPolicy): ContactPolicy;
  getContactPolicy(): ContactPolicy;
}
