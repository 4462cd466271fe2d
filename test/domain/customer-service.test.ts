/**
 * The customer service over the real SQLite store: the moment-of-truth order (checked, recorded and committed, then
 * decided with the event visible to profile()), a refused trigger that changes nothing, and the history it shows.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteCustomerStore } from '../../db/stores/customers.js';
import type { FeatureSpec } from '../../src/core/encoding.js';
import { createCustomerService, type CustomerServiceDeps } from '../../src/customers/customer-service.js';
import type { CustomerProfile } from '../../src/customers/customer-store.js';
import { effectiveContext } from '../../src/customers/effective-context.js';
import type { DecisionRequest, DecisionResponse } from '../../src/domain/types.js';
import { AppError } from '../../src/errors.js';
import { openTempDb, type TempDb } from '../db/temp-db.js';

const NOW = Date.parse('2026-12-01T10:00:00Z');
const FEATURES: FeatureSpec[] = [{ name: 'lifeEvents', type: 'set', values: ['house_purchase', 'marriage'], events: { ttl: '90d' } }];
const answer = (channel: string): DecisionResponse => ({ decisionId: 'd-1', channel, actions: [], noAction: true, group: 'policy', noActionReason: 'no_candidates' });

let t: TempDb;
afterEach(() => t.cleanup());

function setUp(overrides: Partial<CustomerServiceDeps> = {}) {
  t = openTempDb();
  const store = createSqliteCustomerStore(t.db);
  const seen: { request: DecisionRequest; profile: CustomerProfile | undefined; inTransaction: boolean }[] = [];
  const service = createCustomerService({
    store,
    now: () => NOW,
    features: () => FEATURES,
    decide: async (request) => {
      seen.push({ request, profile: store.profile(request.customerId!, NOW), inTransaction: t.db.sqlite.inTransaction });
      return answer(request.channel);
    },
    checkDecide: () => {},
    history: (customerId) => ({
      contacts: store.contacts(customerId, 100),
      suppressions: [{ scope: 'category', id: 'sales', until: NOW + 60_000, rule: 0 }],
    }),
    ...overrides,
  });
  return { store, service, seen };
}

const rows = (table: string) => t.db.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

describe('the customer service', () => {
  it('decides after the event is committed, with the event in the profile and the effective context', async () => {
    const { service, seen } = setUp();
    service.put('c-1', { age: 40 });
    const result = await service.postEvent('c-1', { type: 'house_purchase', decide: { channel: 'app', slots: 2, exclude: ['x'] } });
    expect(result.decision).toEqual(answer('app'));
    expect(seen).toHaveLength(1);
    expect(seen[0]!.request).toEqual({ customerId: 'c-1', channel: 'app', slots: 2, exclude: ['x'] });
    expect(seen[0]!.inTransaction).toBe(false);
    expect(seen[0]!.profile).toEqual({ attributes: { age: 40 }, events: [{ type: 'house_purchase', at: NOW }] });
    expect(effectiveContext(FEATURES, seen[0]!.profile, undefined, NOW)).toEqual({ age: 40, lifeEvents: ['house_purchase'] });
  });

  it('a trigger refused by checkDecide records nothing and creates no customer', async () => {
    const { service, seen } = setUp({
      checkDecide: (request) => {
        throw new AppError('unprocessable', `channel '${request.channel}' is not declared`, [{ field: 'decide.channel', message: 'not declared' }]);
      },
    });
    await expect(service.postEvent('c-1', { type: 'marriage', decide: { channel: 'fax' } })).rejects.toMatchObject({ code: 'unprocessable' });
    expect(seen).toHaveLength(0);
    expect(rows('customer_events') + rows('customers')).toBe(0);
  });

  it('a trigger whose decision fails takes its event back (and the customer it made), so a retry decides', async () => {
    let failing = true;
    const { service, store } = setUp({
      decide: async (request) => {
        if (failing) throw new AppError('unavailable', 'overloaded');
        return answer(request.channel);
      },
    });
    await expect(service.postEvent('c-1', { eventId: 'e-1', type: 'marriage', decide: { channel: 'app' } })).rejects.toMatchObject({ code: 'unavailable' });
    expect(rows('customer_events') + rows('customers')).toBe(0);
    // A stored customer keeps their profile and their other events; only the failed trigger's event goes.
    service.put('c-2', { age: 40 });
    expect((await service.postEvent('c-2', { eventId: 'e-0', type: 'house_purchase' })).duplicate).toBe(false);
    await expect(service.postEvent('c-2', { eventId: 'e-2', type: 'marriage', decide: { channel: 'app' } })).rejects.toMatchObject({ code: 'unavailable' });
    expect(store.events('c-2', NOW, 10).map((e) => e.id)).toEqual(['e-0']);
    expect(store.get('c-2')?.attributes).toEqual({ age: 40 });
    // The client's retry with the same eventId records the event and decides.
    failing = false;
    const retried = await service.postEvent('c-1', { eventId: 'e-1', type: 'marriage', decide: { channel: 'app' } });
    expect(retried).toMatchObject({ eventId: 'e-1', duplicate: false, decision: { channel: 'app' } });
    expect(store.events('c-1', NOW, 10).map((e) => e.id)).toEqual(['e-1']);
  });

  it('an invalid event is refused before anything is checked or written', async () => {
    let checked = 0;
    const { service } = setUp({ checkDecide: () => void checked++ });
    const refused = service.postEvent('c-1', { type: 'bad type', at: new Date(NOW + 10 * 60_000).toISOString(), decide: { channel: 'app' } });
    await expect(refused).rejects.toMatchObject({ code: 'validation', errors: [{ field: 'type' }, { field: 'at' }] });
    expect(checked).toBe(0);
    expect(rows('customer_events') + rows('customers')).toBe(0);
  });

  it('the view carries the history: contacts latest first and the suppressions, with ISO times', () => {
    const { service } = setUp();
    service.put('c-1', {});
    const insert = t.db.sqlite.prepare("INSERT INTO contacts (decision_id, action_id, customer_id, channel, category, at, outcome) VALUES (?, 'a', 'c-1', 'email', 'sales', ?, ?)");
    insert.run('d-1', NOW - 2_000, 'response');
    insert.run('d-2', NOW - 1_000, null);
    const view = service.get('c-1');
    expect(view.contacts).toEqual([
      { decisionId: 'd-2', channel: 'email', actionId: 'a', at: new Date(NOW - 1_000).toISOString(), outcome: null },
      { decisionId: 'd-1', channel: 'email', actionId: 'a', at: new Date(NOW - 2_000).toISOString(), outcome: 'response' },
    ]);
    expect(view.suppressions).toEqual([{ scope: 'category', id: 'sales', until: new Date(NOW + 60_000).toISOString(), rule: 0 }]);
  });

  it('validates attributes for callers other than HTTP too (values, key length, size)', () => {
    const { service } = setUp();
    expect(() => service.put('c-1', { nested: { a: 1 } })).toThrow(AppError);
    expect(() => service.put('c-1', { n: Number.NaN })).toThrow(AppError);
    expect(() => service.put('c-1', { ['k'.repeat(129)]: 1 })).toThrow(AppError);
    expect(() => service.put('c-1', { big: 'x'.repeat(70_000) })).toThrow(AppError);
    expect(rows('customers')).toBe(0);
  });
});
