/** PUT /v1/actions/{actionId} (create or replace), GET /v1/actions, GET /v1/actions/{actionId}. */
import { createRoute } from '@hono/zod-openapi';
import type { KairosApp, RouteDeps } from './env.js';
import { ActionIdParams, ActionListSchema, ActionSchema, problemResponses, PutActionBody } from './schemas.js';

const putAction = createRoute({
  method: 'put',
  path: '/v1/actions/{actionId}',
  tags: ['actions'],
  summary: 'Create or replace an action',
  description:
    'Omitted `lever` and `likelihood` keep their previous values (defaults on creation). `value` ≤ 1e9, `lever` ≤ 1e6; ' +
    'a new action beyond the catalog limit (1,000 actions) is a 409.',
  request: {
    params: ActionIdParams,
    body: { required: true, content: { 'application/json': { schema: PutActionBody } } },
  },
  responses: {
    200: { description: 'Updated', content: { 'application/json': { schema: ActionSchema } } },
    201: { description: 'Created', content: { 'application/json': { schema: ActionSchema } } },
    ...problemResponses(400, 409, 413, 415),
  },
});

const listActions = createRoute({
  method: 'get',
  path: '/v1/actions',
  tags: ['actions'],
  summary: 'Every action, oldest first',
  responses: { 200: { description: 'The catalog', content: { 'application/json': { schema: ActionListSchema } } } },
});

const getAction = createRoute({
  method: 'get',
  path: '/v1/actions/{actionId}',
  tags: ['actions'],
  summary: 'One action',
  request: { params: ActionIdParams },
  responses: {
    200: { description: 'The action', content: { 'application/json': { schema: ActionSchema } } },
    ...problemResponses(400, 404),
  },
});

/** Registers PUT /v1/actions/{actionId}, GET /v1/actions and GET /v1/actions/{actionId}. */
export function registerActions(app: KairosApp, deps: RouteDeps): void {
  app.openapi(putAction, (c) => {
    const { actionId } = c.req.valid('param');
    const { action, created } = deps.services.catalog.putAction(actionId, c.req.valid('json'));
    return created ? c.json(action, 201) : c.json(action, 200);
  });
  app.openapi(listActions, (c) => c.json(deps.services.catalog.listActions(), 200));
  app.openapi(getAction, (c) => c.json(deps.services.catalog.getAction(c.req.valid('param').actionId), 200));
}
