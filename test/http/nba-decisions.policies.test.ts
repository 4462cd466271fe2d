/**
 * The integrated decision path, part 3 (issue #10 items 5, 6): suppression after ignores (action and category scope,
 * shown on GET /v1/customers/{id}, lifted after `for`), eligibility rules (false, true, an error counted in stats),
 * the schedule and the daily budget over the UTC day. Real engine, app.request() on a temp SQLite file, the clock
 * injected.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TestHarness } from '../helpers/harness.js';
import { expectStatus, send } from '../helpers/http.js';
import { count, createBank, DAY_MS, decide, feedback, ids, put, reasonOf, START, type Bank } from '../helpers/nba.js';

const MINUTE_MS = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

let bank: Bank;
let h: TestHarness;
afterEach(async () => {
  await h.close();
});

/** App (no limit, free); two sales offers and a service action; customer c-1. */
async function seed(): Promise<void> {
  bank = await createBank();
  h = bank.h;
  await put(h, '/v1/channels/app', { name: 'App', direction: 'inbound' });
  await put(h, '/v1/actions/offer', { name: 'Offer', category: 'sales', value: 10 });
  await put(h, '/v1/actions/offer2', { name: 'Other offer', category: 'sales', value: 10 });
  await put(h, '/v1/actions/help', { name: 'Help', category: 'service', value: 1 });
  await put(h, '/v1/customers/c-1', { attributes: { age: 40 } });
}

const app = (extra: Record<string, unknown> = {}) => decide(h, { customerId: 'c-1', channel: 'app', explain: true, ...extra });

/** Offers `actionId` alone to c-1 and posts an ignore for it a minute later; returns when the ignore was posted. */
async function ignoreOnce(actionId: string): Promise<number> {
  const d = await app({ candidates: [actionId] });
  expect(ids(d), JSON.stringify(d)).toEqual([actionId]);
  bank.clock.now += MINUTE_MS;
  await feedback(h, d.decisionId, 'ignore', actionId);
  const at = bank.clock.now;
  bank.clock.now += MINUTE_MS;
  return at;
}

describe('suppression', () => {
  it('after 2 ignores within 1d the action is suppressed for 2d, shown on the customer, then lifts', async () => {
    await seed();
    await put(h, '/v1/contact-policy', { suppression: [{ after: 2, outcome: 'ignore', within: '1d', scope: 'action', for: '2d' }] });
    await ignoreOnce('offer');
    expect(ids(await app({ candidates: ['offer'] }))).toEqual(['offer']); // one ignore: not yet
    const second = await ignoreOnce('offer');

    const suppressed = await app({ candidates: ['offer', 'help'] });
    expect(reasonOf(suppressed, 'offer'), JSON.stringify(suppressed)).toBe('suppressed');
    expect(ids(suppressed)).toEqual(['help']);
    const alone = await app({ candidates: ['offer'] });
    expect(alone).toMatchObject({ noAction: true, noActionReason: 'no_candidates' });
    const view = await send(h, 'GET', '/v1/customers/c-1');
    expectStatus(view, 200);
    expect(view.body.suppressions).toEqual([{ scope: 'action', id: 'offer', until: iso(second + 2 * DAY_MS), rule: 0 }]);
    // Suppression is per customer: another customer still gets the offer.
    expect(ids(await decide(h, { customerId: 'c-2', channel: 'app', context: { age: 30 }, candidates: ['offer'] }))).toEqual(['offer']);

    bank.clock.now = second + 2 * DAY_MS - 1;
    expect(reasonOf(await app({ candidates: ['offer'] }), 'offer')).toBe('suppressed');
    bank.clock.now = second + 2 * DAY_MS;
    expect(ids(await app({ candidates: ['offer'] }))).toEqual(['offer']);
    expect((await send(h, 'GET', '/v1/customers/c-1')).body.suppressions).toEqual([]);
  });

  it('category scope: ignores of one sales offer rest every sales offer, not the service action', async () => {
    await seed();
    await put(h, '/v1/contact-policy', { suppression: [{ after: 2, outcome: 'ignore', within: '1d', scope: 'category', for: '1d', categories: ['sales'] }] });
    await ignoreOnce('offer');
    const second = await ignoreOnce('offer');
    const d = await app();
    expect(d.excluded).toEqual(
      expect.arrayContaining([
        { actionId: 'offer', reason: 'suppressed' },
        { actionId: 'offer2', reason: 'suppressed' },
      ]),
    );
    expect(ids(d)).toEqual(['help']);
    expect((await send(h, 'GET', '/v1/customers/c-1')).body.suppressions).toEqual([{ scope: 'category', id: 'sales', until: iso(second + DAY_MS), rule: 0 }]);
    bank.clock.now = second + DAY_MS;
    expect(reasonOf(await app(), 'offer2')).not.toBe('suppressed');
    expect(ids(await app({ candidates: ['offer2'] }))).toEqual(['offer2']);
  });

  it('suppression stops a mandatory action too (channel limits do not; DESIGN.md §8.3)', async () => {
    await seed();
    await put(h, '/v1/actions/alert', { name: 'Alert', category: 'risk', value: 1, mandatory: true });
    await put(h, '/v1/contact-policy', { suppression: [{ after: 2, outcome: 'ignore', within: '1d', scope: 'action', for: '1d' }] });
    for (let i = 0; i < 2; i++) {
      const d = await app({ candidates: ['alert'] });
      expect(d.actions, JSON.stringify(d)).toMatchObject([{ actionId: 'alert', mandatory: true, probability: 1 }]);
      bank.clock.now += MINUTE_MS;
      await feedback(h, d.decisionId, 'ignore');
    }
    const rested = await app({ candidates: ['alert', 'help'] });
    expect(reasonOf(rested, 'alert'), JSON.stringify(rested)).toBe('suppressed');
    expect(ids(rested)).toEqual(['help']);
  });

  it('a response rule: after one response the category rests (outcome: response)', async () => {
    await seed();
    await put(h, '/v1/contact-policy', { suppression: [{ after: 1, outcome: 'response', within: '1d', scope: 'category', for: '90s', categories: ['sales'] }] });
    const d = await app({ candidates: ['offer'] });
    await feedback(h, d.decisionId, 'response');
    const rested = await app();
    expect(reasonOf(rested, 'offer')).toBe('suppressed');
    expect(reasonOf(rested, 'offer2')).toBe('suppressed');
    expect(ids(rested)).toEqual(['help']);
    bank.clock.now += 90_000;
    expect(reasonOf(await app(), 'offer2')).not.toBe('suppressed');
  });
});

describe('eligibility, schedule and budget', () => {
  it('an eligibility rule lets the action in when true and keeps it out when false', async () => {
    await seed();
    await put(h, '/v1/actions/senior', { name: 'Senior', category: 'service', value: 5, eligibility: 'customer.age >= 65' });
    const young = await app({ candidates: ['senior'] });
    expect(young).toMatchObject({ noAction: true, noActionReason: 'no_candidates' });
    expect(reasonOf(young, 'senior')).toBe('eligibility');
    expect(ids(await app({ candidates: ['senior'], context: { age: 70 } }))).toEqual(['senior']);
  });

  it('a rule error (a missing key) excludes the action as eligibility and is counted in the stats', async () => {
    await seed();
    await put(h, '/v1/actions/rich', { name: 'Rich', category: 'sales', value: 5, eligibility: 'customer.income > 1000' });
    for (let i = 0; i < 3; i++) {
      const d = await app({ candidates: ['rich', 'help'] });
      expect(reasonOf(d, 'rich'), JSON.stringify(d)).toBe('eligibility');
      expect(ids(d)).toEqual(['help']);
    }
    const stats = await send(h, 'GET', '/v1/stats');
    expectStatus(stats, 200);
    expect(stats.body.eligibilityErrors, stats.text).toEqual({ rich: 3 });
    const one = await send(h, 'GET', '/v1/actions/rich/stats');
    expect(one.body.eligibilityErrors, one.text).toBe(3);
    // With the key present the rule evaluates, and no further error is counted.
    expect(ids(await app({ candidates: ['rich'], context: { income: 5000 } }))).toEqual(['rich']);
    expect((await send(h, 'GET', '/v1/stats')).body.eligibilityErrors).toEqual({ rich: 3 });
  });

  it('startAt/endAt: outside the window the action is excluded as schedule', async () => {
    await seed();
    await put(h, '/v1/actions/promo', { name: 'Promo', category: 'sales', value: 5, startAt: iso(START + DAY_MS), endAt: iso(START + 2 * DAY_MS) });
    const early = await app({ candidates: ['promo'] });
    expect(early).toMatchObject({ noAction: true, noActionReason: 'no_candidates' });
    expect(reasonOf(early, 'promo')).toBe('schedule');
    bank.clock.now = START + DAY_MS;
    expect(ids(await app({ candidates: ['promo'] }))).toEqual(['promo']);
    bank.clock.now = START + 2 * DAY_MS;
    expect(reasonOf(await app({ candidates: ['promo'] }), 'promo')).toBe('schedule');
  });

  it('dailyCap 2: after 2 offers in the UTC day the action is excluded as budget, and back the next UTC day', async () => {
    await seed();
    await put(h, '/v1/actions/capped', { name: 'Capped', category: 'sales', value: 5, dailyCap: 2 });
    // Across customers (the budget is the action's), anonymous ones included.
    expect(ids(await app({ candidates: ['capped'] }))).toEqual(['capped']);
    expect(ids(await decide(h, { channel: 'app', context: { age: 30 }, candidates: ['capped'] }))).toEqual(['capped']);
    const spent = await app({ candidates: ['capped', 'help'] });
    expect(reasonOf(spent, 'capped'), JSON.stringify(spent)).toBe('budget');
    expect(ids(spent)).toEqual(['help']);
    expect(count(h, 'action_day_counts', "action_id = 'capped'")).toBe(1);

    bank.clock.now = Date.parse('2026-12-01T23:59:59.999Z');
    expect(reasonOf(await app({ candidates: ['capped'] }), 'capped')).toBe('budget');
    bank.clock.now = Date.parse('2026-12-02T00:00:00.000Z');
    expect(ids(await app({ candidates: ['capped'] }))).toEqual(['capped']);

    // Decisions in flight at once see each other's offers (not yet committed): no more than the cap per day.
    bank.clock.now = Date.parse('2026-12-03T10:00:00.000Z');
    const racing = await Promise.all([0, 1, 2, 3].map(() => decide(h, { channel: 'app', context: { age: 30 }, candidates: ['capped'] })));
    expect(racing.filter((d) => !d.noAction), JSON.stringify(racing)).toHaveLength(2);
    expect(racing.filter((d) => d.noAction).map((d) => d.noActionReason)).toEqual(['no_candidates', 'no_candidates']);
  });
});
