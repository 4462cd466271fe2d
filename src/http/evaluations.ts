/** POST /v1/evaluations, GET /v1/evaluations/{evaluationId}, GET /v1/evaluations (DESIGN.md §9.2). */
import { createRoute } from '@hono/zod-openapi';
import type { KairosApp, RouteDeps } from './env.js';
import { EvaluationAcceptedSchema, EvaluationBodySchema, EvaluationIdParams, EvaluationListQuery, EvaluationListSchema, EvaluationSchema } from './evaluation-schemas.js';
import { problemResponses } from './schemas.js';

const startEvaluation = createRoute({
  method: 'post',
  path: '/v1/evaluations',
  tags: ['evaluations'],
  summary: 'Start an off-policy evaluation of candidate settings on the decision log',
  description:
    'Replays the window in time order; each candidate learns only from decisions before the one it is scored on. ' +
    'Rows: `logged`, `uniform` and each candidate, each with IPS, SNIPS and DR and analytic 95 % intervals. ' +
    'A window holding decisions without usable selection probabilities is a 409; one with no closed decision a 422.',
  request: { body: { required: true, content: { 'application/json': { schema: EvaluationBodySchema } } } },
  responses: {
    202: { description: 'Started; poll `location`', content: { 'application/json': { schema: EvaluationAcceptedSchema } } },
    ...problemResponses(400, 409, 413, 415, 422),
  },
});

const getEvaluation = createRoute({
  method: 'get',
  path: '/v1/evaluations/{evaluationId}',
  tags: ['evaluations'],
  summary: 'One evaluation: status, progress and, when done, its results',
  request: { params: EvaluationIdParams },
  responses: {
    200: { description: 'The evaluation', content: { 'application/json': { schema: EvaluationSchema } } },
    ...problemResponses(400, 404),
  },
});

const listEvaluations = createRoute({
  method: 'get',
  path: '/v1/evaluations',
  tags: ['evaluations'],
  summary: 'Evaluations, newest first',
  request: { query: EvaluationListQuery },
  responses: {
    200: { description: 'The evaluations', content: { 'application/json': { schema: EvaluationListSchema } } },
    ...problemResponses(400),
  },
});

export function registerEvaluations(app: KairosApp, deps: RouteDeps): void {
  app.openapi(startEvaluation, (c) => {
    const started = deps.services.evaluations.start(c.req.valid('json'));
    const location = `/v1/evaluations/${encodeURIComponent(started.evaluationId)}`;
    c.header('Location', location);
    return c.json({ evaluationId: started.evaluationId, status: 'running' as const, location }, 202);
  });
  app.openapi(getEvaluation, (c) => c.json(deps.services.evaluations.get(c.req.valid('param').evaluationId), 200));
  app.openapi(listEvaluations, (c) => c.json({ evaluations: deps.services.evaluations.list(c.req.valid('query').limit) }, 200));
}
