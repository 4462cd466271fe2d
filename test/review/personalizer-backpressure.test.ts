/**
 * A rank refused with 503 by the group commit's backpressure (KAIROS_MAX_PENDING_WRITES) must change nothing.
 * ranking.ts `commit` installs the rank's new actions in the in-memory state right after `log.append`, whether or
 * not the append was refused at once; rank-log.ts forgets only the event id, and onFailed (which removes the
 * actions) runs only for a batch that failed to write. So an action first seen in a refused rank lives in memory but
 * never in pz_actions: later ranks treat it as known and never write it, and the learner's upsert of its model
 * violates pz_models' foreign key, failing the whole learning cycle.
 */
import { afterEach, expect, it } from 'vitest';
import { createTestHarness, type TestHarness } from '../helpers/harness.js';
import { send } from '../helpers/http.js';

const V10 = '/personalizer/v1.0';
let h: TestHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

it('an action first seen in a rank refused with 503 is created by the next rank that offers it, and learns', async () => {
  const clock = { t: Date.UTC(2026, 11, 1, 12) };
  h = await createTestHarness({ now: () => clock.t, env: { KAIROS_MAX_PENDING_WRITES: '1' } });
  const learner = h.engine.personalizer.learner;
  const [a, b] = await Promise.all([
    send(h, 'POST', `${V10}/rank`, { eventId: 'first', actions: [{ id: 'old', features: [{ k: 1 }] }] }),
    send(h, 'POST', `${V10}/rank`, { eventId: 'refused', actions: [{ id: 'fresh', features: [{ k: 2 }] }] }),
  ]);
  expect([a.status, b.status].sort(), `${a.text} / ${b.text}`).toEqual([201, 503]);
  const refusedAction = b.status === 503 ? 'fresh' : 'old';
  const refusedEvent = b.status === 503 ? 'refused' : 'first';
  expect((b.status === 503 ? b : a).headers.get('retry-after'), 'a 503 says when to retry').toBe('1');
  expect(h.db.sqlite.prepare('SELECT 1 FROM pz_events WHERE event_id = ?').get(refusedEvent)).toBeUndefined();

  // The client retries, as a 503 asks.
  const retry = await send(h, 'POST', `${V10}/rank`, { eventId: 'retry', actions: [{ id: refusedAction, features: [{ k: 3 }] }] });
  expect(retry.status, retry.text).toBe(201);
  expect(h.db.sqlite.prepare('SELECT id FROM pz_actions WHERE id = ?').get(refusedAction)).toEqual({ id: refusedAction });
  expect((await send(h, 'POST', `${V10}/events/retry/reward`, { value: 1 })).status).toBe(204);
  clock.t += 11 * 60_000;
  expect(() => learner.cycle()).not.toThrow();
  const model = JSON.parse(await (await h.app.request(`${V10}/model`)).text()) as { actions: { id: string; observations: number }[] };
  expect(model.actions.find((x) => x.id === refusedAction)?.observations).toBeGreaterThan(0);
});

it("an action's new features sent in a rank refused with 503 are stored by the next rank that sends them", async () => {
  h = await createTestHarness({ env: { KAIROS_MAX_PENDING_WRITES: '1' } });
  const first = await send(h, 'POST', `${V10}/rank`, { actions: [{ id: 'p', features: [{ v: 'A' }] }, { id: 'q', features: [{ v: 'A' }] }] });
  expect(first.status, first.text).toBe(201);
  const [a, b] = await Promise.all([
    send(h, 'POST', `${V10}/rank`, { actions: [{ id: 'p', features: [{ v: 'B' }] }] }),
    send(h, 'POST', `${V10}/rank`, { actions: [{ id: 'q', features: [{ v: 'B' }] }] }),
  ]);
  expect([a.status, b.status].sort(), `${a.text} / ${b.text}`).toEqual([201, 503]);
  const refused = b.status === 503 ? 'q' : 'p';
  const retry = await send(h, 'POST', `${V10}/rank`, { actions: [{ id: refused, features: [{ v: 'B' }] }] });
  expect(retry.status, retry.text).toBe(201);
  const row = h.db.sqlite.prepare('SELECT features_json FROM pz_actions WHERE id = ?').get(refused) as { features_json: string };
  expect(JSON.parse(row.features_json)).toEqual([{ v: 'B' }]);
});
