/** PUT/GET /v1/schema: the declared feature schema that turns a context object into the vector x. */
import { createRoute } from '@hono/zod-openapi';
import type { KairosApp, RouteDeps } from './env.js';
import { problemResponses, PutSchemaBody, SchemaViewSchema } from './schemas.js';

const putSchema = createRoute({
  method: 'put',
  path: '/v1/schema',
  tags: ['schema'],
  summary: 'Declare a new feature schema version',
  description:
    'Each call writes a new version. Models trained on an older version are not used with the new one: ' +
    'every action starts again from its prior.',
  request: { body: { required: true, content: { 'application/json': { schema: PutSchemaBody } } } },
  responses: {
    200: { description: 'The new schema version', content: { 'application/json': { schema: SchemaViewSchema } } },
    ...problemResponses(400, 413, 415),
  },
});

const getSchema = createRoute({
  method: 'get',
  path: '/v1/schema',
  tags: ['schema'],
  summary: 'The current feature schema',
  responses: {
    200: { description: 'The current schema version', content: { 'application/json': { schema: SchemaViewSchema } } },
  },
});

/** Registers PUT and GET /v1/schema. */
export function registerSchema(app: KairosApp, deps: RouteDeps): void {
  app.openapi(putSchema, (c) => {
    const body = c.req.valid('json');
    return c.json(deps.services.catalog.putSchema(body.features, body.channels), 200);
  });
  app.openapi(getSchema, (c) => c.json(deps.services.catalog.getSchema(), 200));
}
