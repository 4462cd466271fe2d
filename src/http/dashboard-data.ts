/**
 * The dashboard's data calls (analyst): GET /v1/stats/series (outcomes per action per UTC day, from
 * `action_day_counts`) and GET /v1/stats/no-action (opportunities and no-action decisions by reason, from
 * `decision_counts`). Both read aggregates only (bench:dashboard times them at 10⁷ decisions).
 */
import { createRoute } from '@hono/zod-openapi';
import type { KairosApp, RouteDeps } from './env.js';
import { NoActionSchema, SeriesSchema, WindowQuerySchema } from './dashboard-schemas.js';
import { problemResponses } from './schemas.js';

const series = createRoute({
  method: 'get',
  path: '/v1/stats/series',
  tags: ['stats'],
  summary: 'Response rate over time: outcomes per action per UTC day',
  description:
    'Counts by the day of the decision (an outcome counts on the day its decision was made). `from` is floored and ' +
    '`to` ceiled to a UTC day; the answer states the window and has a point for every day of it (at most 400).',
  request: { query: WindowQuerySchema },
  responses: {
    200: { description: 'The series', content: { 'application/json': { schema: SeriesSchema } } },
    ...problemResponses(400),
  },
});

const noAction = createRoute({
  method: 'get',
  path: '/v1/stats/no-action',
  tags: ['stats'],
  summary: 'No-action share: opportunities and no-action decisions by reason',
  description: '`from` is floored and `to` ceiled to a UTC hour; the answer states the window.',
  request: { query: WindowQuerySchema },
  responses: {
    200: { description: 'The counts', content: { 'application/json': { schema: NoActionSchema } } },
    ...problemResponses(400),
  },
});

/** Registers GET /v1/stats/series and GET /v1/stats/no-action. */
export function registerDashboardData(app: KairosApp, deps: RouteDeps): void {
  app.openapi(series, (c) => c.json(deps.services.dashboard.series(c.req.valid('query')), 200));
  app.openapi(noAction, (c) => c.json(deps.services.dashboard.noAction(c.req.valid('query')), 200));
}
