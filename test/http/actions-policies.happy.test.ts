/** Engagement policies on actions (DESIGN.md §8.3): stored, shown, compiled once, and eligibility errors counted in stats. */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestHarness, type TestHarness } from '../helpers/harness.js';
import { expectStatus, send } from '../helpers/http.js';

let h: TestHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const RULE = "customer.age >= 18 && !('mortgage' in customer.products)";
const MORTGAGE = {
  name: 'Mortgage',
  category: 'sales',
  value: 900,
  eligibility: RULE,
  startAt: '2026-01-01T00:00:00Z',
  endAt: '2027-01-01T00:00:00+01:00',
  dailyCap: 100,
  mandatory: true,
};

describe('actions with engagement policies', () => {
  it('stores and shows eligibility, schedule, budget and mandatory; a v1 action shows none', async () => {
    h = await createTestHarness();
    const put = await send(h, 'PUT', '/v1/actions/mortgage', MORTGAGE);
    expectStatus(put, 201);
    expect(put.body, put.text).toMatchObject({
      eligibility: RULE,
      startAt: '2026-01-01T00:00:00.000Z',
      endAt: '2026-12-31T23:00:00.000Z',
      dailyCap: 100,
      mandatory: true,
    });
    const list = await send(h, 'GET', '/v1/actions');
    expect(list.body, list.text).toEqual([put.body]);
    expect(h.state.action('mortgage')).toMatchObject({ startAt: Date.parse('2026-01-01T00:00:00Z'), dailyCap: 100, mandatory: true });

    const plain = await send(h, 'PUT', '/v1/actions/plain', { name: 'P', category: 'service', value: 1 });
    expectStatus(plain, 201);
    expect(plain.body, plain.text).toMatchObject({ eligibility: null, startAt: null, endAt: null, dailyCap: null, mandatory: false });
    // A PUT replaces every policy field: omitted means none.
    const cleared = await send(h, 'PUT', '/v1/actions/mortgage', { name: 'Mortgage', category: 'sales', value: 900 });
    expectStatus(cleared, 200);
    expect(cleared.body, cleared.text).toMatchObject({ eligibility: null, dailyCap: null, mandatory: false });
    expect(h.state.policies.eligibility('mortgage')).toBeUndefined();
  });

  it('keeps the compiled rule beside the action: compiled once, unchanged by unrelated writes', async () => {
    h = await createTestHarness();
    expectStatus(await send(h, 'PUT', '/v1/actions/mortgage', MORTGAGE), 201);
    const rule = h.state.policies.eligibility('mortgage');
    expect(rule?.source).toBe(RULE);
    expectStatus(await send(h, 'PUT', '/v1/actions/other', { name: 'O', category: 'sales', value: 1 }), 201);
    h.state.reload();
    expect(h.state.policies.eligibility('mortgage')).toBe(rule);
    expectStatus(await send(h, 'PUT', '/v1/actions/mortgage', { ...MORTGAGE, eligibility: 'customer.age >= 21' }), 200);
    expect(h.state.policies.eligibility('mortgage')).not.toBe(rule);
    expect(h.state.policies.eligibility('mortgage')?.source).toBe('customer.age >= 21');
  });

  it('counts eligibility errors per action in /v1/actions/{id}/stats and /v1/stats', async () => {
    h = await createTestHarness();
    expectStatus(await send(h, 'PUT', '/v1/actions/mortgage', MORTGAGE), 201);
    expectStatus(await send(h, 'PUT', '/v1/actions/plain', { name: 'P', category: 'service', value: 1 }), 201);
    const now = Date.now();
    const policies = h.state.policies;
    expect(policies.isEligible('mortgage', { age: 40, products: [] }, 'app', now)).toBe(true);
    expect(policies.isEligible('mortgage', { age: 40, products: ['mortgage'] }, 'app', now)).toBe(false);
    expect(policies.isEligible('mortgage', { products: [] }, 'app', now)).toBe(false); // missing age: an error
    expect(policies.isEligible('mortgage', { age: 40 }, 'app', now)).toBe(false); // missing products
    expect(policies.isEligible('plain', {}, 'app', now)).toBe(true); // no rule

    const one = await send(h, 'GET', '/v1/actions/mortgage/stats');
    expectStatus(one, 200);
    expect(one.body.eligibilityErrors, one.text).toBe(2);
    const all = await send(h, 'GET', '/v1/stats');
    expectStatus(all, 200);
    expect(all.body.eligibilityErrors, all.text).toEqual({ mortgage: 2 });
    expect(all.body.actions.map((a: { eligibilityErrors: number }) => a.eligibilityErrors), all.text).toEqual([2, 0]);
  });

  it('a CEL syntax error is a 400 naming eligibility with its line and column in the detail and the errors entry', async () => {
    h = await createTestHarness();
    // The parser reports where its longest parse stopped: here the `===` on line 2.
    const reply = await send(h, 'PUT', '/v1/actions/x', { name: 'X', category: 'sales', value: 1, eligibility: 'customer.age >= 18 &&\n  customer.x === 1' });
    expectStatus(reply, 400);
    expect(reply.body.detail, reply.text).toMatch(/line 2, column 14/);
    expect(reply.body.errors, reply.text).toEqual([{ field: 'eligibility', message: expect.stringMatching(/^line 2, column 14: syntax error/) }]);
    expect((await send(h, 'GET', '/v1/actions')).body).toEqual([]);
  });
});
