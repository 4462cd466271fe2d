/**
 * The customer store port (DESIGN.md §8.1): what the customer brain needs from storage. The SQLite implementation is
 * db/stores/customers.ts; a PostgreSQL one implements the same interface. Domain code imports only this file.
 * Timestamps are Unix milliseconds.
 */

/** A stored attribute value: what eligibility rules and the feature schema can read. */
export type AttributeValue = string | number | boolean | string[];

export type Attributes = Record<string, AttributeValue>;

/**
 * What one decision reads of a customer: the stored attributes and, per event type, the latest unexpired event
 * that is not more than 5 minutes in the future (EVENT_FUTURE_TOLERANCE_MS) — enough for every event-fed feature, and
 * bounded by the number of event types rather than by how many events the customer has had.
 */
export interface CustomerProfile {
  attributes: Attributes;
  events: { type: string; at: number }[];
}

export interface CustomerRecord {
  id: string;
  attributes: Attributes;
  createdAt: number;
  updatedAt: number;
}

export interface CustomerEventRecord {
  /** The client's eventId, or a generated UUIDv7. */
  id: string;
  customerId: string;
  type: string;
  at: number;
  expiresAt: number;
  attributes: Record<string, unknown> | null;
  createdAt: number;
}

/** One row of the contact history as the customer view shows it. */
export interface ContactRecord {
  decisionId: string;
  actionId: string;
  channel: string;
  at: number;
  outcome: 'response' | 'ignore' | null;
}

/** An event is "now" up to this far in the future (clock skew between a client and the service). */
export const EVENT_FUTURE_TOLERANCE_MS = 5 * 60_000;

export interface CustomerStore {
  /** The decision path's one read: at most two prepared queries. Undefined for an unknown customer. */
  profile(customerId: string, now: number): CustomerProfile | undefined;
  get(customerId: string): CustomerRecord | undefined;
  /**
   * Reads the customer, lets `change` compute the new attributes from the current ones (undefined: unknown customer),
   * and writes them, all in one write transaction, so concurrent PATCHes by several processes never lose an update.
   * `change` may throw (validation): then nothing is written.
   */
  write(customerId: string, now: number, change: (current: Attributes | undefined) => Attributes): { record: CustomerRecord; created: boolean };
  /** Unexpired events (expiresAt > now), latest first, at most `limit`. */
  events(customerId: string, now: number, limit: number): CustomerEventRecord[];
  /**
   * Records an event unless one with its id exists; creates the customer with `{}` attributes when unknown. One
   * transaction. `existing` is the stored event when the id was already taken (by this customer or another).
   */
  insertEvent(event: CustomerEventRecord): { inserted: true; createdCustomer: boolean } | { inserted: false; existing: CustomerEventRecord };
  /**
   * Takes back an event just inserted (its triggered decision failed, so the answer is an error and changes nothing),
   * and the customer it created if nothing else was stored for them since. One transaction.
   */
  withdrawEvent(event: CustomerEventRecord, createdCustomer: boolean): void;
  /** The customer's contact history, latest first, at most `limit` rows. */
  contacts(customerId: string, limit: number): ContactRecord[];
  /**
   * Erases the person in one transaction: profile, events and contact history deleted, and the customer id of
   * their decisions set to null. Returns whether a profile existed.
   */
  erase(customerId: string): boolean;
}
