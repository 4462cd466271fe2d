/** GET /v1/actions/{actionId}/stats and GET /v1/stats: volumes, response rates and posterior coefficients. */
import { createRoute } from '@hono/zod-openapi';
import type { KairosApp, RouteDeps } from './env.js';
import { ActionIdParams, ActionStatsSchema, problemResponses, StatsOverviewSchema } from './schemas.js';

const actionStats = createRoute({
  method: 'get',
  path: '/v1/actions/{actionId}/stats',
  tags: ['stats'],
  summary: 'Statistics and model of one action',
  description:
    '`responseRateCi` is a 95 % Wilson score interval over closed outcomes; `coefficients` give the posterior mean, ' +
    'marginal sd and 95 % credible interval (mean ± 1.96·sd) of each slot of x. `quality` is prequential: every ' +
    'logistic outcome is scored with the model as it stood before the learner cycle that learned it, and counted into ' +
    'a histogram of 200 logit bins; `auc` (Mann–Whitney, ties within a bin ½) with a Hanley–McNeil 95 % interval, and ' +
    '`calibration`, up to 10 groups of about equal count (mean predicted vs observed rate), are read off it.',
  request: { params: ActionIdParams },
  responses: {
    200: { description: 'The statistics', content: { 'application/json': { schema: ActionStatsSchema } } },
    ...problemResponses(400, 404),
  },
});

const allStats = createRoute({
  method: 'get',
  path: '/v1/stats',
  tags: ['stats'],
  summary: 'Statistics of every action, with totals',
  responses: { 200: { description: 'The statistics', content: { 'application/json': { schema: StatsOverviewSchema } } } },
});

/** Registers GET /v1/actions/{actionId}/stats and GET /v1/stats. */
export function registerStats(app: KairosApp, deps: RouteDeps): void {
  app.openapi(actionStats, (c) => c.json(deps.services.stats.action(c.req.valid('param').actionId), 200));
  app.openapi(allStats, (c) => c.json(deps.services.stats.all(), 200));
}
