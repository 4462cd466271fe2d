/** GET /healthz (the process answers) and GET /readyz (the database and the worker pool are ready). */
import { createRoute } from '@hono/zod-openapi';
import type { KairosApp, RouteDeps } from './env.js';
import { PROBLEM_CONTENT_TYPE, problemBody } from './problem.js';
import { HealthSchema, problemResponses, ReadySchema } from './schemas.js';

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['health'],
  summary: 'Liveness',
  responses: { 200: { description: 'Alive', content: { 'application/json': { schema: HealthSchema } } } },
});

const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['health'],
  summary: 'Readiness',
  description: 'A 503 problem carries the same `checks` map, naming what is not ready.',
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: ReadySchema } } },
    ...problemResponses(503),
  },
});

/** Registers GET /healthz and GET /readyz (503 problem with `checks` when not ready). */
export function registerHealth(app: KairosApp, deps: RouteDeps): void {
  app.openapi(healthz, (c) => c.json({ status: 'ok' as const, version: deps.version }, 200));
  app.openapi(readyz, (c) => {
    const { ready, checks } = deps.services.health.readiness();
    if (ready) return c.json({ status: 'ready' as const, checks }, 200);
    const failing = Object.keys(checks).filter((name) => !checks[name]);
    const body = problemBody('unavailable', `not ready: ${failing.join(', ') || 'unknown'}`, undefined, { checks });
    return c.json(body, 503, { 'content-type': PROBLEM_CONTENT_TYPE });
  });
}
