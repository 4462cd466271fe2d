/** The SQLite customer store on a real migrated file: the per-decision profile read, writes, events, erasure. */
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteCustomerStore, pruneExpiredEvents } from '../../db/stores/customers.js';
import type { CustomerEventRecord } from '../../src/customers/customer-store.js';
import { openTempDb, type TempDb } from './temp-db.js';

const NOW = Date.parse('2026-12-01T10:00:00Z');
let t: TempDb;
afterEach(() => t.cleanup());

const event = (id: string, type: string, at: number, expiresAt = at + 1_000_000, customerId = 'c-1'): CustomerEventRecord => ({
  id,
  customerId,
  type,
  at,
  expiresAt,
  attributes: null,
  createdAt: NOW,
});

describe('the SQLite customer store', () => {
  it('profile: undefined for an unknown customer; the attributes and the latest live event of each type', () => {
    t = openTempDb();
    const store = createSqliteCustomerStore(t.db);
    expect(store.profile('c-1', NOW)).toBeUndefined();
    store.write('c-1', NOW, () => ({ age: 40, products: ['card'] }));
    store.insertEvent(event('e1', 'login', NOW - 5_000));
    store.insertEvent(event('e2', 'login', NOW - 1_000));
    store.insertEvent(event('e3', 'marriage', NOW - 9_000, NOW)); // expires now: gone
    store.insertEvent(event('e4', 'login', NOW + 6 * 60_000)); // beyond the 5-minute tolerance
    store.insertEvent(event('e5', 'job_loss', NOW + 60_000)); // within it
    store.insertEvent(event('e6', 'login', NOW, NOW + 1, 'c-2'));
    const profile = store.profile('c-1', NOW)!;
    expect(profile.attributes).toEqual({ age: 40, products: ['card'] });
    expect(profile.events.sort((a, b) => a.type.localeCompare(b.type))).toEqual([
      { type: 'job_loss', at: NOW + 60_000 },
      { type: 'login', at: NOW - 1_000 },
    ]);
  });

  it('write: creates, replaces in place (createdAt kept), and writes nothing when the change throws', () => {
    t = openTempDb();
    const store = createSqliteCustomerStore(t.db);
    expect(store.write('c-1', NOW, (current) => ({ seen: current === undefined }))).toMatchObject({ created: true });
    const second = store.write('c-1', NOW + 5, (current) => ({ ...current, age: 3 }));
    expect(second).toEqual({ created: false, record: { id: 'c-1', attributes: { seen: true, age: 3 }, createdAt: NOW, updatedAt: NOW + 5 } });
    expect(() =>
      store.write('c-1', NOW + 9, () => {
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(() =>
      store.write('c-9', NOW + 9, () => {
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(store.get('c-1')).toEqual(second.record);
    expect(store.get('c-9')).toBeUndefined();
  });

  it('insertEvent: creates an unknown customer with {}, answers an existing id with the stored event', () => {
    t = openTempDb();
    const store = createSqliteCustomerStore(t.db);
    expect(store.insertEvent({ ...event('e1', 'marriage', NOW), attributes: { venue: 'town hall' } })).toEqual({ inserted: true, createdCustomer: true });
    expect(store.get('c-1')).toEqual({ id: 'c-1', attributes: {}, createdAt: NOW, updatedAt: NOW });
    const again = store.insertEvent(event('e1', 'house_purchase', NOW + 1, NOW + 2, 'c-2'));
    expect(again).toEqual({ inserted: false, existing: { ...event('e1', 'marriage', NOW), attributes: { venue: 'town hall' } } });
    expect(store.get('c-2')).toBeUndefined();
    expect(store.insertEvent(event('e2', 'marriage', NOW))).toEqual({ inserted: true, createdCustomer: false });
  });

  it('withdrawEvent takes back one event, and the bare customer it created but never one with anything stored', () => {
    t = openTempDb();
    const store = createSqliteCustomerStore(t.db);
    const first = event('e1', 'marriage', NOW);
    store.insertEvent(first);
    store.withdrawEvent(first, true);
    expect(store.get('c-1')).toBeUndefined();
    store.insertEvent(first);
    store.write('c-1', NOW + 1, () => ({ age: 40 }));
    store.withdrawEvent(first, true);
    expect(store.get('c-1')?.attributes).toEqual({ age: 40 });
    expect(store.events('c-1', NOW, 10)).toEqual([]);
  });

  it('events: unexpired only, latest first, limited; pruning deletes the expired ones in batches', () => {
    t = openTempDb();
    const store = createSqliteCustomerStore(t.db);
    for (let i = 0; i < 6; i++) store.insertEvent(event(`e${i}`, 'login', NOW - i * 1_000, NOW - i * 1_000 + 2_500));
    expect(store.events('c-1', NOW, 10).map((e) => e.id)).toEqual(['e0', 'e1', 'e2']);
    expect(store.events('c-1', NOW, 2).map((e) => e.id)).toEqual(['e0', 'e1']);
    expect(pruneExpiredEvents(t.db, NOW, 2)).toBe(2);
    expect(pruneExpiredEvents(t.db, NOW, 2)).toBe(1);
    expect(pruneExpiredEvents(t.db, NOW, 2)).toBe(0);
    expect(t.db.sqlite.prepare('SELECT id FROM customer_events ORDER BY id').pluck().all()).toEqual(['e0', 'e1', 'e2']);
  });

  it('erase: profile, events and contacts gone, decisions anonymised, in one transaction; other customers kept', () => {
    t = openTempDb();
    const store = createSqliteCustomerStore(t.db);
    for (const id of ['c-1', 'c-2']) {
      store.write(id, NOW, () => ({ a: 1 }));
      store.insertEvent(event(`${id}-e`, 'login', NOW, NOW + 10, id));
      t.db.sqlite
        .prepare("INSERT INTO contacts (decision_id, action_id, customer_id, channel, category, at) VALUES (?, 'a', ?, 'app', 'sales', ?)")
        .run(`${id}-d`, id, NOW);
      t.db.sqlite
        .prepare("INSERT INTO decisions (id, created_at, customer_id, channel, schema_version, x, seed, status) VALUES (?, ?, ?, 'app', 1, x'00', '1', 'pending')")
        .run(`${id}-d`, NOW, id);
    }
    expect(store.contacts('c-1', 10)).toEqual([{ decisionId: 'c-1-d', actionId: 'a', channel: 'app', at: NOW, outcome: null }]);
    expect(store.erase('c-1')).toBe(true);
    expect(store.erase('c-1')).toBe(false);
    expect(store.get('c-1')).toBeUndefined();
    expect(store.events('c-1', NOW, 10)).toEqual([]);
    expect(store.contacts('c-1', 10)).toEqual([]);
    const owners = t.db.sqlite.prepare('SELECT id, customer_id FROM decisions ORDER BY id').all();
    expect(owners).toEqual([{ id: 'c-1-d', customer_id: null }, { id: 'c-2-d', customer_id: 'c-2' }]);
    expect(store.profile('c-2', NOW)).toEqual({ attributes: { a: 1 }, events: [{ type: 'login', at: NOW }] });
    expect(store.contacts('c-2', 10)).toHaveLength(1);
  });
});
