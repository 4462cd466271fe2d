/**
 * Rewards and activations, single- and multi-slot: 204 with an empty body, exactly. The activate routes declare no
 * body: Personalizer's clients send one with `content-type: application/json` and no content, with no content type
 * at all, or `{}`, and all three must pass (no media-type gate, nothing reads the body).
 */
import { createRoute } from '@hono/zod-openapi';
import type { KairosApp, RouteDeps } from '../env.js';
import { stopIfTimedOut } from '../middleware/request-timeout.js';
import { EventIdParams, MultiSlotRewardRequestSchema, personalizerErrors, RewardRequestSchema } from './schemas.js';

export function registerEvents(app: KairosApp, deps: RouteDeps, base: string): void {
  const pz = () => deps.services.personalizer;

  const reward = createRoute({
    method: 'post',
    path: `${base}/events/{eventId}/reward`,
    tags: ['personalizer'],
    summary: 'Reward the action a rank chose',
    description:
      'Learned once the reward wait time ends (with `earliest`, a second reward for the event is accepted and ' +
      'ignored; with `sum`, added). A reward after the wait time is accepted and not learned.',
    request: { params: EventIdParams, body: { required: true, content: { 'application/json': { schema: RewardRequestSchema } } } },
    responses: { 204: { description: 'Accepted' }, ...personalizerErrors(400, 404, 413, 415) },
  });
  app.openapi(reward, async (c) => {
    const { value } = c.req.valid('json');
    stopIfTimedOut(c);
    await pz().reward(c.req.valid('param').eventId, value);
    return c.body(null, 204);
  });

  const activate = createRoute({
    method: 'post',
    path: `${base}/events/{eventId}/activate`,
    tags: ['personalizer'],
    summary: 'Activate an event ranked with deferActivation',
    request: { params: EventIdParams },
    responses: { 204: { description: 'Activated (or already active)' }, ...personalizerErrors(400, 404) },
  });
  app.openapi(activate, (c) => {
    pz().activate(c.req.valid('param').eventId);
    return c.body(null, 204);
  });

  const multiSlotReward = createRoute({
    method: 'post',
    path: `${base}/multislot/events/{eventId}/reward`,
    tags: ['personalizer'],
    summary: 'Reward the slots of a multi-slot rank',
    request: {
      params: EventIdParams,
      body: { required: true, content: { 'application/json': { schema: MultiSlotRewardRequestSchema } } },
    },
    responses: { 204: { description: 'Accepted' }, ...personalizerErrors(400, 404, 413, 415) },
  });
  app.openapi(multiSlotReward, async (c) => {
    const body = c.req.valid('json');
    stopIfTimedOut(c);
    await pz().multiSlotReward(c.req.valid('param').eventId, body.reward);
    return c.body(null, 204);
  });

  const multiSlotActivate = createRoute({
    method: 'post',
    path: `${base}/multislot/events/{eventId}/activate`,
    tags: ['personalizer'],
    summary: 'Activate a multi-slot event ranked with deferActivation',
    request: { params: EventIdParams },
    responses: { 204: { description: 'Activated (or already active)' }, ...personalizerErrors(400, 404) },
  });
  app.openapi(multiSlotActivate, (c) => {
    pz().multiSlotActivate(c.req.valid('param').eventId);
    return c.body(null, 204);
  });
}
