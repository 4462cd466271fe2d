/**
 * Review of the Personalizer loop (issue #12) through its HTTP surface on a real engine and SQLite file, with a
 * hand-driven clock and learner. Each test asserts Personalizer's documented behaviour.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestHarness, type TestHarness } from '../helpers/harness.js';
import { expectStatus, send } from '../helpers/http.js';

const V10 = '/personalizer/v1.0';
const MINUTE = 60_000;
let h: TestHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ACTIONS = [
  { id: 'news', features: [{ topic: 'world', length: 3 }] },
  { id: 'sports', features: [{ topic: 'football', length: 1 }] },
  { id: 'weather', features: [{ topic: 'rain' }] },
];
const CONTEXT = [{ timeOfDay: 'morning' }, { device: { os: 'ios' } }];

async function loop() {
  const clock = { t: Date.UTC(2026, 11, 1, 12) };
  h = await createTestHarness({ now: () => clock.t });
  const learner = h.engine.personalizer.learner;
  const slotRow = (eventId: string, slot = 0) =>
    h!.db.sqlite
      .prepare('SELECT action_id, reward, rewards, learned_at, learned_reward FROM pz_event_slots WHERE event_id = ? AND slot_index = ?')
      .get(eventId, slot) as { action_id: string; reward: number | null; rewards: number; learned_at: number | null; learned_reward: number | null } | undefined;
  const eventRow = (eventId: string) =>
    h!.db.sqlite.prepare('SELECT closed_at, outcome FROM pz_events WHERE event_id = ?').get(eventId) as { closed_at: number | null; outcome: string | null } | undefined;
  return { clock, h, learner, slotRow, eventRow };
}

describe('deferred activation', () => {
  it('a reward sent before the activation is learned once the event is activated and its wait ends', async () => {
    const { clock, h, learner, slotRow } = await loop();
    expectStatus(await send(h, 'POST', `${V10}/rank`, { eventId: 'd1', contextFeatures: CONTEXT, actions: ACTIONS, deferActivation: true }), 201);
    expectStatus(await send(h, 'POST', `${V10}/events/d1/reward`, { value: 0.75 }), 204);
    clock.t += MINUTE;
    expectStatus(await send(h, 'POST', `${V10}/events/d1/activate`), 204);
    clock.t += 11 * MINUTE;
    learner.cycle();
    learner.cycle();
    expect(slotRow('d1')?.learned_reward).toBe(0.75);
  });
});

describe('concurrency', () => {
  it('two concurrent ranks with the same eventId: exactly one is answered 201, the other refused', async () => {
    const { h } = await loop();
    const body = { eventId: 'same', contextFeatures: CONTEXT, actions: ACTIONS };
    const [a, b] = await Promise.all([send(h, 'POST', `${V10}/rank`, body), send(h, 'POST', `${V10}/rank`, body)]);
    expect([a.status, b.status].sort()).toEqual([201, 400]);
  });
});

describe('exploration', () => {
  it('explorationPercentage 1 makes every candidate equally likely; excluded ones stay at 0', async () => {
    const { h } = await loop();
    const cfg = await send(h, 'GET', `${V10}/configurations/service`);
    expectStatus(await send(h, 'PUT', `${V10}/configurations/service`, { ...cfg.body, explorationPercentage: 1 }), 200);
    const r = await send(h, 'POST', `${V10}/rank`, { contextFeatures: CONTEXT, actions: ACTIONS, excludedActions: ['weather'] });
    expectStatus(r, 201);
    const p = Object.fromEntries(r.body.ranking.map((x: { id: string; probability: number }) => [x.id, x.probability]));
    expect(p.news).toBeCloseTo(0.5, 12);
    expect(p.sports).toBeCloseTo(0.5, 12);
    expect(p.weather).toBe(0);
    expect(r.body.ranking[0].id).toBe(r.body.rewardActionId);
  });
});

describe('model file', () => {
  it('export → DELETE /model → import gives back the same model, and ranks work after it', async () => {
    const { clock, h, learner } = await loop();
    for (let i = 0; i < 5; i++) {
      const r = await send(h, 'POST', `${V10}/rank`, { contextFeatures: CONTEXT, actions: ACTIONS });
      expectStatus(await send(h, 'POST', `${V10}/events/${r.body.eventId as string}/reward`, { value: 1 }), 204);
    }
    clock.t += 11 * MINUTE;
    learner.cycle();
    const exported = await h.app.request(`${V10}/model`);
    const file = await exported.text();
    expect(JSON.parse(file).actions.some((a: { observations: number }) => a.observations > 0)).toBe(true);
    expectStatus(await send(h, 'DELETE', `${V10}/model`), 204);
    const put = await h.app.request(`${V10}/model`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: file });
    expect(put.status, await put.text()).toBe(204);
    const again = JSON.parse(await (await h.app.request(`${V10}/model`)).text());
    expect(again.actions).toEqual(JSON.parse(file).actions);
    expectStatus(await send(h, 'POST', `${V10}/rank`, { contextFeatures: CONTEXT, actions: ACTIONS }), 201);
  });

  it('an import after new actions appeared keeps them rankable and learnable', async () => {
    const { clock, h, learner } = await loop();
    expectStatus(await send(h, 'POST', `${V10}/rank`, { contextFeatures: CONTEXT, actions: ACTIONS }), 201);
    const file = await (await h.app.request(`${V10}/model`)).text();
    const more = [...ACTIONS, { id: 'music', features: [{ topic: 'jazz' }] }];
    expectStatus(await send(h, 'POST', `${V10}/rank`, { contextFeatures: CONTEXT, actions: more }), 201);
    const put = await h.app.request(`${V10}/model`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: file });
    expect(put.status, await put.text()).toBe(204);
    const r = await send(h, 'POST', `${V10}/rank`, { eventId: 'after', contextFeatures: CONTEXT, actions: more, excludedActions: ['news', 'sports', 'weather'] });
    expectStatus(r, 201);
    expect(r.body.rewardActionId).toBe('music');
    expectStatus(await send(h, 'POST', `${V10}/events/after/reward`, { value: 1 }), 204);
    clock.t += 11 * MINUTE;
    learner.cycle();
    const model = JSON.parse(await (await h.app.request(`${V10}/model`)).text());
    expect(model.actions.find((a: { id: string }) => a.id === 'music')?.observations).toBeGreaterThan(0);
  });
});

describe('hostile features', () => {
  it('prototype keys, 1e308 and -0 are features like any other: 201, and the model file still round-trips', async () => {
    const { h } = await loop();
    const body = `{"contextFeatures":[{"__proto__":{"polluted":"yes"}},{"constructor":{"prototype":1}},{"big":1e308,"neg":-0}],"actions":[{"id":"__proto__","features":[{"__proto__":"x"}]},{"id":"constructor","features":[]}]}`;
    const r = await send(h, 'POST', `${V10}/rank`, body);
    expectStatus(r, 201);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const file = await (await h.app.request(`${V10}/model`)).text();
    const put = await h.app.request(`${V10}/model`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: file });
    expect(put.status, await put.text()).toBe(204);
  });
});

describe('logs', () => {
  it('DELETE /logs with a rank in flight: both answered (201, 204), and the event is then either rewardable or cleanly unknown (404)', async () => {
    const { h } = await loop();
    const inFlight = send(h, 'POST', `${V10}/rank`, { eventId: 'flying', contextFeatures: CONTEXT, actions: ACTIONS });
    const deleted = send(h, 'DELETE', `${V10}/logs`);
    const [r, d] = await Promise.all([inFlight, deleted]);
    expectStatus(r, 201);
    expectStatus(d, 204);
    // Either the event survived (rank after delete) and its reward is accepted, or it was deleted and the reward is 404.
    const rw = await send(h, 'POST', `${V10}/events/flying/reward`, { value: 1 });
    expect([204, 404]).toContain(rw.status);
  });
});

describe('apprentice and logging only', () => {
  it('Apprentice returns the first action as rewardActionId and ranks it first', async () => {
    const { h } = await loop();
    const cfg = await send(h, 'GET', `${V10}/configurations/service`);
    expectStatus(await send(h, 'PUT', `${V10}/configurations/service`, { ...cfg.body, learningMode: 'Apprentice' }), 200);
    const r = await send(h, 'POST', `${V10}/rank`, { contextFeatures: CONTEXT, actions: ACTIONS });
    expectStatus(r, 201);
    expect(r.body.rewardActionId).toBe('news');
    expect(r.body.ranking[0].id).toBe('news');
    const sum = r.body.ranking.reduce((s: number, x: { probability: number }) => s + x.probability, 0);
    expect(sum).toBeCloseTo(1, 12);
  });
});

describe('refusals a client needs', () => {
  // Every URL parser (WHATWG URL in fetch and both Azure clients, .NET's Uri) removes the dot segments `.` and `..`
  // from events/{eventId}/reward, so an event ranked under such an id can never be rewarded or activated: the rank
  // must refuse it (ranking.ts eventIdOf accepts any 1–256 character string).
  for (const eventId of ['.', '..']) {
    it(`a rank with eventId ${JSON.stringify(eventId)} is refused (400, target eventId) and logs nothing`, async () => {
      const { h, eventRow } = await loop();
      const r = await send(h, 'POST', `${V10}/rank`, { eventId, contextFeatures: CONTEXT, actions: ACTIONS });
      expectStatus(r, 400);
      expect(r.body?.error?.target, r.text).toBe('eventId');
      expect(eventRow(eventId)).toBeUndefined();
    });
  }

  // rewards.ts multiSlotReward checks each slotId exists but not that it appears once: under `sum` one request that
  // names a slot twice adds both values (a reward of 2 from a single call), under `earliest` the second is dropped.
  it('a multi-slot reward naming the same slot twice is refused and changes nothing', async () => {
    const { h, slotRow } = await loop();
    const cfg = await send(h, 'GET', `${V10}/configurations/service`);
    expectStatus(await send(h, 'PUT', `${V10}/configurations/service`, { ...cfg.body, rewardAggregation: 'sum' }), 200);
    const slots = [{ id: 'main', baselineAction: 'news' }, { id: 'side', baselineAction: 'sports' }];
    expectStatus(await send(h, 'POST', `${V10}/multislot/rank`, { eventId: 'ms', contextFeatures: CONTEXT, actions: ACTIONS, slots }), 201);
    const r = await send(h, 'POST', `${V10}/multislot/events/ms/reward`, { reward: [{ slotId: 'main', value: 1 }, { slotId: 'main', value: 1 }] });
    expectStatus(r, 400);
    expect(r.body?.error?.target, r.text).toBe('reward.1.slotId');
    expect(slotRow('ms', 0)?.reward).toBeNull();
  });
});

describe('probabilities after learning', () => {
  it('50 actions, some excluded, ε = 0.2: every probability in [0, 1], they sum to 1, the reward action first and > 0; multi-slot picks are distinct', async () => {
    const { clock, h, learner } = await loop();
    const cfg = await send(h, 'GET', `${V10}/configurations/service`);
    expectStatus(await send(h, 'PUT', `${V10}/configurations/service`, { ...cfg.body, explorationPercentage: 0.2 }), 200);
    const actions = Array.from({ length: 50 }, (_, i) => ({ id: `a${i}`, features: [{ group: `g${i % 5}`, size: i }] }));
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 40; i++) {
        const r = await send(h, 'POST', `${V10}/rank`, { contextFeatures: [{ n: i % 3 }], actions });
        expectStatus(r, 201);
        const chosen = Number(String(r.body.rewardActionId).slice(1));
        expectStatus(await send(h, 'POST', `${V10}/events/${r.body.eventId as string}/reward`, { value: chosen % 7 === 0 ? 1 : 0 }), 204);
      }
      clock.t += 11 * MINUTE;
      learner.cycle();
    }
    const excludedActions = ['a0', 'a7', 'a49'];
    for (let i = 0; i < 20; i++) {
      const r = await send(h, 'POST', `${V10}/rank`, { contextFeatures: [{ n: i % 3 }], actions, excludedActions });
      expectStatus(r, 201);
      const ranking = r.body.ranking as { id: string; probability: number }[];
      expect(ranking).toHaveLength(50);
      expect(ranking[0]!.id).toBe(r.body.rewardActionId);
      expect(ranking[0]!.probability).toBeGreaterThan(0);
      for (const x of ranking) {
        expect(x.probability).toBeGreaterThanOrEqual(0);
        expect(x.probability).toBeLessThanOrEqual(1);
      }
      expect(ranking.slice(-3).map((x) => x.id).sort()).toEqual([...excludedActions].sort());
      expect(ranking.slice(-3).every((x) => x.probability === 0)).toBe(true);
      expect(ranking.reduce((s, x) => s + x.probability, 0)).toBeCloseTo(1, 12);
      for (const x of ranking.slice(0, -3)) expect(x.probability).toBeGreaterThanOrEqual(0.2 / 47 - 1e-12);
    }
    const slots = Array.from({ length: 10 }, (_, i) => ({ id: `s${i}`, baselineAction: `a${i}` }));
    const m = await send(h, 'POST', `${V10}/multislot/rank`, { actions, slots });
    expectStatus(m, 201);
    const picks = (m.body.slots as { rewardActionId: string }[]).map((s) => s.rewardActionId);
    expect(new Set(picks).size).toBe(10);
  });
});

describe('DELETE /logs and open events', () => {
  // Personalizer's DELETE /logs removed the stored interaction logs (what offline evaluations read); the online loop
  // went on. service.ts deleteLogs runs `DELETE FROM pz_events`, open events included: the application's reward for
  // a rank answered a moment before gets 404 (the classic client throws) and the event is never learned.
  it('a rank answered before DELETE /logs can still be rewarded, and is learned', async () => {
    const { clock, h, learner, slotRow } = await loop();
    expectStatus(await send(h, 'POST', `${V10}/rank`, { eventId: 'open', contextFeatures: CONTEXT, actions: ACTIONS }), 201);
    expectStatus(await send(h, 'DELETE', `${V10}/logs`), 204);
    expectStatus(await send(h, 'POST', `${V10}/events/open/reward`, { value: 1 }), 204);
    clock.t += 11 * MINUTE;
    learner.cycle();
    expect(slotRow('open')?.learned_reward).toBe(1);
  });
});
