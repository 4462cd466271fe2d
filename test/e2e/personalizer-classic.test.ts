/**
 * Azure's classic Personalizer client (`@azure/cognitiveservices-personalizer` 2.0.1, base /personalizer/v1.0) against
 * the real Kairos server on 127.0.0.1 with API keys enforced, through every call it offers: rank (free-form nested
 * features with arrays, excluded actions, given and generated event ids, deferred activation), events.reward and
 * events.activate, and the errors it surfaces (a wrong key, an unknown event, too many actions). The client throws
 * unless rank answers exactly 201 and reward/activate exactly 204, so every resolved call checks a status too.
 */
import { RestError } from '@azure/ms-rest-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFeatures, worldActions } from '../../scripts/regret/personalizer-world.js';
import { classicClient, startPersonalizerServer, type PersonalizerServer } from '../helpers/personalizer.js';

let pz: PersonalizerServer;
beforeAll(async () => {
  pz = await startPersonalizerServer();
});
afterAll(async () => {
  await pz?.stop();
});

const NESTED_CONTEXT = [
  ...contextFeatures({ timeOfDay: 'morning', taste: 'sweet', weather: 'rainy', device: 'mobile' }),
  { user: { visits: 12, tags: ['vegan', 'runner'], address: { country: 'fr', zip: '75011' }, premium: false } },
  { history: [{ item: 'soup', count: 3 }, { item: 'coffee', count: 7 }] },
];

/** Runs `call`, which must throw a RestError; returns it. */
async function restError(call: () => Promise<unknown>): Promise<RestError> {
  try {
    await call();
  } catch (error) {
    expect(error).toBeInstanceOf(RestError);
    return error as RestError;
  }
  throw new Error('expected the client to throw');
}

describe('classic client: rank', () => {
  it('ranks every action once, excluded ones last with probability 0, probabilities summing to 1', async () => {
    const client = classicClient(pz.url, pz.appKey);
    const actions = worldActions();
    const excluded = ['coffee', 'soup'];
    const answer = await client.rank({ contextFeatures: NESTED_CONTEXT, actions, excludedActions: excluded });
    expect(answer._response.status).toBe(201);
    const ranking = answer.ranking ?? [];
    expect(ranking.map((r) => r.id).sort()).toEqual(actions.map((a) => a.id).sort());
    expect(ranking.slice(-excluded.length).map((r) => r.id).sort()).toEqual(excluded);
    for (const r of ranking.slice(-excluded.length)) expect(r.probability).toBe(0);
    for (const r of ranking.slice(0, -excluded.length)) expect(r.probability).toBeGreaterThan(0);
    const sum = ranking.reduce((s, r) => s + (r.probability ?? NaN), 0);
    expect(Math.abs(sum - 1), JSON.stringify(ranking)).toBeLessThan(1e-9);
    expect(excluded).not.toContain(answer.rewardActionId);
    expect(actions.map((a) => a.id)).toContain(answer.rewardActionId);
  });

  it('echoes a given eventId and generates distinct ones otherwise', async () => {
    const client = classicClient(pz.url, pz.appKey);
    const given = await client.rank({ contextFeatures: NESTED_CONTEXT, actions: worldActions(), eventId: 'classic-given-1' });
    expect(given.eventId).toBe('classic-given-1');
    const generated = await Promise.all([1, 2, 3].map(() => client.rank({ contextFeatures: NESTED_CONTEXT, actions: worldActions() })));
    const ids = generated.map((g) => g.eventId ?? '');
    for (const id of ids) expect(id.length).toBeGreaterThan(0);
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(256);
    expect(new Set(ids).size).toBe(3);
  });

  it('a rank with no context features and actions with empty features', async () => {
    const client = classicClient(pz.url, pz.appKey);
    const answer = await client.rank({ actions: [{ id: 'bare-1', features: [] }, { id: 'bare-2', features: [] }] });
    expect(answer._response.status).toBe(201);
    expect(answer.ranking).toHaveLength(2);
    expect(['bare-1', 'bare-2']).toContain(answer.rewardActionId);
  });
});

describe('classic client: reward and activate', () => {
  it('reward answers 204; a deferred event activates with 204 and then takes its reward', async () => {
    const client = classicClient(pz.url, pz.appKey);
    const ranked = await client.rank({ contextFeatures: NESTED_CONTEXT, actions: worldActions() });
    expect((await client.events.reward(ranked.eventId!, { value: 1 }))._response.status).toBe(204);

    const deferred = await client.rank({ contextFeatures: NESTED_CONTEXT, actions: worldActions(), eventId: 'classic-deferred-1', deferActivation: true });
    expect(deferred.eventId).toBe('classic-deferred-1');
    expect((await client.events.activate('classic-deferred-1'))._response.status).toBe(204);
    expect((await client.events.reward('classic-deferred-1', { value: 0.5 }))._response.status).toBe(204);
  });

  it('an event id that needs escaping in the path round-trips', async () => {
    const client = classicClient(pz.url, pz.appKey);
    const eventId = 'order 42/7?x=1#frag';
    const ranked = await client.rank({ actions: worldActions(), eventId });
    expect(ranked.eventId).toBe(eventId);
    expect((await client.events.reward(eventId, { value: 0.25 }))._response.status).toBe(204);
  });
});

describe('classic client: errors surfaced as Personalizer errors', () => {
  it('a wrong key: the client throws with status 401 and code Unauthorized', async () => {
    const wrong = classicClient(pz.url, 'kairos_not-a-real-key-not-a-real-key-not-a-real-key');
    const error = await restError(() => wrong.rank({ actions: worldActions() }));
    expect(error.statusCode).toBe(401);
    expect(error.code).toBe('Unauthorized');
    expect(error.body).toMatchObject({ error: { code: 'Unauthorized' } });
  });

  it('a reward for an unknown event: 404 ResourceNotFound', async () => {
    const client = classicClient(pz.url, pz.appKey);
    const error = await restError(() => client.events.reward('classic-never-ranked', { value: 1 }));
    expect(error.statusCode).toBe(404);
    expect(error.code).toBe('ResourceNotFound');
    expect(typeof (error.body as { error?: { message?: unknown } }).error?.message).toBe('string');
  });

  it('51 actions: 400 BadRequest, and nothing was ranked under that event id', async () => {
    const client = classicClient(pz.url, pz.appKey);
    const actions = Array.from({ length: 51 }, (_, i) => ({ id: `many-${i}`, features: [] }));
    const error = await restError(() => client.rank({ actions, eventId: 'classic-too-many' }));
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('BadRequest');
    const reward = await restError(() => client.events.reward('classic-too-many', { value: 1 }));
    expect(reward.statusCode).toBe(404);
  });

  it('a reward outside [-1, 1]: 400, surfaced by the client', async () => {
    const client = classicClient(pz.url, pz.appKey);
    const ranked = await client.rank({ actions: worldActions() });
    const error = await restError(() => client.events.reward(ranked.eventId!, { value: 1.5 }));
    expect(error.statusCode).toBe(400);
    expect(['BadRequest', 'InvalidRewardRequest']).toContain(error.code);
  });
});
