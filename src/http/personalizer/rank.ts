/** POST {base}/rank and POST {base}/multislot/rank: 201, exactly (the classic client throws on any other status). */
import { createRoute } from '@hono/zod-openapi';
import type { KairosApp, RouteDeps } from '../env.js';
import { stopIfTimedOut } from '../middleware/request-timeout.js';
import {
  MultiSlotRankRequestSchema,
  MultiSlotRankResponseSchema,
  personalizerErrors,
  RankRequestSchema,
  RankResponseSchema,
} from './schemas.js';

export function registerRank(app: KairosApp, deps: RouteDeps, base: string): void {
  const rank = createRoute({
    method: 'post',
    path: `${base}/rank`,
    tags: ['personalizer'],
    summary: 'Rank actions for a context (Azure Personalizer)',
    description:
      'Actions are created on first sight. `ranking` holds every action with its real selection probability (they sum ' +
      'to 1); excluded actions come last with probability 0. `rewardActionId` is the chosen action: the one to reward.',
    request: { body: { required: true, content: { 'application/json': { schema: RankRequestSchema } } } },
    responses: {
      201: { description: 'Ranked', content: { 'application/json': { schema: RankResponseSchema } } },
      ...personalizerErrors(400, 413, 415),
    },
  });
  app.openapi(rank, async (c) => {
    const body = c.req.valid('json');
    stopIfTimedOut(c);
    return c.json(await deps.services.personalizer.rank(body), 201);
  });

  const multiSlotRank = createRoute({
    method: 'post',
    path: `${base}/multislot/rank`,
    tags: ['personalizer'],
    summary: 'Rank actions for several slots at once (Azure Personalizer multi-slot)',
    description: 'One action per slot, each action used at most once; a slot returns its `baselineAction` in Apprentice mode.',
    request: { body: { required: true, content: { 'application/json': { schema: MultiSlotRankRequestSchema } } } },
    responses: {
      201: { description: 'Ranked', content: { 'application/json': { schema: MultiSlotRankResponseSchema } } },
      ...personalizerErrors(400, 413, 415),
    },
  });
  app.openapi(multiSlotRank, async (c) => {
    const body = c.req.valid('json');
    stopIfTimedOut(c);
    return c.json(await deps.services.personalizer.multiSlotRank(body), 201);
  });
}
