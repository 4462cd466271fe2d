/**
 * Found in review of the integrated NBA decision path (each failed before its fix): v1 error order, retention that deleted
 * the contacts a suppression needed, a limit read past a busy customer's other contacts, the §8.4 filter order, the daily
 * overlay by UTC day, a trigger's field names, and the feedback window of a late-activated decision.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TestHarness } from '../helpers/harness.js';
import { expectStatus, send } from '../helpers/http.js';
import { count, createBank, DAY_MS, decide, feedback, ids, put, reasonOf, START, type Bank } from '../helpers/nba.js';

let bank: Bank;
let h: TestHarness;
afterEach(async () => {
  await h?.close();
});

describe('v1 compatibility', () => {
  it('a v1 request with a bad context and an unknown candidate is still the 400 on the context (v1 validated the context first)', async () => {
    bank = await createBank();
    h = bank.h;
    await put(h, '/v1/actions/offer', { name: 'Offer', category: 'sales', value: 10 });
    const reply = await send(h, 'POST', '/v1/decisions', { channel: 'app', context: { age: 'old' }, candidates: ['offer', 'nope'] });
    // v1 (2ea925c): encodeContext ran before the candidates check -> 400 naming context.age.
    expect(reply.status, reply.text).toBe(400);
    expect(JSON.stringify(reply.body.errors)).toContain('context.age');
  });
});

describe('retention vs the suppression window', () => {
  it('an ignore suppresses the action for 30d even when KAIROS_RETENTION (1d) prunes its decision', async () => {
    bank = await createBank({ env: { KAIROS_FEEDBACK_WINDOW: '1h', KAIROS_RETENTION: '1d', KAIROS_LEARNER: 'off' } });
    h = bank.h;
    await put(h, '/v1/channels/app', { name: 'App', direction: 'inbound' });
    await put(h, '/v1/contact-policy', { suppression: [{ after: 1, outcome: 'ignore', within: '1d', scope: 'action', for: '30d' }] });
    await put(h, '/v1/actions/offer', { name: 'Offer', category: 'sales', value: 10 });
    await put(h, '/v1/customers/c-1', { attributes: { age: 40 } });
    const first = await decide(h, { customerId: 'c-1', channel: 'app' });
    expect(ids(first)).toEqual(['offer']);
    await feedback(h, first.decisionId, 'ignore', 'offer');
    bank.clock.now = START + 2 * 3_600_000;
    await h.engine.expirer.runOnce();
    await h.learner.runOnce();
    // Suppressed now (sanity).
    const during = await decide(h, { customerId: 'c-1', channel: 'app', explain: true });
    expect(reasonOf(during, 'offer')).toBe('suppressed');
    bank.clock.now = START + 3 * DAY_MS;
    await h.engine.expirer.runOnce();
    await h.learner.runOnce();
    await h.engine.pruner!.runOnce();
    // Day 3 of a 30-day suppression: still suppressed (DESIGN §8.2 "it is not offered to that customer for `for`").
    const later = await decide(h, { customerId: 'c-1', channel: 'app', explain: true });
    expect(reasonOf(later, 'offer'), JSON.stringify(later)).toBe('suppressed');
  });
});

describe('the contact limit reads the whole window', () => {
  it('an e-mail contact 1 day ago still limits e-mail (1 per 7d) after the customer had many in-app contacts since', async () => {
    bank = await createBank();
    h = bank.h;
    await put(h, '/v1/channels/app', { name: 'App', direction: 'inbound', contactCost: 0 });
    await put(h, '/v1/channels/email', { name: 'E-mail', direction: 'outbound', contactCost: 0, limit: { contacts: 1, per: '7d' } });
    for (let i = 0; i < 5; i++) await put(h, `/v1/actions/a${i}`, { name: `A${i}`, category: 'sales', value: 10 });
    await put(h, '/v1/customers/c-1', { attributes: { age: 40 } });
    const mail = await decide(h, { customerId: 'c-1', channel: 'email' });
    expect(mail.noAction).toBe(false);
    bank.clock.now = START + DAY_MS;
    // A busy app user: 210 app visits in a day, up to 5 offers each (contact rows are per offered action).
    for (let i = 0; i < 210; i++) {
      bank.clock.now += 1000;
      await h.services.decisions.decide({ customerId: 'c-1', channel: 'app', slots: 5 });
    }
    expect(count(h, 'contacts', "customer_id = 'c-1' AND channel = 'app'")).toBeGreaterThan(1000);
    // DESIGN §8.2: at most 1 e-mail contact per 7 days; the e-mail of yesterday is in the store.
    const again = await decide(h, { customerId: 'c-1', channel: 'email', explain: true });
    expect(again, JSON.stringify(again).slice(0, 300)).toMatchObject({ noAction: true, noActionReason: 'contact_limit' });
  });
});

describe('the §8.4 filter order', () => {
  it('an action both ineligible and out of budget is excluded for eligibility (eligibility comes before schedule/budget)', async () => {
    bank = await createBank();
    h = bank.h;
    await put(h, '/v1/channels/app', { name: 'App', direction: 'inbound', contactCost: 0 });
    await put(h, '/v1/actions/gold', { name: 'Gold', category: 'sales', value: 10, dailyCap: 1, eligibility: 'customer.age >= 30' });
    await put(h, '/v1/customers/c-1', { attributes: { age: 40 } });
    await put(h, '/v1/customers/c-2', { attributes: { age: 20 } });
    expect(ids(await decide(h, { customerId: 'c-1', channel: 'app' }))).toEqual(['gold']);
    const young = await decide(h, { customerId: 'c-2', channel: 'app', explain: true });
    // DESIGN §8.4 "Order: eligibility → schedule/budget → suppression → contact limit".
    expect(reasonOf(young, 'gold')).toBe('eligibility');
  });
});

describe('dailyCap at the UTC day edge', () => {
  it("yesterday's offer still waiting for its group commit does not use today's budget", async () => {
    bank = await createBank();
    h = bank.h;
    await put(h, '/v1/channels/app', { name: 'App', direction: 'inbound', contactCost: 0 });
    await put(h, '/v1/actions/gold', { name: 'Gold', category: 'sales', value: 10, dailyCap: 1 });
    const midnight = Date.parse('2026-12-02T00:00:00.000Z');
    bank.clock.now = midnight - 1;
    // Two decisions in one event-loop turn (one group commit): the first on Dec 1, the second on Dec 2.
    const first = h.services.decisions.decide({ channel: 'app', context: { age: 40 } });
    bank.clock.now = midnight;
    const second = h.services.decisions.decide({ channel: 'app', context: { age: 40 }, explain: true });
    const [a, b] = await Promise.all([first, second]);
    expect(a.actions.map((x) => x.actionId)).toEqual(['gold']);
    // DESIGN §8.3: at most dailyCap decisions offer it per UTC day — Dec 2 has offered it to nobody yet.
    expect(b.actions.map((x) => x.actionId), JSON.stringify(b.excluded)).toEqual(['gold']);
  });
});

describe('problem+json on a moment-of-truth trigger', () => {
  it('an unknown candidate or undeclared channel in `decide` is named by its body path (decide.candidates.0, decide.channel)', async () => {
    bank = await createBank();
    h = bank.h;
    await put(h, '/v1/channels/app', { name: 'App', direction: 'inbound' });
    await put(h, '/v1/actions/offer', { name: 'Offer', category: 'sales', value: 10 });
    await put(h, '/v1/customers/c-1', { attributes: { age: 40 } });
    const badCandidate = await send(h, 'POST', '/v1/customers/c-1/events', { type: 'house_purchase', decide: { channel: 'app', candidates: ['zzz'] } });
    expect(badCandidate.status).toBe(422);
    // The 400 of the same body already says decide.slots; RFC 9457 errors name the field in the body that was sent.
    expect(badCandidate.body.errors.map((e: { field: string }) => e.field)).toEqual(['decide.candidates.0']);
    const badChannel = await send(h, 'POST', '/v1/customers/c-1/events', { type: 'house_purchase', decide: { channel: 'nochan' } });
    expect(badChannel.status).toBe(422);
    expect(badChannel.body.errors.map((e: { field: string }) => e.field)).toEqual(['decide.channel']);
  });
});

describe('deferred activation and the feedback window', () => {
  it("a decision activated just before its window ends is not given an implicit ignore a minute after it was shown", async () => {
    bank = await createBank({ env: { KAIROS_FEEDBACK_WINDOW: '1h', KAIROS_LEARNER: 'off' } });
    h = bank.h;
    await put(h, '/v1/channels/app', { name: 'App', direction: 'inbound', contactCost: 0 });
    await put(h, '/v1/actions/offer', { name: 'Offer', category: 'sales', value: 10 });
    await put(h, '/v1/customers/c-1', { attributes: { age: 40 } });
    const d = await decide(h, { customerId: 'c-1', channel: 'app', activate: false });
    expect(ids(d)).toEqual(['offer']);
    bank.clock.now = START + 59 * 60_000; // shown now (§8.5 "decide now, show later"; Personalizer's deferActivation)
    expectStatus(await send(h, 'POST', `/v1/decisions/${d.decisionId}/activate`), 204);
    bank.clock.now = START + 61 * 60_000;
    await h.engine.expirer.runOnce();
    // Shown two minutes ago: the customer's answer must still be recorded, not a timeout ignore learned in its place
    // (the wait for an outcome starts when the decision is shown, as Personalizer's reward wait time does).
    const reply = await send(h, 'POST', `/v1/decisions/${d.decisionId}/feedback`, { outcome: 'response' });
    expect(reply.status, reply.text).toBe(202);
  });
});
