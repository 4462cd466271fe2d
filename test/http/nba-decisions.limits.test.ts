/**
 * The integrated decision path, part 2 (issue #10 items 4, 9, 10): the channel's contact limit per customer — its
 * window, mandatory actions passing it, decisions in flight at once, anonymous decisions, deferred activation, and a
 * batch that lists a customer twice. Real engine, app.request() on a temp SQLite file, the clock injected.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TestHarness } from '../helpers/harness.js';
import { expectStatus, send } from '../helpers/http.js';
import { count, createBank, DAY_MS, decide, ids, put, reasonOf, START, type Bank } from '../helpers/nba.js';

let bank: Bank;
let h: TestHarness;
afterEach(async () => {
  await h.close();
});

/** E-mail: 1 contact per 7 days, free (so a cold model always offers); app: no limit. An offer and a mandatory warning. */
async function seed(): Promise<void> {
  bank = await createBank();
  h = bank.h;
  await put(h, '/v1/channels/app', { name: 'App', direction: 'inbound' });
  await put(h, '/v1/channels/email', { name: 'E-mail', direction: 'outbound', contactCost: 0, limit: { contacts: 1, per: '7d' } });
  await put(h, '/v1/actions/offer', { name: 'Offer', category: 'sales', value: 10 });
  await put(h, '/v1/actions/warning', { name: 'Warning', category: 'risk', value: 1, mandatory: true, eligibility: 'has(customer.overdrawn) && customer.overdrawn' });
  for (const id of ['c-1', 'c-2']) await put(h, `/v1/customers/${id}`, { attributes: { age: 40 } });
}

const email = (customerId: string, extra: Record<string, unknown> = {}) => decide(h, { customerId, channel: 'email', explain: true, ...extra });

describe('the contact limit', () => {
  it('email 1 per 7d: the second decision is no action (contact_limit) until 7 days have passed', async () => {
    await seed();
    const first = await email('c-1');
    expect(first, JSON.stringify(first)).toMatchObject({ noAction: false, actions: [{ actionId: 'offer', mandatory: false }] });
    expect(count(h, 'contacts', "customer_id = 'c-1'")).toBe(1);

    bank.clock.now = START + 7 * DAY_MS - 1;
    const second = await email('c-1');
    expect(second).toMatchObject({ noAction: true, noActionReason: 'contact_limit', actions: [] });
    expect(reasonOf(second, 'offer')).toBe('contact_limit');
    expect(reasonOf(second, 'warning')).toBe('eligibility');
    // The limit is the channel's: the app still offers to the same customer, and another customer gets the e-mail.
    expect(await decide(h, { customerId: 'c-1', channel: 'app' })).toMatchObject({ noAction: false });
    expect(await email('c-2')).toMatchObject({ noAction: false });

    bank.clock.now = START + 7 * DAY_MS;
    expect(await email('c-1')).toMatchObject({ noAction: false, actions: [{ actionId: 'offer' }] });
  });

  it('a mandatory eligible action passes the limit: offered first, with probability 1', async () => {
    await seed();
    expectStatus(await send(h, 'PATCH', '/v1/customers/c-1', { attributes: { overdrawn: true } }), 200);
    const slate = await email('c-1', { slots: 2 });
    expect(slate.actions.map((a: { actionId: string; mandatory: boolean; probability: number }) => [a.actionId, a.mandatory, a.probability])[0]).toEqual(['warning', true, 1]);
    expect(ids(slate)).toEqual(['warning', 'offer']);
    expect(slate.actions[1].mandatory).toBe(false);

    const limited = await email('c-1', { slots: 2 });
    expect(limited, JSON.stringify(limited)).toMatchObject({ noAction: false, actions: [{ actionId: 'warning', mandatory: true, probability: 1 }] });
    expect(ids(limited)).toEqual(['warning']);
    expect(reasonOf(limited, 'offer')).toBe('contact_limit');
  });

  it('more eligible mandatory actions than slots: they compete by draw, each offered with its selection probability', async () => {
    // Found by this test: the mandatory path stored a NaN probability, and the NOT NULL column made it a 500.
    await seed();
    await put(h, '/v1/actions/warning2', { name: 'Second warning', category: 'risk', value: 2, mandatory: true });
    expectStatus(await send(h, 'PATCH', '/v1/customers/c-1', { attributes: { overdrawn: true } }), 200);
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const reply = await send(h, 'POST', '/v1/decisions', { customerId: 'c-1', channel: 'app', explain: true });
      expectStatus(reply, 200);
      const [only, ...rest] = reply.body.actions as { actionId: string; mandatory: boolean; probability: number }[];
      expect(rest, reply.text).toEqual([]);
      expect(only!.mandatory).toBe(true);
      expect(only!.probability, reply.text).toBeGreaterThan(0);
      expect(only!.probability).toBeLessThan(1);
      seen.add(only!.actionId);
    }
    expect([...seen].sort()).toEqual(['warning', 'warning2']);
    expect(count(h, 'decision_actions', 'probability IS NULL')).toBe(0);
  });

  it('explain accounts for every action exactly once, also when mandatory actions take every slot', async () => {
    // Found by this test: the actions left without a slot (mandatory losers, and every other) were missing from excluded.
    await seed();
    await put(h, '/v1/actions/warning2', { name: 'Second warning', category: 'risk', value: 2, mandatory: true });
    await put(h, '/v1/actions/other', { name: 'Other', category: 'service', value: 1, channels: ['app'] });
    expectStatus(await send(h, 'PATCH', '/v1/customers/c-1', { attributes: { overdrawn: true } }), 200);
    for (const [channel, slots] of [['app', 1], ['app', 2], ['app', 3], ['email', 1], ['email', 3]] as const) {
      const d = await decide(h, { customerId: 'c-2', channel, slots, explain: true, context: { overdrawn: true }, activate: false });
      const listed = [...ids(d), ...d.excluded.map((e: { actionId: string }) => e.actionId)].sort();
      expect(listed, `${channel} × ${slots}: ${JSON.stringify(d)}`).toEqual(['offer', 'other', 'warning', 'warning2']);
      expect(ids(d).slice(0, 2).sort()).toEqual(slots === 1 ? [expect.any(String)] : ['warning', 'warning2']);
    }
    const one = await decide(h, { customerId: 'c-2', channel: 'app', slots: 1, explain: true, context: { overdrawn: true }, activate: false });
    expect(one.excluded.filter((e: { reason: string }) => e.reason === 'outranked').map((e: { actionId: string }) => e.actionId).sort()).toHaveLength(3);
  });

  it('two decisions in flight at once for the same customer: only one offers (uncommitted decisions count)', async () => {
    await seed();
    const both = await Promise.all([email('c-1'), email('c-1')]);
    const offered = both.filter((d) => !d.noAction);
    const limited = both.filter((d) => d.noAction);
    expect(offered, JSON.stringify(both)).toHaveLength(1);
    expect(limited).toHaveLength(1);
    expect(limited[0]).toMatchObject({ noActionReason: 'contact_limit' });
    expect(count(h, 'contacts', "customer_id = 'c-1'")).toBe(1);
  });

  it('anonymous decisions (no customerId) are not limited', async () => {
    await seed();
    for (let i = 0; i < 5; i++) {
      const d = await decide(h, { channel: 'email', context: { age: 40 } });
      expect(d, `decision ${i}`).toMatchObject({ noAction: false, actions: [{ actionId: 'offer' }] });
    }
    expect(count(h, 'contacts')).toBe(0);
  });
});

describe('deferred activation through the full path', () => {
  it('a decision with activate: false does not count toward the limit until it is activated', async () => {
    await seed();
    const deferred = await email('c-1', { activate: false });
    expect(deferred).toMatchObject({ noAction: false, actions: [{ actionId: 'offer' }] });
    const again = await email('c-1', { activate: false });
    expect(again).toMatchObject({ noAction: false, actions: [{ actionId: 'offer' }] });
    expect(count(h, 'contacts')).toBe(0);

    expectStatus(await send(h, 'POST', `/v1/decisions/${deferred.decisionId}/activate`), 204);
    expect(count(h, 'contacts', "customer_id = 'c-1'")).toBe(1);
    const after = await email('c-1');
    expect(after).toMatchObject({ noAction: true, noActionReason: 'contact_limit' });
    // Activating the second deferred decision too makes it a contact as well (the limit was judged when it was taken).
    expectStatus(await send(h, 'POST', `/v1/decisions/${again.decisionId}/activate`), 204);
    expect(count(h, 'contacts', "customer_id = 'c-1'")).toBe(2);
  });
});

describe('a batch applies the limits per customer', () => {
  it('a customer listed twice in one e-mail batch gets one offer and one contact_limit', async () => {
    await seed();
    const reply = await send(h, 'POST', '/v1/decisions/batch', {
      channel: 'email',
      requests: [{ customerId: 'c-1' }, { customerId: 'c-2' }, { customerId: 'c-1' }, { customerId: 'c-1', context: { age: 50 } }],
    });
    expectStatus(reply, 200);
    const results = reply.body.results as { noAction: boolean; noActionReason?: string; actions: { actionId: string }[] }[];
    expect(results.map((r) => [r.noAction, r.noActionReason ?? null]), reply.text).toEqual([
      [false, null],
      [false, null],
      [true, 'contact_limit'],
      [true, 'contact_limit'],
    ]);
    expect(count(h, 'contacts', "customer_id = 'c-1'")).toBe(1);
    expect(count(h, 'contacts', "customer_id = 'c-2'")).toBe(1);
    // The batch's contacts hold for the next decision too.
    expect(await email('c-2')).toMatchObject({ noAction: true, noActionReason: 'contact_limit' });
  });
});
