/**
 * DELETE /v1/customers/{id} erases the person (DESIGN.md §8.1, issue #10): after it, no text column of any table
 * (read from sqlite_master, so a table added later is scanned too) holds the customer id, while another customer's
 * data and the models' evidence are untouched.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestHarness, type TestHarness } from '../helpers/harness.js';
import { expectStatus, send } from '../helpers/http.js';

const ERASED = 'erase-me@bank.example';
const KEPT = 'keep-me';

let h: TestHarness;
afterEach(async () => {
  await h.close();
});

/** Every (table, column, rowid) whose text contains `needle`, over every table and every column. */
function occurrences(needle: string): string[] {
  const tables = h.db.sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
  const found: string[] = [];
  for (const table of tables) {
    const columns = h.db.sqlite.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[];
    for (const column of columns) {
      // CAST covers TEXT, JSON kept as TEXT and BLOBs holding text alike.
      const n = h.db.sqlite
        .prepare(`SELECT count(*) FROM "${table}" WHERE instr(CAST("${column}" AS TEXT), ?) > 0`)
        .pluck()
        .get(needle) as number;
      if (n > 0) found.push(`${table}.${column} (${n})`);
    }
  }
  return found;
}

async function decideFor(customerId: string): Promise<{ decisionId: string; actionId: string }> {
  const reply = await send(h, 'POST', '/v1/decisions', { customerId, channel: 'app', context: { age: 40 } });
  expectStatus(reply, 200);
  return { decisionId: reply.body.decisionId, actionId: reply.body.actions[0].actionId };
}

describe('DELETE /v1/customers/{customerId}', () => {
  it('leaves nothing of the customer in any table, keeps the other customer and the models', async () => {
    h = await createTestHarness();
    expectStatus(
      await send(h, 'PUT', '/v1/schema', {
        features: [
          { name: 'age', type: 'numeric', min: 18, max: 90 },
          { name: 'lifeEvents', type: 'set', values: ['house_purchase'], events: { ttl: '90d' } },
        ],
        channels: ['app'],
      }),
      200,
    );
    expectStatus(await send(h, 'PUT', '/v1/actions/a', { name: 'A', category: 'sales', value: 10 }), 201);
    for (const id of [ERASED, KEPT]) {
      expectStatus(await send(h, 'PUT', `/v1/customers/${id}`, { attributes: { age: 40, email: id } }), 201);
      expectStatus(await send(h, 'POST', `/v1/customers/${id}/events`, { eventId: `${id}-ev`, type: 'house_purchase' }), 202);
      const triggered = await send(h, 'POST', `/v1/customers/${id}/events`, { type: 'house_purchase', decide: { channel: 'app' } });
      expectStatus(triggered, 202);
      const decisions = [await decideFor(id), await decideFor(id), { decisionId: triggered.body.decision.decisionId, actionId: 'a' }];
      // Each decision offered 'a' to a known customer: the decision log wrote its contact row.
      expect(h.db.sqlite.prepare('SELECT count(*) FROM contacts WHERE customer_id = ?').pluck().get(id)).toBe(3);
      for (const d of decisions.slice(0, 2)) {
        expectStatus(await send(h, 'POST', `/v1/decisions/${d.decisionId}/feedback`, { actionId: d.actionId, outcome: 'response' }), 202);
      }
    }
    await h.learner.runOnce(); // every outcome folded in before the erasure (the learner may have started already)
    // One decision still buffered for its group commit when the erasure arrives: it must not keep the id either.
    const buffered = h.services.decisions.decide({ customerId: ERASED, channel: 'app', context: { age: 50 } });
    expect(occurrences(ERASED).sort()).toEqual(['contacts.customer_id (3)', 'customer_events.customer_id (2)', 'customer_events.id (1)', 'customers.attributes (1)', 'customers.id (1)', 'decisions.customer_id (3)']);
    const modelsBefore = h.db.sqlite.prepare('SELECT * FROM models ORDER BY action_id').all();
    const feedbackBefore = h.db.sqlite.prepare('SELECT count(*) FROM feedback').pluck().get();
    expect(feedbackBefore).toBe(4);

    const erased = await send(h, 'DELETE', `/v1/customers/${encodeURIComponent(ERASED)}`);
    expectStatus(erased, 204);
    expect(erased.text).toBe('');
    await buffered;
    h.engine.decisionLog.flush();

    expect(occurrences(ERASED)).toEqual([]);
    expectStatus(await send(h, 'GET', `/v1/customers/${encodeURIComponent(ERASED)}`), 404);
    // The decisions and their feedback stay (anonymous), and the models keep every observation.
    expect(h.db.sqlite.prepare('SELECT count(*) FROM decisions WHERE customer_id IS NULL').pluck().get()).toBe(4);
    expect(h.db.sqlite.prepare('SELECT count(*) FROM feedback').pluck().get()).toBe(feedbackBefore);
    expect(h.db.sqlite.prepare('SELECT * FROM models ORDER BY action_id').all()).toEqual(modelsBefore);
    // The other customer is untouched.
    const kept = await send(h, 'GET', `/v1/customers/${KEPT}`);
    expectStatus(kept, 200);
    expect(kept.body.events).toHaveLength(2);
    expect(kept.body.contacts).toHaveLength(3);
    expect(h.db.sqlite.prepare('SELECT count(*) FROM decisions WHERE customer_id = ?').pluck().get(KEPT)).toBe(3);
    // Erasing again is a no-op 204.
    expectStatus(await send(h, 'DELETE', `/v1/customers/${encodeURIComponent(ERASED)}`), 204);
  });
});
