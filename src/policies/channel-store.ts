/** The port for declared channels and the contact policy document; db/stores/channels.ts and contact-policy.ts implement it on SQLite. */
import type { ContactPolicy, Direction } from './types.js';

/** A channel as stored: the limit's period is kept as written (`7d`). Unix ms. */
export interface StoredChannel {
  id: string;
  name: string;
  direction: Direction;
  contactCost: number;
  limitContacts: number | null;
  limitPer: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface ChannelStore {
  /** Every channel, oldest first (ties by id). */
  list(): StoredChannel[];
  /** Creates the channel or replaces its fields (createdAt kept); `created` says which. */
  upsert(channel: Omit<StoredChannel, 'createdAt' | 'updatedAt'>, nowMs: number): { record: StoredChannel; created: boolean };
  /**
   * Makes the declared channels exactly `channels`, in one transaction (snapshot import). Each keeps the `createdAt`
   * given, so the list keeps its order; `updatedAt` = nowMs.
   */
  replaceAll(channels: readonly Omit<StoredChannel, 'updatedAt'>[], nowMs: number): void;
}

export interface ContactPolicyStore {
  /** The policy as last PUT, or undefined before any. */
  get(): ContactPolicy | undefined;
  put(policy: ContactPolicy, nowMs: number): void;
}
