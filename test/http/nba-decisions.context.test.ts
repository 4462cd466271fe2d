/**
 * The integrated decision path, part 1 (issue #10 items 1–3): the effective context a decision sees (stored profile,
 * live events, the request's context key by key), the moment-of-truth trigger, event expiry, and declared channels.
 * Real engine, app.request() on a temp SQLite file, the clock injected.
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

/** The bank with `mortgage`, eligible only after a house purchase (the rule reads an event-fed feature), and `budget`. */
async function seed(): Promise<void> {
  bank = await createBank();
  h = bank.h;
  await put(h, '/v1/actions/mortgage', { name: 'Mortgage', category: 'sales', value: 100, eligibility: "'house_purchase' in customer.lifeEvents" });
  await put(h, '/v1/actions/budget', { name: 'Budget help', category: 'service', value: 10 });
}

describe('the effective context', () => {
  it('a decision with only a customerId uses the stored profile and the live events (explain shows it)', async () => {
    await seed();
    await put(h, '/v1/customers/c-1', { attributes: { age: 41, products: ['card'], vip: true } });
    expectStatus(await send(h, 'POST', '/v1/customers/c-1/events', { type: 'job_loss', at: new Date(START - DAY_MS).toISOString() }), 202);
    const d = await decide(h, { customerId: 'c-1', channel: 'app', explain: true });
    expect(d.context, JSON.stringify(d)).toEqual({ age: 41, products: ['card'], vip: true, lifeEvents: ['job_loss'] });
    expect(ids(d)).toEqual(['budget']);
    expect(reasonOf(d, 'mortgage')).toBe('eligibility');
    // The decision is kept under the customer's id.
    expect(count(h, 'decisions', `id = '${d.decisionId}' AND customer_id = 'c-1'`)).toBe(1);
  });

  it('the request context overrides the stored profile key by key, and the override feeds the rules', async () => {
    await seed();
    await put(h, '/v1/customers/c-1', { attributes: { age: 41, products: ['card'], vip: true } });
    const d = await decide(h, { customerId: 'c-1', channel: 'app', context: { age: 60, lifeEvents: ['house_purchase'] }, candidates: ['mortgage'], explain: true });
    expect(d.context).toEqual({ age: 60, products: ['card'], vip: true, lifeEvents: ['house_purchase'] });
    expect(ids(d)).toEqual(['mortgage']);
    expect(d.excluded).toEqual([{ actionId: 'budget', reason: 'not_candidate' }]);
  });

  it('an unknown customer with no context is a 422 naming customerId, and nothing is kept', async () => {
    await seed();
    const reply = await send(h, 'POST', '/v1/decisions', { customerId: 'ghost', channel: 'app' });
    expectStatus(reply, 422);
    expect(reply.body.errors.map((e: { field: string }) => e.field), reply.text).toEqual(['customerId']);
    expect(count(h, 'decisions')).toBe(0);
    // With a context the unknown customer is decided for as in v1 (the context is the request's alone).
    const d = await decide(h, { customerId: 'ghost', channel: 'app', context: { age: 30 }, explain: true });
    expect(d.context).toEqual({ age: 30 });
  });

  it('an attribute that does not fit the schema is refused at PUT; one a later schema no longer fits is a 422 naming customerId', async () => {
    await seed();
    const refused = await send(h, 'PUT', '/v1/customers/c-1', { attributes: { age: 'forty' } });
    expectStatus(refused, 400);
    expect(refused.body.errors, refused.text).toEqual([{ field: 'attributes.age', message: 'must be a finite number' }]);
    expect(count(h, 'customers')).toBe(0);
    // Stored while the schema did not encode `score`; then the schema starts to encode it as a number.
    await put(h, '/v1/customers/c-1', { attributes: { age: 40, score: 'high' } });
    const schema = (await send(h, 'GET', '/v1/schema')).body;
    expectStatus(await send(h, 'PUT', '/v1/schema', { features: [...schema.features, { name: 'score', type: 'numeric', min: 0, max: 1 }], channels: schema.channels }), 200);
    // Found by this test: the answer was a 400 naming context.score for a request that had no context.
    const reply = await send(h, 'POST', '/v1/decisions', { customerId: 'c-1', channel: 'app' });
    expectStatus(reply, 422);
    expect(reply.body.errors, reply.text).toEqual([{ field: 'customerId', message: expect.stringContaining("stored attribute 'score' must be a finite number") }]);
    expect(count(h, 'decisions')).toBe(0);
    // The request's context overrides the stored key, so the decision goes through; a wrong key it sends is its 400.
    expect(await decide(h, { customerId: 'c-1', channel: 'app', context: { score: 0.5 }, explain: true })).toMatchObject({ context: { score: 0.5 } });
    const sent = await send(h, 'POST', '/v1/decisions', { customerId: 'c-1', channel: 'app', context: { score: 'low' } });
    expectStatus(sent, 400);
    expect(sent.body.errors.map((e: { field: string }) => e.field), sent.text).toEqual(['context.score']);
  });

  it('stored attributes the schema does not encode are not counted as unknown context keys; sent ones are', async () => {
    // Found by this test: every decision for a customer with a rule-only attribute (vip) counted it as a typo.
    await seed();
    await put(h, '/v1/customers/c-1', { attributes: { age: 41, vip: true } });
    await decide(h, { customerId: 'c-1', channel: 'app' });
    await decide(h, { customerId: 'c-1', channel: 'app', context: { agee: 3 } });
    const stats = await send(h, 'GET', '/v1/stats');
    expect(stats.body.unknownContextKeys, stats.text).toEqual({ agee: 1 });
  });

  it('no customerId and no context is a 400 naming context (v1)', async () => {
    await seed();
    const reply = await send(h, 'POST', '/v1/decisions', { channel: 'app' });
    expectStatus(reply, 400);
    expect(reply.body.errors.map((e: { field: string }) => e.field), reply.text).toContain('context');
    expect(count(h, 'decisions')).toBe(0);
  });
});

describe('events and the moment-of-truth trigger', () => {
  it('an event with decide: the decision sees the event, so the rule that needs it lets the action in', async () => {
    await seed();
    await put(h, '/v1/customers/c-1', { attributes: { age: 40 } });
    const before = await decide(h, { customerId: 'c-1', channel: 'app', candidates: ['mortgage'], explain: true });
    expect(before).toMatchObject({ noAction: true, noActionReason: 'no_candidates', excluded: [{ actionId: 'mortgage', reason: 'eligibility' }, { actionId: 'budget', reason: 'not_candidate' }] });

    const reply = await send(h, 'POST', '/v1/customers/c-1/events', { eventId: 'e-1', type: 'house_purchase', decide: { channel: 'app', candidates: ['mortgage'] } });
    expectStatus(reply, 202);
    expect(reply.body).toMatchObject({ eventId: 'e-1', customerId: 'c-1', type: 'house_purchase', duplicate: false, expiresAt: new Date(START + 7 * DAY_MS).toISOString() });
    expect(reply.body.decision, reply.text).toMatchObject({ channel: 'app', noAction: false, actions: [{ actionId: 'mortgage', mandatory: false }] });
    expect(count(h, 'decisions', `id = '${reply.body.decision.decisionId}' AND customer_id = 'c-1'`)).toBe(1);
  });

  it('a trigger on an undeclared channel or with an unknown candidate is a 422 and no event is stored', async () => {
    await seed();
    await put(h, '/v1/channels/app', { name: 'App', direction: 'inbound' });
    await put(h, '/v1/customers/c-1', { attributes: { age: 40 } });
    const channel = await send(h, 'POST', '/v1/customers/c-1/events', { type: 'house_purchase', decide: { channel: 'email' } });
    expectStatus(channel, 422);
    expect(JSON.stringify(channel.body.errors), channel.text).toContain('channel');
    const candidate = await send(h, 'POST', '/v1/customers/c-1/events', { type: 'house_purchase', decide: { channel: 'app', candidates: ['ghost'] } });
    expectStatus(candidate, 422);
    expect(JSON.stringify(candidate.body.errors), candidate.text).toContain('candidates.0');
    expect(count(h, 'customer_events')).toBe(0);
    expect(count(h, 'decisions')).toBe(0);
    const view = await send(h, 'GET', '/v1/customers/c-1');
    expect(view.body.events).toEqual([]);
    // The same event with a good trigger is kept and decided on.
    expectStatus(await send(h, 'POST', '/v1/customers/c-1/events', { type: 'house_purchase', decide: { channel: 'app' } }), 202);
    expect(count(h, 'customer_events')).toBe(1);
  });

  it('an event feeds decisions until its TTL has passed, then no longer', async () => {
    await seed();
    await put(h, '/v1/customers/c-1', { attributes: { age: 40 } });
    expectStatus(await send(h, 'POST', '/v1/customers/c-1/events', { type: 'house_purchase' }), 202);
    bank.clock.now = START + 7 * DAY_MS - 1;
    const live = await decide(h, { customerId: 'c-1', channel: 'app', candidates: ['mortgage'], explain: true });
    expect(live.context.lifeEvents).toEqual(['house_purchase']);
    expect(ids(live)).toEqual(['mortgage']);
    bank.clock.now = START + 7 * DAY_MS;
    const expired = await decide(h, { customerId: 'c-1', channel: 'app', candidates: ['mortgage'], explain: true });
    expect(expired.context).toEqual({ age: 40, lifeEvents: [] });
    expect(expired).toMatchObject({ noAction: true, noActionReason: 'no_candidates' });
    expect(reasonOf(expired, 'mortgage')).toBe('eligibility');
  });
});

describe('declared channels', () => {
  it('before any channel is declared, decisions on any channel work (v1); after, an undeclared one is a 422 naming channel', async () => {
    await seed();
    for (const channel of ['app', 'email', 'kiosk']) {
      const d = await decide(h, { channel, context: { age: 30 }, candidates: ['budget'] });
      expect(d, channel).toMatchObject({ channel, noAction: false, actions: [{ actionId: 'budget' }] });
    }
    await put(h, '/v1/channels/app', { name: 'App', direction: 'inbound' });
    const before = count(h, 'decisions');
    for (const channel of ['email', 'kiosk']) {
      const reply = await send(h, 'POST', '/v1/decisions', { channel, context: { age: 30 } });
      expectStatus(reply, 422);
      expect(reply.body.errors.map((e: { field: string }) => e.field), reply.text).toEqual(['channel']);
    }
    expect(count(h, 'decisions')).toBe(before);
    expect(await decide(h, { channel: 'app', context: { age: 30 }, candidates: ['budget'] })).toMatchObject({ noAction: false });
  });
});
