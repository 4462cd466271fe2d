/**
 * Azure's REST Personalizer client (`@azure-rest/ai-personalizer` 1.0.0-beta.1, default base
 * /personalizer/v1.1-preview.3) against the real Kairos server on 127.0.0.1 with API keys enforced (an app key for
 * rank/reward/activate, an ops key for configuration, model and logs), through every route it offers, asserting
 * statuses, shapes and effects:
 * - rank, reward, activate (with no body), multi-slot rank/reward/activate;
 * - configurations/service round trip, configurations/policy GET/PUT/DELETE;
 * - reward semantics, read from the exported model (GET /model): with `earliest` a second reward is ignored, an
 *   event whose wait time ends unrewarded learns `defaultReward`, a deferred event is learned only once activated,
 *   `sum` adds the rewards, a reward after the wait time is not learned; model/properties moves after learning;
 * - DELETE /model resets the evidence and PUT /model of an export restores it;
 * - Apprentice mode returns the baseline (the first action, or each slot's baselineAction) and reports;
 * - DELETE /logs forgets the closed events (a reward for one is then 404) and keeps the open ones; GET /logs/properties.
 *
 * Every semantic check compares actions that met the same context with no action features (so each started from
 * the same cold prior): equal evidence must give equal posterior means, whatever the prior is.
 *
 * The client's `isUnexpected` mistakes every 204 on a path with {eventId} for a failure (its map lookup drops the
 * base only for fixed paths; test/e2e/personalizer-wire.test.ts pins it), so those answers are checked by status.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { contextFeatures, worldActions } from '../../scripts/regret/personalizer-world.js';
import { isUnexpected, restClient, startPersonalizerServer, type PersonalizerServer, type RestPersonalizerClient } from '../helpers/personalizer.js';
import { actionEvidence, expectSameMean, type ActionEvidence } from '../helpers/personalizer-model.js';

let pz: PersonalizerServer;
let app: RestPersonalizerClient;
let ops: RestPersonalizerClient;
beforeAll(async () => {
  // A fast learner and expirer so a 5 s reward wait ends within a few hundred milliseconds of its deadline.
  pz = await startPersonalizerServer({ KAIROS_LEARNER_INTERVAL: '50ms', KAIROS_EXPIRE_INTERVAL: '200ms' });
  app = restClient(pz.url, pz.appKey);
  ops = restClient(pz.url, pz.opsKey);
});
afterAll(async () => {
  await pz?.stop();
});

/** The context every semantic probe meets. */
const PROBE_CONTEXT = contextFeatures({ timeOfDay: 'evening', taste: 'salty', weather: 'rainy', device: 'desktop' });
/** How long learning may take once a 5 s wait is over (the expirer and learner run every 200 and 50 ms). */
const LEARN_TIMEOUT_MS = 20_000;

async function exportModel(): Promise<{ bytes: Buffer; contentType: string | undefined; model: unknown }> {
  const res = await ops.path('/model').get().asNodeStream();
  expect(res.status).toBe('200');
  const chunks: Buffer[] = [];
  for await (const chunk of res.body as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
  const bytes = Buffer.concat(chunks);
  return { bytes, contentType: res.headers['content-type'], model: JSON.parse(bytes.toString('utf8')) as unknown };
}

async function evidence(actionId: string): Promise<ActionEvidence> {
  return actionEvidence((await exportModel()).model, actionId);
}

/** Waits (on the exported model, polled) until each action has exactly `observations` observations. */
async function untilLearned(actionIds: readonly string[], observations = 1): Promise<Map<string, ActionEvidence>> {
  let seen = new Map<string, ActionEvidence>();
  await vi.waitFor(
    async () => {
      const { model } = await exportModel();
      seen = new Map(actionIds.map((id) => [id, actionEvidence(model, id)]));
      expect(Object.fromEntries([...seen].map(([id, e]) => [id, e.observations]))).toEqual(Object.fromEntries(actionIds.map((id) => [id, observations])));
    },
    { timeout: LEARN_TIMEOUT_MS, interval: 100 },
  );
  return seen;
}

/** Ranks a single featureless action (so it is chosen with probability 1) in PROBE_CONTEXT; returns the event id. */
async function probe(actionId: string, options: { deferActivation?: boolean } = {}): Promise<string> {
  const res = await app.path('/rank').post({ body: { contextFeatures: PROBE_CONTEXT, actions: [{ id: actionId, features: [] }], ...options } });
  if (isUnexpected(res)) throw new Error(`rank ${actionId}: ${res.status} ${JSON.stringify(res.body)}`);
  expect(res.status).toBe('201');
  expect(res.body.rewardActionId).toBe(actionId);
  return res.body.eventId;
}

async function reward(eventId: string, value: number): Promise<string> {
  return (await app.path('/events/{eventId}/reward', eventId).post({ body: { value } })).status;
}

async function serviceConfiguration(): Promise<Record<string, unknown>> {
  const res = await ops.path('/configurations/service').get();
  expect(res.status).toBe('200');
  return res.body as unknown as Record<string, unknown>;
}

/** PUTs the current configuration with `changes` (the other fields as they are, so learningMode moves alone). */
async function updateConfiguration(changes: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { apprentice: _report, ...current } = await serviceConfiguration();
  const res = await ops.path('/configurations/service').put({ body: { ...current, ...changes } as never });
  if (isUnexpected(res)) throw new Error(`PUT configurations/service: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as unknown as Record<string, unknown>;
}

describe('REST client: access', () => {
  it('a wrong key: 401 Unauthorized; the app key on an ops route: 403 Forbidden', async () => {
    const wrong = restClient(pz.url, 'kairos_not-a-real-key-not-a-real-key-not-a-real-key');
    const refused = await wrong.path('/rank').post({ body: { actions: worldActions() } });
    expect(refused.status).toBe('401');
    expect(refused.body).toMatchObject({ error: { code: 'Unauthorized' } });
    const forbidden = await app.path('/configurations/service').get();
    expect(forbidden.status).toBe('403');
    expect(forbidden.body).toMatchObject({ error: { code: 'Forbidden' } });
  });
});

describe('REST client: rank, reward, activate', () => {
  it('rank: 201, every action once with probabilities summing to 1; reward 204', async () => {
    const res = await app.path('/rank').post({ body: { contextFeatures: PROBE_CONTEXT, actions: worldActions(), excludedActions: ['juice'] } });
    if (isUnexpected(res)) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
    expect(res.status).toBe('201');
    const { ranking, eventId, rewardActionId } = res.body;
    expect(ranking.map((r) => r.id).sort()).toEqual(worldActions().map((a) => a.id).sort());
    expect(ranking.at(-1)).toEqual({ id: 'juice', probability: 0 });
    expect(Math.abs(ranking.reduce((s, r) => s + r.probability, 0) - 1)).toBeLessThan(1e-9);
    expect(rewardActionId).not.toBe('juice');
    expect(await reward(eventId, 0.75)).toBe('204');
  });

  it('a deferred event activates with no body and no content type: 204', async () => {
    const res = await app.path('/rank').post({ body: { contextFeatures: PROBE_CONTEXT, actions: worldActions(), deferActivation: true } });
    if (isUnexpected(res)) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
    const activated = await app.path('/events/{eventId}/activate', res.body.eventId).post();
    expect(activated.status, JSON.stringify(activated.body)).toBe('204');
  });

  it('multi-slot: 201 with one distinct action per slot, never one excluded in its slot; reward and activate 204', async () => {
    const slots = [
      { id: 'main', baselineAction: 'pasta' },
      { id: 'side', baselineAction: 'juice', excludedActions: ['coffee', 'soup'], features: [{ position: 'right' }] },
      { id: 'drink', baselineAction: 'coffee', features: [{ position: { row: 2, tags: ['small'] } }] },
    ];
    const res = await app.path('/multislot/rank').post({ body: { contextFeatures: PROBE_CONTEXT, actions: worldActions(), slots } });
    if (isUnexpected(res)) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
    expect(res.status).toBe('201');
    expect(res.body.slots.map((s) => s.id)).toEqual(['main', 'side', 'drink']);
    const chosen = res.body.slots.map((s) => s.rewardActionId);
    expect(new Set(chosen).size).toBe(3);
    for (const id of chosen) expect(worldActions().map((a) => a.id)).toContain(id);
    expect(['coffee', 'soup']).not.toContain(chosen[1]);
    const rewarded = await app.path('/multislot/events/{eventId}/reward', res.body.eventId).post({ body: { reward: [{ slotId: 'main', value: 1 }, { slotId: 'side', value: 0 }] } });
    expect(rewarded.status, JSON.stringify(rewarded.body)).toBe('204');

    const deferred = await app.path('/multislot/rank').post({ body: { actions: worldActions(), slots, deferActivation: true } });
    if (isUnexpected(deferred)) throw new Error(`${deferred.status} ${JSON.stringify(deferred.body)}`);
    const activated = await app.path('/multislot/events/{eventId}/activate', deferred.body.eventId).post();
    expect(activated.status, JSON.stringify(activated.body)).toBe('204');
  });
});

describe('REST client: configuration', () => {
  it('configurations/service: GET, PUT round trip; learningMode with defaultReward in one PUT refused', async () => {
    const initial = await serviceConfiguration();
    expect(initial).toMatchObject({
      rewardWaitTime: expect.any(String),
      defaultReward: expect.any(Number),
      rewardAggregation: expect.stringMatching(/^(earliest|sum)$/),
      explorationPercentage: expect.any(Number),
      modelExportFrequency: expect.any(String),
      logRetentionDays: expect.any(Number),
      learningMode: 'Online',
    });
    const wanted = { rewardWaitTime: 'PT5S', defaultReward: 0.5, rewardAggregation: 'earliest', explorationPercentage: 0.1, modelExportFrequency: 'PT5M', logRetentionDays: -1 };
    const updated = await updateConfiguration(wanted);
    expect(updated).toMatchObject({ ...wanted, learningMode: 'Online' });
    expect(await serviceConfiguration()).toMatchObject({ ...wanted, learningMode: 'Online' });

    const { apprentice: _report, ...current } = await serviceConfiguration();
    const mixed = await ops.path('/configurations/service').put({ body: { ...current, learningMode: 'Apprentice', defaultReward: 0 } as never });
    expect(mixed.status).toBe('400');
    expect(mixed.body).toMatchObject({ error: { code: 'InvalidLearningModeServiceConfiguration' } });
    expect(await serviceConfiguration()).toMatchObject({ ...wanted, learningMode: 'Online' });
  });

  it('configurations/policy: GET, PUT, GET, DELETE back to the default', async () => {
    const initial = await ops.path('/configurations/policy').get();
    expect(initial.status).toBe('200');
    expect(initial.body).toMatchObject({ name: expect.any(String), arguments: expect.any(String) });
    const custom = { name: 'my policy', arguments: '--cb_explore_adf --epsilon 0.2 --power_t 0 -l 0.001' };
    const put = await ops.path('/configurations/policy').put({ body: custom });
    expect(put.status, JSON.stringify(put.body)).toBe('200');
    expect(put.body).toEqual(custom);
    expect((await ops.path('/configurations/policy').get()).body).toEqual(custom);
    const reset = await ops.path('/configurations/policy').delete();
    expect(reset.status).toBe('200');
    expect(reset.body).toEqual(initial.body);
    expect((await ops.path('/configurations/policy').get()).body).toEqual(initial.body);
  });
});

/** p-late's event: its wait ends and its default reward is learned in the reward-semantics tests (closed after). */
let lateEvent = '';

describe('REST client: reward semantics, read from the exported model', () => {

  it('earliest ignores a second reward; an unrewarded event learns defaultReward; a deferred event only once activated', async () => {
    const before = await ops.path('/model/properties').get();
    expect(before.status).toBe('200');
    expect(before.body).toMatchObject({ creationTime: expect.any(String), lastModifiedTime: expect.any(String) });

    // PT5S wait, defaultReward 0.5, earliest (set by the configuration test above).
    // p-silent is never rewarded: its wait ends and it learns defaultReward.
    const [twice, once, , half, dormant, activated, late] = await Promise.all(
      ['p-twice', 'p-once', 'p-silent', 'p-half', 'p-dormant', 'p-activated', 'p-late'].map((id) =>
        probe(id, { deferActivation: id === 'p-dormant' || id === 'p-activated' }),
      ),
    );
    lateEvent = late!;
    expect(await reward(twice!, 0.2)).toBe('204');
    // Personalizer accepted a second reward; with `earliest` it is not learned.
    expect(await reward(twice!, 0.9)).toBe('204');
    expect(await reward(once!, 0.2)).toBe('204');
    expect(await reward(half!, 0.5)).toBe('204');
    // A reward for a deferred event that is never activated: whatever the answer, it must never be learned.
    await reward(dormant!, 1);
    expect((await app.path('/events/{eventId}/activate', activated!).post()).status).toBe('204');
    expect(await reward(activated!, 1)).toBe('204');

    const learned = await untilLearned(['p-twice', 'p-once', 'p-silent', 'p-half', 'p-activated', 'p-late']);
    expect((await evidence('p-dormant')).observations).toBe(0);
    expectSameMean(learned.get('p-twice')!, learned.get('p-once')!);
    expectSameMean(learned.get('p-silent')!, learned.get('p-half')!);
    expectSameMean(learned.get('p-late')!, learned.get('p-half')!);
    // The rewards' values reached the models: 0.2 < 0.5 < 1 on the bias weight.
    expect(learned.get('p-once')!.mean[0]!).toBeLessThan(learned.get('p-half')!.mean[0]!);
    expect(learned.get('p-half')!.mean[0]!).toBeLessThan(learned.get('p-activated')!.mean[0]!);

    const after = await ops.path('/model/properties').get();
    expect(after.status).toBe('200');
    expect(Date.parse(after.body.lastModifiedTime)).toBeGreaterThan(Date.parse(before.body.lastModifiedTime));
    expect(after.body.creationTime).toBe(before.body.creationTime);

    // Its wait is over and its default reward learned: a reward now comes too late to be learned (checked below).
    await reward(lateEvent, 1);
  });

  it('sum adds the rewards; the late reward was never learned', async () => {
    const updated = await updateConfiguration({ rewardAggregation: 'sum' });
    expect(updated.rewardAggregation).toBe('sum');
    const summed = await probe('p-summed');
    expect(await reward(summed, 0.5)).toBe('204');
    expect(await reward(summed, 0.5)).toBe('204');
    const learned = await untilLearned(['p-summed']);
    // 0.5 + 0.5 is learned as one reward of 1, exactly what the activated probe learned.
    expectSameMean(learned.get('p-summed')!, await evidence('p-activated'));
    // Ranked after the late reward, p-summed is learned: the late one would have been by now.
    const late = await evidence('p-late');
    expect(late.observations).toBe(1);
    expectSameMean(late, await evidence('p-half'));
  });
});

describe('REST client: model export, reset and import', () => {
  it('GET /model is octet-stream with the evidence; DELETE resets it; PUT of the export restores it', async () => {
    const saved = await exportModel();
    expect(saved.contentType).toMatch(/^application\/octet-stream/);
    const once = actionEvidence(saved.model, 'p-once');
    expect(once.observations).toBe(1);

    const reset = await ops.path('/model').delete();
    expect(reset.status, JSON.stringify(reset.body)).toBe('204');
    expect((await evidence('p-once')).observations).toBe(0);
    expect((await evidence('p-summed')).observations).toBe(0);

    const restored = await ops.path('/model').put({ body: new Uint8Array(saved.bytes), contentType: 'application/octet-stream' });
    expect(restored.status, JSON.stringify(restored.body)).toBe('204');
    const back = await evidence('p-once');
    expect(back.observations).toBe(1);
    expectSameMean(back, once);
    expect((await evidence('p-summed')).observations).toBe(1);
  });
});

describe('REST client: Apprentice mode', () => {
  it('returns the baseline (first action, each slot\'s baselineAction) and reports how the model would have done', async () => {
    const pastaBefore = (await evidence('pasta')).observations;
    const updated = await updateConfiguration({ learningMode: 'Apprentice' });
    expect(updated.learningMode).toBe('Apprentice');
    const events: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await app.path('/rank').post({ body: { contextFeatures: PROBE_CONTEXT, actions: worldActions() } });
      if (isUnexpected(res)) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
      expect(res.body.rewardActionId).toBe('pasta');
      events.push(res.body.eventId);
    }
    const slots = [
      { id: 'main', baselineAction: 'soup' },
      { id: 'side', baselineAction: 'salad' },
    ];
    const multi = await app.path('/multislot/rank').post({ body: { contextFeatures: PROBE_CONTEXT, actions: worldActions(), slots } });
    if (isUnexpected(multi)) throw new Error(`${multi.status} ${JSON.stringify(multi.body)}`);
    expect(multi.body.slots).toEqual([
      { id: 'main', rewardActionId: 'soup' },
      { id: 'side', rewardActionId: 'salad' },
    ]);
    for (const eventId of events) expect(await reward(eventId, 1)).toBe('204');
    const slotReward = await app.path('/multislot/events/{eventId}/reward', multi.body.eventId).post({ body: { reward: [{ slotId: 'main', value: 1 }, { slotId: 'side', value: 1 }] } });
    expect(slotReward.status).toBe('204');

    let report: Record<string, unknown> = {};
    await vi.waitFor(
      async () => {
        report = ((await serviceConfiguration()).apprentice ?? {}) as Record<string, unknown>;
        expect(report.events).toBe(7);
      },
      { timeout: LEARN_TIMEOUT_MS, interval: 100 },
    );
    expect(report.baselineAverageReward).toBe(1);
    expect(report.agreement).toEqual(expect.any(Number));
    expect(report.agreement as number).toBeGreaterThanOrEqual(0);
    expect(report.agreement as number).toBeLessThanOrEqual(1);
    expect(report.modelIpsEstimate).toEqual(expect.any(Number));
    // Apprentice learns from the baseline's rewards: the five ranks served pasta.
    expect((await evidence('pasta')).observations).toBe(pastaBefore + 5);

    expect((await updateConfiguration({ learningMode: 'Online' })).learningMode).toBe('Online');
  });
});

describe('REST client: logs', () => {
  it('GET /logs/properties gives the date range; DELETE /logs forgets the closed events (a reward for one is 404) and keeps the open ones', async () => {
    const props = await ops.path('/logs/properties').get();
    if (isUnexpected(props)) throw new Error(`${props.status} ${JSON.stringify(props.body)}`);
    const { from, to } = props.body.dateRange;
    expect(Date.parse(from)).toBeLessThanOrEqual(Date.parse(to));
    const open = await probe('p-open-at-delete');
    const deleted = await ops.path('/logs').delete();
    expect(deleted.status).toBe('204');
    // p-late's wait ended long ago (its default reward was learned above): its event was closed, so it is gone.
    const gone = await app.path('/events/{eventId}/reward', lateEvent).post({ body: { value: 1 } });
    expect(gone.status).toBe('404');
    expect(gone.body).toMatchObject({ error: { code: 'ResourceNotFound' } });
    // A rank answered a moment ago still waits for its reward: it stays, and its reward is accepted.
    expect(await reward(open, 1)).toBe('204');
    const after = await ops.path('/logs/properties').get();
    expect(after.status).toBe('200');
  });

});
