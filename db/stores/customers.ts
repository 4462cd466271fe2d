/**
 * The SQLite implementation of the customer store port (src/customers/customer-store.ts), over `customers`,
 * `customer_events` and `contacts`. It imports the port's types (the one upward, type-only import in db/).
 * Every statement is prepared once per connection; `profile()` runs two of them per decision.
 */
import {
  EVENT_FUTURE_TOLERANCE_MS,
  type Attributes,
  type ContactRecord,
  type CustomerEventRecord,
  type CustomerProfile,
  type CustomerRecord,
  type CustomerStore,
} from '../../src/customers/customer-store.js';
import { transaction, type Db } from '../open.js';
import { perDb } from './statement-cache.js';

interface CustomerRow {
  id: string;
  attributes: string;
  created_at: number;
  updated_at: number;
}

interface EventRow {
  id: string;
  customer_id: string;
  type: string;
  at: number;
  expires_at: number;
  attributes: string | null;
  created_at: number;
}

const EVENT_COLUMNS = 'id, customer_id, type, at, expires_at, attributes, created_at';

const stmts = perDb((db: Db) => {
  const s = db.sqlite;
  return {
    attributes: s.prepare<[string], { attributes: string }>('SELECT attributes FROM customers WHERE id = ?'),
    // One row per type on the (customer_id, expires_at) index: the latest event that is not in the future.
    latestEvents: s.prepare<[string, number, number], { type: string; at: number }>(
      `SELECT type, max(at) AS at FROM customer_events
       WHERE customer_id = ? AND expires_at > ? AND at <= ? GROUP BY type`,
    ),
    customer: s.prepare<[string], CustomerRow>('SELECT id, attributes, created_at, updated_at FROM customers WHERE id = ?'),
    insertCustomer: s.prepare<[string, string, number, number]>(
      'INSERT INTO customers (id, attributes, created_at, updated_at) VALUES (?, ?, ?, ?)',
    ),
    updateCustomer: s.prepare<[string, number, string]>('UPDATE customers SET attributes = ?, updated_at = ? WHERE id = ?'),
    events: s.prepare<[string, number, number], EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM customer_events WHERE customer_id = ? AND expires_at > ?
       ORDER BY at DESC, id DESC LIMIT ?`,
    ),
    event: s.prepare<[string], EventRow>(`SELECT ${EVENT_COLUMNS} FROM customer_events WHERE id = ?`),
    ensureCustomerCreated: s.prepare<[string, number, number]>(
      `INSERT INTO customers (id, attributes, created_at, updated_at) VALUES (?, '{}', ?, ?) ON CONFLICT (id) DO NOTHING RETURNING id`,
    ),
    deleteEvent: s.prepare<[string]>('DELETE FROM customer_events WHERE id = ?'),
    // Only the empty profile an event made, and only while nothing else was stored for the customer since.
    deleteBareCustomer: s.prepare<[string, number, string]>(
      `DELETE FROM customers WHERE id = ? AND attributes = '{}' AND updated_at = ?
       AND NOT EXISTS (SELECT 1 FROM customer_events WHERE customer_id = ?)`,
    ),
    insertEvent: s.prepare<[string, string, string, number, number, string | null, number]>(
      `INSERT INTO customer_events (${EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    contacts: s.prepare<[string, number], { decision_id: string; action_id: string; channel: string; at: number; outcome: ContactRecord['outcome'] }>(
      `SELECT decision_id, action_id, channel, at, outcome FROM contacts WHERE customer_id = ?
       ORDER BY at DESC, decision_id DESC, action_id LIMIT ?`,
    ),
    deleteCustomer: s.prepare<[string]>('DELETE FROM customers WHERE id = ?'),
    deleteEvents: s.prepare<[string]>('DELETE FROM customer_events WHERE customer_id = ?'),
    deleteContacts: s.prepare<[string]>('DELETE FROM contacts WHERE customer_id = ?'),
    // decisions_customer_idx makes this a lookup, not a scan of the decision log.
    forgetDecisions: s.prepare<[string]>('UPDATE decisions SET customer_id = NULL WHERE customer_id = ?'),
    pruneEvents: s.prepare<[number, number]>(
      'DELETE FROM customer_events WHERE id IN (SELECT id FROM customer_events WHERE expires_at <= ? LIMIT ?)',
    ),
  };
});

const toCustomer = (row: CustomerRow): CustomerRecord => ({
  id: row.id,
  attributes: JSON.parse(row.attributes) as Attributes,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toEvent = (row: EventRow): CustomerEventRecord => ({
  id: row.id,
  customerId: row.customer_id,
  type: row.type,
  at: row.at,
  expiresAt: row.expires_at,
  attributes: row.attributes === null ? null : (JSON.parse(row.attributes) as Record<string, unknown>),
  createdAt: row.created_at,
});

/**
 * Deletes at most `limit` events with `expires_at <= nowMs` (on customer_events_expires_idx), in one statement.
 * The retention job calls it slice by slice. Returns the events deleted.
 */
export function pruneExpiredEvents(db: Db, nowMs: number, limit: number): number {
  return stmts(db).pruneEvents.run(nowMs, limit).changes;
}

export function createSqliteCustomerStore(db: Db): CustomerStore {
  const s = stmts(db);
  return {
    profile(customerId: string, now: number): CustomerProfile | undefined {
      const row = s.attributes.get(customerId);
      if (!row) return undefined;
      const events = s.latestEvents.all(customerId, now, now + EVENT_FUTURE_TOLERANCE_MS);
      return { attributes: JSON.parse(row.attributes) as Attributes, events };
    },

    get(customerId) {
      const row = s.customer.get(customerId);
      return row ? toCustomer(row) : undefined;
    },

    write(customerId, now, change) {
      return transaction(db, () => {
        const row = s.customer.get(customerId);
        const current = row ? toCustomer(row) : undefined;
        const attributes = change(current?.attributes);
        const text = JSON.stringify(attributes);
        if (current) {
          s.updateCustomer.run(text, now, customerId);
          return { record: { ...current, attributes, updatedAt: now }, created: false };
        }
        s.insertCustomer.run(customerId, text, now, now);
        return { record: { id: customerId, attributes, createdAt: now, updatedAt: now }, created: true };
      });
    },

    events(customerId, now, limit) {
      return s.events.all(customerId, now, limit).map(toEvent);
    },

    insertEvent(event) {
      return transaction(db, () => {
        const existing = s.event.get(event.id);
        if (existing) return { inserted: false as const, existing: toEvent(existing) };
        const created = s.ensureCustomerCreated.get(event.customerId, event.createdAt, event.createdAt) !== undefined;
        const attributes = event.attributes === null ? null : JSON.stringify(event.attributes);
        s.insertEvent.run(event.id, event.customerId, event.type, event.at, event.expiresAt, attributes, event.createdAt);
        return { inserted: true as const, createdCustomer: created };
      });
    },

    withdrawEvent(event, createdCustomer) {
      transaction(db, () => {
        s.deleteEvent.run(event.id);
        if (createdCustomer) s.deleteBareCustomer.run(event.customerId, event.createdAt, event.customerId);
      });
    },

    contacts(customerId, limit) {
      return s.contacts.all(customerId, limit).map((r) => ({
        decisionId: r.decision_id,
        actionId: r.action_id,
        channel: r.channel,
        at: r.at,
        outcome: r.outcome,
      }));
    },

    erase(customerId) {
      return transaction(db, () => {
        const existed = s.deleteCustomer.run(customerId).changes > 0;
        s.deleteEvents.run(customerId);
        s.deleteContacts.run(customerId);
        s.forgetDecisions.run(customerId);
        return existed;
      });
    },
  };
}
