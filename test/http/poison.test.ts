/**
 * The poison cases of issue #9, sent through the HTTP app and the learner: models stay finite, no answer carries a
 * NaN or a null number, and other clients' decisions and feedback are unaffected.
 *
 * Before the limits: a raw numeric feature sent 1e300 gave a NaN propensity (which rolled back a batched decision
 * write); one reward of 1e200 on a linear action made its coefficients' sd NaN and its priority Infinity (null in
 * JSON), and it then won 36 of 50 decisions; value 1e308 × lever 1e308 gave priority null.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { insertFeedback } from '../../db/stores/feedback.js';
import { loadModel, putModel } from '../../db/stores/models.js';
import { isFinitePosterior } from '../../src/core/update.js';
import { createTestHarness, type HarnessOptions, type TestHarness } from '../helpers/harness.js';
import { expectStatus, send } from '../helpers/http.js';

let h: TestHarness;
afterEach(async () => {
  await h.close();
});

const ACTIONS = ['lin', 'a', 'b'];

/** A linear action's draw may be negative: with no threshold every decision offers an action to give feedback on. */
async function seeded(options: HarnessOptions = {}): Promise<TestHarness> {
  const harness = await createTestHarness({ ...options, env: { KAIROS_MIN_PRIORITY: '-1000000000000', ...options.env } });
  expectStatus(
    await send(harness, 'PUT', '/v1/schema', {
      // `balance` is declared without scaling: it enters x raw (clipped to ±1e6).
      features: [{ name: 'balance', type: 'numeric' }, { name: 'tier', type: 'categorical', values: ['gold', 'silver'] }],
      channels: ['app', 'web'],
    }),
    200,
  );
  expectStatus(await send(harness, 'PUT', '/v1/actions/lin', { name: 'Linear', category: 'sales', value: 1, likelihood: 'linear' }), 201);
  expectStatus(await send(harness, 'PUT', '/v1/actions/a', { name: 'A', category: 'sales', value: 10 }), 201);
  expectStatus(await send(harness, 'PUT', '/v1/actions/b', { name: 'B', category: 'service', value: 5 }), 201);
  return harness;
}

/** Every number in a decision answer is a finite JSON number (NaN and ±Infinity serialise as null). */
function expectFiniteDecision(body: { actions: Record<string, unknown>[] }, text: string): void {
  for (const action of body.actions) {
    for (const key of ['propensity', 'sampledPropensity', 'priority', 'probability', 'value']) {
      expect(typeof action[key] === 'number' && Number.isFinite(action[key]), `${key} in ${text}`).toBe(true);
    }
  }
}

function expectModelsFinite(harness: TestHarness): void {
  for (const id of ACTIONS) {
    const { posterior } = harness.state.model(id);
    expect(isFinitePosterior(posterior), `model ${id}: a=${posterior.a} b=${posterior.b}`).toBe(true);
  }
}

async function expectStatsFinite(harness: TestHarness): Promise<void> {
  const stats = await send(harness, 'GET', '/v1/stats');
  expectStatus(stats, 200);
  for (const action of stats.body.actions) {
    for (const c of action.model.coefficients) {
      expect(Number.isFinite(c.mean) && Number.isFinite(c.sd), `${action.actionId} ${c.feature}: ${JSON.stringify(c)}`).toBe(true);
    }
  }
}

const count = (harness: TestHarness, table: string): number =>
  (harness.db.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('poison through the HTTP app', () => {
  it('a raw numeric feature sent 1e300 decides finitely, and the innocent decisions batched with it all stand', async () => {
    h = await seeded();
    const innocent = { channel: 'app', context: { balance: 1200, tier: 'gold' } };
    const poisoned = { channel: 'app', context: { balance: 1e300, tier: 'silver' } };
    // Interleaved within one flush window (20 ms): before, one NaN propensity rolled the whole batch back.
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) => send(h, 'POST', '/v1/decisions', i % 4 === 0 ? poisoned : innocent)),
    );
    for (const reply of replies) {
      expectStatus(reply, 200);
      expectFiniteDecision(reply.body, reply.text);
    }
    // Every client's outcome is accepted and learned, the poisoned ones' too (their x is clipped, not NaN).
    for (const reply of replies) {
      expectStatus(await send(h, 'POST', `/v1/decisions/${reply.body.decisionId}/feedback`, { outcome: 'response', reward: 3 }), 202);
    }
    expect(count(h, 'decisions')).toBe(40);
    expect(await h.learner.runOnce()).toBe(40);
    expect(ACTIONS.reduce((sum, id) => sum + h.state.model(id).posterior.observations, 0)).toBe(40);
    expectModelsFinite(h);
    await expectStatsFinite(h);
  });

  it('a reward of 1e200, value 1e308 or lever 1e308 is a 400 naming the field, and changes nothing', async () => {
    h = await seeded();
    const decision = await send(h, 'POST', '/v1/decisions', { channel: 'app', context: { balance: 1 }, candidates: ['lin'] });
    expectStatus(decision, 200);
    const feedbackPath = `/v1/decisions/${decision.body.decisionId}/feedback`;
    for (const reward of ['1e200', '-1e7', '1e309']) {
      const reply = await send(h, 'POST', feedbackPath, `{"outcome":"response","reward":${reward}}`);
      expectStatus(reply, 400);
      expect(reply.body.errors.map((e: { field: string }) => e.field), reply.text).toEqual(['reward']);
    }
    const action = await send(h, 'PUT', '/v1/actions/lin', { name: 'Linear', category: 'sales', value: 1e308, lever: 1e308 });
    expectStatus(action, 400);
    expect(action.body.errors.map((e: { field: string }) => e.field).sort(), action.text).toEqual(['lever', 'value']);
    expect(count(h, 'feedback')).toBe(0);
    expect((await send(h, 'GET', '/v1/actions/lin')).body).toMatchObject({ value: 1, lever: 1 });
    // The largest accepted ones are harmless: value 1e9 × lever 1e6 and a reward of 1e6.
    expectStatus(await send(h, 'PUT', '/v1/actions/lin', { name: 'Linear', category: 'sales', value: 1e9, lever: 1e6 }), 200);
    expectStatus(await send(h, 'POST', feedbackPath, { outcome: 'response', reward: 1e6 }), 202);
    await h.learner.runOnce();
    expectModelsFinite(h);
    for (let i = 0; i < 20; i++) {
      const reply = await send(h, 'POST', '/v1/decisions', { channel: 'web', context: { balance: 1e300, tier: 'gold' } });
      expectStatus(reply, 200);
      expectFiniteDecision(reply.body, reply.text);
    }
  });
});

describe('poison through the learner', () => {
  it('a stored reward of 1e200 (accepted before the limit) is refused and counted; the model stays finite and the rest is learned', async () => {
    // The pool updater: the refusal count travels back from the worker thread.
    h = await seeded({ updater: 'pool' });
    const decide = async (candidates: string[]) => {
      const reply = await send(h, 'POST', '/v1/decisions', { channel: 'app', context: { balance: 10, tier: 'gold' }, candidates });
      expectStatus(reply, 200);
      return reply.body.decisionId as string;
    };
    const poisonedId = await decide(['lin']);
    const linearIds = [await decide(['lin']), await decide(['lin'])];
    const otherIds = [await decide(['a']), await decide(['b'])];
    h.engine.decisionLog.flush();
    insertFeedback(h.db, { decisionId: poisonedId, actionId: 'lin', outcome: 'response', reward: 1e200, createdAt: Date.now(), source: 'client' });
    for (const id of linearIds) expectStatus(await send(h, 'POST', `/v1/decisions/${id}/feedback`, { outcome: 'response', reward: 2 }), 202);
    for (const id of otherIds) expectStatus(await send(h, 'POST', `/v1/decisions/${id}/feedback`, { outcome: 'response' }), 202);

    expect(await h.learner.runOnce()).toBe(5);
    expect(h.engine.updater.refused()).toBe(1);
    const stats = await send(h, 'GET', '/v1/stats');
    expect(stats.body.refusedOutcomes, stats.text).toBe(1);
    expect(h.state.model('lin').posterior.observations).toBe(2);
    expect(h.state.model('a').posterior.observations).toBe(1);
    expect(h.state.model('b').posterior.observations).toBe(1);
    expectModelsFinite(h);
    await expectStatsFinite(h);

    // The linear action no longer wins by an infinite priority: every answer is finite, and the others still win.
    const winners = new Map<string, number>();
    for (let i = 0; i < 50; i++) {
      const reply = await send(h, 'POST', '/v1/decisions', { channel: 'app', context: { balance: 10, tier: 'gold' } });
      expectStatus(reply, 200);
      expectFiniteDecision(reply.body, reply.text);
      const chosen = reply.body.actions[0]?.actionId ?? 'none';
      winners.set(chosen, (winners.get(chosen) ?? 0) + 1);
    }
    expect(winners.get('lin') ?? 0, JSON.stringify([...winners])).toBeLessThan(50);
  });

  it('a stored model that is not finite (poisoned before the guards) restarts from its prior, and the learner replaces its row', async () => {
    h = await seeded();
    const schemaVersion = h.state.schema().version;
    const poisoned = structuredClone(h.state.model('lin').posterior);
    poisoned.b = Number.POSITIVE_INFINITY;
    poisoned.observations = 7;
    putModel(h.db, 'lin', schemaVersion, poisoned, Date.now());
    h.state.reload();
    expect(h.state.model('lin').posterior.observations).toBe(0);
    expectModelsFinite(h);
    const reply = await send(h, 'POST', '/v1/decisions', { channel: 'app', context: { balance: 1 }, candidates: ['lin'] });
    expectStatus(reply, 200);
    expectFiniteDecision(reply.body, reply.text);
    expectStatus(await send(h, 'POST', `/v1/decisions/${reply.body.decisionId}/feedback`, { outcome: 'response', reward: 2 }), 202);
    expect(await h.learner.runOnce()).toBe(1);
    const stored = loadModel(h.db, 'lin')!;
    expect(stored.posterior.observations).toBe(1);
    expect(isFinitePosterior(stored.posterior)).toBe(true);
  });
});
