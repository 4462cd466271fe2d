/**
 * Happy paths of the customer brain (DESIGN.md §8.1) through app.request() on a fresh SQLite file: profiles (PUT
 * replaces, PATCH merges and creates), events with their expiry and idempotency, the moment-of-truth trigger, the
 * customer view, and expired events pruned by retention.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestHarness, type TestHarness } from '../helpers/harness.js';
import { expectStatus, send } from '../helpers/http.js';

const DAY_MS = 86_400_000;
const START = Date.parse('2026-12-01T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

let h: TestHarness;
let clock: { now: number };
afterEach(async () => {
  await h.close();
});

/** A schema with two event-fed sets (lifeEvents 90d, recent 7d, both listing job_loss) and actions on app. */
async function seed(env: Record<string, string> = {}): Promise<void> {
  clock = { now: START };
  h = await createTestHarness({ now: () => clock.now, env });
  expectStatus(
    await send(h, 'PUT', '/v1/schema', {
      features: [
        { name: 'age', type: 'numeric', min: 18, max: 90 },
        { name: 'lifeEvents', type: 'set', values: ['house_purchase', 'marriage', 'job_loss'], events: { ttl: '90d' } },
        { name: 'recent', type: 'set', values: ['job_loss', 'login'], events: { ttl: '7d' } },
      ],
      channels: ['app', 'email'],
    }),
    200,
  );
  expectStatus(await send(h, 'PUT', '/v1/actions/mortgage', { name: 'Mortgage', category: 'sales', value: 100, channels: ['app'] }), 201);
  expectStatus(await send(h, 'PUT', '/v1/actions/budget', { name: 'Budget help', category: 'service', value: 10 }), 201);
}

const count = (table: string, where = '1') =>
  (h.db.sqlite.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).get() as { n: number }).n;

describe('customer profiles', () => {
  it('PUT creates (201) then replaces (200) the whole profile; GET shows it with an empty history', async () => {
    await seed();
    const created = await send(h, 'PUT', '/v1/customers/c-1', { attributes: { age: 41, products: ['card'], vip: true, note: 'x' } });
    expectStatus(created, 201);
    expect(created.body).toEqual({ customerId: 'c-1', attributes: { age: 41, products: ['card'], vip: true, note: 'x' }, updatedAt: iso(START) });
    clock.now += 1_000;
    const replaced = await send(h, 'PUT', '/v1/customers/c-1', { attributes: { age: 42 } });
    expectStatus(replaced, 200);
    expect(replaced.body).toEqual({ customerId: 'c-1', attributes: { age: 42 }, updatedAt: iso(START + 1_000) });
    const view = await send(h, 'GET', '/v1/customers/c-1');
    expectStatus(view, 200);
    expect(view.body).toEqual({
      customerId: 'c-1',
      attributes: { age: 42 },
      events: [],
      contacts: [],
      suppressions: [],
      controlGroup: false,
      updatedAt: iso(START + 1_000),
    });
  });

  it('PATCH merges key by key, null removes a key, and an unknown customer is created (201)', async () => {
    await seed();
    const created = await send(h, 'PATCH', '/v1/customers/c@bank.example', { attributes: { age: 30, segment: 'mass', debt: true } });
    expectStatus(created, 201);
    expect(created.body.attributes).toEqual({ age: 30, segment: 'mass', debt: true });
    const merged = await send(h, 'PATCH', '/v1/customers/c@bank.example', { attributes: { segment: 'affluent', debt: null, products: [] } });
    expectStatus(merged, 200);
    expect(merged.body.attributes).toEqual({ age: 30, segment: 'affluent', products: [] });
    expect((await send(h, 'GET', '/v1/customers/c@bank.example')).body.attributes).toEqual({ age: 30, segment: 'affluent', products: [] });
  });

  it('a PATCH that would take the merged profile over 256 keys is a 400 naming attributes and changes nothing', async () => {
    await seed();
    const many = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, i]));
    expectStatus(await send(h, 'PUT', '/v1/customers/c-1', { attributes: many }), 201);
    const more = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`m${i}`, i]));
    const refused = await send(h, 'PATCH', '/v1/customers/c-1', { attributes: more });
    expectStatus(refused, 400);
    expect(refused.body.errors, refused.text).toEqual([{ field: 'attributes', message: 'has 300 keys; at most 256 are allowed' }]);
    expect(Object.keys((await send(h, 'GET', '/v1/customers/c-1')).body.attributes)).toHaveLength(200);
  });

  it('GET of an unknown customer is a 404 naming customerId; DELETE of one is a 204', async () => {
    await seed();
    const missing = await send(h, 'GET', '/v1/customers/nobody');
    expectStatus(missing, 404);
    expect(missing.body.errors, missing.text).toEqual([{ field: 'customerId', message: 'no such customer' }]);
    expectStatus(await send(h, 'DELETE', '/v1/customers/nobody'), 204);
  });
});

describe('customer events', () => {
  it('expire after the longest TTL of the event-fed features listing the type, 90 days when none does', async () => {
    await seed();
    const at = START - DAY_MS;
    const house = await send(h, 'POST', '/v1/customers/c-1/events', { eventId: 'e-1', type: 'house_purchase', at: iso(at) });
    expectStatus(house, 202);
    expect(house.body).toEqual({ eventId: 'e-1', customerId: 'c-1', type: 'house_purchase', at: iso(at), expiresAt: iso(at + 90 * DAY_MS), duplicate: false });
    const login = await send(h, 'POST', '/v1/customers/c-1/events', { type: 'login' });
    expectStatus(login, 202);
    expect(login.body.at).toBe(iso(START)); // at defaults to now
    expect(login.body.expiresAt).toBe(iso(START + 7 * DAY_MS));
    expect(login.body.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const jobLoss = await send(h, 'POST', '/v1/customers/c-1/events', { type: 'job_loss', at: '2026-12-01T11:04:00+01:00' });
    expect(jobLoss.body.expiresAt, jobLoss.text).toBe(iso(START + 4 * 60_000 + 90 * DAY_MS)); // 90d beats 7d
    const other = await send(h, 'POST', '/v1/customers/c-1/events', { type: 'branch_visit', attributes: { branch: 'Leuven' } });
    expect(other.body.expiresAt).toBe(iso(START + 90 * DAY_MS));
  });

  it('the first event of an unknown customer creates it with no attributes', async () => {
    await seed();
    expectStatus(await send(h, 'POST', '/v1/customers/new-1/events', { type: 'marriage' }), 202);
    const view = await send(h, 'GET', '/v1/customers/new-1');
    expectStatus(view, 200);
    expect(view.body.attributes).toEqual({});
    expect(view.body.events.map((e: { type: string }) => e.type)).toEqual(['marriage']);
  });

  it('the same eventId again answers 200 duplicate with the stored event; for another customer it is a 409', async () => {
    await seed();
    expectStatus(await send(h, 'POST', '/v1/customers/c-1/events', { eventId: 'e-1', type: 'marriage', at: iso(START - 60_000) }), 202);
    const again = await send(h, 'POST', '/v1/customers/c-1/events', { eventId: 'e-1', type: 'house_purchase' });
    expectStatus(again, 200);
    expect(again.body).toMatchObject({ eventId: 'e-1', type: 'marriage', at: iso(START - 60_000), duplicate: true });
    const stolen = await send(h, 'POST', '/v1/customers/c-2/events', { eventId: 'e-1', type: 'marriage' });
    expectStatus(stolen, 409);
    expect(stolen.body.errors, stolen.text).toEqual([{ field: 'eventId', message: 'already used by another customer' }]);
    expect(count('customer_events')).toBe(1);
    expect(count('customers', "id = 'c-2'")).toBe(0);
  });

  it('decide records the event, then answers the decision it triggered; a duplicate decides nothing', async () => {
    await seed();
    expectStatus(await send(h, 'PUT', '/v1/customers/c-1', { attributes: { age: 35 } }), 201);
    const trigger = { eventId: 'buy-1', type: 'house_purchase', decide: { channel: 'app', candidates: ['mortgage'] } };
    const answer = await send(h, 'POST', '/v1/customers/c-1/events', trigger);
    expectStatus(answer, 202);
    expect(answer.body).toMatchObject({ eventId: 'buy-1', duplicate: false, decision: { channel: 'app', noAction: false } });
    expect(answer.body.decision.actions.map((a: { actionId: string }) => a.actionId)).toEqual(['mortgage']);
    h.engine.decisionLog.flush();
    const row = h.db.sqlite.prepare('SELECT customer_id, channel FROM decisions WHERE id = ?').get(answer.body.decision.decisionId);
    expect(row).toEqual({ customer_id: 'c-1', channel: 'app' });
    const again = await send(h, 'POST', '/v1/customers/c-1/events', trigger);
    expectStatus(again, 200);
    expect(again.body.duplicate).toBe(true);
    expect(again.body.decision).toBeUndefined();
    h.engine.decisionLog.flush();
    expect(count('decisions')).toBe(1);
  });

  it('GET lists unexpired events and contacts latest first; retention prunes the expired events', async () => {
    await seed({ KAIROS_RETENTION: '30d' });
    await send(h, 'POST', '/v1/customers/c-1/events', { eventId: 'old-login', type: 'login', at: iso(START - 6 * DAY_MS) });
    await send(h, 'POST', '/v1/customers/c-1/events', { eventId: 'marriage', type: 'marriage', at: iso(START - 2 * DAY_MS) });
    await send(h, 'POST', '/v1/customers/c-1/events', { eventId: 'new-login', type: 'login', at: iso(START) });
    // The contact history is written by the decision path (another part of issue #10): rows as it writes them.
    const contact = h.db.sqlite.prepare(
      "INSERT INTO contacts (decision_id, action_id, customer_id, channel, category, at, outcome) VALUES (?, ?, 'c-1', ?, 'sales', ?, ?)",
    );
    contact.run('d-1', 'mortgage', 'app', START - 3_000, 'ignore');
    contact.run('d-2', 'budget', 'email', START - 1_000, null);
    contact.run('d-x', 'budget', 'email', START, null);
    h.db.sqlite.prepare("UPDATE contacts SET customer_id = 'c-2' WHERE decision_id = 'd-x'").run();
    clock.now = START + 2 * DAY_MS; // old-login (7d from START − 6d) has expired
    const view = await send(h, 'GET', '/v1/customers/c-1');
    expectStatus(view, 200);
    expect(view.body.events.map((e: { eventId: string }) => e.eventId)).toEqual(['new-login', 'marriage']);
    expect(view.body.contacts).toEqual([
      { decisionId: 'd-2', channel: 'email', actionId: 'budget', at: iso(START - 1_000), outcome: null },
      { decisionId: 'd-1', channel: 'app', actionId: 'mortgage', at: iso(START - 3_000), outcome: 'ignore' },
    ]);
    expect(count('customer_events')).toBe(3);
    await h.engine.pruner!.runOnce();
    expect(h.db.sqlite.prepare('SELECT id FROM customer_events ORDER BY id').pluck().all()).toEqual(['marriage', 'new-login']);
  });
});

describe('event-fed features in the schema', () => {
  it('GET /v1/schema shows the events TTL, and a new TTL writes a new schema version', async () => {
    await seed();
    const schema = await send(h, 'GET', '/v1/schema');
    expect(schema.body.features[1]).toEqual({ name: 'lifeEvents', type: 'set', values: ['house_purchase', 'marriage', 'job_loss'], events: { ttl: '90d' } });
    const features = schema.body.features.map((f: Record<string, unknown>) => (f['name'] === 'recent' ? { ...f, events: { ttl: '14d' } } : f));
    const same = await send(h, 'PUT', '/v1/schema', { features: schema.body.features, channels: ['app', 'email'] });
    expect(same.body.unchanged, same.text).toBe(true);
    const changed = await send(h, 'PUT', '/v1/schema', { features, channels: ['app', 'email'] });
    expectStatus(changed, 200);
    expect(changed.body).toMatchObject({ unchanged: false, version: schema.body.version + 1 });
    const login = await send(h, 'POST', '/v1/customers/c-1/events', { type: 'login' });
    expect(login.body.expiresAt).toBe(iso(START + 14 * DAY_MS));
  });
});
