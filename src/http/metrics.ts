/** GET /metrics: the Prometheus text exposition (format 0.0.4) of this engine's and the process's metrics. */
import { createRoute, z } from '@hono/zod-openapi';
import type { Metrics } from '../metrics/registry.js';
import type { KairosApp } from './env.js';

const metricsRoute = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['health'],
  summary: 'Prometheus metrics',
  description:
    'Requests by route and status with latency histograms, decisions by channel, group and outcome, feedback by outcome ' +
    'and source, learner lag and cycle time, model versions, database size, event-loop delay and auth failures, in ' +
    'the Prometheus text format 0.0.4 (README: the families and a scrape config).',
  responses: {
    200: { description: 'The exposition text', content: { 'text/plain': { schema: z.string() } } },
  },
});

/** Registers GET /metrics over `metrics`. */
export function registerMetrics(app: KairosApp, metrics: Metrics): void {
  app.openapi(metricsRoute, async (c) => c.text(await metrics.scrape(), 200, { 'content-type': metrics.contentType }));
}
