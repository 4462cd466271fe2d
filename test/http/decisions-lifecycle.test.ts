/**
 * Deferred activation and the audit trail through the routes (DESIGN.md §8.5), on a real SQLite file:
 * `activate: false` stores a decision that is no contact and not learned; POST …/activate makes it one (204,
 * idempotent); an outcome activates implicitly; the expirer drops one never activated without an ignore;
 * GET /v1/decisions/{id} returns the decision with its outcomes; who may call what.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TestHarness } from '../helpers/harness.js';
import { expectStatus, send } from '../helpers/http.js';
import { SEED_CONTEXT, seedTwoActions } from '../helpers/seed.js';

let h: TestHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const DAY = 86_400_000;

/** A harness whose clock the test moves. */
async function clocked() {
  const clock = { now: Date.UTC(2026, 11, 1, 9) };
  h = await seedTwoActions({ now: () => clock.now });
  return { h, clock };
}

const decide = async (t: TestHarness, body: Record<string, unknown>) => {
  const reply = await send(t, 'POST', '/v1/decisions', { channel: 'app', context: SEED_CONTEXT, candidates: ['a'], ...body });
  expectStatus(reply, 200);
  return reply.body.decisionId as string;
};
const contacts = (t: TestHarness) =>
  t.db.sqlite.prepare('SELECT decision_id, action_id, customer_id, channel, category, at, outcome FROM contacts ORDER BY at').all() as {
    decision_id: string;
    action_id: string;
    customer_id: string;
    channel: string;
    category: string;
    at: number;
    outcome: string | null;
  }[];
const feedback = (t: TestHarness) => t.db.sqlite.prepare('SELECT decision_id, action_id, outcome, source FROM feedback ORDER BY seq').all();

describe('contacts of a decision', () => {
  it('an activated decision for a customer is a contact at once, with the action’s category', async () => {
    const { h, clock } = await clocked();
    const id = await decide(h, { customerId: 'alice' });
    expect(contacts(h)).toEqual([{ decision_id: id, action_id: 'a', customer_id: 'alice', channel: 'app', category: 'sales', at: clock.now, outcome: null }]);
    // v1 requests without a customer stay contact-free.
    await decide(h, {});
    expect(contacts(h)).toHaveLength(1);
  });
});

describe('deferred activation', () => {
  it('activate: false is stored unactivated and is no contact; POST …/activate makes it one at the activation time, once', async () => {
    const { h, clock } = await clocked();
    const id = await decide(h, { customerId: 'alice', activate: false });
    expect(contacts(h)).toEqual([]);
    expect((await send(h, 'GET', `/v1/decisions/${id}`)).body).toMatchObject({ activated: false, customerId: 'alice' });

    clock.now += 60_000;
    const first = await send(h, 'POST', `/v1/decisions/${id}/activate`);
    expectStatus(first, 204);
    expect(first.text).toBe('');
    expect(contacts(h)).toEqual([expect.objectContaining({ decision_id: id, at: clock.now, category: 'sales' })]);
    const once = contacts(h);

    clock.now += 60_000;
    expectStatus(await send(h, 'POST', `/v1/decisions/${id}/activate`), 204);
    expect(contacts(h)).toEqual(once);
    expect((await send(h, 'GET', `/v1/decisions/${id}`)).body).toMatchObject({ activated: true });
  });

  it('an outcome on a deferred decision activates it and fills its contact’s outcome', async () => {
    const { h, clock } = await clocked();
    const id = await decide(h, { customerId: 'alice', activate: false });
    clock.now += 5_000;
    expectStatus(await send(h, 'POST', `/v1/decisions/${id}/feedback`, { outcome: 'response' }), 202);
    expect(contacts(h)).toEqual([expect.objectContaining({ decision_id: id, at: clock.now, outcome: 'response' })]);
    expect((await send(h, 'GET', `/v1/decisions/${id}`)).body).toMatchObject({ activated: true, actions: [{ actionId: 'a', outcome: 'response' }] });
  });

  it('the expirer closes a never-activated decision without an ignore (not learned); an activated one gets its ignore', async () => {
    const { h, clock } = await clocked();
    const deferred = await decide(h, { customerId: 'alice', activate: false });
    const shown = await decide(h, { customerId: 'bob' });
    clock.now += DAY + 1_000;
    expect(await h.engine.expirer.runOnce()).toBe(2);
    expect(feedback(h)).toEqual([{ decision_id: shown, action_id: 'a', outcome: 'ignore', source: 'timeout' }]);
    await h.learner.runOnce();
    expect(h.services.stats.action('a').model.observations).toBe(1); // the ignore of the shown one only

    // Too late to show it: activating or answering it is a 409 that changes nothing.
    const late = await send(h, 'POST', `/v1/decisions/${deferred}/activate`);
    expectStatus(late, 409);
    expect(late.body.errors).toEqual([expect.objectContaining({ field: 'decisionId' })]);
    expectStatus(await send(h, 'POST', `/v1/decisions/${deferred}/feedback`, { outcome: 'response' }), 409);
    expect(contacts(h).map((c) => c.customer_id)).toEqual(['bob']);
    expect(feedback(h)).toHaveLength(1);
  });

  it('ignores whatever body an activate carries (clients send an empty JSON body or {})', async () => {
    h = await seedTwoActions();
    const a = await decide(h, { customerId: 'alice', activate: false });
    const b = await decide(h, { customerId: 'bob', activate: false });
    expectStatus(await send(h, 'POST', `/v1/decisions/${a}/activate`, '', { 'content-type': 'application/json' }), 204);
    expectStatus(await send(h, 'POST', `/v1/decisions/${b}/activate`, {}), 204);
    expect(contacts(h).map((c) => c.customer_id).sort()).toEqual(['alice', 'bob']);
  });

  it('activating an unknown decision is a 404 naming decisionId', async () => {
    h = await seedTwoActions();
    const reply = await send(h, 'POST', '/v1/decisions/0190a5f2-7c1e-7c3a-8f00-1a2b3c4d5e6f/activate');
    expectStatus(reply, 404);
    expect(reply.body.errors).toEqual([expect.objectContaining({ field: 'decisionId' })]);
  });
});

describe('GET /v1/decisions/{decisionId}', () => {
  it('returns the audit trail: every chosen action with its outcome, reward and time once recorded', async () => {
    const { h, clock } = await clocked();
    const created = clock.now;
    const reply = await send(h, 'POST', '/v1/decisions', { customerId: 'alice', channel: 'web', context: SEED_CONTEXT, slots: 2 });
    expectStatus(reply, 200);
    const id = reply.body.decisionId as string;
    const [first, second] = reply.body.actions as { actionId: string; propensity: number; probability: number; probabilityError: number }[];
    clock.now += 1_500;
    expectStatus(await send(h, 'POST', `/v1/decisions/${id}/feedback`, { actionId: second!.actionId, outcome: 'response', reward: 3 }), 202);

    const audit = await send(h, 'GET', `/v1/decisions/${id}`);
    expectStatus(audit, 200);
    expect(audit.body).toEqual({
      decisionId: id,
      createdAt: new Date(created).toISOString(),
      customerId: 'alice',
      channel: 'web',
      group: 'policy',
      activated: true,
      // Two slots: Monte Carlo probabilities (KAIROS_PROBABILITY_DRAWS = 100), each with the error the answer stated.
      probabilityMethod: 'monte-carlo',
      noActionProbability: expect.any(Number),
      probabilityDraws: 100,
      actions: [
        { actionId: first!.actionId, slot: 0, propensity: first!.propensity, probability: first!.probability, probabilityError: first!.probabilityError },
        { actionId: second!.actionId, slot: 1, propensity: second!.propensity, probability: second!.probability, probabilityError: second!.probabilityError, outcome: 'response', reward: 3, outcomeAt: new Date(clock.now).toISOString() },
      ],
    });
  });

  it('shows a null customer once the customer id is erased, and 404 for an unknown id', async () => {
    h = await seedTwoActions();
    const id = await decide(h, { customerId: 'alice' });
    h.db.sqlite.prepare('UPDATE decisions SET customer_id = NULL WHERE id = ?').run(id); // what erasure does
    expect((await send(h, 'GET', `/v1/decisions/${id}`)).body.customerId).toBeNull();
    const unknown = await send(h, 'GET', '/v1/decisions/0190a5f2-7c1e-7c3a-8f00-1a2b3c4d5e6f');
    expectStatus(unknown, 404);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'decisionId' })]);
  });
});

describe('roles', () => {
  it('app may activate and read back its decisions; analyst may read but not activate; ops may do both', async () => {
    h = await seedTwoActions();
    const t = h;
    // Keys created after the seeding (which ran open): from now on they are enforced.
    const keys = { app: t.services.keys.create('app', 'app').key, analyst: t.services.keys.create('analyst', 'analyst').key, ops: t.services.keys.create('ops', 'ops').key };
    const as = (role: keyof typeof keys) => ({ authorization: `Bearer ${keys[role]}` });
    const made = await send(h, 'POST', '/v1/decisions', { customerId: 'alice', channel: 'app', context: SEED_CONTEXT, activate: false }, as('app'));
    expectStatus(made, 200);
    const id = made.body.decisionId as string;
    expectStatus(await send(h, 'GET', `/v1/decisions/${id}`, undefined, as('app')), 200);
    expectStatus(await send(h, 'GET', `/v1/decisions/${id}`, undefined, as('analyst')), 200);
    expectStatus(await send(h, 'POST', `/v1/decisions/${id}/activate`, undefined, as('analyst')), 403);
    expect(contacts(h)).toEqual([]);
    expectStatus(await send(h, 'POST', `/v1/decisions/${id}/activate`, undefined, as('app')), 204);
    expectStatus(await send(h, 'POST', `/v1/decisions/${id}/activate`, undefined, as('ops')), 204);
    expectStatus(await send(h, 'GET', `/v1/decisions/${id}`), 401);
  });
});
